from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="BollingerPoint")


@_attrs_define
class BollingerPoint:
    """
    Attributes:
        time (datetime.datetime):
        middle (None | str):
        upper (None | str):
        lower (None | str):
    """

    time: datetime.datetime
    middle: None | str
    upper: None | str
    lower: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        time = self.time.isoformat()

        middle: None | str
        middle = self.middle

        upper: None | str
        upper = self.upper

        lower: None | str
        lower = self.lower

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "time": time,
                "middle": middle,
                "upper": upper,
                "lower": lower,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        time = datetime.datetime.fromisoformat(d.pop("time"))

        def _parse_middle(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        middle = _parse_middle(d.pop("middle"))

        def _parse_upper(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        upper = _parse_upper(d.pop("upper"))

        def _parse_lower(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        lower = _parse_lower(d.pop("lower"))

        bollinger_point = cls(
            time=time,
            middle=middle,
            upper=upper,
            lower=lower,
        )

        bollinger_point.additional_properties = d
        return bollinger_point

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
