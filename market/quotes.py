"""Turn an underlying's index price into each instrument's quote.

Maps models to the pure pricing functions and back: the mark price per kind, the
outside liquidity's bid and ask around it, and for perpetuals the predicted funding
rate, for options the Greeks. Reads nothing and writes nothing.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from market.models import Instrument, Underlying
from market.pricing import marks, options

SECONDS_PER_YEAR = Decimal(365 * 24 * 3600)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Quote:
    """What the ticker shows for one instrument at one tick."""

    symbol: str
    index_price: Decimal
    mark_price: Decimal
    bid: Decimal
    ask: Decimal
    timestamp: datetime
    sequence: int
    funding_rate: Decimal | None = None
    next_funding_time: datetime | None = None
    implied_volatility: Decimal | None = None
    greeks: dict[str, Decimal] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """Return the quote as JSON-able values (decimals as strings)."""
        return {
            "symbol": self.symbol,
            "index_price": str(self.index_price),
            "mark_price": str(self.mark_price),
            "bid": str(self.bid),
            "ask": str(self.ask),
            "timestamp": self.timestamp.isoformat(),
            "sequence": self.sequence,
            "funding_rate": None if self.funding_rate is None else str(self.funding_rate),
            "next_funding_time": (
                None if self.next_funding_time is None else self.next_funding_time.isoformat()
            ),
            "implied_volatility": (
                None if self.implied_volatility is None else str(self.implied_volatility)
            ),
            "greeks": {name: str(value) for name, value in self.greeks.items()},
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Quote":
        def decimal(name):
            return None if data.get(name) is None else Decimal(data[name])

        return cls(
            symbol=data["symbol"],
            index_price=Decimal(data["index_price"]),
            mark_price=Decimal(data["mark_price"]),
            bid=Decimal(data["bid"]),
            ask=Decimal(data["ask"]),
            timestamp=datetime.fromisoformat(data["timestamp"]),
            sequence=int(data["sequence"]),
            funding_rate=decimal("funding_rate"),
            next_funding_time=(
                None
                if data.get("next_funding_time") is None
                else datetime.fromisoformat(data["next_funding_time"])
            ),
            implied_volatility=decimal("implied_volatility"),
            greeks={name: Decimal(value) for name, value in data.get("greeks", {}).items()},
        )


def to_tick(price: Decimal, tick_size: Decimal) -> Decimal:
    """Round a price to the instrument's tick."""
    return (price / tick_size).quantize(Decimal(1), rounding=ROUND_HALF_EVEN) * tick_size


def years_between(start: datetime, end: datetime) -> Decimal:
    return Decimal(max((end - start).total_seconds(), 0)) / SECONDS_PER_YEAR


def next_funding_time(instrument: Instrument, now: datetime) -> datetime:
    """The next funding time: every ``funding_interval_hours`` from midnight UTC."""
    interval = timedelta(hours=instrument.funding_interval_hours or 8)
    elapsed = (now - EPOCH) // interval
    return EPOCH + (elapsed + 1) * interval


def option_quote(
    instrument: Instrument, underlying: Underlying, *, index: Decimal, now: datetime
) -> tuple[options.OptionQuote, Decimal]:
    """Black-Scholes on the index with the underlying's smile."""
    years = years_between(now, instrument.expiry)
    volatility = options.smile_volatility(
        underlying.implied_volatility,
        strike=instrument.strike,
        forward=index,
        time_to_expiry=years,
        skew=underlying.volatility_skew,
        curvature=underlying.volatility_curvature,
    )
    quote = options.black_scholes(
        options.OptionKind(instrument.option_type),
        spot=index,
        strike=instrument.strike,
        time_to_expiry=years,
        volatility=volatility,
    )
    return quote, volatility


def instrument_quote(
    instrument: Instrument,
    underlying: Underlying,
    *,
    index: Decimal,
    premium: Decimal,
    now: datetime,
    sequence: int,
) -> Quote:
    """Quote one instrument from its underlying's index price."""
    extra = {}
    match instrument.kind:
        case Instrument.Kind.PERPETUAL:
            mark = marks.perpetual_mark(index, premium, tick_size=instrument.tick_size)
            extra["funding_rate"] = marks.funding_rate(
                mark, index, cap=instrument.funding_rate_cap or marks.DEFAULT_FUNDING_CAP
            )
            extra["next_funding_time"] = next_funding_time(instrument, now)
        case Instrument.Kind.FUTURE:
            mark = marks.future_mark(
                index,
                annual_basis_rate=instrument.basis_rate or Decimal(0),
                time_to_expiry_seconds=max((instrument.expiry - now).total_seconds(), 0.0),
                tick_size=instrument.tick_size,
            )
        case Instrument.Kind.OPTION:
            priced, volatility = option_quote(instrument, underlying, index=index, now=now)
            mark = max(to_tick(priced.price, instrument.tick_size), Decimal(0))
            extra["implied_volatility"] = volatility
            extra["greeks"] = {
                "delta": priced.delta,
                "gamma": priced.gamma,
                "vega": priced.vega,
                "theta": priced.theta,
                "rho": priced.rho,
            }
        case _:
            mark = to_tick(index, instrument.tick_size)
    half_spread = max(to_tick(mark * instrument.spread_rate / 2, instrument.tick_size), 0)
    if half_spread == 0 and instrument.kind != Instrument.Kind.OPTION:
        half_spread = instrument.tick_size
    return Quote(
        symbol=instrument.symbol,
        index_price=index,
        mark_price=mark,
        bid=max(mark - half_spread, Decimal(0)),
        ask=mark + max(half_spread, instrument.tick_size),
        timestamp=now,
        sequence=sequence,
        **extra,
    )
