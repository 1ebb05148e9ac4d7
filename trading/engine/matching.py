"""Matching an incoming order against users' resting orders and the outside market.

The rule: `match` changes only the book it is given (it removes filled and
self-trade-canceled resting orders, lowers partly filled ones, removes expired
ones when given `now`, and rests the remainder of a GTC or GTD limit order) and
returns a `MatchResult` that describes every one of those changes, so the caller
can persist exactly that. It reads nothing else and keeps no state of its own.

Ordering rule: price, then source, then time.

- The incoming order takes the best price on offer from two sources merged
  price by price: users' resting orders on the other side, and the outside
  market's levels (reference + or - half_spread + or - k * level_step, each
  `depth_per_level_lots` deep, fresh for every incoming order). At an equal
  price users' orders go first; within a price level the oldest goes first.
  Each outside level is its own fill at its own price, so size pays slippage.
- A limit order stops at its limit price; a market order walks until it is
  filled or both sources run out.

Time in force and order flags:

- IOC, and every market order: the unfilled remainder is canceled. The status is
  filled, partially_filled (part filled, the rest canceled), canceled (a limit
  order that filled nothing) or rejected with `no_liquidity` (a market order that
  filled nothing).
- FOK: the quantity available within the limit (leaving out the account's own
  resting orders) is counted first; when it falls short the order is rejected
  with `fok_not_filled` and the book is left exactly as it was.
- GTC and GTD limit: the remainder rests at its limit price (status new or
  partially_filled). It cannot cross the book: matching stopped only because the
  best opposite price lay beyond the limit.
- Post-only: rejected with `post_only_would_take`, the book untouched, when its
  price reaches the best opposite resting price (the account's own orders
  included) or the outside market's best price.
- With `now` given, resting GTD orders whose expire_at is at or before `now` are
  removed first (`MatchResult.expired`), and an incoming GTD order already past
  its expire_at is rejected with `expire_at_passed`.

Self-trade prevention, "cancel resting": an incoming order never fills against
its own account. When it reaches one of that account's resting orders, that
resting order is canceled (`MatchResult.self_trade_canceled`) and matching goes
on. Only orders the incoming order actually reaches are canceled, and a post-only
or FOK order that is refused cancels none.

Reference fills: `fills_on_reference` fills resting bids at or above the
reference price and asks at or below it, each in full at its own price, in
priority order: the reference price traded through them.

The caller's part: `reduce_only` needs the position, so the caller sizes a
reduce-only order with `reduce_only_lots`; stop, take-profit and trailing orders
enter as the market or limit order `triggers.triggered_order` gives. `match`
raises `EngineError` for an order id already resting, a sequence not above the
book's `last_sequence`, or any type other than market and limit.
"""

from heapq import heappop

from trading.engine.book import OrderBook, _BookSide
from trading.engine.errors import EngineError
from trading.engine.types import (
    Fill,
    Liquidity,
    MatchResult,
    Order,
    OrderStatus,
    OrderType,
    OutsideLiquidity,
    RejectReason,
    Side,
    TimeInForce,
    new_fill,
    new_match_result,
)

# Keys are sign * price (sign 1 when taking asks, -1 when taking bids), so on
# either side a smaller key is a better price for the incoming order.
BEYOND = 1 << 63  # the key of a source that has run out
NO_LIMIT = 1 << 62  # the limit key of a market order
_EMPTY: tuple = ()

_BUY = Side.BUY
_LIMIT = OrderType.LIMIT
_MARKET = OrderType.MARKET
_GTC = TimeInForce.GTC
_GTD = TimeInForce.GTD
_FOK = TimeInForce.FOK
_MAKER = Liquidity.MAKER
_OUTSIDE = Liquidity.OUTSIDE
_NEW = OrderStatus.NEW
_FILLED = OrderStatus.FILLED
_PARTIALLY_FILLED = OrderStatus.PARTIALLY_FILLED
_CANCELED = OrderStatus.CANCELED
_REJECTED = OrderStatus.REJECTED


def match(
    book: OrderBook,
    order: Order,
    outside: OutsideLiquidity | None = None,
    *,
    now: float | None = None,
) -> MatchResult:
    """Match an incoming market or limit order; change the book and describe every change."""
    order_type = order.type
    if order_type is _LIMIT:
        limit = order.price_ticks
    elif order_type is _MARKET:
        limit = None
    else:
        raise EngineError("order_not_triggered", f"a {order_type} order must trigger first")
    order_id = order.id
    nodes = book._nodes
    if order_id in nodes:
        raise EngineError("duplicate_order_id", f"order {order_id} already rests")
    sequence = order.sequence
    if sequence <= book.last_sequence:
        raise EngineError("sequence_not_increasing", f"sequence {sequence} is too low")
    book.last_sequence = sequence
    expired = _EMPTY if now is None else book.expire(now)
    tif = order.time_in_force
    quantity = order.quantity_lots
    if tif is _GTD and now is not None and order.expire_at <= now:  # type: ignore[operator]
        return _rejected(order_id, quantity, expired, RejectReason.EXPIRE_AT_PASSED)

    side = order.side
    book_side = book._asks if side is _BUY else book._bids
    sign = book_side.sign
    limit_key = NO_LIMIT if limit is None else limit * sign

    # The outside market's best level as a key; the rest of it is read once it is reached.
    o_key = BEYOND
    if outside is not None and outside.levels:
        if sign == 1:
            o_key = outside.reference_price_ticks + outside.half_spread_ticks
        else:
            first = outside.reference_price_ticks - outside.half_spread_ticks
            if first >= 1:
                o_key = -first

    heap = book_side.heap
    levels = book_side.levels
    while heap:
        u_key = heap[0]
        if u_key * sign in levels:
            break
        heappop(heap)
    else:
        u_key = BEYOND
    if u_key > limit_key and o_key > limit_key:
        # Nothing within reach, the usual case for a limit order placed off the touch.
        if limit is not None and (tif is _GTC or tif is _GTD):
            book._rest(order, quantity)
            return new_match_result(
                order_id, _NEW, _EMPTY, 0, quantity, True, _EMPTY, _EMPTY, expired, None
            )
        if limit is None:
            return _rejected(order_id, quantity, expired, RejectReason.NO_LIQUIDITY)
        if tif is _FOK:
            return _rejected(order_id, quantity, expired, RejectReason.FOK_NOT_FILLED)
        return new_match_result(
            order_id, _CANCELED, _EMPTY, 0, quantity, False, _EMPTY, _EMPTY, expired, None
        )
    if order.post_only:
        return _rejected(order_id, quantity, expired, RejectReason.POST_ONLY_WOULD_TAKE)
    # The outside market as keys: first level o_key, last o_last_key, step apart.
    o_last_key = o_key
    step = depth = 0
    if outside is not None and o_key < BEYOND:
        step = outside.level_step_ticks
        depth = outside.depth_per_level_lots
        if sign == 1:
            o_last_key = o_key + (outside.levels - 1) * step
        else:
            o_last_key = o_key + (min(outside.levels, (-o_key - 1) // step + 1) - 1) * step
    account_id = order.account_id
    if tif is _FOK:
        available = _available(
            book_side, limit_key, account_id, quantity, o_key, o_last_key, step, depth
        )
        if available < quantity:
            return _rejected(order_id, quantity, expired, RejectReason.FOK_NOT_FILLED)

    remaining = quantity
    o_left = depth
    fills: list[Fill] = []
    removed: list[int] = []
    canceled: list[int] = []
    while remaining:
        while heap:
            level = levels.get(heap[0] * sign)
            if level is not None:
                u_key = heap[0]
                break
            heappop(heap)
        else:
            u_key = BEYOND
        if u_key <= o_key:
            if u_key > limit_key:
                break
            price = level.price
            node = level.head
            while node is not None:
                nxt = node.next
                if node.account_id == account_id:
                    canceled.append(node.order_id)
                    level.quantity -= node.remaining
                elif node.remaining > remaining:
                    node.remaining -= remaining
                    level.quantity -= remaining
                    fills.append(
                        new_fill(
                            order_id, account_id, node.order_id, node.account_id, side,
                            price, remaining, node.remaining, _MAKER,
                        )
                    )  # fmt: skip
                    remaining = 0
                    break
                else:
                    take = node.remaining
                    remaining -= take
                    level.quantity -= take
                    fills.append(
                        new_fill(
                            order_id, account_id, node.order_id, node.account_id, side,
                            price, take, 0, _MAKER,
                        )
                    )  # fmt: skip
                    removed.append(node.order_id)
                # The node leaves the book: it was filled in full or canceled. Cutting
                # its forward link leaves no cycle among the nodes that left together.
                del nodes[node.order_id]
                node.next = None
                level.count -= 1
                node = nxt
                if not remaining:
                    break
            level.head = node
            if node is None:
                # Drop the emptied level's last link: no cycle waits for the collector.
                level.tail = None
                del levels[price]
                heappop(heap)
            else:
                node.prev = None
        else:
            if o_key > limit_key:
                break
            take = o_left if o_left < remaining else remaining
            fills.append(
                new_fill(order_id, account_id, None, None, side, o_key * sign, take, 0, _OUTSIDE)
            )
            remaining -= take
            o_left -= take
            if not o_left:
                if o_key < o_last_key:
                    o_key += step
                    o_left = depth
                else:
                    o_key = BEYOND

    filled = quantity - remaining
    rests = False
    if not remaining:
        status = _FILLED
    elif limit is not None and (tif is _GTC or tif is _GTD):
        book._rest(order, remaining)
        rests = True
        status = _PARTIALLY_FILLED if filled else _NEW
    elif filled:
        status = _PARTIALLY_FILLED
    elif limit is None:
        return new_match_result(
            order_id, _REJECTED, _EMPTY, 0, quantity, False, _EMPTY,
            tuple(canceled), expired, RejectReason.NO_LIQUIDITY,
        )  # fmt: skip
    else:
        status = _CANCELED
    return new_match_result(
        order_id, status, tuple(fills) if fills else _EMPTY, filled, remaining, rests,
        tuple(removed) if removed else _EMPTY, tuple(canceled) if canceled else _EMPTY,
        expired, None,
    )  # fmt: skip


def fills_on_reference(book: OrderBook, reference_price_ticks: int) -> list[Fill]:
    """Fill in full, at their own price, resting orders the reference price traded through."""
    fills: list[Fill] = []
    nodes = book._nodes
    for book_side, taker_side in ((book._bids, Side.SELL), (book._asks, Side.BUY)):
        reference_key = reference_price_ticks * book_side.sign
        while (level := book_side.best_level()) is not None:
            if level.price * book_side.sign > reference_key:
                break
            node = level.head
            while node is not None:
                fills.append(
                    new_fill(
                        None, None, node.order_id, node.account_id, taker_side,
                        level.price, node.remaining, 0, _OUTSIDE,
                    )
                )  # fmt: skip
                del nodes[node.order_id]
                nxt = node.next
                node.next = None
                node = nxt
            level.head = level.tail = None
            del book_side.levels[level.price]
            heappop(book_side.heap)
    return fills


def reduce_only_lots(side: Side, quantity_lots: int, position_lots: int) -> int:
    """Return how many lots a reduce-only order may have; position_lots is signed (long > 0)."""
    reducible = position_lots if side is Side.SELL else -position_lots
    return max(0, min(quantity_lots, reducible))


def _available(
    book_side: _BookSide,
    limit_key: int,
    account_id: int,
    needed: int,
    o_key: int,
    o_last_key: int,
    step: int,
    depth: int,
) -> int:
    """Count the lots within the limit, other accounts' and outside; stop once `needed` is met."""
    total = 0
    if o_key <= limit_key:
        total = ((min(o_last_key, limit_key) - o_key) // step + 1) * depth
        if total >= needed:
            return total
    sign = book_side.sign
    for price in book_side.prices_from_best():
        if price * sign > limit_key:
            break
        node = book_side.levels[price].head
        while node is not None:
            if node.account_id != account_id:
                total += node.remaining
                if total >= needed:
                    return total
            node = node.next
    return total


def _rejected(
    order_id: int, quantity: int, expired: tuple[int, ...], reason: RejectReason
) -> MatchResult:
    """Return the result of an order refused before it touched the book."""
    return new_match_result(
        order_id, _REJECTED, _EMPTY, 0, quantity, False, _EMPTY, _EMPTY, expired, reason
    )
