from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="RunCostsOutput")


@_attrs_define
class RunCostsOutput:
    """Paid is positive, received negative; carrying costs follow the replayed clock.

    Attributes:
        fees (str):
        funding (str):
        borrow_interest (str):
        financing (str):
        carrying (str): Funding, borrow interest and financing together.
        total (str):
    """

    fees: str
    funding: str
    borrow_interest: str
    financing: str
    carrying: str
    total: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        fees = self.fees

        funding = self.funding

        borrow_interest = self.borrow_interest

        financing = self.financing

        carrying = self.carrying

        total = self.total

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "fees": fees,
                "funding": funding,
                "borrow_interest": borrow_interest,
                "financing": financing,
                "carrying": carrying,
                "total": total,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        fees = d.pop("fees")

        funding = d.pop("funding")

        borrow_interest = d.pop("borrow_interest")

        financing = d.pop("financing")

        carrying = d.pop("carrying")

        total = d.pop("total")

        run_costs_output = cls(
            fees=fees,
            funding=funding,
            borrow_interest=borrow_interest,
            financing=financing,
            carrying=carrying,
            total=total,
        )

        run_costs_output.additional_properties = d
        return run_costs_output

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
