from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.scenario_interval_enum import ScenarioIntervalEnum

if TYPE_CHECKING:
    from ..models.scenario_output_speeds import ScenarioOutputSpeeds


T = TypeVar("T", bound="ScenarioOutput")


@_attrs_define
class ScenarioOutput:
    """
    Attributes:
        slug (str):
        title (str):
        summary (str):
        lesson (str):
        interval (ScenarioIntervalEnum): * `1h` - Hourly bars
            * `1d` - Daily bars
        start (datetime.datetime):
        end (datetime.datetime):
        starting_balance (str):
        default_speed (int):
        speeds (ScenarioOutputSpeeds):
    """

    slug: str
    title: str
    summary: str
    lesson: str
    interval: ScenarioIntervalEnum
    start: datetime.datetime
    end: datetime.datetime
    starting_balance: str
    default_speed: int
    speeds: ScenarioOutputSpeeds
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        slug = self.slug

        title = self.title

        summary = self.summary

        lesson = self.lesson

        interval = self.interval.value

        start = self.start.isoformat()

        end = self.end.isoformat()

        starting_balance = self.starting_balance

        default_speed = self.default_speed

        speeds = self.speeds.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "slug": slug,
                "title": title,
                "summary": summary,
                "lesson": lesson,
                "interval": interval,
                "start": start,
                "end": end,
                "starting_balance": starting_balance,
                "default_speed": default_speed,
                "speeds": speeds,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.scenario_output_speeds import ScenarioOutputSpeeds  # noqa: PLC0415

        d = dict(src_dict)
        slug = d.pop("slug")

        title = d.pop("title")

        summary = d.pop("summary")

        lesson = d.pop("lesson")

        interval = ScenarioIntervalEnum(d.pop("interval"))

        start = datetime.datetime.fromisoformat(d.pop("start"))

        end = datetime.datetime.fromisoformat(d.pop("end"))

        starting_balance = d.pop("starting_balance")

        default_speed = d.pop("default_speed")

        speeds = ScenarioOutputSpeeds.from_dict(d.pop("speeds"))

        scenario_output = cls(
            slug=slug,
            title=title,
            summary=summary,
            lesson=lesson,
            interval=interval,
            start=start,
            end=end,
            starting_balance=starting_balance,
            default_speed=default_speed,
            speeds=speeds,
        )

        scenario_output.additional_properties = d
        return scenario_output

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
