from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="MarginTierOutput")


@_attrs_define
class MarginTierOutput:
    """
    Attributes:
        max_notional (str):
        initial_margin_rate (str):
        maintenance_margin_rate (str):
        maintenance_amount (str):
    """

    max_notional: str
    initial_margin_rate: str
    maintenance_margin_rate: str
    maintenance_amount: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        max_notional = self.max_notional

        initial_margin_rate = self.initial_margin_rate

        maintenance_margin_rate = self.maintenance_margin_rate

        maintenance_amount = self.maintenance_amount

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "max_notional": max_notional,
                "initial_margin_rate": initial_margin_rate,
                "maintenance_margin_rate": maintenance_margin_rate,
                "maintenance_amount": maintenance_amount,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        max_notional = d.pop("max_notional")

        initial_margin_rate = d.pop("initial_margin_rate")

        maintenance_margin_rate = d.pop("maintenance_margin_rate")

        maintenance_amount = d.pop("maintenance_amount")

        margin_tier_output = cls(
            max_notional=max_notional,
            initial_margin_rate=initial_margin_rate,
            maintenance_margin_rate=maintenance_margin_rate,
            maintenance_amount=maintenance_amount,
        )

        margin_tier_output.additional_properties = d
        return margin_tier_output

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
