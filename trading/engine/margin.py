"""Margin the way USD-margined futures exchanges publish it, and liquidation prices.

Rules of this module:

- Money is `Decimal` in and out; rates are fractions (0.005 is 0.5%); notional
  is |quantity| * price in USD. Results are exact to `Decimal`'s context
  precision (28 digits); the caller quantizes an amount when it books it.
- Tiers: each tier covers notionals above the previous tier's `max_notional` up
  to and including its own; the last tier also covers everything above it.
  Maintenance margin is notional * maintenance_margin_rate - maintenance_amount
  of the tier the notional falls in. `margin_tiers` computes the maintenance
  amounts the exchange way, amount[i] = amount[i-1] + max_notional[i-1] *
  (rate[i] - rate[i-1]), which keeps maintenance margin continuous at every
  boundary. Flat rates are a single tier (`flat_tiers`).
- Initial margin is notional / leverage, but at least notional times the tier's
  initial margin rate: leverage beyond the tier's maximum buys nothing.
- A position is liquidated when equity falls to maintenance margin: a long
  when the mark is at or below its liquidation price, a short at or above.
  Equity at mark P is the collateral plus the position's PnL at P. Collateral
  is the isolated margin (isolated), or in cross the equity without this
  position (wallet balance plus the other positions' unrealised PnL) less the
  other positions' maintenance margin, both held where they are. Solving
  collateral + (P - E) * Q * side = P * Q * mmr - amount for P gives
      long:  P = (E * Q - collateral - amount) / (Q * (1 - mmr))
      short: P = (E * Q + collateral + amount) / (Q * (1 + mmr))
  With tiers the rate and amount are those of the tier the notional at P falls
  in (Binance's rule), found by `liquidation_price`. A long that no positive
  price liquidates gets None; a short under water at every price gets 0.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from trading.engine.errors import EngineError
from trading.engine.positions import ZERO
from trading.engine.types import Side

INFINITY = Decimal("Infinity")
ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class MarginTier:
    """One bracket of a tiered margin table, for notionals up to `max_notional`."""

    max_notional: Decimal
    initial_margin_rate: Decimal
    maintenance_margin_rate: Decimal
    maintenance_amount: Decimal = ZERO

    def __post_init__(self) -> None:
        if not (
            self.max_notional > 0
            and 0 <= self.maintenance_margin_rate <= self.initial_margin_rate <= 1
            and self.maintenance_margin_rate < 1
        ):
            raise EngineError("invalid_margin_tier", f"{self!r} is not a valid tier")

    @property
    def max_leverage(self) -> Decimal:
        """Return the highest leverage this tier allows: 1 / initial margin rate."""
        return ONE / self.initial_margin_rate if self.initial_margin_rate else INFINITY


def margin_tiers(
    brackets: Iterable[tuple[Decimal, Decimal, Decimal]],
) -> tuple[MarginTier, ...]:
    """Build tiers from (max_notional, initial rate, maintenance rate), amounts made continuous."""
    tiers: list[MarginTier] = []
    amount = ZERO
    for max_notional, initial_rate, maintenance_rate in brackets:
        if tiers:
            previous = tiers[-1]
            if max_notional <= previous.max_notional:
                raise EngineError("invalid_margin_tier", "tiers must rise in max_notional")
            amount += previous.max_notional * (maintenance_rate - previous.maintenance_margin_rate)
        tiers.append(MarginTier(max_notional, initial_rate, maintenance_rate, amount))
    if not tiers:
        raise EngineError("invalid_margin_tier", "give at least one tier")
    return tuple(tiers)


def flat_tiers(initial_margin_rate: Decimal, maintenance_margin_rate: Decimal) -> tuple[MarginTier]:
    """Return flat rates as a single tier that covers every notional."""
    return (MarginTier(INFINITY, initial_margin_rate, maintenance_margin_rate),)


def tier_for(notional: Decimal, tiers: Sequence[MarginTier]) -> MarginTier:
    """Return the tier a notional falls in; the last tier also covers all above it."""
    for tier in tiers:
        if notional <= tier.max_notional:
            return tier
    return tiers[-1]


def initial_margin(notional: Decimal, *, leverage: Decimal, tiers: Sequence[MarginTier]) -> Decimal:
    """Return the margin to open a notional: notional / leverage, at least the tier's rate."""
    if leverage <= 0:
        raise EngineError("invalid_leverage", "leverage must be positive")
    notional = abs(notional)
    return max(notional / leverage, notional * tier_for(notional, tiers).initial_margin_rate)


def maintenance_margin(notional: Decimal, *, tiers: Sequence[MarginTier]) -> Decimal:
    """Return the margin below which a position is liquidated."""
    notional = abs(notional)
    tier = tier_for(notional, tiers)
    return max(ZERO, notional * tier.maintenance_margin_rate - tier.maintenance_amount)


def should_liquidate(*, equity: Decimal, maintenance_margin: Decimal) -> bool:
    """Return whether equity has fallen to the maintenance margin."""
    return equity <= maintenance_margin


def liquidation_price_at_rate(
    side: Side,
    quantity: Decimal,
    entry_price: Decimal,
    *,
    collateral: Decimal,
    mm_rate: Decimal,
    mm_amount: Decimal = ZERO,
) -> Decimal | None:
    """Return the price where collateral plus PnL equals maintenance at one rate and amount."""
    if quantity <= 0:
        raise EngineError("invalid_quantity", "a position has a positive quantity")
    if side is Side.BUY:
        price = (entry_price * quantity - collateral - mm_amount) / (quantity * (ONE - mm_rate))
        return price if price > 0 else None
    price = (entry_price * quantity + collateral + mm_amount) / (quantity * (ONE + mm_rate))
    return price if price > 0 else ZERO


def liquidation_price(
    side: Side,
    quantity: Decimal,
    entry_price: Decimal,
    *,
    collateral: Decimal,
    tiers: Sequence[MarginTier],
) -> Decimal | None:
    """Return the liquidation price, using the tier of the notional at that price."""
    lower = ZERO
    nearest: tuple[Decimal, Decimal | None] | None = None
    last = len(tiers) - 1
    for index, tier in enumerate(tiers):
        upper = INFINITY if index == last else tier.max_notional
        price = liquidation_price_at_rate(
            side,
            quantity,
            entry_price,
            collateral=collateral,
            mm_rate=tier.maintenance_margin_rate,
            mm_amount=tier.maintenance_amount,
        )
        at = ZERO if price is None else price * quantity
        if lower <= at <= upper:
            return price
        # Rounding in the last digit can put a root at a boundary just outside both tiers.
        miss = lower - at if at < lower else at - upper
        if nearest is None or miss < nearest[0]:
            nearest = (miss, price)
        lower = tier.max_notional
    assert nearest is not None  # tiers is never empty
    return nearest[1]


def liquidation_price_isolated(
    side: Side,
    quantity: Decimal,
    entry_price: Decimal,
    *,
    isolated_margin: Decimal,
    tiers: Sequence[MarginTier],
) -> Decimal | None:
    """Return an isolated position's liquidation price: its margin plus PnL meets maintenance."""
    return liquidation_price(side, quantity, entry_price, collateral=isolated_margin, tiers=tiers)


def liquidation_price_cross(
    side: Side,
    quantity: Decimal,
    entry_price: Decimal,
    *,
    equity_excluding_position: Decimal,
    other_maintenance_margin: Decimal,
    tiers: Sequence[MarginTier],
) -> Decimal | None:
    """Return a cross position's liquidation price, the account's other positions held still."""
    return liquidation_price(
        side,
        quantity,
        entry_price,
        collateral=equity_excluding_position - other_maintenance_margin,
        tiers=tiers,
    )
