from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.counterparty_enum import CounterpartyEnum
from ..models.liquidity_enum import LiquidityEnum
from ..models.order_side_enum import OrderSideEnum

T = TypeVar("T", bound="FillOutput")


@_attrs_define
class FillOutput:
    """
    Attributes:
        id (int):
        order_id (int):
        instrument (str):
        side (OrderSideEnum): * `buy` - Buy
            * `sell` - Sell
        price (str):
        quantity (str):
        fee (str):
        liquidity (LiquidityEnum): * `maker` - Maker
            * `taker` - Taker
        counterparty (CounterpartyEnum): * `user` - Another user's order
            * `market` - Outside liquidity
        realized_pnl (str):
        created_at (datetime.datetime):
    """

    id: int
    order_id: int
    instrument: str
    side: OrderSideEnum
    price: str
    quantity: str
    fee: str
    liquidity: LiquidityEnum
    counterparty: CounterpartyEnum
    realized_pnl: str
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        order_id = self.order_id

        instrument = self.instrument

        side = self.side.value

        price = self.price

        quantity = self.quantity

        fee = self.fee

        liquidity = self.liquidity.value

        counterparty = self.counterparty.value

        realized_pnl = self.realized_pnl

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "order_id": order_id,
                "instrument": instrument,
                "side": side,
                "price": price,
                "quantity": quantity,
                "fee": fee,
                "liquidity": liquidity,
                "counterparty": counterparty,
                "realized_pnl": realized_pnl,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        order_id = d.pop("order_id")

        instrument = d.pop("instrument")

        side = OrderSideEnum(d.pop("side"))

        price = d.pop("price")

        quantity = d.pop("quantity")

        fee = d.pop("fee")

        liquidity = LiquidityEnum(d.pop("liquidity"))

        counterparty = CounterpartyEnum(d.pop("counterparty"))

        realized_pnl = d.pop("realized_pnl")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        fill_output = cls(
            id=id,
            order_id=order_id,
            instrument=instrument,
            side=side,
            price=price,
            quantity=quantity,
            fee=fee,
            liquidity=liquidity,
            counterparty=counterparty,
            realized_pnl=realized_pnl,
            created_at=created_at,
        )

        fill_output.additional_properties = d
        return fill_output

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
