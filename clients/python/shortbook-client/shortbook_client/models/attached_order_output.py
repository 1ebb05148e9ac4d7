from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.order_role_enum import OrderRoleEnum
from ..models.order_status_enum import OrderStatusEnum
from ..models.order_type_enum import OrderTypeEnum

T = TypeVar("T", bound="AttachedOrderOutput")


@_attrs_define
class AttachedOrderOutput:
    """
    Attributes:
        id (int):
        role (OrderRoleEnum): * `entry` - Entry
            * `stop_loss` - Attached stop-loss
            * `take_profit` - Attached take-profit
        type_ (OrderTypeEnum): * `market` - Market
            * `limit` - Limit
            * `stop_market` - Stop market
            * `stop_limit` - Stop limit
            * `take_profit_market` - Take-profit market
            * `take_profit_limit` - Take-profit limit
            * `trailing_stop` - Trailing stop
        status (OrderStatusEnum): * `new` - New
            * `partially_filled` - Partially filled
            * `filled` - Filled
            * `canceled` - Canceled
            * `rejected` - Rejected
            * `expired` - Expired
            * `triggered` - Triggered
        stop_price (None | str):
        price (None | str):
    """

    id: int
    role: OrderRoleEnum
    type_: OrderTypeEnum
    status: OrderStatusEnum
    stop_price: None | str
    price: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        role = self.role.value

        type_ = self.type_.value

        status = self.status.value

        stop_price: None | str
        stop_price = self.stop_price

        price: None | str
        price = self.price

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "role": role,
                "type": type_,
                "status": status,
                "stop_price": stop_price,
                "price": price,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        role = OrderRoleEnum(d.pop("role"))

        type_ = OrderTypeEnum(d.pop("type"))

        status = OrderStatusEnum(d.pop("status"))

        def _parse_stop_price(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        stop_price = _parse_stop_price(d.pop("stop_price"))

        def _parse_price(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        price = _parse_price(d.pop("price"))

        attached_order_output = cls(
            id=id,
            role=role,
            type_=type_,
            status=status,
            stop_price=stop_price,
            price=price,
        )

        attached_order_output.additional_properties = d
        return attached_order_output

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
