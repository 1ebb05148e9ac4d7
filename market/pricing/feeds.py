"""Reference-price feeds: a seeded random walk and a replay of real history.

Rules of this module:

- A feed is a pure function of its parameters, the previous `FeedState` and the
  seconds elapsed since it: no clock, no I/O, no hidden state. The caller keeps
  the state (as JSON from `FeedState.to_dict`) between ticks, so a restarted
  worker carries on exactly where the last one stopped.
- `SimulatedWalk` draws each tick's randomness from `random.Random` seeded with
  (seed, step), so the state holds integers and decimals, never a pickled
  generator; the same seed and the same sequence of `elapsed` values give the
  same prices. Prices stay at or above one tick and are rounded to the tick.
- `HistoricalReplay` walks each bar open -> first extreme -> second extreme ->
  close in equal thirds of the bar (low first on a rising bar, high first on a
  falling one), holds the close through gaps in the data, and stops at the last
  close with `finished=True`. A step never skips a bar's high or low: when the
  elapsed time reaches past the next extreme, the step shows that extreme and
  the rest of the time is spent on later steps (`clock` runs ahead of
  `source_time` until it is caught up).
- `rebase` moves the price to a new level and continues from it: the walk grows
  from the new price, the replay multiplies later prices by `scale`.
"""

import math
import random
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum
from itertools import pairwise
from typing import Any, Protocol

SECONDS_PER_YEAR = 365 * 24 * 3600
ONE_MICROSECOND = timedelta(microseconds=1)
# Above this mean a Poisson count is drawn from its normal approximation.
POISSON_NORMAL_ABOVE = 50.0


@dataclass(frozen=True, slots=True)
class Bar:
    """One OHLCV bar that starts at `time` (UTC); volume is in the base asset."""

    time: datetime
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal

    def __post_init__(self) -> None:
        if self.time.utcoffset() is None:
            raise ValueError(f"bar time {self.time} has no time zone")
        if not Decimal(0) < self.low <= min(self.open, self.close):
            raise ValueError(f"bar at {self.time}: low {self.low} above open or close")
        if self.high < max(self.open, self.close):
            raise ValueError(f"bar at {self.time}: high {self.high} below open or close")
        if self.volume < 0:
            raise ValueError(f"bar at {self.time}: negative volume")


class Regime(StrEnum):
    """The walk's volatility regime."""

    CALM = "calm"
    STORMY = "stormy"


@dataclass(frozen=True, slots=True)
class FeedState:
    """Where a feed stands after `step` ticks; everything a feed needs to continue."""

    price: Decimal
    step: int = 0
    source_time: datetime | None = None
    finished: bool = False
    level: Decimal | None = None
    regime: Regime | None = None
    clock: datetime | None = None
    scale: Decimal = Decimal(1)

    def to_dict(self) -> dict[str, Any]:
        """Return the state as JSON-able values."""
        return {
            "price": str(self.price),
            "step": self.step,
            "source_time": _iso(self.source_time),
            "finished": self.finished,
            "level": None if self.level is None else str(self.level),
            "regime": None if self.regime is None else str(self.regime),
            "clock": _iso(self.clock),
            "scale": str(self.scale),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "FeedState":
        """Rebuild a state from `to_dict` output."""
        return cls(
            price=Decimal(data["price"]),
            step=int(data["step"]),
            source_time=_from_iso(data.get("source_time")),
            finished=bool(data.get("finished", False)),
            level=None if data.get("level") is None else Decimal(data["level"]),
            regime=None if data.get("regime") is None else Regime(data["regime"]),
            clock=_from_iso(data.get("clock")),
            scale=Decimal(data.get("scale", "1")),
        )


class PriceFeed(Protocol):
    """A source of reference prices, advanced one tick at a time."""

    def step(self, state: FeedState, *, elapsed: float) -> FeedState:
        """Return the state `elapsed` seconds after `state`."""
        ...

    def rebase(self, state: FeedState, price: Decimal) -> FeedState:
        """Return `state` moved to `price`, to continue from that level."""
        ...


@dataclass(frozen=True, slots=True)
class SimulatedWalk:
    """A seeded geometric random walk with calm/stormy regimes and Poisson jumps.

    Rates are per year of 365 days (crypto trades every day); `drift` is the
    expected annual log-growth before volatility drag, jumps compensated;
    jump sizes are normal in log-price.
    """

    seed: int
    annual_volatility: Decimal
    drift: Decimal = Decimal(0)
    tick_size: Decimal = Decimal("0.01")
    stormy_multiplier: Decimal = Decimal(3)
    storms_per_year: Decimal = Decimal(6)
    storm_days: Decimal = Decimal(3)
    jumps_per_year: Decimal = Decimal(12)
    jump_mean: Decimal = Decimal(0)
    jump_stdev: Decimal = Decimal("0.03")

    def __post_init__(self) -> None:
        if self.annual_volatility < 0 or self.jump_stdev < 0 or self.jumps_per_year < 0:
            raise ValueError("volatility, jump size and jump intensity must not be negative")
        if self.tick_size <= 0 or self.storm_days <= 0 or self.storms_per_year < 0:
            raise ValueError("tick size and storm length must be positive")
        if self.stormy_multiplier < 1:
            raise ValueError("a storm cannot be calmer than calm")

    def initial_state(self, price: Decimal) -> FeedState:
        """Return the state before the first tick, at `price`."""
        _check_price(price)
        return FeedState(price=self._round(price), level=price, regime=Regime.CALM)

    def step(self, state: FeedState, *, elapsed: float) -> FeedState:
        """Return the state `elapsed` seconds after `state`."""
        _check_elapsed(elapsed)
        rng = random.Random(f"shortbook-walk:{self.seed}:{state.step}")
        years = elapsed / SECONDS_PER_YEAR
        regime = self._next_regime(state.regime or Regime.CALM, years, rng)
        log_return = self._diffusion(regime, years, rng) + self._jumps(years, rng)
        level_float = float(state.level if state.level is not None else state.price)
        level_float = max(level_float * math.exp(log_return), float(self.tick_size))
        level = Decimal(repr(level_float))
        return replace(
            state, price=self._round(level), level=level, regime=regime, step=state.step + 1
        )

    def rebase(self, state: FeedState, price: Decimal) -> FeedState:
        """Return `state` moved to `price`; the walk grows from there."""
        _check_price(price)
        return replace(state, price=self._round(price), level=price)

    def _next_regime(self, regime: Regime, years: float, rng: random.Random) -> Regime:
        """Switch regime with the probability of a switch within `years`."""
        if regime is Regime.CALM:
            rate, other = float(self.storms_per_year), Regime.STORMY
        else:
            rate, other = 365.0 / float(self.storm_days), Regime.CALM
        switched = rng.random() < -math.expm1(-rate * years)
        return other if switched else regime

    def _diffusion(self, regime: Regime, years: float, rng: random.Random) -> float:
        """Draw the log-return of the continuous part over `years`."""
        sigma = float(self.annual_volatility)
        if regime is Regime.STORMY:
            sigma *= float(self.stormy_multiplier)
        mean_jump = float(self.jump_mean) + float(self.jump_stdev) ** 2 / 2
        compensation = float(self.jumps_per_year) * math.expm1(mean_jump)
        mu = float(self.drift) - compensation - sigma * sigma / 2
        return mu * years + sigma * math.sqrt(years) * rng.gauss(0.0, 1.0)

    def _jumps(self, years: float, rng: random.Random) -> float:
        """Draw the summed log-size of the jumps within `years`."""
        count = _poisson(float(self.jumps_per_year) * years, rng)
        mean, stdev = float(self.jump_mean), float(self.jump_stdev)
        return sum(rng.gauss(mean, stdev) for _ in range(count))

    def _round(self, price: Decimal) -> Decimal:
        """Round to the tick, never below one tick."""
        return max(_round_to_tick(price, self.tick_size), self.tick_size)


@dataclass(frozen=True, slots=True)
class HistoricalReplay:
    """Replay `bars` from `start` at `speed` historical seconds per real second.

    `bar_length` is the span of one bar; by default the shortest spacing
    between two bars (a longer spacing is a gap in the data).
    """

    bars: tuple[Bar, ...]
    start: datetime
    speed: float
    tick_size: Decimal = Decimal("0.01")
    bar_length: timedelta | None = None
    _times: tuple[datetime, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        bars = tuple(self.bars)
        if not bars:
            raise ValueError("a replay needs at least one bar")
        times = tuple(bar.time for bar in bars)
        if any(later <= earlier for earlier, later in pairwise(times)):
            raise ValueError("bars must be in strictly ascending time order")
        if not self.speed > 0 or self.tick_size <= 0:
            raise ValueError("speed and tick size must be positive")
        object.__setattr__(self, "bars", bars)
        object.__setattr__(self, "_times", times)
        if self.bar_length is None:
            object.__setattr__(self, "bar_length", _shortest_spacing(times))
        if self._length <= timedelta(0):
            raise ValueError("bar length must be positive")
        if not times[0] <= self.start <= self.end:
            raise ValueError(f"start {self.start} is outside {times[0]}..{self.end}")

    @property
    def end(self) -> datetime:
        """Return the time the last bar closes."""
        return self._times[-1] + self._length

    @property
    def _length(self) -> timedelta:
        """Return the bar length, known after construction."""
        assert self.bar_length is not None
        return self.bar_length

    def initial_state(self) -> FeedState:
        """Return the state at `start`, before the first tick."""
        return FeedState(
            price=_round_to_tick(self.price_at(self.start), self.tick_size),
            source_time=self.start,
            clock=self.start,
            finished=self.start >= self.end,
        )

    def step(self, state: FeedState, *, elapsed: float) -> FeedState:
        """Return the state `elapsed` seconds after `state`, never skipping an extreme."""
        _check_elapsed(elapsed)
        shown_before = state.source_time or self.start
        clock = (state.clock or shown_before) + timedelta(seconds=elapsed * self.speed)
        shown = min(clock, self._next_extreme(shown_before), self.end)
        return replace(
            state,
            price=_round_to_tick(self.price_at(shown) * state.scale, self.tick_size),
            step=state.step + 1,
            source_time=shown,
            clock=clock,
            finished=shown >= self.end,
        )

    def rebase(self, state: FeedState, price: Decimal) -> FeedState:
        """Return `state` moved to `price`; later replayed returns continue from it."""
        _check_price(price)
        unscaled = self.price_at(state.source_time or self.start)
        return replace(state, price=_round_to_tick(price, self.tick_size), scale=price / unscaled)

    def price_at(self, when: datetime) -> Decimal:
        """Return the unscaled historical price on the bar path at `when`."""
        index = bisect_right(self._times, when) - 1
        if index < 0:
            raise ValueError(f"{when} is before the first bar")
        bar = self.bars[index]
        offset = when - bar.time
        if offset >= self._length:
            return bar.close
        for (t0, p0), (t1, p1) in pairwise(_waypoints(bar, self._length)):
            if offset < t1:
                return p0 + (p1 - p0) * _fraction(offset - t0, t1 - t0)
        return bar.close

    def _next_extreme(self, when: datetime) -> datetime:
        """Return the first time after `when` the path reaches a bar's high or low."""
        index = max(bisect_right(self._times, when) - 1, 0)
        for bar in self.bars[index : index + 2]:
            for offset, _ in _waypoints(bar, self._length)[1:3]:
                if bar.time + offset > when:
                    return bar.time + offset
        return self.end


def _waypoints(bar: Bar, length: timedelta) -> tuple[tuple[timedelta, Decimal], ...]:
    """Return the bar's path: (offset, price) at open, both extremes and close."""
    first, second = (bar.low, bar.high) if bar.close >= bar.open else (bar.high, bar.low)
    third = length / 3
    return ((timedelta(0), bar.open), (third, first), (third * 2, second), (length, bar.close))


def _fraction(part: timedelta, whole: timedelta) -> Decimal:
    """Return part / whole exactly, counted in microseconds."""
    return Decimal(part // ONE_MICROSECOND) / Decimal(whole // ONE_MICROSECOND)


def _shortest_spacing(times: tuple[datetime, ...]) -> timedelta:
    """Return the shortest gap between consecutive times (one day for a single bar)."""
    gaps = [later - earlier for earlier, later in pairwise(times)]
    return min(gaps, default=timedelta(days=1))


def _poisson(mean: float, rng: random.Random) -> int:
    """Draw a Poisson count: Knuth's product method, a normal approximation for large means."""
    if mean <= 0:
        return 0
    if mean > POISSON_NORMAL_ABOVE:
        return max(round(rng.gauss(mean, math.sqrt(mean))), 0)
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _round_to_tick(price: Decimal, tick: Decimal) -> Decimal:
    """Round `price` to the nearest multiple of `tick`."""
    return (price / tick).quantize(Decimal(1), rounding=ROUND_HALF_EVEN) * tick


def _check_elapsed(elapsed: float) -> None:
    """Refuse negative or non-finite elapsed time."""
    if not (math.isfinite(elapsed) and elapsed >= 0):
        raise ValueError(f"elapsed must be a finite number of seconds >= 0, not {elapsed}")


def _check_price(price: Decimal) -> None:
    """Refuse a price that is not positive."""
    if not price > 0:
        raise ValueError(f"price must be positive, not {price}")


def _iso(value: datetime | None) -> str | None:
    """Format an aware datetime for JSON."""
    return None if value is None else value.isoformat()


def _from_iso(value: str | None) -> datetime | None:
    """Parse a datetime written by `_iso`."""
    return None if value is None else datetime.fromisoformat(value)
