from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="AccountOutput")


@_attrs_define
class AccountOutput:
    """
    Attributes:
        id (int):
        currency (str):
        cash (str):
        equity (str):
        margin_used (str):
        available (str):
    """

    id: int
    currency: str
    cash: str
    equity: str
    margin_used: str
    available: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        currency = self.currency

        cash = self.cash

        equity = self.equity

        margin_used = self.margin_used

        available = self.available

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "currency": currency,
                "cash": cash,
                "equity": equity,
                "margin_used": margin_used,
                "available": available,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        currency = d.pop("currency")

        cash = d.pop("cash")

        equity = d.pop("equity")

        margin_used = d.pop("margin_used")

        available = d.pop("available")

        account_output = cls(
            id=id,
            currency=currency,
            cash=cash,
            equity=equity,
            margin_used=margin_used,
            available=available,
        )

        account_output.additional_properties = d
        return account_output

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
