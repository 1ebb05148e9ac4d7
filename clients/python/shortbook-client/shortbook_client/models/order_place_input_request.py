from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.order_side_enum import OrderSideEnum
from ..models.order_type_enum import OrderTypeEnum
from ..models.time_in_force_enum import TimeInForceEnum
from ..models.trigger_by_enum import TriggerByEnum
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.exit_input_request import ExitInputRequest


T = TypeVar("T", bound="OrderPlaceInputRequest")


@_attrs_define
class OrderPlaceInputRequest:
    """
    Attributes:
        instrument (str): The symbol, such as BTC-PERP.
        side (OrderSideEnum): * `buy` - Buy
            * `sell` - Sell
        type_ (OrderTypeEnum): * `market` - Market
            * `limit` - Limit
            * `stop_market` - Stop market
            * `stop_limit` - Stop limit
            * `take_profit_market` - Take-profit market
            * `take_profit_limit` - Take-profit limit
            * `trailing_stop` - Trailing stop
        quantity (str): In the underlying (BTC), a multiple of the lot size.
        price (None | str | Unset): Limit price: limit, stop_limit and take_profit_limit.
        stop_price (None | str | Unset): Trigger price: stop and take-profit types.
        trailing_amount (None | str | Unset): Trailing stop: distance in the quote currency.
        trailing_percent (None | str | Unset): Trailing stop: distance in percent (1.5 is 1.5%).
        trigger_by (TriggerByEnum | Unset): * `mark` - Mark price
            * `index` - Index price
            * `last` - Last price Default: TriggerByEnum.MARK.
        time_in_force (TimeInForceEnum | Unset): * `gtc` - Good till canceled
            * `ioc` - Immediate or cancel
            * `fok` - Fill or kill
            * `gtd` - Good till date Default: TimeInForceEnum.GTC.
        expire_at (datetime.datetime | None | Unset): Required with gtd, and only with gtd.
        post_only (bool | Unset):  Default: False.
        reduce_only (bool | Unset):  Default: False.
        client_order_id (None | str | Unset): Your own id. Sending the same id and body again returns the same order.
        stop_loss (ExitInputRequest | None | Unset):
        take_profit (ExitInputRequest | None | Unset):
    """

    instrument: str
    side: OrderSideEnum
    type_: OrderTypeEnum
    quantity: str
    price: None | str | Unset = UNSET
    stop_price: None | str | Unset = UNSET
    trailing_amount: None | str | Unset = UNSET
    trailing_percent: None | str | Unset = UNSET
    trigger_by: TriggerByEnum | Unset = TriggerByEnum.MARK
    time_in_force: TimeInForceEnum | Unset = TimeInForceEnum.GTC
    expire_at: datetime.datetime | None | Unset = UNSET
    post_only: bool | Unset = False
    reduce_only: bool | Unset = False
    client_order_id: None | str | Unset = UNSET
    stop_loss: ExitInputRequest | None | Unset = UNSET
    take_profit: ExitInputRequest | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.exit_input_request import ExitInputRequest  # noqa: PLC0415

        instrument = self.instrument

        side = self.side.value

        type_ = self.type_.value

        quantity = self.quantity

        price: None | str | Unset
        if isinstance(self.price, Unset):
            price = UNSET
        else:
            price = self.price

        stop_price: None | str | Unset
        if isinstance(self.stop_price, Unset):
            stop_price = UNSET
        else:
            stop_price = self.stop_price

        trailing_amount: None | str | Unset
        if isinstance(self.trailing_amount, Unset):
            trailing_amount = UNSET
        else:
            trailing_amount = self.trailing_amount

        trailing_percent: None | str | Unset
        if isinstance(self.trailing_percent, Unset):
            trailing_percent = UNSET
        else:
            trailing_percent = self.trailing_percent

        trigger_by: str | Unset = UNSET
        if not isinstance(self.trigger_by, Unset):
            trigger_by = self.trigger_by.value

        time_in_force: str | Unset = UNSET
        if not isinstance(self.time_in_force, Unset):
            time_in_force = self.time_in_force.value

        expire_at: None | str | Unset
        if isinstance(self.expire_at, Unset):
            expire_at = UNSET
        elif isinstance(self.expire_at, datetime.datetime):
            expire_at = self.expire_at.isoformat()
        else:
            expire_at = self.expire_at

        post_only = self.post_only

        reduce_only = self.reduce_only

        client_order_id: None | str | Unset
        if isinstance(self.client_order_id, Unset):
            client_order_id = UNSET
        else:
            client_order_id = self.client_order_id

        stop_loss: dict[str, Any] | None | Unset
        if isinstance(self.stop_loss, Unset):
            stop_loss = UNSET
        elif isinstance(self.stop_loss, ExitInputRequest):
            stop_loss = self.stop_loss.to_dict()
        else:
            stop_loss = self.stop_loss

        take_profit: dict[str, Any] | None | Unset
        if isinstance(self.take_profit, Unset):
            take_profit = UNSET
        elif isinstance(self.take_profit, ExitInputRequest):
            take_profit = self.take_profit.to_dict()
        else:
            take_profit = self.take_profit

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "instrument": instrument,
                "side": side,
                "type": type_,
                "quantity": quantity,
            }
        )
        if price is not UNSET:
            field_dict["price"] = price
        if stop_price is not UNSET:
            field_dict["stop_price"] = stop_price
        if trailing_amount is not UNSET:
            field_dict["trailing_amount"] = trailing_amount
        if trailing_percent is not UNSET:
            field_dict["trailing_percent"] = trailing_percent
        if trigger_by is not UNSET:
            field_dict["trigger_by"] = trigger_by
        if time_in_force is not UNSET:
            field_dict["time_in_force"] = time_in_force
        if expire_at is not UNSET:
            field_dict["expire_at"] = expire_at
        if post_only is not UNSET:
            field_dict["post_only"] = post_only
        if reduce_only is not UNSET:
            field_dict["reduce_only"] = reduce_only
        if client_order_id is not UNSET:
            field_dict["client_order_id"] = client_order_id
        if stop_loss is not UNSET:
            field_dict["stop_loss"] = stop_loss
        if take_profit is not UNSET:
            field_dict["take_profit"] = take_profit

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.exit_input_request import ExitInputRequest  # noqa: PLC0415

        d = dict(src_dict)
        instrument = d.pop("instrument")

        side = OrderSideEnum(d.pop("side"))

        type_ = OrderTypeEnum(d.pop("type"))

        quantity = d.pop("quantity")

        def _parse_price(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        price = _parse_price(d.pop("price", UNSET))

        def _parse_stop_price(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        stop_price = _parse_stop_price(d.pop("stop_price", UNSET))

        def _parse_trailing_amount(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        trailing_amount = _parse_trailing_amount(d.pop("trailing_amount", UNSET))

        def _parse_trailing_percent(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        trailing_percent = _parse_trailing_percent(d.pop("trailing_percent", UNSET))

        _trigger_by = d.pop("trigger_by", UNSET)
        trigger_by: TriggerByEnum | Unset
        if isinstance(_trigger_by, Unset):
            trigger_by = UNSET
        else:
            trigger_by = TriggerByEnum(_trigger_by)

        _time_in_force = d.pop("time_in_force", UNSET)
        time_in_force: TimeInForceEnum | Unset
        if isinstance(_time_in_force, Unset):
            time_in_force = UNSET
        else:
            time_in_force = TimeInForceEnum(_time_in_force)

        def _parse_expire_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expire_at_type_0 = datetime.datetime.fromisoformat(data)

                return expire_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        expire_at = _parse_expire_at(d.pop("expire_at", UNSET))

        post_only = d.pop("post_only", UNSET)

        reduce_only = d.pop("reduce_only", UNSET)

        def _parse_client_order_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        client_order_id = _parse_client_order_id(d.pop("client_order_id", UNSET))

        def _parse_stop_loss(data: object) -> ExitInputRequest | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                stop_loss_type_1 = ExitInputRequest.from_dict(data)

                return stop_loss_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ExitInputRequest | None | Unset, data)

        stop_loss = _parse_stop_loss(d.pop("stop_loss", UNSET))

        def _parse_take_profit(data: object) -> ExitInputRequest | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                take_profit_type_1 = ExitInputRequest.from_dict(data)

                return take_profit_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ExitInputRequest | None | Unset, data)

        take_profit = _parse_take_profit(d.pop("take_profit", UNSET))

        order_place_input_request = cls(
            instrument=instrument,
            side=side,
            type_=type_,
            quantity=quantity,
            price=price,
            stop_price=stop_price,
            trailing_amount=trailing_amount,
            trailing_percent=trailing_percent,
            trigger_by=trigger_by,
            time_in_force=time_in_force,
            expire_at=expire_at,
            post_only=post_only,
            reduce_only=reduce_only,
            client_order_id=client_order_id,
            stop_loss=stop_loss,
            take_profit=take_profit,
        )

        order_place_input_request.additional_properties = d
        return order_place_input_request

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
