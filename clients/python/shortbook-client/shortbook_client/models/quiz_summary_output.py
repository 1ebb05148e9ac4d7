from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="QuizSummaryOutput")


@_attrs_define
class QuizSummaryOutput:
    """
    Attributes:
        title (str):
        pass_percent (int):
        question_count (int):
    """

    title: str
    pass_percent: int
    question_count: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        title = self.title

        pass_percent = self.pass_percent

        question_count = self.question_count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "title": title,
                "pass_percent": pass_percent,
                "question_count": question_count,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        title = d.pop("title")

        pass_percent = d.pop("pass_percent")

        question_count = d.pop("question_count")

        quiz_summary_output = cls(
            title=title,
            pass_percent=pass_percent,
            question_count=question_count,
        )

        quiz_summary_output.additional_properties = d
        return quiz_summary_output

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
