from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.margin_mode_enum import MarginModeEnum

T = TypeVar("T", bound="LeverageOutput")


@_attrs_define
class LeverageOutput:
    """
    Attributes:
        instrument (str):
        leverage (str):
        margin_mode (MarginModeEnum): * `cross` - Cross
            * `isolated` - Isolated
    """

    instrument: str
    leverage: str
    margin_mode: MarginModeEnum
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        instrument = self.instrument

        leverage = self.leverage

        margin_mode = self.margin_mode.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "instrument": instrument,
                "leverage": leverage,
                "margin_mode": margin_mode,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        instrument = d.pop("instrument")

        leverage = d.pop("leverage")

        margin_mode = MarginModeEnum(d.pop("margin_mode"))

        leverage_output = cls(
            instrument=instrument,
            leverage=leverage,
            margin_mode=margin_mode,
        )

        leverage_output.additional_properties = d
        return leverage_output

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
