"""Small builders for engine values in tests: orders with fresh ids and sequences."""

from itertools import count

from trading.engine import Order, OrderType, OutsideLiquidity, Side, TimeInForce

_numbers = count(1)


def next_number() -> int:
    """Return a fresh number, for both an order's id and its sequence."""
    return next(_numbers)


def limit(side: Side, price: int, lots: int, *, account: int = 1, **fields) -> Order:
    """Return a limit order with a fresh id and sequence."""
    number = next_number()
    return Order(
        id=number,
        account_id=account,
        side=side,
        type=OrderType.LIMIT,
        quantity_lots=lots,
        sequence=number,
        price_ticks=price,
        **fields,
    )


def market(side: Side, lots: int, *, account: int = 1, **fields) -> Order:
    """Return a market order (IOC unless told otherwise) with a fresh id and sequence."""
    number = next_number()
    fields.setdefault("time_in_force", TimeInForce.IOC)
    return Order(
        id=number,
        account_id=account,
        side=side,
        type=OrderType.MARKET,
        quantity_lots=lots,
        sequence=number,
        **fields,
    )


def outside(
    reference: int = 1000, half_spread: int = 5, step: int = 1, depth: int = 10, levels: int = 3
) -> OutsideLiquidity:
    """Return outside liquidity around `reference` (asks from reference + half_spread up)."""
    return OutsideLiquidity(
        reference_price_ticks=reference,
        half_spread_ticks=half_spread,
        level_step_ticks=step,
        depth_per_level_lots=depth,
        levels=levels,
    )
