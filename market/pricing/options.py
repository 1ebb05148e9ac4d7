"""Black-Scholes prices and Greeks for European options on the index, and the smile.

Rules of this module:

- `Decimal` at the edges, float math inside (`math.erfc`, `exp`, `log`); prices
  are quantized to 1e-8, Greeks and volatilities rounded to 10 significant
  digits. Time to expiry is in years of 365 days; volatility and the rate are
  annual fractions (0.8 is 80%).
- Greeks are in traders' units: delta per 1 of spot, gamma per 1 of spot
  squared, vega per volatility point (0.01), theta per calendar day (the value
  lost as one day passes), rho per percentage point of rate (0.01).
- At and after expiry an option is worth its intrinsic value; delta is 1 (call)
  or -1 (put) in the money and 0 otherwise, every other Greek is 0. With zero
  volatility the option is worth its discounted forward intrinsic value.
- Prices are kept within the no-arbitrage bounds, so float rounding never shows
  a call below max(0, S - K e^-rT) or above S.
"""

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal
from enum import StrEnum

DAYS_PER_YEAR = 365
PRICE_QUANTUM = Decimal("0.00000001")
SIGNIFICANT_DIGITS = Context(prec=10)
IMPLIED_VOL_BOUNDS = (0.0, 10.0)
IMPLIED_VOL_TOLERANCE = 1e-12
# A quoted price is rounded to PRICE_QUANTUM, so it may sit this far outside the bounds.
HALF_QUANTUM = float(PRICE_QUANTUM) / 2
# Smiles use at least one day of time, so a 0DTE smile does not explode.
MIN_SMILE_YEARS = 1 / DAYS_PER_YEAR


class OptionKind(StrEnum):
    """Call or put."""

    CALL = "call"
    PUT = "put"


@dataclass(frozen=True, slots=True)
class OptionQuote:
    """An option's price and Greeks, in the units stated at the top of the module."""

    price: Decimal
    delta: Decimal
    gamma: Decimal
    vega: Decimal
    theta: Decimal
    rho: Decimal


def black_scholes(
    kind: OptionKind,
    *,
    spot: Decimal,
    strike: Decimal,
    time_to_expiry: Decimal | float,
    volatility: Decimal,
    rate: Decimal = Decimal(0),
) -> OptionQuote:
    """Price a European option and its Greeks."""
    s, k, t, sigma, r = _floats(spot, strike, time_to_expiry, volatility, rate)
    if t <= 0:
        return _quote(_at_expiry(kind, s, k))
    if sigma * math.sqrt(t) == 0:
        return _quote(_without_volatility(kind, s, k, t, r))
    return _quote(_with_volatility(kind, s, k, t, sigma, r))


def implied_volatility(
    price: Decimal,
    kind: OptionKind,
    *,
    spot: Decimal,
    strike: Decimal,
    time_to_expiry: Decimal | float,
    rate: Decimal = Decimal(0),
) -> Decimal:
    """Return the volatility at which Black-Scholes gives `price`, found by bisection."""
    s, k, t, _, r = _floats(spot, strike, time_to_expiry, Decimal(0), rate)
    target = float(price)
    low, high = IMPLIED_VOL_BOUNDS
    if t <= 0:
        raise ValueError("an expired option has no implied volatility")
    floor_price, ceiling_price = _price(kind, s, k, t, low, r), _price(kind, s, k, t, high, r)
    if not floor_price - HALF_QUANTUM <= target <= ceiling_price + HALF_QUANTUM:
        raise ValueError(f"no volatility up to {high:.0%} gives the price {price}")
    while high - low > IMPLIED_VOL_TOLERANCE:
        middle = (low + high) / 2
        if _price(kind, s, k, t, middle, r) < target:
            low = middle
        else:
            high = middle
    return _significant((low + high) / 2)


def smile_volatility(
    atm_vol: Decimal,
    *,
    strike: Decimal,
    forward: Decimal,
    time_to_expiry: Decimal | float,
    skew: Decimal,
    curvature: Decimal,
    floor: Decimal = Decimal("0.05"),
) -> Decimal:
    """Return the smile's volatility at `strike`: quadratic in time-scaled log-moneyness.

    x = ln(K / F) / sqrt(T) and vol = atm_vol + skew * x + curvature * x^2,
    never below `floor`. A negative skew makes puts dearer than calls, as in
    crypto after a crash; curvature lifts both wings.
    """
    if strike <= 0 or forward <= 0:
        raise ValueError("strike and forward must be positive")
    years = max(float(time_to_expiry), MIN_SMILE_YEARS)
    x = math.log(float(strike) / float(forward)) / math.sqrt(years)
    vol = float(atm_vol) + float(skew) * x + float(curvature) * x * x
    return max(_significant(vol), floor)


def _with_volatility(
    kind: OptionKind, s: float, k: float, t: float, sigma: float, r: float
) -> tuple[float, ...]:
    """Return price and Greeks per year/unit from the Black-Scholes formulas."""
    root_t = math.sqrt(t)
    d1 = (math.log(s / k) + (r + sigma * sigma / 2) * t) / (sigma * root_t)
    d2 = d1 - sigma * root_t
    discounted_strike = k * math.exp(-r * t)
    gamma = _pdf(d1) / (s * sigma * root_t)
    vega = s * _pdf(d1) * root_t
    decay = -s * _pdf(d1) * sigma / (2 * root_t)
    if kind is OptionKind.CALL:
        price = s * _cdf(d1) - discounted_strike * _cdf(d2)
        delta = _cdf(d1)
        theta = decay - r * discounted_strike * _cdf(d2)
        rho = discounted_strike * t * _cdf(d2)
    else:
        price = discounted_strike * _cdf(-d2) - s * _cdf(-d1)
        delta = _cdf(d1) - 1
        theta = decay + r * discounted_strike * _cdf(-d2)
        rho = -discounted_strike * t * _cdf(-d2)
    price = _within_bounds(kind, price, s, discounted_strike)
    return price, delta, gamma, vega, theta, rho


def _without_volatility(
    kind: OptionKind, s: float, k: float, t: float, r: float
) -> tuple[float, ...]:
    """Return price and Greeks per year/unit of an option whose forward is certain."""
    discounted_strike = k * math.exp(-r * t)
    sign = 1.0 if kind is OptionKind.CALL else -1.0
    in_the_money = sign * (s - discounted_strike) > 0
    if not in_the_money:
        return 0.0, 0.0, 0.0, 0.0, 0.0, 0.0
    price = sign * (s - discounted_strike)
    theta = -sign * r * discounted_strike
    rho = sign * discounted_strike * t
    return price, sign, 0.0, 0.0, theta, rho


def _at_expiry(kind: OptionKind, s: float, k: float) -> tuple[float, ...]:
    """Return an expired option's intrinsic value and its delta."""
    sign = 1.0 if kind is OptionKind.CALL else -1.0
    intrinsic = max(sign * (s - k), 0.0)
    return intrinsic, sign if intrinsic > 0 else 0.0, 0.0, 0.0, 0.0, 0.0


def _price(kind: OptionKind, s: float, k: float, t: float, sigma: float, r: float) -> float:
    """Return the float price alone, for the implied-volatility search."""
    if sigma * math.sqrt(t) == 0:
        return _without_volatility(kind, s, k, t, r)[0]
    return _with_volatility(kind, s, k, t, sigma, r)[0]


def _within_bounds(kind: OptionKind, price: float, s: float, discounted_strike: float) -> float:
    """Clamp a float price into the no-arbitrage bounds."""
    if kind is OptionKind.CALL:
        return min(max(price, s - discounted_strike, 0.0), s)
    return min(max(price, discounted_strike - s, 0.0), discounted_strike)


def _quote(values: tuple[float, ...]) -> OptionQuote:
    """Convert float price and Greeks (per year, per unit) to a quote in traders' units."""
    price, delta, gamma, vega, theta, rho = values
    return OptionQuote(
        price=Decimal(repr(price)).quantize(PRICE_QUANTUM, rounding=ROUND_HALF_EVEN),
        delta=_significant(delta),
        gamma=_significant(gamma),
        vega=_significant(vega / 100),
        theta=_significant(theta / DAYS_PER_YEAR),
        rho=_significant(rho / 100),
    )


def _floats(
    spot: Decimal,
    strike: Decimal,
    time_to_expiry: Decimal | float,
    volatility: Decimal,
    rate: Decimal,
) -> tuple[float, float, float, float, float]:
    """Check the inputs and convert them to floats."""
    if spot <= 0 or strike <= 0:
        raise ValueError("spot and strike must be positive")
    if volatility < 0:
        raise ValueError("volatility must not be negative")
    return float(spot), float(strike), float(time_to_expiry), float(volatility), float(rate)


def _significant(value: float) -> Decimal:
    """Round a float to ten significant digits, without a negative zero."""
    if value == 0:
        return Decimal(0)
    return SIGNIFICANT_DIGITS.create_decimal(repr(value))


def _cdf(x: float) -> float:
    """Return the standard normal CDF, accurate in both tails."""
    return 0.5 * math.erfc(-x / math.sqrt(2))


def _pdf(x: float) -> float:
    """Return the standard normal density."""
    return math.exp(-x * x / 2) / math.sqrt(2 * math.pi)
