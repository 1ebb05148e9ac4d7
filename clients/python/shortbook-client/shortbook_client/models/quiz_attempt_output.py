from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.question_result_output import QuestionResultOutput


T = TypeVar("T", bound="QuizAttemptOutput")


@_attrs_define
class QuizAttemptOutput:
    """
    Attributes:
        id (int):
        guide (str):
        correct (int):
        total (int):
        percent (int):
        passed (bool):
        created_at (datetime.datetime):
        results (list[QuestionResultOutput]):
    """

    id: int
    guide: str
    correct: int
    total: int
    percent: int
    passed: bool
    created_at: datetime.datetime
    results: list[QuestionResultOutput]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        guide = self.guide

        correct = self.correct

        total = self.total

        percent = self.percent

        passed = self.passed

        created_at = self.created_at.isoformat()

        results = []
        for results_item_data in self.results:
            results_item = results_item_data.to_dict()
            results.append(results_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "guide": guide,
                "correct": correct,
                "total": total,
                "percent": percent,
                "passed": passed,
                "created_at": created_at,
                "results": results,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.question_result_output import QuestionResultOutput  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        guide = d.pop("guide")

        correct = d.pop("correct")

        total = d.pop("total")

        percent = d.pop("percent")

        passed = d.pop("passed")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        results = []
        _results = d.pop("results")
        for results_item_data in _results:
            results_item = QuestionResultOutput.from_dict(results_item_data)

            results.append(results_item)

        quiz_attempt_output = cls(
            id=id,
            guide=guide,
            correct=correct,
            total=total,
            percent=percent,
            passed=passed,
            created_at=created_at,
            results=results,
        )

        quiz_attempt_output.additional_properties = d
        return quiz_attempt_output

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
