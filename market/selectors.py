"""Reads of instruments, tickers and candles that the API, pages and tasks share."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import F, FloatField, Func, OuterRef, QuerySet, Subquery
from django.utils import timezone

from config.errors import Conflict, NotFound
from config.rows import JoinedSelect, field_value
from market import indicators
from market.models import Candle, FundingRate, Instrument, Positioning, Trade, Underlying
from market.quotes import Quote, instrument_quote
from market.services import QUOTES_CACHE_KEY

CANDLE_LIST_MAX = 1000


class CandleBar(NamedTuple):
    """One candle as the charts draw it; a tuple, so a thousand of them read fast."""

    open_time: datetime
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal


CANDLE_BAR_FIELDS = CandleBar._fields


def instrument_list(
    *, kind: str | None = None, underlying: str | None = None, status: str | None = None
) -> QuerySet[Instrument]:
    """The listed instruments, optionally of one kind, on one underlying (BTC) or in one status."""
    instruments = (
        Instrument.objects.filter(underlying__listed=True)
        .select_related("underlying")
        .prefetch_related("tiers")
    )
    if kind:
        instruments = instruments.filter(kind=kind)
    if underlying:
        instruments = instruments.filter(underlying__symbol=underlying)
    if status:
        instruments = instruments.filter(status=status)
    return instruments


# Every read of one instrument starts with it (a ticker, a book, candles, the tape): a
# plain statement, as ``select_related("underlying")`` would run it, compiled once.
_INSTRUMENT_READ = JoinedSelect(
    (("i", Instrument), ("u", Underlying)),
    "FROM market_instrument i JOIN market_underlying u ON u.id = i.underlying_id "
    "WHERE i.symbol = %s AND u.listed",
    related=[("i", "underlying", "u")],
)


def instrument_get(*, symbol: str) -> Instrument:
    """Return the listed instrument called ``symbol`` with its underlying, or raise NotFound."""
    found = _INSTRUMENT_READ.fetch([symbol])
    if not found:
        raise NotFound(f"No instrument is called {symbol}.")
    return found[0][0]


@dataclass(frozen=True, slots=True)
class ReplayPosition:
    """Where a historical replay stands: the historical time shown and whether it ended."""

    source_time: datetime | None
    finished: bool
    index_price: Decimal | None


def replay_position(*, underlying: Underlying) -> ReplayPosition:
    """Return how far the underlying's replay has played (nothing before its first tick)."""
    feed = (underlying.feed_state or {}).get("feed") or {}
    source_time = feed.get("source_time")
    return ReplayPosition(
        source_time=datetime.fromisoformat(source_time) if source_time else None,
        finished=bool(feed.get("finished", False)),
        index_price=underlying.index_price,
    )


def ticker_get(*, instrument: Instrument) -> Quote:
    """Return the instrument's latest quote.

    Each tick publishes its underlying's quotes to the cache in one entry. The cache
    may have lost them (Redis is only a cache) or missed the latest tick, so the
    quote is then computed again from what the tick saved on the underlying: the
    same index, premium, time and sequence give the same quote.
    """
    underlying = instrument.underlying
    cached = cache.get(QUOTES_CACHE_KEY.format(underlying=underlying.symbol)) or {}
    return _quote_from(instrument, cached)


def tickers_get(*, instruments: Iterable[Instrument]) -> dict[int, Quote]:
    """Return the latest quotes of several instruments by instrument id, as ``ticker_get``.

    The quotes of all their underlyings are read from the cache in one round trip.
    """
    instruments = list(instruments)
    keys = {
        instrument.pk: QUOTES_CACHE_KEY.format(underlying=instrument.underlying.symbol)
        for instrument in instruments
    }
    found = cache.get_many(set(keys.values())) if keys else {}
    return {
        instrument.pk: _quote_from(instrument, found.get(keys[instrument.pk]) or {})
        for instrument in instruments
    }


def _quote_from(instrument: Instrument, cached: dict) -> Quote:
    """The instrument's quote from its underlying's cached quotes, or computed again."""
    underlying = instrument.underlying
    if instrument.symbol in cached:
        quote = Quote.from_dict(cached[instrument.symbol])
        if quote.sequence >= underlying.tick_sequence:
            return quote
    if underlying.index_price is None or underlying.last_tick_at is None:
        raise Conflict(f"No price yet: {underlying.symbol}'s feed has not ticked.", code="no_price")
    premiums = (underlying.feed_state or {}).get("premiums", {})
    return instrument_quote(
        instrument,
        underlying,
        index=underlying.index_price,
        premium=Decimal(premiums.get(instrument.symbol, "0")),
        now=underlying.last_tick_at,
        sequence=underlying.tick_sequence,
    )


@dataclass(frozen=True, slots=True)
class PriceFreshness:
    """Whether an instrument's prices still move, as the stale-price banner and the ticker say.

    ``updated_at`` is the underlying's last tick (None before the first). A paused
    replay stands still on purpose and a settled instrument's price is final, so
    neither is ever stale.
    """

    symbol: str
    updated_at: datetime | None
    age: timedelta | None
    paused: bool
    stale: bool


def stale_price_max_age() -> timedelta:
    """How long a feed may go without a tick before its prices count as stale."""
    return timedelta(seconds=settings.SHORTBOOK_STALE_PRICE_SECONDS)


def feed_is_stale(
    *, last_tick_at: datetime | None, paused: bool, now: datetime, max_age: timedelta
) -> bool:
    """Whether a feed that last ticked at ``last_tick_at`` is stale at ``now``.

    The one rule the banner, the ticker and /readyz share: a feed that never ticked
    is stale, a paused replay never is.
    """
    if paused:
        return False
    return last_tick_at is None or now - last_tick_at > max_age


def price_freshness(*, instrument: Instrument, now: datetime | None = None) -> PriceFreshness:
    """Say how fresh the instrument's prices are; reads what the last tick saved."""
    now = now or timezone.now()
    underlying = instrument.underlying
    last_tick_at = underlying.last_tick_at
    paused = underlying.replay_paused
    settled = instrument.status == Instrument.Status.SETTLED
    return PriceFreshness(
        symbol=instrument.symbol,
        updated_at=last_tick_at,
        age=None if last_tick_at is None else max(now - last_tick_at, timedelta(0)),
        paused=paused,
        stale=not settled
        and feed_is_stale(
            last_tick_at=last_tick_at, paused=paused, now=now, max_age=stale_price_max_age()
        ),
    )


def price_freshness_list(
    *, instruments: Iterable[Instrument], now: datetime | None = None
) -> list[PriceFreshness]:
    """The instruments whose prices stand still, stale or paused, each once, in order.

    What a page lists in its banners: a warning for stale prices, a note for a
    paused replay (its prices stand still on purpose). Settled instruments are left
    out: their price is final.
    """
    now = now or timezone.now()
    seen, still = set(), []
    for instrument in instruments:
        if instrument.pk in seen or instrument.status == Instrument.Status.SETTLED:
            continue
        seen.add(instrument.pk)
        freshness = price_freshness(instrument=instrument, now=now)
        if freshness.stale or freshness.paused:
            still.append(freshness)
    return still


def _open_time_column():
    """The candles' open time as the fastest column to load.

    Django loads PostgreSQL's timestamptz through a pure-Python psycopg loader that
    costs more than the query itself for a thousand candles; seconds since the epoch
    load in C and become the same datetimes in Python.
    """
    if connection.vendor == "postgresql":
        return Func(
            F("open_time"),
            template="EXTRACT(EPOCH FROM %(expressions)s)::float8",
            output_field=FloatField(),
        )
    return F("open_time")


def candle_list(
    *,
    instrument: Instrument,
    interval: str,
    start: datetime | None = None,
    end: datetime | None = None,
    limit: int = CANDLE_LIST_MAX,
) -> list[CandleBar]:
    """Return the instrument's candles of ``interval``, oldest first.

    Candles open at or after ``start`` and before ``end``. With a start, the first
    ``limit`` of them; without one, the most recent ``limit``. Either way one range
    scan of the unique index on (instrument, interval, open_time).
    """
    candles = Candle.objects.filter(instrument=instrument, interval=interval)
    if start is not None:
        candles = candles.filter(open_time__gte=start)
    if end is not None:
        candles = candles.filter(open_time__lt=end)
    limit = max(0, min(limit, CANDLE_LIST_MAX))
    candles = candles.order_by("open_time" if start is not None else "-open_time")
    rows = list(candles.values_list(_open_time_column(), *CANDLE_BAR_FIELDS[1:])[:limit])
    if start is None:
        rows.reverse()
    if rows and not isinstance(rows[0][0], datetime):
        return [CandleBar(datetime.fromtimestamp(epoch, UTC), *prices) for epoch, *prices in rows]
    return [CandleBar._make(row) for row in rows]


# Indicators ----------------------------------------------------------------------


class IndicatorName(StrEnum):
    SMA = "sma"
    EMA = "ema"
    BOLLINGER = "bollinger"
    RSI = "rsi"
    MACD = "macd"
    FIBONACCI = "fibonacci"


# Each indicator's parameters and their defaults (the common charting ones).
INDICATOR_DEFAULTS: dict[str, dict[str, int | Decimal]] = {
    IndicatorName.SMA: {"period": 20},
    IndicatorName.EMA: {"period": 20},
    IndicatorName.BOLLINGER: {"period": 20, "k": Decimal(2)},
    IndicatorName.RSI: {"period": 14},
    IndicatorName.MACD: {"fast": 12, "slow": 26, "signal": 9},
    IndicatorName.FIBONACCI: {},
}


@dataclass(frozen=True, slots=True)
class FibonacciSwing:
    """The window's swing and the retracement levels over it."""

    swing: indicators.Swing
    high: Decimal
    low: Decimal
    levels: tuple[indicators.FibonacciLevel, ...]


@dataclass(frozen=True, slots=True)
class IndicatorSeries:
    """An indicator over candles: one point per candle, each a dict with ``time``.

    Fibonacci has no series: its two points are the swing's start and end, and
    ``fibonacci`` holds the levels.
    """

    name: str
    params: dict
    points: list[dict]
    fibonacci: FibonacciSwing | None = None


def indicator_params(*, name: str, **given) -> dict:
    """The indicator's parameters: the ones given, defaults for the rest, nothing else."""
    defaults = INDICATOR_DEFAULTS[name]
    return {
        key: given[key] if given.get(key) is not None else value for key, value in defaults.items()
    }


def _warmup(name: str, params: dict) -> int:
    """How many candles before the first point every point needs to have a value."""
    match name:
        case IndicatorName.SMA | IndicatorName.EMA | IndicatorName.BOLLINGER:
            return params["period"] - 1
        case IndicatorName.RSI:
            return params["period"]
        case IndicatorName.MACD:
            return params["slow"] - 1 + params["signal"] - 1
    return 0


def _series_points(name: str, params: dict, closes: list[Decimal]) -> list[dict]:
    """Compute a series indicator over the closes; one dict of values per close."""
    match name:
        case IndicatorName.SMA:
            return [{"value": v} for v in indicators.sma(closes, params["period"])]
        case IndicatorName.EMA:
            return [{"value": v} for v in indicators.ema(closes, params["period"])]
        case IndicatorName.RSI:
            return [{"value": v} for v in indicators.rsi(closes, params["period"])]
        case IndicatorName.BOLLINGER:
            bands = indicators.bollinger_bands(closes, params["period"], params["k"])
            return [
                {"middle": m, "upper": u, "lower": lo}
                for m, u, lo in zip(bands.middle, bands.upper, bands.lower, strict=True)
            ]
        case IndicatorName.MACD:
            result = indicators.macd(closes, params["fast"], params["slow"], params["signal"])
            return [
                {"macd": m, "signal": s, "histogram": h}
                for m, s, h in zip(result.line, result.signal, result.histogram, strict=True)
            ]
    raise ValueError(f"{name} is not a series indicator")


def _fibonacci(bars: list[CandleBar]) -> tuple[list[dict], FibonacciSwing | None]:
    """The swing between the window's highest high and lowest low, and its levels.

    The swing is up when the high came last, down when the low did; when both fall
    in one candle, the candle's own direction decides. Of equal extremes the latest
    counts.
    """
    if not bars:
        return [], None
    top = max(range(len(bars)), key=lambda i: (bars[i].high, i))
    bottom = max(range(len(bars)), key=lambda i: (-bars[i].low, i))
    up = top > bottom if top != bottom else bars[top].close >= bars[top].open
    swing = indicators.Swing.UP if up else indicators.Swing.DOWN
    high, low = bars[top].high, bars[bottom].low
    ends = [(bars[bottom].open_time, low), (bars[top].open_time, high)]  # As they came.
    points = [{"time": time, "value": value} for time, value in (ends if up else ends[::-1])]
    levels = indicators.fibonacci_retracements(high, low, swing)
    return points, FibonacciSwing(swing=swing, high=high, low=low, levels=levels)


def indicator_get(
    *,
    instrument: Instrument,
    interval: str,
    name: str,
    start: datetime | None = None,
    end: datetime | None = None,
    limit: int = 500,
    **params,
) -> IndicatorSeries:
    """Compute an indicator over the closes of the candles ``candle_list`` returns.

    ``params`` are the indicator's own (``period``, ``k``, ``fast``, ``slow``,
    ``signal``); missing ones take the defaults. Series indicators also read the
    candles just before the window, as many as the first point needs, so every point
    has a value when there is enough history. EMA, RSI and MACD start from simple
    averages of that history. Fibonacci spans the window alone.
    """
    name = IndicatorName(name)
    params = indicator_params(name=name, **params)
    bars = candle_list(instrument=instrument, interval=interval, start=start, end=end, limit=limit)
    if name == IndicatorName.FIBONACCI:
        points, swing = _fibonacci(bars)
        return IndicatorSeries(name=name, params=params, points=points, fibonacci=swing)
    warmup = _warmup(name, params)
    history = []
    if bars and warmup:
        history = _candles_before(
            instrument=instrument, interval=interval, before=bars[0].open_time, count=warmup
        )
    values = _series_points(name, params, [bar.close for bar in history + bars])
    points = [
        {"time": bar.open_time, **value}
        for bar, value in zip(bars, values[len(history) :], strict=True)
    ]
    return IndicatorSeries(name=name, params=params, points=points)


def _candles_before(
    *, instrument: Instrument, interval: str, before: datetime, count: int
) -> list[CandleBar]:
    """The ``count`` candles just before ``before``, oldest first, in batches of the maximum."""
    bars: list[CandleBar] = []
    while count > 0:
        wanted = min(count, CANDLE_LIST_MAX)
        batch = candle_list(instrument=instrument, interval=interval, end=before, limit=wanted)
        bars[:0] = batch
        if len(batch) < wanted:
            break  # The instrument's history starts here.
        count -= len(batch)
        before = batch[0].open_time
    return bars


# ``last_price``'s query, compiled once: every ticker read and stop check asks it.
_LAST_PRICE_SQL = (
    "SELECT price FROM market_trade WHERE instrument_id = %s ORDER BY created_at DESC, id DESC "
    "LIMIT 1"
)


def last_price(*, instrument: Instrument) -> Decimal | None:
    """The price of the instrument's latest trade on the platform, if any."""
    with connection.cursor() as cursor:
        cursor.execute(_LAST_PRICE_SQL, [instrument.pk])
        row = cursor.fetchone()
    return None if row is None else field_value(Trade, "price", row[0])


def last_prices(*, instrument_ids: Iterable[int]) -> dict[int, Decimal | None]:
    """``last_price`` of several instruments by id, in one statement."""
    latest = (
        Trade.objects.filter(instrument=OuterRef("pk"))
        .order_by("-created_at", "-pk")
        .values("price")[:1]
    )
    return dict(
        Instrument.objects.filter(pk__in=list(instrument_ids))
        .annotate(last=Subquery(latest))
        .values_list("pk", "last")
    )


def trade_list(*, instrument: Instrument, whales_only: bool = False) -> QuerySet[Trade]:
    """The instrument's public tape, newest first."""
    trades = Trade.objects.filter(instrument=instrument)
    if whales_only:
        trades = trades.filter(is_whale=True)
    return trades.order_by("-created_at", "-pk")


@dataclass(frozen=True, slots=True)
class Sentiment:
    long_quantity: Decimal
    short_quantity: Decimal
    open_interest: Decimal
    long_accounts: int
    short_accounts: int
    long_short_ratio: Decimal | None
    funding_rates: list
    whales: list


SENTIMENT_FUNDING_HISTORY = 30
SENTIMENT_WHALES = 20


def sentiment(*, instrument: Instrument) -> Sentiment:
    """Users' positioning, funding rate history and the latest whale trades."""
    positioning = Positioning.objects.filter(instrument=instrument).first()
    long_quantity = positioning.long_quantity if positioning else Decimal(0)
    short_quantity = positioning.short_quantity if positioning else Decimal(0)
    long_accounts = positioning.long_accounts if positioning else 0
    short_accounts = positioning.short_accounts if positioning else 0
    ratio = (
        (Decimal(long_accounts) / Decimal(short_accounts)).quantize(Decimal("0.0001"))
        if short_accounts
        else None
    )
    return Sentiment(
        long_quantity=long_quantity,
        short_quantity=short_quantity,
        open_interest=long_quantity + short_quantity,
        long_accounts=long_accounts,
        short_accounts=short_accounts,
        long_short_ratio=ratio,
        funding_rates=list(
            FundingRate.objects.filter(instrument=instrument).order_by("-funding_time")[
                :SENTIMENT_FUNDING_HISTORY
            ]
        ),
        whales=list(trade_list(instrument=instrument, whales_only=True)[:SENTIMENT_WHALES]),
    )
