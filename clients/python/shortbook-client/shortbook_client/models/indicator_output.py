from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.candle_interval_enum import CandleIntervalEnum
from ..models.name_enum import NameEnum

if TYPE_CHECKING:
    from ..models.bollinger_point import BollingerPoint
    from ..models.fibonacci_output import FibonacciOutput
    from ..models.indicator_params_output import IndicatorParamsOutput
    from ..models.macd_point import MacdPoint
    from ..models.value_point import ValuePoint


T = TypeVar("T", bound="IndicatorOutput")


@_attrs_define
class IndicatorOutput:
    """
    Attributes:
        symbol (str):
        interval (CandleIntervalEnum): * `1m` - 1 minute
            * `5m` - 5 minutes
            * `1h` - 1 hour
            * `1d` - 1 day
        name (NameEnum): * `sma` - sma
            * `ema` - ema
            * `bollinger` - bollinger
            * `rsi` - rsi
            * `macd` - macd
            * `fibonacci` - fibonacci
        params (IndicatorParamsOutput): The parameters used, defaults filled in; only the indicator's own appear.
        points (list[BollingerPoint | MacdPoint | ValuePoint]):
        fibonacci (FibonacciOutput | None): fibonacci only; null for the other indicators.
    """

    symbol: str
    interval: CandleIntervalEnum
    name: NameEnum
    params: IndicatorParamsOutput
    points: list[BollingerPoint | MacdPoint | ValuePoint]
    fibonacci: FibonacciOutput | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.bollinger_point import BollingerPoint  # noqa: PLC0415
        from ..models.fibonacci_output import FibonacciOutput  # noqa: PLC0415
        from ..models.value_point import ValuePoint  # noqa: PLC0415

        symbol = self.symbol

        interval = self.interval.value

        name = self.name.value

        params = self.params.to_dict()

        points = []
        for points_item_data in self.points:
            points_item: dict[str, Any]
            if isinstance(points_item_data, ValuePoint):
                points_item = points_item_data.to_dict()
            elif isinstance(points_item_data, BollingerPoint):
                points_item = points_item_data.to_dict()
            else:
                points_item = points_item_data.to_dict()

            points.append(points_item)

        fibonacci: dict[str, Any] | None
        if isinstance(self.fibonacci, FibonacciOutput):
            fibonacci = self.fibonacci.to_dict()
        else:
            fibonacci = self.fibonacci

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "symbol": symbol,
                "interval": interval,
                "name": name,
                "params": params,
                "points": points,
                "fibonacci": fibonacci,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.bollinger_point import BollingerPoint  # noqa: PLC0415
        from ..models.fibonacci_output import FibonacciOutput  # noqa: PLC0415
        from ..models.indicator_params_output import IndicatorParamsOutput  # noqa: PLC0415
        from ..models.macd_point import MacdPoint  # noqa: PLC0415
        from ..models.value_point import ValuePoint  # noqa: PLC0415

        d = dict(src_dict)
        symbol = d.pop("symbol")

        interval = CandleIntervalEnum(d.pop("interval"))

        name = NameEnum(d.pop("name"))

        params = IndicatorParamsOutput.from_dict(d.pop("params"))

        points = []
        _points = d.pop("points")
        for points_item_data in _points:

            def _parse_points_item(data: object) -> BollingerPoint | MacdPoint | ValuePoint:
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_indicator_point_type_0 = ValuePoint.from_dict(data)

                    return componentsschemas_indicator_point_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_indicator_point_type_1 = BollingerPoint.from_dict(data)

                    return componentsschemas_indicator_point_type_1
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_indicator_point_type_2 = MacdPoint.from_dict(data)

                return componentsschemas_indicator_point_type_2

            points_item = _parse_points_item(points_item_data)

            points.append(points_item)

        def _parse_fibonacci(data: object) -> FibonacciOutput | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                fibonacci_type_1 = FibonacciOutput.from_dict(data)

                return fibonacci_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(FibonacciOutput | None, data)

        fibonacci = _parse_fibonacci(d.pop("fibonacci"))

        indicator_output = cls(
            symbol=symbol,
            interval=interval,
            name=name,
            params=params,
            points=points,
            fibonacci=fibonacci,
        )

        indicator_output.additional_properties = d
        return indicator_output

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
