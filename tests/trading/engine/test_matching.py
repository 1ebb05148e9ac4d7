"""Matching, by example: every order type and time in force, the fill model, self-trade."""

from dataclasses import replace

import pytest

from tests.trading.engine.build import limit, market, next_number, outside
from trading.engine import (
    EngineError,
    Fill,
    Liquidity,
    Order,
    OrderBook,
    OrderStatus,
    OrderType,
    RejectReason,
    Side,
    TimeInForce,
    fills_on_reference,
    match,
    reduce_only_lots,
)

BUY, SELL = Side.BUY, Side.SELL
MAKER, OUTSIDE = Liquidity.MAKER, Liquidity.OUTSIDE


def rest(book: OrderBook, *orders: Order) -> None:
    for order in orders:
        assert match(book, order).rests


def snapshot(book: OrderBook) -> list:
    return [(r.order.id, r.remaining_lots) for side in (BUY, SELL) for r in book.orders(side)]


def prices_and_lots(fills) -> list[tuple[int, int]]:
    return [(fill.price_ticks, fill.quantity_lots) for fill in fills]


def test_a_limit_order_away_from_the_market_rests():
    book = OrderBook()
    order = limit(BUY, 990, 4)
    result = match(book, order, outside(reference=1000))
    assert (result.status, result.rests, result.remaining_lots) == (OrderStatus.NEW, True, 4)
    assert result.fills == ()
    assert book.best_bid() == 990


def test_a_crossing_limit_order_fills_fifo_then_rests_the_rest_at_its_price():
    book = OrderBook()
    first = limit(SELL, 101, 2, account=2)
    second = limit(SELL, 101, 3, account=3)
    third = limit(SELL, 102, 5, account=4)
    rest(book, first, second, third)
    taker = limit(BUY, 101, 4, account=9)
    result = match(book, taker)
    assert result.fills == (
        Fill(taker.id, 9, first.id, 2, BUY, 101, 2, 0, MAKER),
        Fill(taker.id, 9, second.id, 3, BUY, 101, 2, 1, MAKER),
    )
    assert (result.status, result.filled_lots, result.remaining_lots) == (
        OrderStatus.FILLED,
        4,
        0,
    )
    assert result.removed == (first.id,)
    assert snapshot(book) == [(second.id, 1), (third.id, 5)]

    bigger = limit(BUY, 101, 3, account=9)
    result = match(book, bigger)
    assert prices_and_lots(result.fills) == [(101, 1)]
    assert (result.status, result.rests, result.remaining_lots) == (
        OrderStatus.PARTIALLY_FILLED,
        True,
        2,
    )
    assert (book.best_bid(), book.best_ask()) == (101, 102)
    book.check_invariants()


def test_a_better_price_fills_before_an_earlier_order():
    book = OrderBook()
    early, better = limit(SELL, 105, 1, account=2), limit(SELL, 104, 1, account=3)
    rest(book, early, better)
    result = match(book, market(BUY, 2, account=9))
    assert [fill.maker_order_id for fill in result.fills] == [better.id, early.id]


def test_a_market_order_walks_the_outside_levels_and_pays_slippage():
    book = OrderBook()
    result = match(book, market(BUY, 25), outside(reference=1000, half_spread=5, depth=10))
    assert prices_and_lots(result.fills) == [(1005, 10), (1006, 10), (1007, 5)]
    assert all(f.liquidity is OUTSIDE and f.maker_order_id is None for f in result.fills)
    assert result.status is OrderStatus.FILLED
    assert len(book) == 0


def test_a_market_sell_walks_outside_bids_downwards():
    result = match(OrderBook(), market(SELL, 15), outside(reference=1000, half_spread=5, step=2))
    assert prices_and_lots(result.fills) == [(995, 10), (993, 5)]


def test_outside_bids_stop_above_zero():
    thin = outside(reference=6, half_spread=2, step=2, depth=1, levels=5)
    result = match(OrderBook(), market(SELL, 5), thin)
    assert prices_and_lots(result.fills) == [(4, 1), (2, 1)]
    assert (result.status, result.remaining_lots) == (OrderStatus.PARTIALLY_FILLED, 3)


def test_users_orders_come_first_where_at_least_as_good_as_the_outside():
    book = OrderBook()
    inside = limit(SELL, 1003, 4, account=2)  # inside the outside spread
    level_with = limit(SELL, 1006, 4, account=3)  # the outside's second level
    beyond = limit(SELL, 1010, 4, account=4)  # worse than every outside level
    rest(book, inside, level_with, beyond)
    result = match(book, market(BUY, 30), outside(reference=1000, half_spread=5, depth=10))
    assert [(f.price_ticks, f.quantity_lots, f.liquidity) for f in result.fills] == [
        (1003, 4, MAKER),
        (1005, 10, OUTSIDE),
        (1006, 4, MAKER),
        (1006, 10, OUTSIDE),
        (1007, 2, OUTSIDE),
    ]
    assert snapshot(book) == [(beyond.id, 4)]


def test_a_market_order_that_runs_out_of_liquidity_cancels_the_rest():
    book = OrderBook()
    rest(book, limit(SELL, 101, 2, account=2))
    result = match(book, market(BUY, 5))
    assert (result.status, result.filled_lots, result.canceled_lots, result.rests) == (
        OrderStatus.PARTIALLY_FILLED,
        2,
        3,
        False,
    )


def test_a_market_order_with_nothing_to_take_is_rejected():
    result = match(OrderBook(), market(BUY, 5))
    assert (result.status, result.reason) == (OrderStatus.REJECTED, RejectReason.NO_LIQUIDITY)
    assert result.canceled_lots == 5


def test_a_gtc_market_order_still_never_rests():
    book = OrderBook()
    result = match(book, market(BUY, 5, time_in_force=TimeInForce.GTC), outside(depth=1))
    assert (result.status, result.filled_lots, result.canceled_lots, result.rests) == (
        OrderStatus.PARTIALLY_FILLED,
        3,
        2,
        False,
    )
    assert len(book) == 0


def test_a_limit_order_stops_at_its_price_on_the_outside_market():
    book = OrderBook()
    order = limit(BUY, 1006, 30)
    result = match(book, order, outside(reference=1000, half_spread=5, depth=10))
    assert prices_and_lots(result.fills) == [(1005, 10), (1006, 10)]
    assert (result.status, result.rests, result.remaining_lots) == (
        OrderStatus.PARTIALLY_FILLED,
        True,
        10,
    )
    assert book.best_bid() == 1006


def test_ioc_cancels_what_it_cannot_fill():
    book = OrderBook()
    rest(book, limit(SELL, 101, 2, account=2))
    result = match(book, limit(BUY, 101, 5, time_in_force=TimeInForce.IOC))
    assert (result.status, result.filled_lots, result.canceled_lots) == (
        OrderStatus.PARTIALLY_FILLED,
        2,
        3,
    )
    result = match(book, limit(BUY, 101, 5, time_in_force=TimeInForce.IOC))
    assert (result.status, result.filled_lots, result.reason) == (OrderStatus.CANCELED, 0, None)
    assert len(book) == 0


def test_fok_fills_completely_across_users_and_the_outside():
    book = OrderBook()
    rest(book, limit(SELL, 1004, 5, account=2))
    order = limit(BUY, 1006, 25, time_in_force=TimeInForce.FOK)
    result = match(book, order, outside(reference=1000, half_spread=5, depth=10))
    assert result.status is OrderStatus.FILLED
    assert prices_and_lots(result.fills) == [(1004, 5), (1005, 10), (1006, 10)]


def test_fok_that_cannot_fill_changes_nothing():
    book = OrderBook()
    rest(book, limit(SELL, 101, 5, account=2), limit(SELL, 102, 5, account=3))
    before = snapshot(book)
    result = match(book, limit(BUY, 101, 6, time_in_force=TimeInForce.FOK))
    assert (result.status, result.reason, result.fills) == (
        OrderStatus.REJECTED,
        RejectReason.FOK_NOT_FILLED,
        (),
    )
    assert snapshot(book) == before
    market_fok = market(BUY, 11, time_in_force=TimeInForce.FOK)
    assert match(book, market_fok).reason is RejectReason.FOK_NOT_FILLED
    assert snapshot(book) == before


def test_fok_does_not_count_the_accounts_own_orders_nor_cancel_them_when_refused():
    book = OrderBook()
    own, other = limit(SELL, 101, 5, account=1), limit(SELL, 101, 5, account=2)
    rest(book, own, other)
    result = match(book, limit(BUY, 101, 6, account=1, time_in_force=TimeInForce.FOK))
    assert result.reason is RejectReason.FOK_NOT_FILLED
    assert result.self_trade_canceled == ()
    assert snapshot(book) == [(own.id, 5), (other.id, 5)]
    result = match(book, limit(BUY, 101, 5, account=1, time_in_force=TimeInForce.FOK))
    assert result.status is OrderStatus.FILLED
    assert result.self_trade_canceled == (own.id,)
    assert len(book) == 0


def test_post_only_rests_when_it_would_not_take():
    book = OrderBook()
    rest(book, limit(SELL, 1003, 1, account=2))
    result = match(book, limit(BUY, 1002, 1, post_only=True), outside(reference=1000))
    assert (result.status, result.rests) == (OrderStatus.NEW, True)


@pytest.mark.parametrize(
    ("resting_account", "price", "with_outside"),
    [
        (2, 1003, False),  # would take another user's order
        (1, 1003, False),  # would meet the account's own order
        (None, 1005, True),  # would take the outside market's best ask
    ],
)
def test_post_only_is_rejected_when_it_would_take(resting_account, price, with_outside):
    book = OrderBook()
    if resting_account is not None:
        rest(book, limit(SELL, 1003, 1, account=resting_account))
    before = snapshot(book)
    market_ = outside(reference=1000, half_spread=5) if with_outside else None
    result = match(book, limit(BUY, price, 1, account=1, post_only=True), market_)
    assert (result.status, result.reason, result.fills) == (
        OrderStatus.REJECTED,
        RejectReason.POST_ONLY_WOULD_TAKE,
        (),
    )
    assert snapshot(book) == before


def test_gtd_rests_until_its_expiry_and_is_refused_after_it():
    book = OrderBook()
    order = limit(BUY, 100, 1, time_in_force=TimeInForce.GTD, expire_at=60.0)
    assert match(book, order, now=59.0).rests
    late = limit(BUY, 100, 1, time_in_force=TimeInForce.GTD, expire_at=60.0)
    result = match(book, late, now=60.0)
    assert (result.status, result.reason, result.expired) == (
        OrderStatus.REJECTED,
        RejectReason.EXPIRE_AT_PASSED,
        (order.id,),
    )
    assert len(book) == 0


def test_self_trade_prevention_cancels_the_resting_order_and_goes_on():
    book = OrderBook()
    other_first = limit(SELL, 101, 1, account=2)
    own = limit(SELL, 101, 5, account=1)
    other_next = limit(SELL, 101, 2, account=3)
    own_beyond = limit(SELL, 105, 5, account=1)
    rest(book, other_first, own, other_next, own_beyond)
    result = match(book, limit(BUY, 101, 3, account=1))
    assert [f.maker_order_id for f in result.fills] == [other_first.id, other_next.id]
    assert result.self_trade_canceled == (own.id,)
    assert result.status is OrderStatus.FILLED
    # Only orders the incoming order reached are canceled.
    assert snapshot(book) == [(own_beyond.id, 5)]


def test_a_market_order_meeting_only_its_own_orders_cancels_them_and_is_rejected():
    book = OrderBook()
    own = limit(SELL, 101, 5, account=1)
    rest(book, own)
    result = match(book, market(BUY, 2, account=1))
    assert (result.status, result.reason, result.self_trade_canceled) == (
        OrderStatus.REJECTED,
        RejectReason.NO_LIQUIDITY,
        (own.id,),
    )
    assert len(book) == 0


def test_a_limit_order_meeting_its_own_order_rests_after_cancelling_it():
    book = OrderBook()
    own = limit(SELL, 101, 5, account=1)
    rest(book, own)
    result = match(book, limit(BUY, 101, 2, account=1))
    assert (result.status, result.rests, result.self_trade_canceled) == (
        OrderStatus.NEW,
        True,
        (own.id,),
    )
    assert (book.best_bid(), book.best_ask()) == (101, None)


def test_resting_orders_fill_at_their_own_price_when_the_reference_trades_through():
    book = OrderBook()
    low_bid = limit(BUY, 990, 3, account=4)
    at_bid = limit(BUY, 1000, 2, account=3)
    high_bid = limit(BUY, 1010, 1, account=2)
    ask = limit(SELL, 1020, 1, account=5)
    rest(book, low_bid, at_bid, high_bid, ask)
    fills = fills_on_reference(book, 1000)
    assert fills == [
        Fill(None, None, high_bid.id, 2, SELL, 1010, 1, 0, OUTSIDE),
        Fill(None, None, at_bid.id, 3, SELL, 1000, 2, 0, OUTSIDE),
    ]
    assert snapshot(book) == [(low_bid.id, 3), (ask.id, 1)]
    assert fills[0].role(high_bid.id) is Liquidity.MAKER
    fills = fills_on_reference(book, 1025)
    assert [(f.maker_order_id, f.taker_side, f.price_ticks) for f in fills] == [(ask.id, BUY, 1020)]
    book.check_invariants()


def test_reduce_only_lots_never_grow_or_flip_a_position():
    assert reduce_only_lots(SELL, 5, position_lots=3) == 3  # closing a long of 3
    assert reduce_only_lots(SELL, 2, position_lots=3) == 2
    assert reduce_only_lots(BUY, 5, position_lots=3) == 0  # would add to the long
    assert reduce_only_lots(BUY, 5, position_lots=-4) == 4  # closing a short of 4
    assert reduce_only_lots(SELL, 5, position_lots=0) == 0


def test_match_refuses_a_stop_order_a_resting_id_and_an_old_sequence():
    book = OrderBook()
    resting = limit(BUY, 100, 1)
    rest(book, resting)
    stop = Order(
        id=next_number(),
        account_id=1,
        side=SELL,
        type=OrderType.STOP_MARKET,
        quantity_lots=1,
        sequence=next_number(),
        stop_price_ticks=90,
    )
    for order, code in [
        (stop, "order_not_triggered"),
        (replace(resting, sequence=next_number()), "duplicate_order_id"),
        (replace(resting, id=next_number()), "sequence_not_increasing"),
    ]:
        with pytest.raises(EngineError) as error:
            match(book, order)
        assert error.value.code == code
