from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.breakdown_output import BreakdownOutput


T = TypeVar("T", bound="ComparisonOutput")


@_attrs_define
class ComparisonOutput:
    """
    Attributes:
        entry_price (str):
        exit_price (str):
        holding_days (str):
        quantity (str):
        index_price (None | str):
        methods (list[BreakdownOutput]):
    """

    entry_price: str
    exit_price: str
    holding_days: str
    quantity: str
    index_price: None | str
    methods: list[BreakdownOutput]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        entry_price = self.entry_price

        exit_price = self.exit_price

        holding_days = self.holding_days

        quantity = self.quantity

        index_price: None | str
        index_price = self.index_price

        methods = []
        for methods_item_data in self.methods:
            methods_item = methods_item_data.to_dict()
            methods.append(methods_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "entry_price": entry_price,
                "exit_price": exit_price,
                "holding_days": holding_days,
                "quantity": quantity,
                "index_price": index_price,
                "methods": methods,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.breakdown_output import BreakdownOutput  # noqa: PLC0415

        d = dict(src_dict)
        entry_price = d.pop("entry_price")

        exit_price = d.pop("exit_price")

        holding_days = d.pop("holding_days")

        quantity = d.pop("quantity")

        def _parse_index_price(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        index_price = _parse_index_price(d.pop("index_price"))

        methods = []
        _methods = d.pop("methods")
        for methods_item_data in _methods:
            methods_item = BreakdownOutput.from_dict(methods_item_data)

            methods.append(methods_item)

        comparison_output = cls(
            entry_price=entry_price,
            exit_price=exit_price,
            holding_days=holding_days,
            quantity=quantity,
            index_price=index_price,
            methods=methods,
        )

        comparison_output.additional_properties = d
        return comparison_output

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
