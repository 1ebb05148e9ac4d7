from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.quiz_answers_input_request_answers import QuizAnswersInputRequestAnswers


T = TypeVar("T", bound="QuizAnswersInputRequest")


@_attrs_define
class QuizAnswersInputRequest:
    """
    Attributes:
        answers (QuizAnswersInputRequestAnswers): Question id to answer: a choice id, or a number ("103960.40").
    """

    answers: QuizAnswersInputRequestAnswers
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        answers = self.answers.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "answers": answers,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.quiz_answers_input_request_answers import QuizAnswersInputRequestAnswers  # noqa: PLC0415

        d = dict(src_dict)
        answers = QuizAnswersInputRequestAnswers.from_dict(d.pop("answers"))

        quiz_answers_input_request = cls(
            answers=answers,
        )

        quiz_answers_input_request.additional_properties = d
        return quiz_answers_input_request

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
