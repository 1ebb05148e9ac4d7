from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.scenario_run_output_status_enum import ScenarioRunOutputStatusEnum

T = TypeVar("T", bound="ScenarioRunOutput")


@_attrs_define
class ScenarioRunOutput:
    """
    Attributes:
        id (int):
        scenario (str):
        title (str):
        status (ScenarioRunOutputStatusEnum): * `running` - Running
            * `paused` - Paused
            * `finished` - Finished
        speed (int):
        starting_balance (str):
        started_at (datetime.datetime):
        finished_at (datetime.datetime | None):
        end_reason (str):
    """

    id: int
    scenario: str
    title: str
    status: ScenarioRunOutputStatusEnum
    speed: int
    starting_balance: str
    started_at: datetime.datetime
    finished_at: datetime.datetime | None
    end_reason: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        scenario = self.scenario

        title = self.title

        status = self.status.value

        speed = self.speed

        starting_balance = self.starting_balance

        started_at = self.started_at.isoformat()

        finished_at: None | str
        if isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        end_reason = self.end_reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "scenario": scenario,
                "title": title,
                "status": status,
                "speed": speed,
                "starting_balance": starting_balance,
                "started_at": started_at,
                "finished_at": finished_at,
                "end_reason": end_reason,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        scenario = d.pop("scenario")

        title = d.pop("title")

        status = ScenarioRunOutputStatusEnum(d.pop("status"))

        speed = d.pop("speed")

        starting_balance = d.pop("starting_balance")

        started_at = datetime.datetime.fromisoformat(d.pop("started_at"))

        def _parse_finished_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_at_type_0 = datetime.datetime.fromisoformat(data)

                return finished_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        finished_at = _parse_finished_at(d.pop("finished_at"))

        end_reason = d.pop("end_reason")

        scenario_run_output = cls(
            id=id,
            scenario=scenario,
            title=title,
            status=status,
            speed=speed,
            starting_balance=starting_balance,
            started_at=started_at,
            finished_at=finished_at,
            end_reason=end_reason,
        )

        scenario_run_output.additional_properties = d
        return scenario_run_output

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
