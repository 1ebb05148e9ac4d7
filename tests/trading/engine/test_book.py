"""The order book: price-time priority, O(1) cancel, depth, expiry and its invariants."""

import pytest

from tests.trading.engine.build import limit, market
from trading.engine import (
    BookDepth,
    DepthLevel,
    EngineError,
    OrderBook,
    RestingOrder,
    Side,
    TimeInForce,
    match,
)

BUY, SELL = Side.BUY, Side.SELL


def book_with(*orders) -> OrderBook:
    book = OrderBook()
    for order in orders:
        book.add(order)
    book.check_invariants()
    return book


def ids(book: OrderBook, side: Side) -> list[int]:
    return [resting.order.id for resting in book.orders(side)]


def test_an_empty_book_has_no_best_prices():
    book = OrderBook()
    assert (book.best_bid(), book.best_ask(), len(book)) == (None, None, 0)
    assert book.depth() == BookDepth(bids=(), asks=())


def test_best_prices_and_depth_aggregate_levels_best_first():
    book = book_with(
        limit(BUY, 99, 2),
        limit(BUY, 100, 3),
        limit(BUY, 99, 4),
        limit(SELL, 102, 1),
        limit(SELL, 101, 5),
        limit(SELL, 105, 6),
    )
    assert (book.best_bid(), book.best_ask()) == (100, 101)
    assert book.depth(2) == BookDepth(
        bids=(DepthLevel(100, 3, 1), DepthLevel(99, 6, 2)),
        asks=(DepthLevel(101, 5, 1), DepthLevel(102, 1, 1)),
    )
    assert [level.price_ticks for level in book.levels(SELL)] == [101, 102, 105]


def test_orders_iterate_by_price_then_arrival():
    first, second, better = limit(BUY, 99, 1), limit(BUY, 99, 1), limit(BUY, 100, 1)
    book = book_with(first, second, better)
    assert ids(book, BUY) == [better.id, first.id, second.id]


def test_cancel_removes_an_order_from_the_middle_of_a_level():
    orders = [limit(SELL, 101, lots) for lots in (1, 2, 3)]
    book = book_with(*orders)
    assert book.cancel(orders[1].id) == 2
    assert ids(book, SELL) == [orders[0].id, orders[2].id]
    assert book.depth().asks == (DepthLevel(101, 4, 2),)
    assert book.cancel(orders[1].id) is None
    book.check_invariants()


def test_cancelling_the_last_order_of_the_best_level_moves_the_best_price():
    best, next_best = limit(SELL, 101, 1), limit(SELL, 103, 1)
    book = book_with(best, next_best)
    book.cancel(best.id)
    assert book.best_ask() == 103
    book.check_invariants()


def test_a_price_level_can_empty_and_fill_again():
    book = OrderBook()
    for _ in range(3):
        order = limit(BUY, 100, 1)
        book.add(order)
        assert book.best_bid() == 100
        book.cancel(order.id)
        assert book.best_bid() is None
    book.check_invariants()


def test_stale_heap_keys_are_compacted():
    book = OrderBook()
    book.add(limit(SELL, 10_000, 1))
    for price in range(1000, 1500):
        order = limit(SELL, price, 1)
        book.add(order)
        book.cancel(order.id)
    book.add(limit(SELL, 9_000, 1))
    assert len(book._asks.heap) <= 2 * len(book._asks.levels) + 64 + 1
    assert book.best_ask() == 9_000
    book.check_invariants()


def test_reduce_keeps_time_priority_and_refuses_to_grow():
    first, second = limit(BUY, 100, 5), limit(BUY, 100, 5)
    book = book_with(first, second)
    book.reduce(first.id, 2)
    assert book.get(first.id) == RestingOrder(first, 2)
    assert ids(book, BUY) == [first.id, second.id]
    assert book.depth().bids == (DepthLevel(100, 7, 2),)
    for lots in (0, 3):
        with pytest.raises(EngineError):
            book.reduce(first.id, lots)
    with pytest.raises(EngineError):
        book.reduce(12345, 1)
    book.check_invariants()


def test_add_refuses_a_crossing_order_a_duplicate_and_an_old_sequence():
    resting = limit(SELL, 101, 1)
    book = book_with(resting)
    with pytest.raises(EngineError) as error:
        book.add(limit(BUY, 101, 1))
    assert error.value.code == "book_would_cross"
    with pytest.raises(EngineError) as error:
        book.add(resting)
    assert error.value.code == "duplicate_order_id"
    stale = limit(BUY, 90, 1)
    book.add(limit(BUY, 91, 1))
    with pytest.raises(EngineError) as error:
        book.add(stale)
    assert error.value.code == "sequence_not_increasing"
    with pytest.raises(EngineError) as error:
        book.add(market(BUY, 1))
    assert error.value.code == "not_a_limit_order"


def test_from_orders_rebuilds_in_sequence_order_with_remaining_lots():
    first, second, third = limit(BUY, 100, 5), limit(BUY, 100, 5), limit(SELL, 105, 2)
    rows = [RestingOrder(third, 1), RestingOrder(second, 5), RestingOrder(first, 3)]
    book = OrderBook.from_orders(rows)
    assert ids(book, BUY) == [first.id, second.id]
    assert book.get(first.id) == RestingOrder(first, 3)
    assert book.depth().asks == (DepthLevel(105, 1, 1),)
    assert book.last_sequence == third.sequence


def test_expire_removes_gtd_orders_due_by_now_only():
    soon = limit(BUY, 100, 1, time_in_force=TimeInForce.GTD, expire_at=50.0)
    later = limit(BUY, 100, 1, time_in_force=TimeInForce.GTD, expire_at=80.0)
    forever = limit(BUY, 100, 1)
    book = book_with(soon, later, forever)
    assert book.expire(49.0) == ()
    assert book.expire(50.0) == (soon.id,)
    assert ids(book, BUY) == [later.id, forever.id]
    book.cancel(later.id)
    assert book.expire(1_000.0) == ()
    book.check_invariants()


def test_match_with_now_expires_resting_orders_first():
    stale = limit(SELL, 100, 5, time_in_force=TimeInForce.GTD, expire_at=10.0)
    book = book_with(stale)
    result = match(book, limit(BUY, 100, 5), now=11.0)
    assert result.expired == (stale.id,)
    assert result.fills == ()
    assert result.rests
    book.check_invariants()


def test_check_invariants_catches_a_broken_level():
    book = book_with(limit(BUY, 100, 5))
    book._bids.levels[100].quantity += 1
    with pytest.raises(AssertionError):
        book.check_invariants()
