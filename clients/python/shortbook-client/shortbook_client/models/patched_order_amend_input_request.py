from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="PatchedOrderAmendInputRequest")


@_attrs_define
class PatchedOrderAmendInputRequest:
    """
    Attributes:
        price (str | Unset):
        quantity (str | Unset):
        stop_price (str | Unset):
    """

    price: str | Unset = UNSET
    quantity: str | Unset = UNSET
    stop_price: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        price = self.price

        quantity = self.quantity

        stop_price = self.stop_price

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if price is not UNSET:
            field_dict["price"] = price
        if quantity is not UNSET:
            field_dict["quantity"] = quantity
        if stop_price is not UNSET:
            field_dict["stop_price"] = stop_price

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        price = d.pop("price", UNSET)

        quantity = d.pop("quantity", UNSET)

        stop_price = d.pop("stop_price", UNSET)

        patched_order_amend_input_request = cls(
            price=price,
            quantity=quantity,
            stop_price=stop_price,
        )

        patched_order_amend_input_request.additional_properties = d
        return patched_order_amend_input_request

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
