from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.funding_rate_output import FundingRateOutput
    from ..models.whale_trade_output import WhaleTradeOutput


T = TypeVar("T", bound="SentimentOutput")


@_attrs_define
class SentimentOutput:
    """How the platform's users stand, what funding paid, and the largest recent trades.

    Attributes:
        long_quantity (str):
        short_quantity (str):
        open_interest (str): Users' open positions: long plus short quantity.
        long_accounts (int):
        short_accounts (int):
        long_short_ratio (None | str): Accounts long per account short; null with no shorts.
        funding_rates (list[FundingRateOutput]): Newest first.
        whales (list[WhaleTradeOutput]): Trades of at least the instrument's whale size, newest first.
    """

    long_quantity: str
    short_quantity: str
    open_interest: str
    long_accounts: int
    short_accounts: int
    long_short_ratio: None | str
    funding_rates: list[FundingRateOutput]
    whales: list[WhaleTradeOutput]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        long_quantity = self.long_quantity

        short_quantity = self.short_quantity

        open_interest = self.open_interest

        long_accounts = self.long_accounts

        short_accounts = self.short_accounts

        long_short_ratio: None | str
        long_short_ratio = self.long_short_ratio

        funding_rates = []
        for funding_rates_item_data in self.funding_rates:
            funding_rates_item = funding_rates_item_data.to_dict()
            funding_rates.append(funding_rates_item)

        whales = []
        for whales_item_data in self.whales:
            whales_item = whales_item_data.to_dict()
            whales.append(whales_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "long_quantity": long_quantity,
                "short_quantity": short_quantity,
                "open_interest": open_interest,
                "long_accounts": long_accounts,
                "short_accounts": short_accounts,
                "long_short_ratio": long_short_ratio,
                "funding_rates": funding_rates,
                "whales": whales,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.funding_rate_output import FundingRateOutput  # noqa: PLC0415
        from ..models.whale_trade_output import WhaleTradeOutput  # noqa: PLC0415

        d = dict(src_dict)
        long_quantity = d.pop("long_quantity")

        short_quantity = d.pop("short_quantity")

        open_interest = d.pop("open_interest")

        long_accounts = d.pop("long_accounts")

        short_accounts = d.pop("short_accounts")

        def _parse_long_short_ratio(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        long_short_ratio = _parse_long_short_ratio(d.pop("long_short_ratio"))

        funding_rates = []
        _funding_rates = d.pop("funding_rates")
        for funding_rates_item_data in _funding_rates:
            funding_rates_item = FundingRateOutput.from_dict(funding_rates_item_data)

            funding_rates.append(funding_rates_item)

        whales = []
        _whales = d.pop("whales")
        for whales_item_data in _whales:
            whales_item = WhaleTradeOutput.from_dict(whales_item_data)

            whales.append(whales_item)

        sentiment_output = cls(
            long_quantity=long_quantity,
            short_quantity=short_quantity,
            open_interest=open_interest,
            long_accounts=long_accounts,
            short_accounts=short_accounts,
            long_short_ratio=long_short_ratio,
            funding_rates=funding_rates,
            whales=whales,
        )

        sentiment_output.additional_properties = d
        return sentiment_output

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
