"""Chart indicators over a series of closes: SMA, EMA, Bollinger Bands, RSI, MACD, Fibonacci.

Rules of this module:

- Pure functions of `Decimal` closes, oldest first; no Django, no I/O, no clock.
- Every series returned is a list aligned with the input, holding `None` where
  there is not yet enough data, so it can be drawn under the same candles.
- Conventions are the common charting ones (StockCharts' ChartSchool): the EMA
  starts from the SMA of its first `period` values and then weights each new
  value by 2 / (period + 1); Bollinger Bands use the population standard
  deviation; RSI uses Wilder's smoothing, starting from simple averages of the
  first `period` gains and losses; MACD is EMA(fast) - EMA(slow), its signal
  an EMA of the MACD line, its histogram the difference.
- Arithmetic runs in the current `decimal` context (28 digits by default);
  callers round for display.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise

Series = list[Decimal | None]

FIBONACCI_RATIOS = tuple(
    Decimal(ratio) for ratio in ("0", "0.236", "0.382", "0.5", "0.618", "0.786", "1")
)


class Swing(StrEnum):
    """Which way the price moved between the swing low and the swing high."""

    UP = "up"
    DOWN = "down"


@dataclass(frozen=True, slots=True)
class BollingerBands:
    """The middle band (SMA) and the bands k standard deviations above and below."""

    middle: Series
    upper: Series
    lower: Series


@dataclass(frozen=True, slots=True)
class Macd:
    """The MACD line, its signal line and the histogram between them."""

    line: Series
    signal: Series
    histogram: Series


@dataclass(frozen=True, slots=True)
class FibonacciLevel:
    """A retracement ratio and the price it falls at."""

    ratio: Decimal
    price: Decimal


def sma(values: Sequence[Decimal], period: int) -> Series:
    """Return the simple moving average over `period` values."""
    _check_period(period)
    out: Series = [None] * len(values)
    window = Decimal(0)
    for i, value in enumerate(values):
        window += value
        if i >= period:
            window -= values[i - period]
        if i >= period - 1:
            out[i] = window / period
    return out


def ema(values: Sequence[Decimal], period: int) -> Series:
    """Return the exponential moving average, seeded with the SMA of the first `period`."""
    _check_period(period)
    out: Series = [None] * len(values)
    if len(values) < period:
        return out
    alpha = Decimal(2) / (period + 1)
    current = sum(values[:period], Decimal(0)) / period
    out[period - 1] = current
    for i in range(period, len(values)):
        current += (values[i] - current) * alpha
        out[i] = current
    return out


def bollinger_bands(
    values: Sequence[Decimal], period: int = 20, width: Decimal = Decimal(2)
) -> BollingerBands:
    """Return Bollinger Bands: SMA +/- `width` population standard deviations."""
    middle = sma(values, period)
    upper: Series = [None] * len(values)
    lower: Series = [None] * len(values)
    for i, mean in enumerate(middle):
        if mean is None:
            continue
        window = values[i + 1 - period : i + 1]
        spread = width * (sum(((v - mean) ** 2 for v in window), Decimal(0)) / period).sqrt()
        upper[i], lower[i] = mean + spread, mean - spread
    return BollingerBands(middle=middle, upper=upper, lower=lower)


def rsi(values: Sequence[Decimal], period: int = 14) -> Series:
    """Return the Relative Strength Index with Wilder's smoothing."""
    _check_period(period)
    out: Series = [None] * len(values)
    if len(values) <= period:
        return out
    changes = [later - earlier for earlier, later in pairwise(values)]
    gain = sum((max(c, Decimal(0)) for c in changes[:period]), Decimal(0)) / period
    loss = sum((max(-c, Decimal(0)) for c in changes[:period]), Decimal(0)) / period
    out[period] = _rsi_from_averages(gain, loss)
    for i in range(period, len(changes)):
        gain = (gain * (period - 1) + max(changes[i], Decimal(0))) / period
        loss = (loss * (period - 1) + max(-changes[i], Decimal(0))) / period
        out[i + 1] = _rsi_from_averages(gain, loss)
    return out


def macd(values: Sequence[Decimal], fast: int = 12, slow: int = 26, signal: int = 9) -> Macd:
    """Return MACD: EMA(fast) - EMA(slow), its EMA(signal) and the histogram."""
    if not fast < slow:
        raise ValueError("the fast period must be shorter than the slow one")
    fast_ema, slow_ema = ema(values, fast), ema(values, slow)
    line: Series = [
        None if f is None or s is None else f - s for f, s in zip(fast_ema, slow_ema, strict=True)
    ]
    start = slow - 1
    defined = [value for value in line[start:] if value is not None]
    signal_line: Series = [None] * min(start, len(values)) + ema(defined, signal)
    histogram: Series = [
        None if m is None or s is None else m - s for m, s in zip(line, signal_line, strict=True)
    ]
    return Macd(line=line, signal=signal_line, histogram=histogram)


def fibonacci_retracements(high: Decimal, low: Decimal, swing: Swing) -> tuple[FibonacciLevel, ...]:
    """Return the retracement levels of a swing, from 0% (its end) to 100% (its start).

    After an up-swing (low then high) prices retrace down from the high; after
    a down-swing (high then low) they retrace up from the low.
    """
    if high < low:
        raise ValueError("the swing high must not be below the swing low")
    move = high - low
    if swing is Swing.UP:
        return tuple(FibonacciLevel(ratio, high - move * ratio) for ratio in FIBONACCI_RATIOS)
    return tuple(FibonacciLevel(ratio, low + move * ratio) for ratio in FIBONACCI_RATIOS)


def _rsi_from_averages(gain: Decimal, loss: Decimal) -> Decimal:
    """Return RSI from average gain and loss: 100 with no losses, 50 with no moves."""
    if loss == 0:
        return Decimal(50) if gain == 0 else Decimal(100)
    return 100 - 100 / (1 + gain / loss)


def _check_period(period: int) -> None:
    """Refuse a period below one."""
    if period < 1:
        raise ValueError(f"period must be at least 1, not {period}")
