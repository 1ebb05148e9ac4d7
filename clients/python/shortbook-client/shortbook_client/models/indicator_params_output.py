from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="IndicatorParamsOutput")


@_attrs_define
class IndicatorParamsOutput:
    """The parameters used, defaults filled in; only the indicator's own appear.

    Attributes:
        period (int | Unset):
        k (str | Unset):
        fast (int | Unset):
        slow (int | Unset):
        signal (int | Unset):
    """

    period: int | Unset = UNSET
    k: str | Unset = UNSET
    fast: int | Unset = UNSET
    slow: int | Unset = UNSET
    signal: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        period = self.period

        k = self.k

        fast = self.fast

        slow = self.slow

        signal = self.signal

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if period is not UNSET:
            field_dict["period"] = period
        if k is not UNSET:
            field_dict["k"] = k
        if fast is not UNSET:
            field_dict["fast"] = fast
        if slow is not UNSET:
            field_dict["slow"] = slow
        if signal is not UNSET:
            field_dict["signal"] = signal

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        period = d.pop("period", UNSET)

        k = d.pop("k", UNSET)

        fast = d.pop("fast", UNSET)

        slow = d.pop("slow", UNSET)

        signal = d.pop("signal", UNSET)

        indicator_params_output = cls(
            period=period,
            k=k,
            fast=fast,
            slow=slow,
            signal=signal,
        )

        indicator_params_output.additional_properties = d
        return indicator_params_output

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
