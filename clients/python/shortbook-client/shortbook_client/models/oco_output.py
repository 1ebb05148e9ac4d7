from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.order_output import OrderOutput


T = TypeVar("T", bound="OcoOutput")


@_attrs_define
class OcoOutput:
    """
    Attributes:
        oco_group (UUID):
        orders (list[OrderOutput]): The limit leg, then the stop leg.
    """

    oco_group: UUID
    orders: list[OrderOutput]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        oco_group = str(self.oco_group)

        orders = []
        for orders_item_data in self.orders:
            orders_item = orders_item_data.to_dict()
            orders.append(orders_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "oco_group": oco_group,
                "orders": orders,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.order_output import OrderOutput  # noqa: PLC0415

        d = dict(src_dict)
        oco_group = UUID(d.pop("oco_group"))

        orders = []
        _orders = d.pop("orders")
        for orders_item_data in _orders:
            orders_item = OrderOutput.from_dict(orders_item_data)

            orders.append(orders_item)

        oco_output = cls(
            oco_group=oco_group,
            orders=orders,
        )

        oco_output.additional_properties = d
        return oco_output

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
