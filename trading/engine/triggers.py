"""When stops, take-profits and trailing stops trigger, and what they enter as.

Rules of this module:

- Conditional orders wait off the book. The caller picks the price each one
  watches with `trigger_price` (mark, index or last, per `trigger_by`) and asks
  `should_trigger`; once true, the order enters the book as the market or limit
  order `triggered_order` returns, with a new sequence (its time priority
  starts when it triggers, as on exchanges).
- A stop protects against an adverse move: a sell stop triggers when the price
  is at or below the stop price, a buy stop when it is at or above. A
  take-profit takes a favourable move: a sell take-profit triggers at or above
  its price, a buy take-profit at or below.
- A trailing stop follows the best price since it was placed: a sell trailing
  stop (protecting a long) trails the highest price by its distance and
  triggers at or below that; a buy trailing stop (protecting a short) trails
  the lowest price and triggers at or above. The state is a value
  (`TrailingState`): `trailing_start` makes it, `trailing_update` returns the
  next one, the caller stores it. Feed each new price to `trailing_update`
  first, then ask `should_trigger` with the new state. A percent distance is
  rounded to whole ticks away from the price (the trail is never shorter than
  the percent), and a stop never goes below one tick.
- OCO: two orders one of which cancels the other. When either one fills, even
  in part, or triggers, or is canceled, the other is canceled
  (`oco_partner_to_cancel`). A bracket is an entry order plus a take-profit and
  a stop-loss that form an OCO pair: they exist only once the entry has filled,
  are reduce-only, and are sized to what the entry has filled so far
  (`bracket_exits`; the caller replaces them as the entry fills further).
"""

from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, Decimal

from trading.engine.errors import EngineError
from trading.engine.types import (
    STOP_TYPES,
    Order,
    OrderType,
    Side,
    TimeInForce,
    TriggerBy,
)

_HUNDRED = Decimal(100)
_ADVERSE = frozenset({OrderType.STOP_MARKET, OrderType.STOP_LIMIT, OrderType.TRAILING_STOP})
_ENTERS_AS = {
    OrderType.STOP_MARKET: OrderType.MARKET,
    OrderType.TAKE_PROFIT_MARKET: OrderType.MARKET,
    OrderType.TRAILING_STOP: OrderType.MARKET,
    OrderType.STOP_LIMIT: OrderType.LIMIT,
    OrderType.TAKE_PROFIT_LIMIT: OrderType.LIMIT,
}


@dataclass(frozen=True, slots=True)
class TrailingState:
    """A trailing stop's best price since placement and the stop price it implies."""

    best_price_ticks: int
    stop_price_ticks: int


@dataclass(frozen=True, slots=True)
class OcoPair:
    """Two orders of which one cancels the other."""

    first_order_id: int
    second_order_id: int


def trigger_price(order: Order, *, mark: int, index: int, last: int) -> int:
    """Return the price, in ticks, the order's `trigger_by` watches."""
    if order.trigger_by is TriggerBy.MARK:
        return mark
    if order.trigger_by is TriggerBy.INDEX:
        return index
    return last


def should_trigger(
    order: Order, *, price_ticks: int, trailing: TrailingState | None = None
) -> bool:
    """Return whether a conditional order triggers at this price."""
    if order.type is OrderType.TRAILING_STOP:
        if trailing is None:
            raise EngineError("missing_trailing_state", "a trailing stop needs its state")
        stop = trailing.stop_price_ticks
    elif order.type in STOP_TYPES:
        stop = order.stop_price_ticks  # type: ignore[assignment]
    else:
        raise EngineError("not_conditional", f"a {order.type} order has no trigger")
    # Stops trigger on a move against the side they close; take-profits on a move for it.
    triggers_on_rise = (order.side is Side.BUY) == (order.type in _ADVERSE)
    return price_ticks >= stop if triggers_on_rise else price_ticks <= stop


def trailing_start(order: Order, price_ticks: int) -> TrailingState:
    """Return a trailing stop's state at placement, from the price it watches then."""
    _check_trailing(order)
    return TrailingState(price_ticks, trailing_stop_price(order, price_ticks))


def trailing_update(order: Order, state: TrailingState, price_ticks: int) -> TrailingState:
    """Return the state after a new price: the stop moves only in the order's favour."""
    _check_trailing(order)
    if order.side is Side.SELL:
        improved = price_ticks > state.best_price_ticks
    else:
        improved = price_ticks < state.best_price_ticks
    if not improved:
        return state
    return TrailingState(price_ticks, trailing_stop_price(order, price_ticks))


def trailing_stop_price(order: Order, best_price_ticks: int) -> int:
    """Return the stop price, in ticks, a trailing stop sets at a best price."""
    if order.trailing_ticks is not None:
        trail = order.trailing_ticks
    else:
        fraction = Decimal(best_price_ticks) * order.trailing_percent / _HUNDRED  # type: ignore[operator]
        trail = int(fraction.to_integral_value(rounding=ROUND_CEILING))
    if order.side is Side.SELL:
        return max(1, best_price_ticks - trail)
    return best_price_ticks + trail


def triggered_order(order: Order, *, sequence: int) -> Order:
    """Return the market or limit order a triggered conditional order enters the book as."""
    enters_as = _ENTERS_AS.get(order.type)
    if enters_as is None:
        raise EngineError("not_conditional", f"a {order.type} order has no trigger")
    tif = order.time_in_force
    if enters_as is OrderType.MARKET and tif is not TimeInForce.FOK:
        tif = TimeInForce.IOC
    return replace(
        order,
        type=enters_as,
        sequence=sequence,
        stop_price_ticks=None,
        trailing_ticks=None,
        trailing_percent=None,
        time_in_force=tif,
        expire_at=order.expire_at if tif is TimeInForce.GTD else None,
    )


def oco_partner_to_cancel(pair: OcoPair, order_id: int) -> int:
    """Return the order to cancel when `order_id` fills, triggers or is canceled."""
    if order_id == pair.first_order_id:
        return pair.second_order_id
    if order_id == pair.second_order_id:
        return pair.first_order_id
    raise EngineError("not_in_pair", f"order {order_id} is not in {pair}")


def bracket_exits(
    entry: Order,
    *,
    filled_lots: int,
    take_profit_ticks: int,
    stop_loss_ticks: int,
    take_profit_id: int,
    stop_loss_id: int,
) -> tuple[Order, Order]:
    """Return the reduce-only take-profit and stop-loss that close what an entry filled."""
    if filled_lots <= 0:
        raise EngineError("invalid_quantity", "a bracket's exits need a filled entry")
    # A long's take-profit sits above its stop-loss; a short's below.
    if (take_profit_ticks - stop_loss_ticks) * (1 if entry.side is Side.BUY else -1) <= 0:
        raise EngineError("invalid_bracket", "the take-profit must lie beyond the stop-loss")
    exit_side = entry.side.opposite
    common = {
        "account_id": entry.account_id,
        "side": exit_side,
        "quantity_lots": filled_lots,
        "sequence": entry.sequence,
        "trigger_by": entry.trigger_by,
        "reduce_only": True,
    }
    take_profit = Order(
        id=take_profit_id,
        type=OrderType.TAKE_PROFIT_MARKET,
        stop_price_ticks=take_profit_ticks,
        **common,  # type: ignore[arg-type]
    )
    stop_loss = Order(
        id=stop_loss_id,
        type=OrderType.STOP_MARKET,
        stop_price_ticks=stop_loss_ticks,
        **common,  # type: ignore[arg-type]
    )
    return take_profit, stop_loss


def _check_trailing(order: Order) -> None:
    """Refuse anything but a trailing stop."""
    if order.type is not OrderType.TRAILING_STOP:
        raise EngineError("not_trailing", f"a {order.type} order does not trail")
