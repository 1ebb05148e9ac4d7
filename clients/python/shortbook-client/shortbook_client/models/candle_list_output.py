from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.candle_interval_enum import CandleIntervalEnum

if TYPE_CHECKING:
    from ..models.candle_output import CandleOutput


T = TypeVar("T", bound="CandleListOutput")


@_attrs_define
class CandleListOutput:
    """
    Attributes:
        symbol (str):
        interval (CandleIntervalEnum): * `1m` - 1 minute
            * `5m` - 5 minutes
            * `1h` - 1 hour
            * `1d` - 1 day
        candles (list[CandleOutput]): Oldest first.
    """

    symbol: str
    interval: CandleIntervalEnum
    candles: list[CandleOutput]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        symbol = self.symbol

        interval = self.interval.value

        candles = []
        for candles_item_data in self.candles:
            candles_item = candles_item_data.to_dict()
            candles.append(candles_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "symbol": symbol,
                "interval": interval,
                "candles": candles,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.candle_output import CandleOutput  # noqa: PLC0415

        d = dict(src_dict)
        symbol = d.pop("symbol")

        interval = CandleIntervalEnum(d.pop("interval"))

        candles = []
        _candles = d.pop("candles")
        for candles_item_data in _candles:
            candles_item = CandleOutput.from_dict(candles_item_data)

            candles.append(candles_item)

        candle_list_output = cls(
            symbol=symbol,
            interval=interval,
            candles=candles,
        )

        candle_list_output.additional_properties = d
        return candle_list_output

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
