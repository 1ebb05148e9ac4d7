from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="QuestionResultOutput")


@_attrs_define
class QuestionResultOutput:
    """
    Attributes:
        question (int):
        given (str):
        correct (bool):
        answer (str): The right choice's id, or the right number.
        explanation (str): Markdown.
    """

    question: int
    given: str
    correct: bool
    answer: str
    explanation: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        question = self.question

        given = self.given

        correct = self.correct

        answer = self.answer

        explanation = self.explanation

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "question": question,
                "given": given,
                "correct": correct,
                "answer": answer,
                "explanation": explanation,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        question = d.pop("question")

        given = d.pop("given")

        correct = d.pop("correct")

        answer = d.pop("answer")

        explanation = d.pop("explanation")

        question_result_output = cls(
            question=question,
            given=given,
            correct=correct,
            answer=answer,
            explanation=explanation,
        )

        question_result_output.additional_properties = d
        return question_result_output

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
