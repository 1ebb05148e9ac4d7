from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="MacdPoint")


@_attrs_define
class MacdPoint:
    """
    Attributes:
        time (datetime.datetime):
        macd (None | str):
        signal (None | str):
        histogram (None | str):
    """

    time: datetime.datetime
    macd: None | str
    signal: None | str
    histogram: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        time = self.time.isoformat()

        macd: None | str
        macd = self.macd

        signal: None | str
        signal = self.signal

        histogram: None | str
        histogram = self.histogram

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "time": time,
                "macd": macd,
                "signal": signal,
                "histogram": histogram,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        time = datetime.datetime.fromisoformat(d.pop("time"))

        def _parse_macd(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        macd = _parse_macd(d.pop("macd"))

        def _parse_signal(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        signal = _parse_signal(d.pop("signal"))

        def _parse_histogram(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        histogram = _parse_histogram(d.pop("histogram"))

        macd_point = cls(
            time=time,
            macd=macd,
            signal=signal,
            histogram=histogram,
        )

        macd_point.additional_properties = d
        return macd_point

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
