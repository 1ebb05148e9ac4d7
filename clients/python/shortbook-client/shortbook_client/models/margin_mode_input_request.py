from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.margin_mode_enum import MarginModeEnum

T = TypeVar("T", bound="MarginModeInputRequest")


@_attrs_define
class MarginModeInputRequest:
    """
    Attributes:
        margin_mode (MarginModeEnum): * `cross` - Cross
            * `isolated` - Isolated
    """

    margin_mode: MarginModeEnum
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        margin_mode = self.margin_mode.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "margin_mode": margin_mode,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        margin_mode = MarginModeEnum(d.pop("margin_mode"))

        margin_mode_input_request = cls(
            margin_mode=margin_mode,
        )

        margin_mode_input_request.additional_properties = d
        return margin_mode_input_request

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
