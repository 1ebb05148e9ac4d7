from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.guide_output import GuideOutput


T = TypeVar("T", bound="ProgressOutput")


@_attrs_define
class ProgressOutput:
    """
    Attributes:
        total (int):
        read (int):
        completed (int):
        percent (int):
        next_guide (None | str): The next guide's slug.
        guides (list[GuideOutput]):
    """

    total: int
    read: int
    completed: int
    percent: int
    next_guide: None | str
    guides: list[GuideOutput]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        total = self.total

        read = self.read

        completed = self.completed

        percent = self.percent

        next_guide: None | str
        next_guide = self.next_guide

        guides = []
        for guides_item_data in self.guides:
            guides_item = guides_item_data.to_dict()
            guides.append(guides_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "total": total,
                "read": read,
                "completed": completed,
                "percent": percent,
                "next_guide": next_guide,
                "guides": guides,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.guide_output import GuideOutput  # noqa: PLC0415

        d = dict(src_dict)
        total = d.pop("total")

        read = d.pop("read")

        completed = d.pop("completed")

        percent = d.pop("percent")

        def _parse_next_guide(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        next_guide = _parse_next_guide(d.pop("next_guide"))

        guides = []
        _guides = d.pop("guides")
        for guides_item_data in _guides:
            guides_item = GuideOutput.from_dict(guides_item_data)

            guides.append(guides_item)

        progress_output = cls(
            total=total,
            read=read,
            completed=completed,
            percent=percent,
            next_guide=next_guide,
            guides=guides,
        )

        progress_output.additional_properties = d
        return progress_output

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
