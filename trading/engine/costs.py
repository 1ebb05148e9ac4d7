"""What trading and holding cost: fees, funding, borrow interest and overnight financing.

Rules of this module:

- Money is `Decimal` in and out; rates are fractions (0.0004 is 0.04%). Every
  function returns what the holder pays: positive is a debit, negative a
  credit. Results are exact; the caller quantizes what it books.
- Fee: notional * rate. A negative rate (a maker rebate) is a credit.
- Funding (perpetuals, once per interval): notional at the mark * rate. A
  positive rate means longs pay shorts: a long pays notional * rate and a
  short pays -notional * rate (receives it); a negative rate turns both round.
- Borrow interest (a short on spot margin borrows the coin): simple interest on
  the borrowed coin's value, quantity * price * annual rate * hours / 8760,
  with the price the caller values the loan at when it accrues.
- Overnight financing (CFDs), IG's published convention: per night held, a long
  pays notional * (benchmark + admin fee) / day_count; a short receives
  notional * (benchmark - admin fee) / day_count, so it pays when the benchmark
  is below the admin fee (with a zero benchmark both sides pay the admin fee).
  IG priced crypto CFDs this way too: in 2017 a 25% funding rate and a 7.5%
  admin fee, so longs paid 32.5% a year and shorts received 17.5%.
  `nights` counts the nights held, three over a weekend; `day_count` is 365 or
  360 as the market's convention says.
"""

from decimal import Decimal

from trading.engine.positions import direction
from trading.engine.types import Side

HOURS_PER_YEAR = 365 * 24


def fee(notional: Decimal, rate: Decimal) -> Decimal:
    """Return the fee on a trade's notional; a negative rate is a rebate."""
    return abs(notional) * rate


def funding_payment(side: Side, quantity: Decimal, mark_price: Decimal, rate: Decimal) -> Decimal:
    """Return the funding a position pays for one interval (positive rate: longs pay shorts)."""
    return abs(quantity) * mark_price * rate * direction(side)


def borrow_interest(
    borrowed_quantity: Decimal, price: Decimal, annual_rate: Decimal, hours: Decimal | int
) -> Decimal:
    """Return the interest on a borrowed quantity valued at `price` over some hours."""
    return abs(borrowed_quantity) * price * annual_rate * Decimal(hours) / HOURS_PER_YEAR


def overnight_financing(
    side: Side,
    notional: Decimal,
    *,
    benchmark_rate: Decimal,
    admin_fee_rate: Decimal,
    nights: int = 1,
    day_count: int = 365,
) -> Decimal:
    """Return a CFD position's financing for some nights: longs pay, shorts may receive."""
    if side is Side.BUY:
        annual = benchmark_rate + admin_fee_rate
    else:
        annual = admin_fee_rate - benchmark_rate
    return abs(notional) * annual * nights / day_count
