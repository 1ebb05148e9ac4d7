"""Write paths for the market: instruments, underlyings, ticks, candles and listings.

The only code that writes market rows. A tick locks its underlying's row, so ticks of
one underlying are applied one at a time and in order; a tick whose time is not after
the last one changes nothing.
"""

import functools
import logging
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone

from market import events, history, listings
from market.models import (
    Candle,
    FundingRate,
    Instrument,
    MarginTier,
    Positioning,
    Trade,
    Underlying,
)
from market.pricing import feeds, marks
from market.quotes import Quote, instrument_quote, next_funding_time, to_tick
from market.signals import tick_announced

logger = logging.getLogger(__name__)

# One cache entry per underlying holds the quotes of all its instruments: one write a tick.
QUOTES_CACHE_KEY = "market:quotes:{underlying}"
TICKER_CACHE_SECONDS = 24 * 3600
PREMIUM_HALF_LIFE_SECONDS = 600.0
PREMIUM_STDEV = Decimal("0.0008")
CANDLE_SPANS = {
    Candle.Interval.MINUTE: timedelta(minutes=1),
    Candle.Interval.FIVE_MINUTES: timedelta(minutes=5),
    Candle.Interval.HOUR: timedelta(hours=1),
    Candle.Interval.DAY: timedelta(days=1),
}

# Fields a listing sets. ``status`` is left out on purpose: it moves only through
# ``instrument_set_status``, which knows which moves are allowed.
INSTRUMENT_FIELDS = frozenset(
    {
        "kind",
        "underlying",
        "quote_asset",
        "tick_size",
        "lot_size",
        "min_quantity",
        "max_quantity",
        "max_leverage",
        "initial_margin_rate",
        "maintenance_margin_rate",
        "maker_fee_rate",
        "taker_fee_rate",
        "borrow_rate",
        "funding_interval_hours",
        "funding_rate_cap",
        "financing_rate",
        "basis_rate",
        "expiry",
        "strike",
        "option_type",
        "spread_rate",
        "depth_per_level",
        "level_step_rate",
        "whale_notional",
    }
)

# Which status each admin action may move an instrument from.
STATUS_MOVES = {
    Instrument.Status.HALTED: {Instrument.Status.OPEN},
    Instrument.Status.OPEN: {Instrument.Status.HALTED},
}


@transaction.atomic
def instrument_upsert(*, symbol: str, **fields) -> Instrument:
    """Create the instrument ``symbol`` or change its listing; validate it first.

    Raise ``ValidationError`` (naming the field) for a listing that cannot trade,
    such as a maintenance margin at or above the initial margin.
    """
    unknown = set(fields) - INSTRUMENT_FIELDS
    if unknown:
        raise TypeError(f"instrument_upsert() got unknown fields: {', '.join(sorted(unknown))}")
    instrument = Instrument.objects.select_for_update().filter(symbol=symbol).first() or Instrument(
        symbol=symbol
    )
    for name, value in fields.items():
        setattr(instrument, name, value)
    instrument.full_clean()
    instrument.save()
    return instrument


@transaction.atomic
def instrument_set_status(*, instrument: Instrument, status: str) -> Instrument:
    """Halt or reopen trading in an instrument; asking for its current status changes nothing.

    A settled instrument is final: it cannot be halted or reopened.
    """
    instrument = Instrument.objects.select_for_update().get(pk=instrument.pk)
    if instrument.status == status:
        return instrument
    allowed_from = STATUS_MOVES.get(status)
    if allowed_from is None:
        raise ValidationError({"status": f"Staff cannot set an instrument to {status!r}."})
    if instrument.status not in allowed_from:
        raise ValidationError(
            {
                "status": (
                    f"{instrument.symbol} is {instrument.get_status_display().lower()} "
                    f"and cannot be set to {Instrument.Status(status).label.lower()}."
                )
            }
        )
    instrument.status = status
    instrument.save(update_fields=["status", "updated_at"])
    return instrument


UNDERLYING_FIELDS = frozenset(
    {
        "name",
        "quote_asset",
        "price_tick",
        "feed_source",
        "initial_price",
        "seed",
        "annual_volatility",
        "replay_episode",
        "replay_start",
        "replay_speed",
        "live_exchange",
        "live_symbol",
        "implied_volatility",
        "volatility_skew",
        "volatility_curvature",
        "option_strike_step",
        "option_strike_count",
        "lists_derivatives",
        "listed",
    }
)


@transaction.atomic
def underlying_upsert(*, symbol: str, **fields) -> Underlying:
    """Create the underlying ``symbol`` or change its feed and volatility settings.

    A change of feed takes effect on the next tick, without a restart: the tick sees
    that the saved feed state belongs to another feed and starts the new one (a
    simulated walk from the current index, a replay from its episode's start).
    """
    unknown = set(fields) - UNDERLYING_FIELDS
    if unknown:
        raise TypeError(f"underlying_upsert() got unknown fields: {', '.join(sorted(unknown))}")
    symbol = symbol.upper()
    underlying = Underlying.objects.select_for_update().filter(symbol=symbol).first()
    underlying = underlying or Underlying(symbol=symbol)
    for name, value in fields.items():
        setattr(underlying, name, value)
    underlying.full_clean()
    if underlying.replay_episode:
        try:
            episode = history.episode_get(underlying.replay_episode)
        except KeyError:
            raise ValidationError({"replay_episode": "No such episode."}) from None
        start = underlying.replay_start
        if start is not None and not episode.start <= start < episode.end:
            raise ValidationError(
                {
                    "replay_start": f"Pick a start between {episode.start:%Y-%m-%d} and "
                    f"{episode.end:%Y-%m-%d}."
                }
            )
    underlying.save()
    return underlying


@transaction.atomic
def margin_tiers_replace(*, instrument: Instrument, tiers: list[dict]) -> list[MarginTier]:
    """Replace an instrument's margin tiers with ``tiers`` (dicts of MarginTier fields).

    Tiers must grow with notional: each tier's margin rates at least the previous
    tier's, so a larger position never needs less margin.
    """
    ordered = sorted(tiers, key=lambda tier: tier["max_notional"])
    previous = None
    for tier in ordered:
        if tier["maintenance_margin_rate"] >= tier["initial_margin_rate"]:
            raise ValidationError(
                {"tiers": f"Up to {tier['max_notional']}: maintenance must be below initial."}
            )
        if previous is not None and (
            tier["initial_margin_rate"] < previous["initial_margin_rate"]
            or tier["maintenance_margin_rate"] < previous["maintenance_margin_rate"]
        ):
            raise ValidationError({"tiers": "Margin rates must not fall as the position grows."})
        previous = tier
    instrument.tiers.all().delete()
    return MarginTier.objects.bulk_create(
        MarginTier(instrument=instrument, **tier) for tier in ordered
    )


# Ticks ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=32)
def _replay(
    episode_key: str, start: datetime | None, speed: Decimal, tick_size: Decimal
) -> feeds.HistoricalReplay:
    """Build a replay once per episode, start and speed; it checks thousands of bars."""
    episode = history.episode_get(episode_key)
    return feeds.HistoricalReplay(
        bars=history.episode_bars(episode.key),
        start=start or episode.start,
        speed=float(speed),
        tick_size=tick_size,
    )


def _feed_for(underlying: Underlying) -> tuple[feeds.PriceFeed, feeds.FeedState]:
    """Build the underlying's feed and the state it starts from."""
    if underlying.feed_source == Underlying.FeedSource.REPLAY:
        replay = _replay(
            underlying.replay_episode,
            underlying.replay_start,
            underlying.replay_speed,
            underlying.price_tick,
        )
        return replay, replay.initial_state()
    walk = feeds.SimulatedWalk(
        seed=underlying.seed,
        annual_volatility=underlying.annual_volatility,
        tick_size=underlying.price_tick,
    )
    start = underlying.index_price or underlying.initial_price
    return walk, walk.initial_state(start)


def _feed_key(underlying: Underlying) -> str:
    """What the saved feed state belongs to; a change in the admin starts a new feed."""
    if underlying.feed_source == Underlying.FeedSource.REPLAY:
        start = underlying.replay_start.isoformat() if underlying.replay_start else ""
        return f"replay:{underlying.replay_episode}:{start}:{underlying.replay_speed}"
    if underlying.feed_source == Underlying.FeedSource.LIVE:
        return f"live:{underlying.live_exchange}:{underlying.live_symbol}"
    return f"simulated:{underlying.seed}:{underlying.annual_volatility}"


def _live_price(underlying: Underlying) -> Decimal:
    from market import live  # Optional extra: imported only when a live feed is on.

    return live.last_price(exchange=underlying.live_exchange, symbol=underlying.live_symbol)


def _settle_expired(underlying: Underlying, *, index: Decimal, now: datetime) -> list[str]:
    """Settle the underlying's futures and options whose expiry this tick reached."""
    expired = list(
        underlying.instruments.select_for_update()
        .filter(expiry__lte=now)
        .exclude(status=Instrument.Status.SETTLED)
        .order_by("pk")
    )
    for instrument in expired:
        instrument.status = Instrument.Status.SETTLED
        instrument.settlement_price = index
        instrument.save(update_fields=["status", "settlement_price", "updated_at"])
    return [instrument.symbol for instrument in expired]


@transaction.atomic
def underlying_tick(
    *, underlying: Underlying, now: datetime, index_price: Decimal | None = None
) -> tuple[Quote, ...] | None:
    """Advance the underlying's feed to ``now`` and quote every instrument on it.

    With ``index_price`` the index moves to that level instead (a manual move), and
    the feed carries on from there. Returns None for a stale or duplicate tick.
    """
    underlying = Underlying.objects.select_for_update().get(pk=underlying.pk)
    last = underlying.last_tick_at
    if last is not None and now <= last:
        if index_price is None:
            return None
        now = last + timedelta(microseconds=1)

    feed, state = _feed_for(underlying)
    saved = underlying.feed_state or {}
    if saved.get("key") == _feed_key(underlying):
        state = feeds.FeedState.from_dict(saved["feed"])
    elapsed = (now - last).total_seconds() if last is not None else 0.0

    if index_price is not None:
        state = feed.rebase(state, index_price)
    elif underlying.feed_source == Underlying.FeedSource.LIVE:
        state = feed.rebase(state, _live_price(underlying))
    elif elapsed > 0 and not underlying.replay_paused:
        state = feed.step(state, elapsed=elapsed)
    index = state.price

    instruments = list(
        underlying.instruments.exclude(status=Instrument.Status.SETTLED).order_by("pk")
    )
    premiums = {}
    sequence = underlying.tick_sequence + 1
    for instrument in instruments:
        if instrument.kind == Instrument.Kind.PERPETUAL:
            premium = Decimal(saved.get("premiums", {}).get(instrument.symbol, "0"))
            if elapsed > 0:
                premium = marks.premium_next(
                    premium, elapsed=elapsed, half_life=PREMIUM_HALF_LIFE_SECONDS
                ) + marks.premium_shock(
                    seed=underlying.seed + instrument.pk,
                    step=sequence,
                    elapsed=elapsed,
                    half_life=PREMIUM_HALF_LIFE_SECONDS,
                    premium_stdev=PREMIUM_STDEV,
                )
            premiums[instrument.symbol] = premium
    settled = _settle_expired(underlying, index=index, now=now)
    instruments = [i for i in instruments if i.symbol not in settled]
    quotes = tuple(
        instrument_quote(
            instrument,
            underlying,
            index=index,
            premium=premiums.get(instrument.symbol, Decimal(0)),
            now=now,
            sequence=sequence,
        )
        for instrument in instruments
    )

    underlying.feed_state = {
        "key": _feed_key(underlying),
        "feed": state.to_dict(),
        "premiums": {symbol: str(value) for symbol, value in premiums.items()},
    }
    underlying.index_price = index
    underlying.tick_sequence = sequence
    underlying.last_tick_at = now
    underlying.save(update_fields=["feed_state", "index_price", "tick_sequence", "last_tick_at"])
    candles_record(
        prices=[(i.pk, q.mark_price) for i, q in zip(instruments, quotes, strict=True)], at=now
    )
    if last is not None:
        _fix_funding_rates(instruments, quotes, since=last, now=now)
    transaction.on_commit(lambda: _announce(underlying.symbol, sequence, quotes, settled))
    return quotes


def _fix_funding_rates(instruments, quotes, *, since: datetime, now: datetime) -> None:
    """Record each perpetual's funding rate when a tick reaches a funding time."""
    for instrument, quote in zip(instruments, quotes, strict=True):
        if instrument.kind != Instrument.Kind.PERPETUAL or quote.funding_rate is None:
            continue
        funding_time = next_funding_time(instrument, since)
        if funding_time <= now:
            FundingRate.objects.get_or_create(
                instrument=instrument,
                funding_time=funding_time,
                defaults={
                    "rate": quote.funding_rate,
                    "mark_price": quote.mark_price,
                    "index_price": quote.index_price,
                },
            )


def _announce(symbol: str, sequence: int, quotes: tuple[Quote, ...], settled: list[str]):
    """Publish the committed tick: latest prices to the cache, then the announcement."""
    cache.set(
        QUOTES_CACHE_KEY.format(underlying=symbol),
        {q.symbol: q.to_dict() for q in quotes},
        timeout=TICKER_CACHE_SECONDS,
    )
    tick_announced.send(
        sender=Underlying, underlying=symbol, sequence=sequence, quotes=quotes, settled=settled
    )


def feeds_tick(*, now: datetime | None = None) -> int:
    """Tick every underlying once; each in its own transaction. Returns how many moved."""
    now = now or timezone.now()
    moved = 0
    # A paused replay stands still; `underlying_replay_control` restarts its clock.
    for underlying in Underlying.objects.filter(replay_paused=False).order_by("pk"):
        try:
            if underlying_tick(underlying=underlying, now=now) is not None:
                moved += 1
        except Exception:
            # One broken feed (a live exchange down) must not stop the others.
            logger.exception("Tick of %s failed", underlying.symbol)
    return moved


@transaction.atomic
def underlying_replay_control(
    *,
    underlying: Underlying,
    now: datetime,
    paused: bool | None = None,
    speed: Decimal | None = None,
) -> Underlying:
    """Pause, resume or change the speed of a replay, carrying on from where it stands.

    The replay restarts from the historical time it has reached (a new speed is a new
    feed), and a resumed replay's clock restarts at ``now``, so no time passes while paused.
    """
    underlying = Underlying.objects.select_for_update().get(pk=underlying.pk)
    if underlying.feed_source != Underlying.FeedSource.REPLAY:
        raise ValidationError({"feed_source": "Only a historical replay can be paused."})
    if speed is not None and (not speed.is_finite() or speed <= 0):
        raise ValidationError({"replay_speed": "The speed must be positive."})
    saved = underlying.feed_state or {}
    if saved.get("key") == _feed_key(underlying) and saved["feed"].get("source_time"):
        underlying.replay_start = datetime.fromisoformat(saved["feed"]["source_time"])
    if speed is not None:
        underlying.replay_speed = speed
    resumed = paused is False and underlying.replay_paused
    if paused is not None:
        underlying.replay_paused = paused
    if resumed and underlying.last_tick_at is not None:
        underlying.last_tick_at = max(now, underlying.last_tick_at)
    fields = ["replay_start", "replay_speed", "replay_paused", "last_tick_at"]
    if saved.get("key") is not None and underlying.replay_start is not None:
        # Re-key the saved state to the restarted feed, so the next tick carries on from it.
        underlying.feed_state = {**saved, "key": _feed_key(underlying)}
        underlying.feed_state["feed"] = {
            **saved["feed"],
            "clock": saved["feed"].get("source_time"),
        }
        fields.append("feed_state")
    underlying.save(update_fields=fields)
    return underlying


def index_move(*, symbol: str, price: Decimal, now: datetime | None = None) -> tuple[Quote, ...]:
    """Move an underlying's index to ``price`` through the tick pipeline.

    ``symbol`` names the underlying (BTC) or any instrument on it (BTC-PERP).
    """
    if not price.is_finite() or price <= 0:
        raise ValidationError({"price": "The price must be a positive number."})
    underlying = (
        Underlying.objects.filter(symbol=symbol.upper()).first()
        or Underlying.objects.filter(instruments__symbol=symbol.upper()).first()
    )
    if underlying is None:
        raise ValidationError({"symbol": f"No underlying or instrument is called {symbol}."})
    price = max(to_tick(price, underlying.price_tick), underlying.price_tick)
    return underlying_tick(underlying=underlying, now=now or timezone.now(), index_price=price)


# Candles -------------------------------------------------------------------------


def candle_open_time(at: datetime, interval: str) -> datetime:
    """Return the start of the candle of ``interval`` that ``at`` falls in (UTC)."""
    span = CANDLE_SPANS[interval]
    epoch = datetime(1970, 1, 1, tzinfo=at.tzinfo)
    return epoch + ((at - epoch) // span) * span


def candles_record(*, prices: list[tuple[int, Decimal]], at: datetime) -> None:
    """Fold one price per instrument into its open candles, in one statement."""
    if not prices:
        return
    rows = []
    for instrument_id, price in prices:
        for interval in CANDLE_SPANS:
            rows.append((instrument_id, interval, candle_open_time(at, interval), price))
    greatest, least = ("GREATEST", "LEAST") if connection.vendor == "postgresql" else ("MAX", "MIN")
    table = Candle._meta.db_table
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, 0)"] * len(rows))
    params = [
        value
        for instrument_id, interval, open_time, price in rows
        for value in (instrument_id, interval, open_time, price, price, price, price)
    ]
    sql = (
        f"INSERT INTO {table} "  # noqa: S608 - table and functions are ours, values are params
        "(instrument_id, interval, open_time, open, high, low, close, volume) "
        f"VALUES {values} "
        "ON CONFLICT (instrument_id, interval, open_time) DO UPDATE SET "
        f"high = {greatest}({table}.high, excluded.high), "
        f"low = {least}({table}.low, excluded.low), "
        "close = excluded.close"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# Listings ------------------------------------------------------------------------

FUTURE_LISTING = {
    "kind": Instrument.Kind.FUTURE,
    "tick_size": Decimal("0.5"),
    "max_leverage": Decimal("20"),
    "initial_margin_rate": Decimal("0.05"),
    "maintenance_margin_rate": Decimal("0.025"),
    "maker_fee_rate": Decimal("0.0002"),
    "taker_fee_rate": Decimal("0.0005"),
    "basis_rate": Decimal("0.08"),
}
OPTION_LISTING = {
    "kind": Instrument.Kind.OPTION,
    "tick_size": Decimal("0.5"),
    "max_leverage": Decimal("5"),
    "initial_margin_rate": Decimal("0.15"),
    "maintenance_margin_rate": Decimal("0.075"),
    "maker_fee_rate": Decimal("0.0003"),
    "taker_fee_rate": Decimal("0.0003"),
    "spread_rate": Decimal("0.02"),
}
OPTION_EXPIRIES = 2


def _sizes_like(underlying: Underlying) -> dict:
    """Copy lot and quantity limits from the underlying's perpetual (or any listing)."""
    model = (
        underlying.instruments.filter(kind=Instrument.Kind.PERPETUAL).first()
        or underlying.instruments.first()
    )
    if model is None:
        return {
            "lot_size": Decimal("0.001"),
            "min_quantity": Decimal("0.001"),
            "max_quantity": Decimal("1000"),
        }
    return {
        "lot_size": model.lot_size,
        "min_quantity": model.min_quantity,
        "max_quantity": model.max_quantity,
    }


def listings_roll(*, now: datetime | None = None) -> list[str]:
    """List the next quarterly future and two weeks of options where missing.

    Run by beat; expired listings are settled by the tick that passes their expiry.
    Strikes are laid around the current index. Returns the symbols listed.
    """
    now = now or timezone.now()
    listed = []
    for underlying in Underlying.objects.filter(lists_derivatives=True).order_by("pk"):
        index = underlying.index_price or underlying.initial_price
        sizes = _sizes_like(underlying)
        expiry = listings.quarterly_expiry(now)
        symbol = listings.future_symbol(underlying.symbol, expiry)
        if not Instrument.objects.filter(symbol=symbol).exists():
            instrument_upsert(
                symbol=symbol, underlying=underlying, expiry=expiry, **FUTURE_LISTING, **sizes
            )
            listed.append(symbol)
        for expiry in listings.weekly_expiries(now, OPTION_EXPIRIES):
            strikes = listings.strike_ladder(
                index, step=underlying.option_strike_step, count=underlying.option_strike_count
            )
            for strike in strikes:
                for option_type in Instrument.OptionType.values:
                    symbol = listings.option_symbol(underlying.symbol, expiry, strike, option_type)
                    if Instrument.objects.filter(symbol=symbol).exists():
                        continue
                    instrument_upsert(
                        symbol=symbol,
                        underlying=underlying,
                        expiry=expiry,
                        strike=strike,
                        option_type=option_type,
                        **OPTION_LISTING,
                        **sizes,
                    )
                    listed.append(symbol)
    return listed


# Trades ----------------------------------------------------------------------------


def trade_record(
    *,
    instrument: Instrument,
    price: Decimal,
    quantity: Decimal,
    taker_side: str,
    order_notional: Decimal | None = None,
    at=None,
) -> Trade:
    """Put an execution on the public tape and add its volume to the open candles.

    A whale is judged by the whole taker order (``order_notional``), not by each of
    the price levels it swept.
    """
    at = at or timezone.now()
    trade = Trade(
        instrument=instrument,
        price=price,
        quantity=quantity,
        taker_side=taker_side,
        is_whale=(order_notional or price * quantity) >= instrument.whale_notional,
        created_at=at,
    )
    if connection.vendor == "postgresql":
        # One round trip for both writes: every order's fill passes through here.
        trade.pk = _trade_insert_with_volume(trade)
    else:
        trade.save(force_insert=True)
        candles_add_volume(instrument=instrument, quantity=quantity, at=at)
    events.trade_recorded(trade=trade)
    return trade


def _trade_insert_with_volume(trade: Trade) -> int:
    """Insert the trade and add its quantity to the open candles in one statement."""
    spans = ", ".join(["(%s, %s)"] * len(CANDLE_SPANS))
    sql = (
        "WITH volume AS (UPDATE market_candle SET volume = volume + %s "  # noqa: S608
        f"WHERE instrument_id = %s AND (interval, open_time) IN ({spans})) "
        "INSERT INTO market_trade (instrument_id, price, quantity, taker_side, is_whale, "
        "created_at) VALUES (%s, %s, %s, %s, %s, %s) RETURNING id"
    )
    params = [trade.quantity, trade.instrument_id]
    for interval in CANDLE_SPANS:
        params += [interval, candle_open_time(trade.created_at, interval)]
    params += [trade.instrument_id, trade.price, trade.quantity, trade.taker_side,
               trade.is_whale, trade.created_at]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def candles_add_volume(*, instrument: Instrument, quantity: Decimal, at: datetime) -> None:
    """Add traded quantity to the instrument's candles that are open at ``at``."""
    open_candles = models.Q()
    for interval in CANDLE_SPANS:
        open_candles |= models.Q(interval=interval, open_time=candle_open_time(at, interval))
    Candle.objects.filter(open_candles, instrument=instrument).update(
        volume=models.F("volume") + quantity
    )


@transaction.atomic
def positioning_update(
    *,
    instrument: Instrument,
    long_quantity: Decimal,
    short_quantity: Decimal,
    long_accounts: int,
    short_accounts: int,
) -> Positioning:
    """Store how users stand in an instrument, for the sentiment views."""
    positioning, _ = Positioning.objects.update_or_create(
        instrument=instrument,
        defaults={
            "long_quantity": long_quantity,
            "short_quantity": short_quantity,
            "long_accounts": long_accounts,
            "short_accounts": short_accounts,
        },
    )
    return positioning
