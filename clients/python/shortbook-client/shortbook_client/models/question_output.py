from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.question_output_kind_enum import QuestionOutputKindEnum

if TYPE_CHECKING:
    from ..models.choice_output import ChoiceOutput


T = TypeVar("T", bound="QuestionOutput")


@_attrs_define
class QuestionOutput:
    """
    Attributes:
        id (int):
        kind (QuestionOutputKindEnum): * `choice` - Multiple choice
            * `numeric` - Numeric
        prompt (str): Markdown.
        unit (str):
        choices (list[ChoiceOutput]): Empty for a numeric question.
    """

    id: int
    kind: QuestionOutputKindEnum
    prompt: str
    unit: str
    choices: list[ChoiceOutput]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        kind = self.kind.value

        prompt = self.prompt

        unit = self.unit

        choices = []
        for choices_item_data in self.choices:
            choices_item = choices_item_data.to_dict()
            choices.append(choices_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "kind": kind,
                "prompt": prompt,
                "unit": unit,
                "choices": choices,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.choice_output import ChoiceOutput  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        kind = QuestionOutputKindEnum(d.pop("kind"))

        prompt = d.pop("prompt")

        unit = d.pop("unit")

        choices = []
        _choices = d.pop("choices")
        for choices_item_data in _choices:
            choices_item = ChoiceOutput.from_dict(choices_item_data)

            choices.append(choices_item)

        question_output = cls(
            id=id,
            kind=kind,
            prompt=prompt,
            unit=unit,
            choices=choices,
        )

        question_output.additional_properties = d
        return question_output

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
