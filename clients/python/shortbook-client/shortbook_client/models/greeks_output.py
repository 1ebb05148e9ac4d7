from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="GreeksOutput")


@_attrs_define
class GreeksOutput:
    """Black-Scholes Greeks in traders' units (vega per vol point, theta per day).

    Attributes:
        delta (str):
        gamma (str):
        vega (str):
        theta (str):
        rho (str):
    """

    delta: str
    gamma: str
    vega: str
    theta: str
    rho: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        delta = self.delta

        gamma = self.gamma

        vega = self.vega

        theta = self.theta

        rho = self.rho

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "delta": delta,
                "gamma": gamma,
                "vega": vega,
                "theta": theta,
                "rho": rho,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        delta = d.pop("delta")

        gamma = d.pop("gamma")

        vega = d.pop("vega")

        theta = d.pop("theta")

        rho = d.pop("rho")

        greeks_output = cls(
            delta=delta,
            gamma=gamma,
            vega=vega,
            theta=theta,
            rho=rho,
        )

        greeks_output.additional_properties = d
        return greeks_output

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
