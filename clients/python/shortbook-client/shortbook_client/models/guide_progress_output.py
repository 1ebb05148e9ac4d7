from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="GuideProgressOutput")


@_attrs_define
class GuideProgressOutput:
    """
    Attributes:
        read (bool):
        completed (bool):
        best_percent (int | None):
    """

    read: bool
    completed: bool
    best_percent: int | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        read = self.read

        completed = self.completed

        best_percent: int | None
        best_percent = self.best_percent

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "read": read,
                "completed": completed,
                "best_percent": best_percent,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        read = d.pop("read")

        completed = d.pop("completed")

        def _parse_best_percent(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        best_percent = _parse_best_percent(d.pop("best_percent"))

        guide_progress_output = cls(
            read=read,
            completed=completed,
            best_percent=best_percent,
        )

        guide_progress_output.additional_properties = d
        return guide_progress_output

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
