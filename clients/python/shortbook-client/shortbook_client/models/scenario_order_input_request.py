from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.scenario_order_input_kind_enum import ScenarioOrderInputKindEnum
from ..models.side_enum import SideEnum
from ..models.type_enum import TypeEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="ScenarioOrderInputRequest")


@_attrs_define
class ScenarioOrderInputRequest:
    """
    Attributes:
        kind (ScenarioOrderInputKindEnum): * `perpetual` - Perpetual future
            * `spot` - Spot on margin
            * `cfd` - CFD
        side (SideEnum): * `buy` - Buy
            * `sell` - Sell
        type_ (TypeEnum): * `market` - Market
            * `limit` - Limit
        quantity (str):
        price (None | str | Unset):
        stop_loss (None | str | Unset):
        take_profit (None | str | Unset):
        leverage (None | str | Unset):
    """

    kind: ScenarioOrderInputKindEnum
    side: SideEnum
    type_: TypeEnum
    quantity: str
    price: None | str | Unset = UNSET
    stop_loss: None | str | Unset = UNSET
    take_profit: None | str | Unset = UNSET
    leverage: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind.value

        side = self.side.value

        type_ = self.type_.value

        quantity = self.quantity

        price: None | str | Unset
        if isinstance(self.price, Unset):
            price = UNSET
        else:
            price = self.price

        stop_loss: None | str | Unset
        if isinstance(self.stop_loss, Unset):
            stop_loss = UNSET
        else:
            stop_loss = self.stop_loss

        take_profit: None | str | Unset
        if isinstance(self.take_profit, Unset):
            take_profit = UNSET
        else:
            take_profit = self.take_profit

        leverage: None | str | Unset
        if isinstance(self.leverage, Unset):
            leverage = UNSET
        else:
            leverage = self.leverage

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "kind": kind,
                "side": side,
                "type": type_,
                "quantity": quantity,
            }
        )
        if price is not UNSET:
            field_dict["price"] = price
        if stop_loss is not UNSET:
            field_dict["stop_loss"] = stop_loss
        if take_profit is not UNSET:
            field_dict["take_profit"] = take_profit
        if leverage is not UNSET:
            field_dict["leverage"] = leverage

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        kind = ScenarioOrderInputKindEnum(d.pop("kind"))

        side = SideEnum(d.pop("side"))

        type_ = TypeEnum(d.pop("type"))

        quantity = d.pop("quantity")

        def _parse_price(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        price = _parse_price(d.pop("price", UNSET))

        def _parse_stop_loss(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        stop_loss = _parse_stop_loss(d.pop("stop_loss", UNSET))

        def _parse_take_profit(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        take_profit = _parse_take_profit(d.pop("take_profit", UNSET))

        def _parse_leverage(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        leverage = _parse_leverage(d.pop("leverage", UNSET))

        scenario_order_input_request = cls(
            kind=kind,
            side=side,
            type_=type_,
            quantity=quantity,
            price=price,
            stop_loss=stop_loss,
            take_profit=take_profit,
            leverage=leverage,
        )

        scenario_order_input_request.additional_properties = d
        return scenario_order_input_request

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
