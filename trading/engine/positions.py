"""A position's average entry price, realised and unrealised PnL.

Rules of this module:

- Money is `Decimal` in and out. A position is a signed quantity of the base
  asset (positive long, negative short, zero flat) and an average entry price;
  elsewhere a position's side is a `Side` (buy is long, sell is short) with a
  positive quantity. Contracts are linear and USD-settled: PnL is quantity times
  the price move, in USD.
- A fill on the position's side moves the entry to the quantity-weighted average
  of the old entry and the fill price. A fill on the other side closes up to
  the position's size, realising (exit - entry) * closed quantity for a long and
  (entry - exit) * closed quantity for a short, and keeps the entry. A fill
  larger than the position closes it and opens the rest on the other side at
  the fill price (reduce, then flip).
- Averages are exact to `Decimal`'s context precision (28 digits); the caller
  quantizes when it stores them. Fees are not PnL here: the caller books them.
"""

from dataclasses import dataclass
from decimal import Decimal

from trading.engine.errors import EngineError
from trading.engine.types import Side

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Position:
    """A signed quantity (positive long, negative short) at an average entry price."""

    quantity: Decimal = ZERO
    entry_price: Decimal = ZERO

    @property
    def side(self) -> Side | None:
        """Return buy for a long, sell for a short, None when flat."""
        if self.quantity > 0:
            return Side.BUY
        if self.quantity < 0:
            return Side.SELL
        return None


@dataclass(frozen=True, slots=True)
class PositionChange:
    """A position after a fill, the PnL the fill realised and how much it closed and opened."""

    position: Position
    realized_pnl: Decimal
    closed_quantity: Decimal
    opened_quantity: Decimal


def direction(side: Side) -> int:
    """Return 1 for buy (long) and -1 for sell (short)."""
    return 1 if side is Side.BUY else -1


def notional(quantity: Decimal, price: Decimal) -> Decimal:
    """Return a position's value at a price, whatever its side."""
    return abs(quantity) * price


def unrealized_pnl(
    side: Side, quantity: Decimal, entry_price: Decimal, mark_price: Decimal
) -> Decimal:
    """Return the PnL a position of `quantity` would realise if closed at the mark."""
    return (mark_price - entry_price) * quantity * direction(side)


def realized_pnl(
    side: Side, quantity: Decimal, entry_price: Decimal, exit_price: Decimal
) -> Decimal:
    """Return the PnL realised by closing `quantity` of a position on `side` at a price."""
    return (exit_price - entry_price) * quantity * direction(side)


def average_entry_price(
    quantity: Decimal, entry_price: Decimal, added_quantity: Decimal, price: Decimal
) -> Decimal:
    """Return the entry price after adding to a position: the quantity-weighted average."""
    total = quantity + added_quantity
    if total <= 0 or quantity < 0 or added_quantity < 0:
        raise EngineError("invalid_quantity", "add a positive quantity to a position")
    return (quantity * entry_price + added_quantity * price) / total


def apply_fill(position: Position, side: Side, quantity: Decimal, price: Decimal) -> PositionChange:
    """Return the position after a fill of `quantity` on `side` at `price`."""
    if quantity <= 0 or price <= 0:
        raise EngineError("invalid_fill", "a fill has a positive quantity and price")
    signed = quantity * direction(side)
    held = position.quantity
    if held == 0 or (held > 0) == (signed > 0):
        entry = average_entry_price(abs(held), position.entry_price, quantity, price)
        return PositionChange(Position(held + signed, entry), ZERO, ZERO, quantity)
    closed = min(quantity, abs(held))
    held_side = Side.BUY if held > 0 else Side.SELL
    pnl = realized_pnl(held_side, closed, position.entry_price, price)
    left = held + signed
    if left == 0:
        after = Position()
    elif (left > 0) == (held > 0):
        after = Position(left, position.entry_price)
    else:
        after = Position(left, price)
    return PositionChange(after, pnl, closed, quantity - closed)
