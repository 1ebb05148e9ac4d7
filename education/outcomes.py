"""What a scenario run made, and what simple strategies would have made on the same history.

Rules of this module:

- Pure: values in, values out; no Django, no I/O, no clock. Money and prices are
  `Decimal`; returns are fractions of the starting balance (-0.25 is a 25% loss).
- The price path is the one the replay walks (`market.pricing.feeds`): each bar
  open -> first extreme -> second extreme -> close, low first on a rising bar and
  high first on a falling one. A perfectly timed short sells at a point of that path
  and buys back at a later, lower point; it is taken at 1x, before costs.
- Buy-and-hold buys at the first bar's open and sells at the last bar's close, 1x.
- Maximum drawdown is the largest fall of equity from its running peak, as a
  fraction of that peak; an empty or never-falling path has none (0).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import pairwise

from market.pricing.feeds import Bar

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class PathPoint:
    """A price at a moment of history."""

    time: datetime
    price: Decimal


@dataclass(frozen=True, slots=True)
class PerfectShort:
    """The best short on a path: when to sell, when to buy back, and the return at 1x."""

    sell: PathPoint
    cover: PathPoint
    fraction: Decimal


def replay_path(bars: Sequence[Bar], bar_length: timedelta | None = None) -> list[PathPoint]:
    """Return the waypoints the replay walks through `bars`, in time order.

    `bar_length` is the span of one bar; by default the shortest spacing between two
    bars, as the replay takes it (one day for a single bar).
    """
    if bar_length is None:
        gaps = [later.time - earlier.time for earlier, later in pairwise(bars)]
        bar_length = min(gaps, default=timedelta(days=1))
    third = bar_length / 3
    points: list[PathPoint] = []
    for bar in bars:
        first, second = (bar.low, bar.high) if bar.close >= bar.open else (bar.high, bar.low)
        points += [
            PathPoint(bar.time, bar.open),
            PathPoint(bar.time + third, first),
            PathPoint(bar.time + third * 2, second),
            PathPoint(bar.time + bar_length, bar.close),
        ]
    return points


def buy_and_hold_return(bars: Sequence[Bar]) -> Decimal:
    """Return what buying at the first open and selling at the last close made, at 1x."""
    if not bars:
        return ZERO
    return bars[-1].close / bars[0].open - 1


def perfect_short(path: Sequence[PathPoint]) -> PerfectShort | None:
    """Return the short with the largest fall from a sell point to a later cover point."""
    best: PerfectShort | None = None
    peak: PathPoint | None = None
    for point in path:
        if peak is None or point.price > peak.price:
            peak = point
            continue
        fraction = (peak.price - point.price) / peak.price
        if fraction > 0 and (best is None or fraction > best.fraction):
            best = PerfectShort(sell=peak, cover=point, fraction=fraction)
    return best


def max_drawdown(equities: Iterable[Decimal]) -> Decimal:
    """Return the largest fall of equity from its running peak, as a fraction of the peak."""
    peak: Decimal | None = None
    worst = ZERO
    for equity in equities:
        if peak is None or equity > peak:
            peak = equity
        elif peak > 0:
            worst = max(worst, (peak - equity) / peak)
    return worst


def total_return(*, starting_balance: Decimal, final_equity: Decimal) -> Decimal:
    """Return the run's gain or loss as a fraction of what it started with."""
    if starting_balance <= 0:
        raise ValueError("the starting balance must be positive")
    return final_equity / starting_balance - 1
