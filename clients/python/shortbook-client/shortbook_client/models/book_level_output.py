from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="BookLevelOutput")


@_attrs_define
class BookLevelOutput:
    """
    Attributes:
        price (str):
        quantity (str): Everything at this price.
        users_quantity (str): Of which users' resting orders; the rest is outside liquidity.
    """

    price: str
    quantity: str
    users_quantity: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        price = self.price

        quantity = self.quantity

        users_quantity = self.users_quantity

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "price": price,
                "quantity": quantity,
                "users_quantity": users_quantity,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        price = d.pop("price")

        quantity = d.pop("quantity")

        users_quantity = d.pop("users_quantity")

        book_level_output = cls(
            price=price,
            quantity=quantity,
            users_quantity=users_quantity,
        )

        book_level_output.additional_properties = d
        return book_level_output

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
