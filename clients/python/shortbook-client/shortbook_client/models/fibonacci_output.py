from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.swing_enum import SwingEnum

if TYPE_CHECKING:
    from ..models.fibonacci_level_output import FibonacciLevelOutput


T = TypeVar("T", bound="FibonacciOutput")


@_attrs_define
class FibonacciOutput:
    """
    Attributes:
        swing (SwingEnum): * `up` - up
            * `down` - down
        high (str): The window's highest high.
        low (str): The window's lowest low.
        levels (list[FibonacciLevelOutput]): From 0% (the swing's end).
    """

    swing: SwingEnum
    high: str
    low: str
    levels: list[FibonacciLevelOutput]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        swing = self.swing.value

        high = self.high

        low = self.low

        levels = []
        for levels_item_data in self.levels:
            levels_item = levels_item_data.to_dict()
            levels.append(levels_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "swing": swing,
                "high": high,
                "low": low,
                "levels": levels,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.fibonacci_level_output import FibonacciLevelOutput  # noqa: PLC0415

        d = dict(src_dict)
        swing = SwingEnum(d.pop("swing"))

        high = d.pop("high")

        low = d.pop("low")

        levels = []
        _levels = d.pop("levels")
        for levels_item_data in _levels:
            levels_item = FibonacciLevelOutput.from_dict(levels_item_data)

            levels.append(levels_item)

        fibonacci_output = cls(
            swing=swing,
            high=high,
            low=low,
            levels=levels,
        )

        fibonacci_output.additional_properties = d
        return fibonacci_output

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
