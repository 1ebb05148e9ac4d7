from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.order_side_enum import OrderSideEnum
from ..models.trigger_by_enum import TriggerByEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="OcoPlaceInputRequest")


@_attrs_define
class OcoPlaceInputRequest:
    """
    Attributes:
        instrument (str): The symbol, such as BTC-PERP.
        side (OrderSideEnum): * `buy` - Buy
            * `sell` - Sell
        quantity (str): Of each leg, in the underlying, a multiple of the lot size.
        price (str): The limit leg's price: above the current price for a sell pair, below it for a buy pair.
        stop_price (str): The stop leg's trigger: below the current price for a sell pair, above it for a buy pair.
        stop_limit_price (None | str | Unset): With it the stop leg is a stop-limit at this price; without it, a stop-
            market.
        trigger_by (TriggerByEnum | Unset): * `mark` - Mark price
            * `index` - Index price
            * `last` - Last price Default: TriggerByEnum.MARK.
        reduce_only (bool | Unset):  Default: False.
        client_order_id (None | str | Unset): Your own id for the pair, given to its limit leg. Sending the same id and
            body again returns the same pair.
    """

    instrument: str
    side: OrderSideEnum
    quantity: str
    price: str
    stop_price: str
    stop_limit_price: None | str | Unset = UNSET
    trigger_by: TriggerByEnum | Unset = TriggerByEnum.MARK
    reduce_only: bool | Unset = False
    client_order_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        instrument = self.instrument

        side = self.side.value

        quantity = self.quantity

        price = self.price

        stop_price = self.stop_price

        stop_limit_price: None | str | Unset
        if isinstance(self.stop_limit_price, Unset):
            stop_limit_price = UNSET
        else:
            stop_limit_price = self.stop_limit_price

        trigger_by: str | Unset = UNSET
        if not isinstance(self.trigger_by, Unset):
            trigger_by = self.trigger_by.value

        reduce_only = self.reduce_only

        client_order_id: None | str | Unset
        if isinstance(self.client_order_id, Unset):
            client_order_id = UNSET
        else:
            client_order_id = self.client_order_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "instrument": instrument,
                "side": side,
                "quantity": quantity,
                "price": price,
                "stop_price": stop_price,
            }
        )
        if stop_limit_price is not UNSET:
            field_dict["stop_limit_price"] = stop_limit_price
        if trigger_by is not UNSET:
            field_dict["trigger_by"] = trigger_by
        if reduce_only is not UNSET:
            field_dict["reduce_only"] = reduce_only
        if client_order_id is not UNSET:
            field_dict["client_order_id"] = client_order_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        instrument = d.pop("instrument")

        side = OrderSideEnum(d.pop("side"))

        quantity = d.pop("quantity")

        price = d.pop("price")

        stop_price = d.pop("stop_price")

        def _parse_stop_limit_price(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        stop_limit_price = _parse_stop_limit_price(d.pop("stop_limit_price", UNSET))

        _trigger_by = d.pop("trigger_by", UNSET)
        trigger_by: TriggerByEnum | Unset
        if isinstance(_trigger_by, Unset):
            trigger_by = UNSET
        else:
            trigger_by = TriggerByEnum(_trigger_by)

        reduce_only = d.pop("reduce_only", UNSET)

        def _parse_client_order_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        client_order_id = _parse_client_order_id(d.pop("client_order_id", UNSET))

        oco_place_input_request = cls(
            instrument=instrument,
            side=side,
            quantity=quantity,
            price=price,
            stop_price=stop_price,
            stop_limit_price=stop_limit_price,
            trigger_by=trigger_by,
            reduce_only=reduce_only,
            client_order_id=client_order_id,
        )

        oco_place_input_request.additional_properties = d
        return oco_place_input_request

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
