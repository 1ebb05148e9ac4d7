from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="WhaleTradeOutput")


@_attrs_define
class WhaleTradeOutput:
    """
    Attributes:
        id (int):
        price (str):
        quantity (str):
        taker_side (str):
        created_at (datetime.datetime):
    """

    id: int
    price: str
    quantity: str
    taker_side: str
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        price = self.price

        quantity = self.quantity

        taker_side = self.taker_side

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "price": price,
                "quantity": quantity,
                "taker_side": taker_side,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        price = d.pop("price")

        quantity = d.pop("quantity")

        taker_side = d.pop("taker_side")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        whale_trade_output = cls(
            id=id,
            price=price,
            quantity=quantity,
            taker_side=taker_side,
            created_at=created_at,
        )

        whale_trade_output.additional_properties = d
        return whale_trade_output

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
