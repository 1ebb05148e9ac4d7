from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.equity_point_output import EquityPointOutput


T = TypeVar("T", bound="EquityCurveOutput")


@_attrs_define
class EquityCurveOutput:
    """
    Attributes:
        range_ (str):
        resolution (str):
        points (list[EquityPointOutput]):
    """

    range_: str
    resolution: str
    points: list[EquityPointOutput]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        range_ = self.range_

        resolution = self.resolution

        points = []
        for points_item_data in self.points:
            points_item = points_item_data.to_dict()
            points.append(points_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "range": range_,
                "resolution": resolution,
                "points": points,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.equity_point_output import EquityPointOutput  # noqa: PLC0415

        d = dict(src_dict)
        range_ = d.pop("range")

        resolution = d.pop("resolution")

        points = []
        _points = d.pop("points")
        for points_item_data in _points:
            points_item = EquityPointOutput.from_dict(points_item_data)

            points.append(points_item)

        equity_curve_output = cls(
            range_=range_,
            resolution=resolution,
            points=points,
        )

        equity_curve_output.additional_properties = d
        return equity_curve_output

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
