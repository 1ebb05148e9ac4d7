"""Matching, by property: random order flow checked against a naive model and invariants.

Each example builds a book from a random sequence of limit and market orders (every
time in force, post-only, a few accounts so self-trades happen), cancels, reference
moves and expiries, with or without outside liquidity. After every step it checks:

- the result and the book equal those of `Model`, a slow, obvious matcher;
- the book's invariants (never crossed, FIFO within a level, sums and index);
- quantity is conserved: filled + remainder = quantity, and each fill lowers its
  resting order by exactly its quantity, while orders nobody touched stay as they were;
- price-time priority: fills go best price first, oldest first within a price, users
  before the outside at a price, and no better-placed order of another account is left;
- no fill between two orders of one account; FOK fills in full or changes nothing;
  post-only never takes.
"""

from dataclasses import dataclass, field
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from trading.engine import (
    Fill,
    Liquidity,
    MatchResult,
    Order,
    OrderBook,
    OrderStatus,
    OrderType,
    OutsideLiquidity,
    RejectReason,
    Side,
    TimeInForce,
    fills_on_reference,
    match,
)

BUY, SELL = Side.BUY, Side.SELL
GTC, IOC, FOK, GTD = TimeInForce.GTC, TimeInForce.IOC, TimeInForce.FOK, TimeInForce.GTD
MAKER, OUTSIDE = Liquidity.MAKER, Liquidity.OUTSIDE
NO_LIMIT = float("inf")


@dataclass
class Resting:
    order: Order
    remaining: int


@dataclass
class Model:
    """A slow, obvious order book and matcher: lists, sorting, no cleverness."""

    resting: list[Resting] = field(default_factory=list)

    def side(self, side: Side) -> list[tuple[int, int]]:
        sign = -1 if side is BUY else 1
        orders = sorted(
            (r for r in self.resting if r.order.side is side),
            key=lambda r: (r.order.price_ticks * sign, r.order.sequence),
        )
        return [(r.order.id, r.remaining) for r in orders]

    def cancel(self, order_id: int) -> int | None:
        for r in self.resting:
            if r.order.id == order_id:
                self.resting.remove(r)
                return r.remaining
        return None

    def expire(self, now: float) -> tuple[int, ...]:
        due = sorted(
            (r for r in self.resting if r.order.expire_at is not None and r.order.expire_at <= now),
            key=lambda r: (r.order.expire_at, r.order.sequence),
        )
        for r in due:
            self.resting.remove(r)
        return tuple(r.order.id for r in due)

    def reference(self, price: int) -> list[Fill]:
        fills = []
        for side, through, taker in (
            (BUY, lambda p: p >= price, SELL),
            (SELL, lambda p: p <= price, BUY),
        ):
            sign = -1 if side is BUY else 1
            hit = sorted(
                (r for r in self.resting if r.order.side is side and through(r.order.price_ticks)),
                key=lambda r: (r.order.price_ticks * sign, r.order.sequence),
            )
            for r in hit:
                fills.append(
                    Fill(
                        None, None, r.order.id, r.order.account_id, taker,
                        r.order.price_ticks, r.remaining, 0, OUTSIDE,
                    )
                )  # fmt: skip
                self.resting.remove(r)
        return fills

    def match(self, order: Order, outside: OutsideLiquidity | None, now: float) -> MatchResult:
        expired = self.expire(now)
        quantity = order.quantity_lots

        def result(status, fills=(), remaining=quantity, rests=False, removed=(), canceled=(),
                   reason=None):  # fmt: skip
            return MatchResult(
                order.id, status, tuple(fills), quantity - remaining, remaining, rests,
                tuple(removed), tuple(canceled), expired, reason,
            )  # fmt: skip

        if order.time_in_force is GTD and order.expire_at <= now:
            return result(OrderStatus.REJECTED, reason=RejectReason.EXPIRE_AT_PASSED)
        sign = 1 if order.side is BUY else -1
        is_limit = order.type is OrderType.LIMIT
        limit_key = order.price_ticks * sign if is_limit else NO_LIMIT
        sources = [
            (r.order.price_ticks * sign, 0, r.order.sequence, r)
            for r in self.resting
            if r.order.side is not order.side
        ]
        if outside is not None:
            for k, (price, depth) in enumerate(outside.price_levels(order.side)):
                sources.append((price * sign, 1, k, depth))
        reachable = sorted(
            (s for s in sources if s[0] <= limit_key), key=lambda s: (s[0], s[1], s[2])
        )
        rests_if_open = is_limit and order.time_in_force in (GTC, GTD)
        if not reachable:
            if rests_if_open:
                self.resting.append(Resting(order, quantity))
                return result(OrderStatus.NEW, rests=True)
            if not is_limit:
                return result(OrderStatus.REJECTED, reason=RejectReason.NO_LIQUIDITY)
            if order.time_in_force is FOK:
                return result(OrderStatus.REJECTED, reason=RejectReason.FOK_NOT_FILLED)
            return result(OrderStatus.CANCELED)
        if order.post_only:
            return result(OrderStatus.REJECTED, reason=RejectReason.POST_ONLY_WOULD_TAKE)
        if order.time_in_force is FOK:
            available = sum(
                s[3].remaining if s[1] == 0 else s[3]
                for s in reachable
                if s[1] == 1 or s[3].order.account_id != order.account_id
            )
            if available < quantity:
                return result(OrderStatus.REJECTED, reason=RejectReason.FOK_NOT_FILLED)

        remaining = quantity
        fills, removed, canceled = [], [], []
        for key, source, _, item in reachable:
            if not remaining:
                break
            price = key * sign
            if source == 1:
                take = min(item, remaining)
                remaining -= take
                fills.append(
                    Fill(order.id, order.account_id, None, None, order.side, price, take, 0,
                         OUTSIDE)
                )  # fmt: skip
                continue
            maker = item
            if maker.order.account_id == order.account_id:
                canceled.append(maker.order.id)
                self.resting.remove(maker)
                continue
            take = min(maker.remaining, remaining)
            maker.remaining -= take
            remaining -= take
            fills.append(
                Fill(
                    order.id, order.account_id, maker.order.id, maker.order.account_id,
                    order.side, price, take, maker.remaining, MAKER,
                )
            )  # fmt: skip
            if not maker.remaining:
                removed.append(maker.order.id)
                self.resting.remove(maker)
        filled = quantity - remaining
        if not remaining:
            status, rests = OrderStatus.FILLED, False
        elif rests_if_open:
            self.resting.append(Resting(order, remaining))
            status, rests = (OrderStatus.PARTIALLY_FILLED if filled else OrderStatus.NEW), True
        elif filled:
            status, rests = OrderStatus.PARTIALLY_FILLED, False
        elif not is_limit:
            return result(OrderStatus.REJECTED, canceled=canceled, reason=RejectReason.NO_LIQUIDITY)
        else:
            status, rests = OrderStatus.CANCELED, False
        return result(status, fills, remaining, rests, removed, canceled)


# One operation of the flow: ("limit", side, price, lots, account, tif, post_only, life),
# ("market", side, lots, account, tif), ("cancel", pick), ("reference", price), ("tick", dt).
sides = st.sampled_from([BUY, SELL])
accounts = st.integers(1, 3)
prices = st.integers(95, 105)
limit_ops = st.tuples(
    st.just("limit"),
    sides,
    prices,
    st.integers(1, 8),
    accounts,
    st.sampled_from([GTC, GTC, IOC, FOK, GTD]),
    st.booleans(),
    st.integers(0, 5),
)
market_ops = st.tuples(
    st.just("market"), sides, st.integers(1, 25), accounts, st.sampled_from([IOC, FOK, GTC])
)
cancel_ops = st.tuples(st.just("cancel"), st.integers(0, 10_000))
reference_ops = st.tuples(st.just("reference"), st.integers(90, 110))
tick_ops = st.tuples(st.just("tick"), st.integers(1, 3))
flows = st.lists(
    st.one_of(limit_ops, limit_ops, market_ops, cancel_ops, reference_ops, tick_ops),
    max_size=60,
)
outside_markets = st.builds(
    OutsideLiquidity,
    reference_price_ticks=st.integers(97, 103),
    half_spread_ticks=st.integers(0, 3),
    level_step_ticks=st.integers(1, 3),
    depth_per_level_lots=st.integers(1, 6),
    levels=st.integers(0, 4),
)


def order_from(op: tuple, number: int, now: int) -> Order:
    if op[0] == "limit":
        _, side, price, lots, account, tif, post_only, life = op
        return Order(
            id=number, account_id=account, side=side, type=OrderType.LIMIT,
            quantity_lots=lots, sequence=number, price_ticks=price, time_in_force=tif,
            expire_at=float(now + life) if tif is GTD else None,
            post_only=post_only and tif in (GTC, GTD),
        )  # fmt: skip
    _, side, lots, account, tif = op
    return Order(
        id=number, account_id=account, side=side, type=OrderType.MARKET,
        quantity_lots=lots, sequence=number, time_in_force=tif,
    )  # fmt: skip


def book_state(book: OrderBook) -> dict[Side, list[tuple[int, int]]]:
    return {
        side: [(r.order.id, r.remaining_lots) for r in book.orders(side)] for side in (BUY, SELL)
    }


def run(flow: list[tuple], markets: list[OutsideLiquidity | None]) -> None:
    """Play a flow on the engine and on the model; check everything after each step."""
    book, model, now = OrderBook(), Model(), 0
    orders: dict[int, Order] = {}
    for step, op in enumerate(flow, start=1):
        before = book_state(book)
        if op[0] == "cancel":
            live = [order_id for side in before.values() for order_id, _ in side]
            order_id = live[op[1] % len(live)] if live and op[1] % 5 else 10_000_000 + step
            assert book.cancel(order_id) == model.cancel(order_id)
        elif op[0] == "reference":
            assert fills_on_reference(book, op[1]) == model.reference(op[1])
        elif op[0] == "tick":
            now += op[1]
            assert book.expire(now) == model.expire(now)
        else:
            order = orders[step] = order_from(op, step, now)
            outside = markets[step % len(markets)]
            result = match(book, order, outside, now=now)
            assert result == model.match(order, outside, now)
            check_one_match(order, result, before, book_state(book), orders)
        assert book_state(book) == {side: model.side(side) for side in (BUY, SELL)}
        book.check_invariants()


def check_one_match(order, result, before, after, orders) -> None:
    """Check the properties of one match, from the book before and after it."""
    # Quantity is conserved.
    assert result.filled_lots + result.remaining_lots == order.quantity_lots
    assert sum(fill.quantity_lots for fill in result.fills) == result.filled_lots
    assert result.canceled_lots == (0 if result.rests else result.remaining_lots)
    lots_before = {order_id: lots for side in before.values() for order_id, lots in side}
    lots_after = {order_id: lots for side in after.values() for order_id, lots in side}
    taken: dict[int, int] = {}
    for fill in result.fills:
        if fill.maker_order_id is not None:
            taken[fill.maker_order_id] = taken.get(fill.maker_order_id, 0) + fill.quantity_lots
            assert fill.maker_remaining_lots == lots_after.get(fill.maker_order_id, 0)
    for order_id, lots in lots_before.items():
        if order_id in result.self_trade_canceled or order_id in result.expired:
            assert order_id not in lots_after
        else:
            assert lots - taken.get(order_id, 0) == lots_after.get(order_id, 0)
    assert set(result.removed) == {i for i in taken if i not in lots_after}
    if result.rests:
        assert lots_after[order.id] == result.remaining_lots
    # No self-trade.
    assert all(fill.maker_account_id != order.account_id for fill in result.fills)
    # FOK fills in full or changes nothing (but the expiries `now` brought); post-only never takes.
    if order.time_in_force is FOK:
        assert result.status in (OrderStatus.FILLED, OrderStatus.REJECTED)
        if result.status is OrderStatus.REJECTED:
            assert result.fills == () and result.self_trade_canceled == ()
            gone = set(result.expired)
            assert after == {s: [o for o in side if o[0] not in gone] for s, side in before.items()}
    if order.post_only:
        assert result.fills == ()
        assert result.rests or result.status is OrderStatus.REJECTED
    check_priority(order, result, after, orders)


def check_priority(order, result, after, orders) -> None:
    """Fills go best price first, users first and oldest first at a price; none left behind."""
    sign = 1 if order.side is BUY else -1
    keys = [fill.price_ticks * sign for fill in result.fills]
    assert keys == sorted(keys)
    for earlier, later in pairwise(result.fills):
        if earlier.price_ticks == later.price_ticks:
            assert not (earlier.liquidity is OUTSIDE and later.liquidity is MAKER)
            if earlier.liquidity is MAKER and later.liquidity is MAKER:
                earlier_maker = orders[earlier.maker_order_id]
                assert earlier_maker.sequence < orders[later.maker_order_id].sequence
    if not result.fills:
        return
    worst = keys[-1]
    at_worst = [fill for fill in result.fills if fill.price_ticks * sign == worst]
    opposite = SELL if order.side is BUY else BUY
    for order_id, _ in after[opposite]:
        left = orders[order_id]
        if left.account_id == order.account_id:
            continue
        key = left.price_ticks * sign
        assert key >= worst, "a better-priced order was left behind"
        if key == worst:
            assert all(fill.liquidity is MAKER for fill in at_worst), "outside before a user"
            assert all(orders[f.maker_order_id].sequence <= left.sequence for f in at_worst)


@settings(max_examples=300, deadline=None)
@given(flow=flows)
def test_random_flow_without_outside_liquidity_keeps_every_property(flow):
    run(flow, [None])


@settings(max_examples=300, deadline=None)
@given(flow=flows, markets=st.lists(st.one_of(st.none(), outside_markets), min_size=1, max_size=3))
def test_random_flow_with_outside_liquidity_keeps_every_property(flow, markets):
    run(flow, markets)


fok_heavy = st.lists(
    st.one_of(
        limit_ops,
        limit_ops.map(lambda op: (*op[:5], FOK, False, 0)),
        market_ops.map(lambda op: (*op[:4], FOK)),
        cancel_ops,
    ),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(flow=fok_heavy, market=st.one_of(st.none(), outside_markets))
def test_fok_fills_in_full_or_leaves_the_book_unchanged(flow, market):
    run(flow, [market])


post_only_heavy = st.lists(
    st.one_of(limit_ops, limit_ops.map(lambda op: (*op[:5], GTC, True, 0)), market_ops),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(flow=post_only_heavy, market=st.one_of(st.none(), outside_markets))
def test_post_only_never_takes(flow, market):
    run(flow, [market])


one_account_flow = st.lists(
    st.one_of(limit_ops, market_ops).map(
        lambda op: (*op[:4], 1, *op[5:]) if op[0] == "limit" else (*op[:3], 1, op[4])
    ),
    max_size=40,
)


@settings(max_examples=100, deadline=None)
@given(flow=one_account_flow)
def test_an_account_alone_never_trades_with_itself(flow):
    book, model = OrderBook(), Model()
    for step, op in enumerate(flow, start=1):
        order = order_from(op, step, 0)
        result = match(book, order, None, now=0)
        assert result == model.match(order, None, 0)
        assert result.fills == ()
        book.check_invariants()
