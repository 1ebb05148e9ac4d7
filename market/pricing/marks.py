"""Mark prices for perpetual and dated futures, and the perpetual's funding rate.

Rules of this module:

- Prices and rates are `Decimal` in and out; rates are fractions (0.0001 is
  0.01%), times are seconds. Nothing here reads a clock: the caller passes the
  elapsed time or the time left to expiry.
- A perpetual's mark is the index times (1 + premium). The premium follows an
  Ornstein-Uhlenbeck process: it decays toward zero with a half-life
  (`premium_next`) and takes a seeded random shock each tick (`premium_shock`)
  whose size keeps the premium's long-run spread at `premium_stdev` whatever
  the tick interval.
- A dated future's mark is the index plus a carry that shrinks linearly to zero:
  at and after expiry the mark is the index.
- Funding follows the usual exchange formula: premium index P = (mark - index)
  / index; rate = P + clamp(I - P, -clamp, +clamp), capped at +/-cap. A positive
  rate means longs pay shorts.
"""

import math
import random
from decimal import ROUND_HALF_EVEN, Decimal

SECONDS_PER_YEAR = 365 * 24 * 3600
DEFAULT_INTEREST_RATE = Decimal("0.0001")  # per 8-hour funding interval
DEFAULT_FUNDING_CLAMP = Decimal("0.0005")
DEFAULT_FUNDING_CAP = Decimal("0.0075")
RATE_QUANTUM = Decimal("0.00000001")
PREMIUM_QUANTUM = Decimal("0.0000000001")


def perpetual_mark(
    index: Decimal, premium: Decimal, *, tick_size: Decimal | None = None
) -> Decimal:
    """Return the perpetual's mark: the index times (1 + premium)."""
    return _to_tick(index * (1 + premium), tick_size)


def premium_next(premium: Decimal, *, elapsed: float, half_life: float) -> Decimal:
    """Return the premium decayed toward zero over `elapsed` seconds."""
    _check_times(elapsed, half_life)
    decay = Decimal(repr(0.5 ** (elapsed / half_life)))
    return (premium * decay).quantize(PREMIUM_QUANTUM, rounding=ROUND_HALF_EVEN)


def premium_shock(
    *, seed: int, step: int, elapsed: float, half_life: float, premium_stdev: Decimal
) -> Decimal:
    """Return the seeded random shock to add to the decayed premium at tick `step`."""
    _check_times(elapsed, half_life)
    rate = math.log(2) / half_life
    stdev = float(premium_stdev) * math.sqrt(-math.expm1(-2 * rate * elapsed))
    draw = random.Random(f"shortbook-premium:{seed}:{step}").gauss(0.0, 1.0)
    return Decimal(repr(stdev * draw)).quantize(PREMIUM_QUANTUM, rounding=ROUND_HALF_EVEN)


def future_mark(
    index: Decimal,
    *,
    annual_basis_rate: Decimal,
    time_to_expiry_seconds: float,
    tick_size: Decimal | None = None,
) -> Decimal:
    """Return a dated future's mark: the index plus a basis that reaches zero at expiry."""
    years = Decimal(repr(max(time_to_expiry_seconds, 0.0))) / SECONDS_PER_YEAR
    return _to_tick(index * (1 + annual_basis_rate * years), tick_size)


def funding_rate(
    mark: Decimal,
    index: Decimal,
    *,
    interest_rate: Decimal = DEFAULT_INTEREST_RATE,
    clamp: Decimal = DEFAULT_FUNDING_CLAMP,
    cap: Decimal = DEFAULT_FUNDING_CAP,
) -> Decimal:
    """Return the funding rate for one interval; positive means longs pay shorts."""
    if index <= 0 or clamp < 0 or cap < 0:
        raise ValueError("index must be positive, clamp and cap not negative")
    premium = (mark - index) / index
    rate = premium + _clamp(interest_rate - premium, clamp)
    return _clamp(rate.quantize(RATE_QUANTUM, rounding=ROUND_HALF_EVEN), cap)


def _clamp(value: Decimal, limit: Decimal) -> Decimal:
    """Clamp `value` into -limit..limit."""
    return max(-limit, min(limit, value))


def _to_tick(price: Decimal, tick_size: Decimal | None) -> Decimal:
    """Round to the tick when one is given."""
    if tick_size is None:
        return price
    return (price / tick_size).quantize(Decimal(1), rounding=ROUND_HALF_EVEN) * tick_size


def _check_times(elapsed: float, half_life: float) -> None:
    """Refuse negative elapsed time or a half-life that is not positive."""
    if not (elapsed >= 0 and half_life > 0):
        raise ValueError("elapsed must be >= 0 and half_life > 0 seconds")
