from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="TryItOutput")


@_attrs_define
class TryItOutput:
    """
    Attributes:
        instrument (str):
        side (str):
        type_ (str):
        quantity (str):
        price (None | str):
        stop_loss_pct (None | str):
        take_profit_pct (None | str):
        label (str):
    """

    instrument: str
    side: str
    type_: str
    quantity: str
    price: None | str
    stop_loss_pct: None | str
    take_profit_pct: None | str
    label: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        instrument = self.instrument

        side = self.side

        type_ = self.type_

        quantity = self.quantity

        price: None | str
        price = self.price

        stop_loss_pct: None | str
        stop_loss_pct = self.stop_loss_pct

        take_profit_pct: None | str
        take_profit_pct = self.take_profit_pct

        label = self.label

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "instrument": instrument,
                "side": side,
                "type": type_,
                "quantity": quantity,
                "price": price,
                "stop_loss_pct": stop_loss_pct,
                "take_profit_pct": take_profit_pct,
                "label": label,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        instrument = d.pop("instrument")

        side = d.pop("side")

        type_ = d.pop("type")

        quantity = d.pop("quantity")

        def _parse_price(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        price = _parse_price(d.pop("price"))

        def _parse_stop_loss_pct(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        stop_loss_pct = _parse_stop_loss_pct(d.pop("stop_loss_pct"))

        def _parse_take_profit_pct(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        take_profit_pct = _parse_take_profit_pct(d.pop("take_profit_pct"))

        label = d.pop("label")

        try_it_output = cls(
            instrument=instrument,
            side=side,
            type_=type_,
            quantity=quantity,
            price=price,
            stop_loss_pct=stop_loss_pct,
            take_profit_pct=take_profit_pct,
            label=label,
        )

        try_it_output.additional_properties = d
        return try_it_output

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
