"""Convert between trading and market rows and the pure engine's values."""

from decimal import Decimal

from market.models import Instrument
from market.quotes import to_tick  # The one rounding to a tick; re-exported here.
from trading import engine
from trading.models import Order

OUTSIDE_LEVELS = 25


def instrument_spec(instrument: Instrument) -> engine.InstrumentSpec:
    return engine.InstrumentSpec(tick_size=instrument.tick_size, lot_size=instrument.lot_size)


def margin_tiers(instrument: Instrument, tiers=None) -> tuple[engine.MarginTier, ...]:
    """The instrument's tier table, or its flat rates as one tier.

    ``tiers`` are the instrument's tier rows by size when the caller has read them.
    """
    tiers = list(instrument.tiers.all()) if tiers is None else tiers
    if not tiers:
        return engine.flat_tiers(
            instrument.initial_margin_rate, instrument.maintenance_margin_rate
        )
    return tuple(
        engine.MarginTier(
            max_notional=tier.max_notional,
            initial_margin_rate=tier.initial_margin_rate,
            maintenance_margin_rate=tier.maintenance_margin_rate,
            maintenance_amount=tier.maintenance_amount,
        )
        for tier in tiers
    )


def engine_order(order: Order, spec: engine.InstrumentSpec, *, remaining: Decimal | None = None):
    """The engine's view of a market or limit order (a triggered stop enters as one)."""
    order_type = (
        engine.OrderType.LIMIT if order.price is not None else engine.OrderType.MARKET
    )
    time_in_force = engine.TimeInForce(order.time_in_force)
    if order_type is engine.OrderType.MARKET and time_in_force is engine.TimeInForce.GTD:
        time_in_force = engine.TimeInForce.IOC
    quantity = order.quantity - order.filled_quantity if remaining is None else remaining
    return engine.Order(
        id=order.pk,
        account_id=order.account_id,
        side=engine.Side(order.side),
        type=order_type,
        quantity_lots=spec.to_lots(quantity),
        sequence=order.sequence,
        price_ticks=None if order.price is None else spec.to_ticks(order.price),
        time_in_force=time_in_force,
        # A GTD stop that triggers as a market order enters IOC, without its expiry.
        expire_at=(
            order.expire_at.timestamp()
            if order.expire_at and time_in_force is engine.TimeInForce.GTD
            else None
        ),
        post_only=order.post_only,
    )


def conditional_order(order: Order, spec: engine.InstrumentSpec) -> engine.Order:
    """The engine's view of a stop, take-profit or trailing stop waiting for its trigger."""
    return engine.Order(
        id=order.pk,
        account_id=order.account_id,
        side=engine.Side(order.side),
        type=engine.OrderType(order.type),
        quantity_lots=spec.to_lots(order.quantity - order.filled_quantity),
        sequence=order.sequence,
        price_ticks=None if order.price is None else spec.to_ticks(order.price),
        stop_price_ticks=None if order.stop_price is None else spec.to_ticks(order.stop_price),
        trailing_ticks=(
            None if order.trailing_amount is None else spec.to_ticks(order.trailing_amount)
        ),
        trailing_percent=order.trailing_percent,
        trigger_by=engine.TriggerBy(order.trigger_by),
        time_in_force=engine.TimeInForce(order.time_in_force),
        expire_at=order.expire_at.timestamp() if order.expire_at else None,
        post_only=order.post_only,
        reduce_only=order.reduce_only,
    )


def outside_liquidity(instrument: Instrument, spec: engine.InstrumentSpec, quote):
    """The simulated market around the mark: the instrument's spread and depth per level."""
    reference = to_tick(quote.mark_price, instrument.tick_size)
    half_spread = to_tick((quote.ask - quote.bid) / 2, instrument.tick_size)
    step = max(
        to_tick(reference * instrument.level_step_rate, instrument.tick_size),
        instrument.tick_size,
    )
    depth = max(spec.to_lots(_to_lot(instrument.depth_per_level, instrument.lot_size)), 1)
    return engine.OutsideLiquidity(
        reference_price_ticks=max(spec.to_ticks(reference), 1),
        half_spread_ticks=spec.to_ticks(half_spread),
        level_step_ticks=spec.to_ticks(step),
        depth_per_level_lots=depth,
        levels=OUTSIDE_LEVELS,
    )


def _to_lot(quantity: Decimal, lot: Decimal) -> Decimal:
    return (quantity / lot).quantize(Decimal(1)) * lot

