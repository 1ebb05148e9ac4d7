from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.greeks_output import GreeksOutput


T = TypeVar("T", bound="TickerOutput")


@_attrs_define
class TickerOutput:
    """The latest quote. Fields of other kinds are present and null.

    Attributes:
        symbol (str):
        index_price (str):
        mark_price (str):
        bid (str): The outside liquidity's best bid.
        ask (str): The outside liquidity's best ask.
        last (None | str): The last traded price; null until the instrument has traded.
        timestamp (datetime.datetime): When the tick that made this quote happened.
        sequence (int): The underlying's tick number; only grows.
        funding_rate (None | str): Perpetual: predicted rate for this interval; positive means longs pay.
        next_funding_time (datetime.datetime | None): Perpetual: the next funding payment.
        implied_volatility (None | str): Option: the smile's volatility at this strike.
        greeks (GreeksOutput | None): Option only.
        updated_at (datetime.datetime): The underlying feed's last tick, from which `stale` is measured.
        stale (bool): True when the feed has not ticked for longer than the platform's stale-price threshold (15 s by
            default). Orders still fill at this quote meanwhile; stops, take-profits, resting limits and liquidations wait
            for the next price.
        paused (bool): True while the underlying's historical replay is paused: prices stand still on purpose, so they
            are not stale.
    """

    symbol: str
    index_price: str
    mark_price: str
    bid: str
    ask: str
    last: None | str
    timestamp: datetime.datetime
    sequence: int
    funding_rate: None | str
    next_funding_time: datetime.datetime | None
    implied_volatility: None | str
    greeks: GreeksOutput | None
    updated_at: datetime.datetime
    stale: bool
    paused: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.greeks_output import GreeksOutput  # noqa: PLC0415

        symbol = self.symbol

        index_price = self.index_price

        mark_price = self.mark_price

        bid = self.bid

        ask = self.ask

        last: None | str
        last = self.last

        timestamp = self.timestamp.isoformat()

        sequence = self.sequence

        funding_rate: None | str
        funding_rate = self.funding_rate

        next_funding_time: None | str
        if isinstance(self.next_funding_time, datetime.datetime):
            next_funding_time = self.next_funding_time.isoformat()
        else:
            next_funding_time = self.next_funding_time

        implied_volatility: None | str
        implied_volatility = self.implied_volatility

        greeks: dict[str, Any] | None
        if isinstance(self.greeks, GreeksOutput):
            greeks = self.greeks.to_dict()
        else:
            greeks = self.greeks

        updated_at = self.updated_at.isoformat()

        stale = self.stale

        paused = self.paused

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "symbol": symbol,
                "index_price": index_price,
                "mark_price": mark_price,
                "bid": bid,
                "ask": ask,
                "last": last,
                "timestamp": timestamp,
                "sequence": sequence,
                "funding_rate": funding_rate,
                "next_funding_time": next_funding_time,
                "implied_volatility": implied_volatility,
                "greeks": greeks,
                "updated_at": updated_at,
                "stale": stale,
                "paused": paused,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.greeks_output import GreeksOutput  # noqa: PLC0415

        d = dict(src_dict)
        symbol = d.pop("symbol")

        index_price = d.pop("index_price")

        mark_price = d.pop("mark_price")

        bid = d.pop("bid")

        ask = d.pop("ask")

        def _parse_last(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        last = _parse_last(d.pop("last"))

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        sequence = d.pop("sequence")

        def _parse_funding_rate(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        funding_rate = _parse_funding_rate(d.pop("funding_rate"))

        def _parse_next_funding_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_funding_time_type_0 = datetime.datetime.fromisoformat(data)

                return next_funding_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        next_funding_time = _parse_next_funding_time(d.pop("next_funding_time"))

        def _parse_implied_volatility(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        implied_volatility = _parse_implied_volatility(d.pop("implied_volatility"))

        def _parse_greeks(data: object) -> GreeksOutput | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                greeks_type_1 = GreeksOutput.from_dict(data)

                return greeks_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(GreeksOutput | None, data)

        greeks = _parse_greeks(d.pop("greeks"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        stale = d.pop("stale")

        paused = d.pop("paused")

        ticker_output = cls(
            symbol=symbol,
            index_price=index_price,
            mark_price=mark_price,
            bid=bid,
            ask=ask,
            last=last,
            timestamp=timestamp,
            sequence=sequence,
            funding_rate=funding_rate,
            next_funding_time=next_funding_time,
            implied_volatility=implied_volatility,
            greeks=greeks,
            updated_at=updated_at,
            stale=stale,
            paused=paused,
        )

        ticker_output.additional_properties = d
        return ticker_output

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
