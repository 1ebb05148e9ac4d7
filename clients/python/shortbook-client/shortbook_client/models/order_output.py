from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.order_role_enum import OrderRoleEnum
from ..models.order_side_enum import OrderSideEnum
from ..models.order_status_enum import OrderStatusEnum
from ..models.order_type_enum import OrderTypeEnum
from ..models.time_in_force_enum import TimeInForceEnum
from ..models.trigger_by_enum import TriggerByEnum

if TYPE_CHECKING:
    from ..models.attached_order_output import AttachedOrderOutput


T = TypeVar("T", bound="OrderOutput")


@_attrs_define
class OrderOutput:
    """
    Attributes:
        id (int):
        client_order_id (None | str):
        instrument (str):
        side (OrderSideEnum): * `buy` - Buy
            * `sell` - Sell
        type_ (OrderTypeEnum): * `market` - Market
            * `limit` - Limit
            * `stop_market` - Stop market
            * `stop_limit` - Stop limit
            * `take_profit_market` - Take-profit market
            * `take_profit_limit` - Take-profit limit
            * `trailing_stop` - Trailing stop
        quantity (str):
        price (None | str):
        stop_price (None | str):
        trailing_amount (None | str):
        trailing_percent (None | str):
        trigger_by (TriggerByEnum): * `mark` - Mark price
            * `index` - Index price
            * `last` - Last price
        time_in_force (TimeInForceEnum): * `gtc` - Good till canceled
            * `ioc` - Immediate or cancel
            * `fok` - Fill or kill
            * `gtd` - Good till date
        expire_at (datetime.datetime | None):
        post_only (bool):
        reduce_only (bool):
        role (OrderRoleEnum): * `entry` - Entry
            * `stop_loss` - Attached stop-loss
            * `take_profit` - Attached take-profit
        parent_id (int | None):
        oco_group (None | UUID): Shared by the two legs of a one-cancels-the-other pair.
        status (OrderStatusEnum): * `new` - New
            * `partially_filled` - Partially filled
            * `filled` - Filled
            * `canceled` - Canceled
            * `rejected` - Rejected
            * `expired` - Expired
            * `triggered` - Triggered
        filled_quantity (str):
        average_price (None | str):
        fees (str):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        attached (list[AttachedOrderOutput]): The stop-loss and take-profit attached to this entry.
    """

    id: int
    client_order_id: None | str
    instrument: str
    side: OrderSideEnum
    type_: OrderTypeEnum
    quantity: str
    price: None | str
    stop_price: None | str
    trailing_amount: None | str
    trailing_percent: None | str
    trigger_by: TriggerByEnum
    time_in_force: TimeInForceEnum
    expire_at: datetime.datetime | None
    post_only: bool
    reduce_only: bool
    role: OrderRoleEnum
    parent_id: int | None
    oco_group: None | UUID
    status: OrderStatusEnum
    filled_quantity: str
    average_price: None | str
    fees: str
    created_at: datetime.datetime
    updated_at: datetime.datetime
    attached: list[AttachedOrderOutput]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        client_order_id: None | str
        client_order_id = self.client_order_id

        instrument = self.instrument

        side = self.side.value

        type_ = self.type_.value

        quantity = self.quantity

        price: None | str
        price = self.price

        stop_price: None | str
        stop_price = self.stop_price

        trailing_amount: None | str
        trailing_amount = self.trailing_amount

        trailing_percent: None | str
        trailing_percent = self.trailing_percent

        trigger_by = self.trigger_by.value

        time_in_force = self.time_in_force.value

        expire_at: None | str
        if isinstance(self.expire_at, datetime.datetime):
            expire_at = self.expire_at.isoformat()
        else:
            expire_at = self.expire_at

        post_only = self.post_only

        reduce_only = self.reduce_only

        role = self.role.value

        parent_id: int | None
        parent_id = self.parent_id

        oco_group: None | str
        if isinstance(self.oco_group, UUID):
            oco_group = str(self.oco_group)
        else:
            oco_group = self.oco_group

        status = self.status.value

        filled_quantity = self.filled_quantity

        average_price: None | str
        average_price = self.average_price

        fees = self.fees

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        attached = []
        for attached_item_data in self.attached:
            attached_item = attached_item_data.to_dict()
            attached.append(attached_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "client_order_id": client_order_id,
                "instrument": instrument,
                "side": side,
                "type": type_,
                "quantity": quantity,
                "price": price,
                "stop_price": stop_price,
                "trailing_amount": trailing_amount,
                "trailing_percent": trailing_percent,
                "trigger_by": trigger_by,
                "time_in_force": time_in_force,
                "expire_at": expire_at,
                "post_only": post_only,
                "reduce_only": reduce_only,
                "role": role,
                "parent_id": parent_id,
                "oco_group": oco_group,
                "status": status,
                "filled_quantity": filled_quantity,
                "average_price": average_price,
                "fees": fees,
                "created_at": created_at,
                "updated_at": updated_at,
                "attached": attached,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.attached_order_output import AttachedOrderOutput  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        def _parse_client_order_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        client_order_id = _parse_client_order_id(d.pop("client_order_id"))

        instrument = d.pop("instrument")

        side = OrderSideEnum(d.pop("side"))

        type_ = OrderTypeEnum(d.pop("type"))

        quantity = d.pop("quantity")

        def _parse_price(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        price = _parse_price(d.pop("price"))

        def _parse_stop_price(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        stop_price = _parse_stop_price(d.pop("stop_price"))

        def _parse_trailing_amount(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        trailing_amount = _parse_trailing_amount(d.pop("trailing_amount"))

        def _parse_trailing_percent(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        trailing_percent = _parse_trailing_percent(d.pop("trailing_percent"))

        trigger_by = TriggerByEnum(d.pop("trigger_by"))

        time_in_force = TimeInForceEnum(d.pop("time_in_force"))

        def _parse_expire_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expire_at_type_0 = datetime.datetime.fromisoformat(data)

                return expire_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        expire_at = _parse_expire_at(d.pop("expire_at"))

        post_only = d.pop("post_only")

        reduce_only = d.pop("reduce_only")

        role = OrderRoleEnum(d.pop("role"))

        def _parse_parent_id(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        parent_id = _parse_parent_id(d.pop("parent_id"))

        def _parse_oco_group(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                oco_group_type_0 = UUID(data)

                return oco_group_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        oco_group = _parse_oco_group(d.pop("oco_group"))

        status = OrderStatusEnum(d.pop("status"))

        filled_quantity = d.pop("filled_quantity")

        def _parse_average_price(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        average_price = _parse_average_price(d.pop("average_price"))

        fees = d.pop("fees")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        attached = []
        _attached = d.pop("attached")
        for attached_item_data in _attached:
            attached_item = AttachedOrderOutput.from_dict(attached_item_data)

            attached.append(attached_item)

        order_output = cls(
            id=id,
            client_order_id=client_order_id,
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
            role=role,
            parent_id=parent_id,
            oco_group=oco_group,
            status=status,
            filled_quantity=filled_quantity,
            average_price=average_price,
            fees=fees,
            created_at=created_at,
            updated_at=updated_at,
            attached=attached,
        )

        order_output.additional_properties = d
        return order_output

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
