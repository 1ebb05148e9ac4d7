"""One bearish view, four ways to short it: margin, perpetual, put, CFD.

Rules of this module:

- Pure: values in, values out; no Django, no I/O, no clock. It prices with the
  platform's own engine (`trading.engine.costs`) and Black-Scholes
  (`market.pricing.options`), so the comparison shows what the simulator charges.
- The view: sell (or buy the put) at `entry_price`, close at `exit_price` after
  `holding_days`, for `quantity` BTC. Between the two the price is taken to move in a
  straight line, and each carrying cost is charged at the price of its moment:
  borrow interest every hour on the borrowed coin, funding at each funding time the
  holding passes, financing each night held.
- Every breakdown is PnL in USD, positive a gain, split into `price_move`, `fees`,
  `interest`, `funding`, `financing` and `premium`. Each leg is rounded to the cent
  and `total` is their sum, so the parts always add up to the whole.
- For the put, `price_move` is the change in intrinsic value and `premium` the time
  value paid for and not recovered: entry premium = intrinsic + time value, and the
  put is sold back at its Black-Scholes value with the time left.
- Fees are the instrument's taker rate on each trade's notional (an option's
  notional is its premium).
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum

from market.pricing.options import DAYS_PER_YEAR, OptionKind, black_scholes
from trading.engine import costs
from trading.engine.types import Side

CENT = Decimal("0.01")
HOURS_PER_DAY = 24
ZERO = Decimal(0)
LEGS = ("price_move", "fees", "interest", "funding", "financing", "premium")


class Method(StrEnum):
    """A way to short."""

    MARGIN = "margin"
    PERPETUAL = "perpetual"
    PUT = "put"
    CFD = "cfd"


@dataclass(frozen=True, slots=True)
class View:
    """A bearish view: where the trader sells, where they buy back, how long they hold."""

    entry_price: Decimal
    exit_price: Decimal
    holding_days: Decimal
    quantity: Decimal

    def __post_init__(self) -> None:
        if not (self.entry_price > 0 and self.exit_price > 0 and self.quantity > 0):
            raise ValueError("prices and quantity must be positive")
        if self.holding_days < 0:
            raise ValueError("the holding period cannot be negative")

    def price_at(self, fraction: Decimal) -> Decimal:
        """Return the price a fraction of the way through the holding period."""
        return self.entry_price + (self.exit_price - self.entry_price) * fraction


@dataclass(frozen=True, slots=True)
class MarginTerms:
    """Spot on margin: borrow the coin at an annual rate."""

    taker_fee_rate: Decimal
    borrow_rate: Decimal
    initial_margin_rate: Decimal


@dataclass(frozen=True, slots=True)
class PerpetualTerms:
    """A perpetual: funding each interval, a positive rate paid by longs to shorts."""

    taker_fee_rate: Decimal
    funding_rate: Decimal
    funding_interval_hours: int
    initial_margin_rate: Decimal


@dataclass(frozen=True, slots=True)
class CfdTerms:
    """A CFD: overnight financing, an admin fee over or under a benchmark rate."""

    taker_fee_rate: Decimal
    financing_rate: Decimal
    benchmark_rate: Decimal
    initial_margin_rate: Decimal


@dataclass(frozen=True, slots=True)
class PutTerms:
    """A put bought at `strike`, expiring `expiry_days` after the entry."""

    taker_fee_rate: Decimal
    strike: Decimal
    expiry_days: Decimal
    volatility: Decimal
    rate: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class Breakdown:
    """One method's PnL, leg by leg, and the capital it ties up at entry."""

    method: Method
    price_move: Decimal
    fees: Decimal
    interest: Decimal
    funding: Decimal
    financing: Decimal
    premium: Decimal
    capital: Decimal
    notes: tuple[str, ...] = field(default=())

    @property
    def total(self) -> Decimal:
        return sum((getattr(self, leg) for leg in LEGS), ZERO)

    @property
    def return_on_capital(self) -> Decimal | None:
        return None if self.capital <= 0 else self.total / self.capital

    def legs(self) -> dict[str, Decimal]:
        return {leg: getattr(self, leg) for leg in LEGS}


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_EVEN) + ZERO  # no negative zero


def _trade_fees(view: View, rate: Decimal) -> Decimal:
    """Taker fees on selling at entry and buying back at exit."""
    return costs.fee(view.quantity * view.entry_price, rate) + costs.fee(
        view.quantity * view.exit_price, rate
    )


def margin_short(view: View, terms: MarginTerms) -> Breakdown:
    """Borrow the coin, sell it, buy it back, repay; interest every hour on the loan."""
    hours = int(view.holding_days * HOURS_PER_DAY)
    interest = sum(
        (
            costs.borrow_interest(
                view.quantity, view.price_at(Decimal(hour) / hours), terms.borrow_rate, 1
            )
            for hour in range(1, hours + 1)
        ),
        ZERO,
    )
    return Breakdown(
        method=Method.MARGIN,
        price_move=_cents(view.quantity * (view.entry_price - view.exit_price)),
        fees=_cents(-_trade_fees(view, terms.taker_fee_rate)),
        interest=_cents(-interest),
        funding=ZERO,
        financing=ZERO,
        premium=ZERO,
        capital=_cents(view.quantity * view.entry_price * terms.initial_margin_rate),
        notes=(f"{hours} hours of borrow interest at {terms.borrow_rate.normalize():%} a year",),
    )


def perpetual_short(view: View, terms: PerpetualTerms) -> Breakdown:
    """Sell the perpetual; at each funding time a short receives funding at a positive rate."""
    hours = view.holding_days * HOURS_PER_DAY
    payments = int(hours // terms.funding_interval_hours) if terms.funding_interval_hours else 0
    paid = sum(
        (
            costs.funding_payment(
                Side.SELL,
                view.quantity,
                view.price_at(Decimal(n * terms.funding_interval_hours) / hours),
                terms.funding_rate,
            )
            for n in range(1, payments + 1)
        ),
        ZERO,
    )
    return Breakdown(
        method=Method.PERPETUAL,
        price_move=_cents(view.quantity * (view.entry_price - view.exit_price)),
        fees=_cents(-_trade_fees(view, terms.taker_fee_rate)),
        interest=ZERO,
        funding=_cents(-paid),
        financing=ZERO,
        premium=ZERO,
        capital=_cents(view.quantity * view.entry_price * terms.initial_margin_rate),
        notes=(f"{payments} funding payments at {terms.funding_rate.normalize():%} each",),
    )


def cfd_short(view: View, terms: CfdTerms) -> Breakdown:
    """Sell the CFD; each night held costs financing at the admin fee less the benchmark."""
    nights = int(view.holding_days)
    paid = sum(
        (
            costs.overnight_financing(
                Side.SELL,
                view.quantity * view.price_at(Decimal(night) / view.holding_days),
                benchmark_rate=terms.benchmark_rate,
                admin_fee_rate=terms.financing_rate,
            )
            for night in range(1, nights + 1)
        ),
        ZERO,
    )
    return Breakdown(
        method=Method.CFD,
        price_move=_cents(view.quantity * (view.entry_price - view.exit_price)),
        fees=_cents(-_trade_fees(view, terms.taker_fee_rate)),
        interest=ZERO,
        funding=ZERO,
        financing=_cents(-paid),
        premium=ZERO,
        capital=_cents(view.quantity * view.entry_price * terms.initial_margin_rate),
        notes=(f"{nights} nights of financing",),
    )


def put_price(terms: PutTerms, *, spot: Decimal, days_left: Decimal) -> Decimal:
    """Return the put's Black-Scholes value per BTC with `days_left` to expiry."""
    return black_scholes(
        OptionKind.PUT,
        spot=spot,
        strike=terms.strike,
        time_to_expiry=max(days_left, ZERO) / DAYS_PER_YEAR,
        volatility=terms.volatility,
        rate=terms.rate,
    ).price


def long_put(view: View, terms: PutTerms) -> Breakdown:
    """Buy a put at entry, sell it back at exit (or take its intrinsic value at expiry)."""
    held = min(view.holding_days, terms.expiry_days)
    closing_spot = view.price_at(held / view.holding_days) if view.holding_days else view.exit_price
    paid = put_price(terms, spot=view.entry_price, days_left=terms.expiry_days)
    received = put_price(terms, spot=closing_spot, days_left=terms.expiry_days - held)
    intrinsic_in = max(terms.strike - view.entry_price, ZERO)
    intrinsic_out = max(terms.strike - closing_spot, ZERO)
    quantity = view.quantity
    fees = costs.fee(quantity * paid, terms.taker_fee_rate)
    if terms.expiry_days > held:
        fees += costs.fee(quantity * received, terms.taker_fee_rate)
    notes = [f"Premium {_cents(paid)} per BTC at {terms.volatility.normalize():%} volatility"]
    if view.holding_days > terms.expiry_days:
        notes.append("The put expires before the exit; it pays its intrinsic value at expiry.")
    return Breakdown(
        method=Method.PUT,
        price_move=_cents(quantity * (intrinsic_out - intrinsic_in)),
        fees=_cents(-fees),
        interest=ZERO,
        funding=ZERO,
        financing=ZERO,
        premium=_cents(quantity * ((received - intrinsic_out) - (paid - intrinsic_in))),
        capital=_cents(quantity * paid + costs.fee(quantity * paid, terms.taker_fee_rate)),
        notes=tuple(notes),
    )
