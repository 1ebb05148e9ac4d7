from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.book_level_output import BookLevelOutput


T = TypeVar("T", bound="OrderBookOutput")


@_attrs_define
class OrderBookOutput:
    """
    Attributes:
        symbol (str):
        bids (list[BookLevelOutput]): Best (highest) first.
        asks (list[BookLevelOutput]): Best (lowest) first.
    """

    symbol: str
    bids: list[BookLevelOutput]
    asks: list[BookLevelOutput]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        symbol = self.symbol

        bids = []
        for bids_item_data in self.bids:
            bids_item = bids_item_data.to_dict()
            bids.append(bids_item)

        asks = []
        for asks_item_data in self.asks:
            asks_item = asks_item_data.to_dict()
            asks.append(asks_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "symbol": symbol,
                "bids": bids,
                "asks": asks,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.book_level_output import BookLevelOutput  # noqa: PLC0415

        d = dict(src_dict)
        symbol = d.pop("symbol")

        bids = []
        _bids = d.pop("bids")
        for bids_item_data in _bids:
            bids_item = BookLevelOutput.from_dict(bids_item_data)

            bids.append(bids_item)

        asks = []
        _asks = d.pop("asks")
        for asks_item_data in _asks:
            asks_item = BookLevelOutput.from_dict(asks_item_data)

            asks.append(asks_item)

        order_book_output = cls(
            symbol=symbol,
            bids=bids,
            asks=asks,
        )

        order_book_output.additional_properties = d
        return order_book_output

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
