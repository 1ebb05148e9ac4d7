from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PerfectShortOutput")


@_attrs_define
class PerfectShortOutput:
    """
    Attributes:
        sell_time (datetime.datetime):
        sell_price (str):
        cover_time (datetime.datetime):
        cover_price (str):
        fraction (str):
    """

    sell_time: datetime.datetime
    sell_price: str
    cover_time: datetime.datetime
    cover_price: str
    fraction: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        sell_time = self.sell_time.isoformat()

        sell_price = self.sell_price

        cover_time = self.cover_time.isoformat()

        cover_price = self.cover_price

        fraction = self.fraction

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "sell_time": sell_time,
                "sell_price": sell_price,
                "cover_time": cover_time,
                "cover_price": cover_price,
                "fraction": fraction,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        sell_time = datetime.datetime.fromisoformat(d.pop("sell_time"))

        sell_price = d.pop("sell_price")

        cover_time = datetime.datetime.fromisoformat(d.pop("cover_time"))

        cover_price = d.pop("cover_price")

        fraction = d.pop("fraction")

        perfect_short_output = cls(
            sell_time=sell_time,
            sell_price=sell_price,
            cover_time=cover_time,
            cover_price=cover_price,
            fraction=fraction,
        )

        perfect_short_output.additional_properties = d
        return perfect_short_output

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
