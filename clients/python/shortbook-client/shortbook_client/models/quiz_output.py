from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.question_output import QuestionOutput


T = TypeVar("T", bound="QuizOutput")


@_attrs_define
class QuizOutput:
    """
    Attributes:
        guide (str):
        title (str):
        pass_percent (int):
        questions (list[QuestionOutput]):
    """

    guide: str
    title: str
    pass_percent: int
    questions: list[QuestionOutput]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        guide = self.guide

        title = self.title

        pass_percent = self.pass_percent

        questions = []
        for questions_item_data in self.questions:
            questions_item = questions_item_data.to_dict()
            questions.append(questions_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "guide": guide,
                "title": title,
                "pass_percent": pass_percent,
                "questions": questions,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.question_output import QuestionOutput  # noqa: PLC0415

        d = dict(src_dict)
        guide = d.pop("guide")

        title = d.pop("title")

        pass_percent = d.pop("pass_percent")

        questions = []
        _questions = d.pop("questions")
        for questions_item_data in _questions:
            questions_item = QuestionOutput.from_dict(questions_item_data)

            questions.append(questions_item)

        quiz_output = cls(
            guide=guide,
            title=title,
            pass_percent=pass_percent,
            questions=questions,
        )

        quiz_output.additional_properties = d
        return quiz_output

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
