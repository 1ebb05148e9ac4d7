from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="FundingRateOutput")


@_attrs_define
class FundingRateOutput:
    """
    Attributes:
        funding_time (datetime.datetime):
        rate (str): Positive: longs paid shorts.
        mark_price (str):
        index_price (str):
    """

    funding_time: datetime.datetime
    rate: str
    mark_price: str
    index_price: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        funding_time = self.funding_time.isoformat()

        rate = self.rate

        mark_price = self.mark_price

        index_price = self.index_price

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "funding_time": funding_time,
                "rate": rate,
                "mark_price": mark_price,
                "index_price": index_price,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        funding_time = datetime.datetime.fromisoformat(d.pop("funding_time"))

        rate = d.pop("rate")

        mark_price = d.pop("mark_price")

        index_price = d.pop("index_price")

        funding_rate_output = cls(
            funding_time=funding_time,
            rate=rate,
            mark_price=mark_price,
            index_price=index_price,
        )

        funding_rate_output.additional_properties = d
        return funding_rate_output

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
