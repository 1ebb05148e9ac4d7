"""Stops, take-profits and trailing stops: when they trigger and what they enter as."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.trading.engine.build import next_number
from trading.engine import (
    EngineError,
    OcoPair,
    Order,
    OrderType,
    Side,
    TimeInForce,
    TrailingState,
    TriggerBy,
    bracket_exits,
    oco_partner_to_cancel,
    should_trigger,
    trailing_start,
    trailing_update,
    trigger_price,
    triggered_order,
)

BUY, SELL = Side.BUY, Side.SELL


def conditional(side: Side, kind: OrderType, *, stop: int | None = None, **fields) -> Order:
    number = next_number()
    return Order(
        id=number,
        account_id=1,
        side=side,
        type=kind,
        quantity_lots=2,
        sequence=number,
        stop_price_ticks=stop,
        **fields,
    )


@pytest.mark.parametrize(
    ("side", "kind", "fires_at", "waits_at"),
    [
        # A sell stop closes a long on a fall; a buy stop closes a short on a rise.
        (SELL, OrderType.STOP_MARKET, [100, 99], [101]),
        (BUY, OrderType.STOP_MARKET, [100, 101], [99]),
        # A sell take-profit closes a long on a rise; a buy take-profit a short on a fall.
        (SELL, OrderType.TAKE_PROFIT_MARKET, [100, 101], [99]),
        (BUY, OrderType.TAKE_PROFIT_MARKET, [100, 99], [101]),
    ],
)
def test_stops_and_take_profits_trigger_on_the_right_side_of_their_price(
    side, kind, fires_at, waits_at
):
    order = conditional(side, kind, stop=100)
    assert all(should_trigger(order, price_ticks=price) for price in fires_at)
    assert not any(should_trigger(order, price_ticks=price) for price in waits_at)
    limit_kind = {
        OrderType.STOP_MARKET: OrderType.STOP_LIMIT,
        OrderType.TAKE_PROFIT_MARKET: OrderType.TAKE_PROFIT_LIMIT,
    }[kind]
    limit_order = conditional(side, limit_kind, stop=100, price_ticks=100)
    assert [should_trigger(limit_order, price_ticks=p) for p in fires_at + waits_at] == [
        should_trigger(order, price_ticks=p) for p in fires_at + waits_at
    ]


def test_trigger_price_follows_trigger_by():
    prices = {"mark": 10, "index": 11, "last": 12}
    for trigger_by, expected in [(TriggerBy.MARK, 10), (TriggerBy.INDEX, 11), (TriggerBy.LAST, 12)]:
        order = conditional(SELL, OrderType.STOP_MARKET, stop=5, trigger_by=trigger_by)
        assert trigger_price(order, **prices) == expected


def test_a_sell_trailing_stop_follows_the_high_and_triggers_on_the_pullback():
    order = conditional(SELL, OrderType.TRAILING_STOP, trailing_ticks=10)
    state = trailing_start(order, 100)
    assert state == TrailingState(100, 90)
    for price, stop in [(105, 95), (103, 95), (120, 110), (115, 110)]:
        state = trailing_update(order, state, price)
        assert state.stop_price_ticks == stop
        assert not should_trigger(order, price_ticks=price, trailing=state)
    state = trailing_update(order, state, 110)
    assert should_trigger(order, price_ticks=110, trailing=state)


def test_a_buy_trailing_stop_protects_a_short_by_following_the_low():
    order = conditional(BUY, OrderType.TRAILING_STOP, trailing_percent=Decimal(5))
    state = trailing_start(order, 1000)
    assert state.stop_price_ticks == 1050
    state = trailing_update(order, state, 900)
    assert state == TrailingState(900, 945)
    state = trailing_update(order, state, 930)
    assert state == TrailingState(900, 945)
    assert not should_trigger(order, price_ticks=944, trailing=state)
    assert should_trigger(order, price_ticks=945, trailing=state)


def test_a_percent_trail_rounds_its_distance_up_to_whole_ticks():
    order = conditional(SELL, OrderType.TRAILING_STOP, trailing_percent=Decimal("1.5"))
    assert trailing_start(order, 1001).stop_price_ticks == 1001 - 16  # 15.015 ticks -> 16


@given(
    side=st.sampled_from([BUY, SELL]),
    prices=st.lists(st.integers(1, 10_000), min_size=1, max_size=50),
    trail=st.integers(1, 500),
)
def test_a_trailing_stop_only_ever_moves_in_the_orders_favour(side, prices, trail):
    order = conditional(side, OrderType.TRAILING_STOP, trailing_ticks=trail)
    state = trailing_start(order, prices[0])
    for price in prices[1:]:
        after = trailing_update(order, state, price)
        if side is SELL:
            assert after.stop_price_ticks >= state.stop_price_ticks
            assert after.best_price_ticks == max(state.best_price_ticks, price)
        else:
            assert after.stop_price_ticks <= state.stop_price_ticks
            assert after.best_price_ticks == min(state.best_price_ticks, price)
        state = after


def test_should_trigger_needs_a_conditional_order_and_a_trailing_state():
    trailing = conditional(SELL, OrderType.TRAILING_STOP, trailing_ticks=5)
    with pytest.raises(EngineError):
        should_trigger(trailing, price_ticks=1)
    plain = Order(
        id=1, account_id=1, side=BUY, type=OrderType.LIMIT, quantity_lots=1, sequence=1,
        price_ticks=5,
    )  # fmt: skip
    with pytest.raises(EngineError):
        should_trigger(plain, price_ticks=5)
    with pytest.raises(EngineError):
        trailing_start(plain, 5)


def test_a_triggered_stop_enters_as_a_market_or_limit_order_with_a_new_sequence():
    stop = conditional(SELL, OrderType.STOP_MARKET, stop=90, reduce_only=True)
    entered = triggered_order(stop, sequence=stop.sequence + 100)
    assert (entered.type, entered.time_in_force, entered.stop_price_ticks) == (
        OrderType.MARKET,
        TimeInForce.IOC,
        None,
    )
    assert (entered.id, entered.sequence, entered.reduce_only) == (
        stop.id,
        stop.sequence + 100,
        True,
    )

    stop_limit = conditional(
        BUY, OrderType.STOP_LIMIT, stop=110, price_ticks=112,
        time_in_force=TimeInForce.GTD, expire_at=99.0,
    )  # fmt: skip
    entered = triggered_order(stop_limit, sequence=1_000_000)
    assert (entered.type, entered.price_ticks, entered.time_in_force, entered.expire_at) == (
        OrderType.LIMIT,
        112,
        TimeInForce.GTD,
        99.0,
    )

    trailing = conditional(BUY, OrderType.TRAILING_STOP, trailing_ticks=4)
    entered = triggered_order(trailing, sequence=1_000_001)
    assert (entered.type, entered.trailing_ticks) == (OrderType.MARKET, None)


def test_oco_cancels_the_other_leg():
    pair = OcoPair(first_order_id=5, second_order_id=6)
    assert oco_partner_to_cancel(pair, 5) == 6
    assert oco_partner_to_cancel(pair, 6) == 5
    with pytest.raises(EngineError):
        oco_partner_to_cancel(pair, 7)


def test_a_short_entrys_bracket_is_a_reduce_only_buy_take_profit_below_and_stop_above():
    entry = Order(
        id=10, account_id=3, side=SELL, type=OrderType.LIMIT, quantity_lots=5, sequence=10,
        price_ticks=1000,
    )  # fmt: skip
    take_profit, stop_loss = bracket_exits(
        entry, filled_lots=3, take_profit_ticks=900, stop_loss_ticks=1050,
        take_profit_id=11, stop_loss_id=12,
    )  # fmt: skip
    assert (take_profit.side, take_profit.type, take_profit.quantity_lots) == (
        BUY,
        OrderType.TAKE_PROFIT_MARKET,
        3,
    )
    assert (stop_loss.side, stop_loss.type, stop_loss.stop_price_ticks) == (
        BUY,
        OrderType.STOP_MARKET,
        1050,
    )
    assert take_profit.reduce_only and stop_loss.reduce_only
    assert should_trigger(take_profit, price_ticks=899)
    assert should_trigger(stop_loss, price_ticks=1051)
    with pytest.raises(EngineError):
        bracket_exits(
            entry, filled_lots=3, take_profit_ticks=1100, stop_loss_ticks=1050,
            take_profit_id=11, stop_loss_id=12,
        )  # fmt: skip
