"""Engine values: instrument conversions, the shape of an order, hot-path constructors."""

from dataclasses import FrozenInstanceError
from decimal import Decimal

import pytest

from trading.engine import (
    EngineError,
    Fill,
    InstrumentSpec,
    Liquidity,
    MatchResult,
    Order,
    OrderStatus,
    OrderType,
    OutsideLiquidity,
    RejectReason,
    Side,
    TimeInForce,
)
from trading.engine.types import new_fill, new_match_result

BTC = InstrumentSpec(tick_size=Decimal("0.5"), lot_size=Decimal("0.001"))


def order(**fields) -> Order:
    values = {
        "id": 1,
        "account_id": 7,
        "side": Side.BUY,
        "type": OrderType.LIMIT,
        "quantity_lots": 3,
        "sequence": 1,
        "price_ticks": 100,
    }
    values.update(fields)
    return Order(**values)


def test_instrument_converts_prices_and_quantities_both_ways():
    assert BTC.to_ticks(Decimal("65000.5")) == 130001
    assert BTC.to_price(130001) == Decimal("65000.5")
    assert BTC.to_lots(Decimal("0.125")) == 125
    assert BTC.to_quantity(125) == Decimal("0.125")
    assert BTC.notional(130001, 125) == Decimal("8125.0625")


@pytest.mark.parametrize("price", [Decimal("65000.25"), Decimal("0.1")])
def test_instrument_refuses_a_price_off_the_tick(price):
    with pytest.raises(EngineError) as error:
        BTC.to_ticks(price)
    assert error.value.code == "price_off_tick"


def test_instrument_refuses_a_quantity_off_the_lot():
    with pytest.raises(EngineError) as error:
        BTC.to_lots(Decimal("0.0015"))
    assert error.value.code == "quantity_off_lot"


def test_instrument_needs_positive_sizes():
    with pytest.raises(EngineError):
        InstrumentSpec(tick_size=Decimal(0), lot_size=Decimal(1))


def test_a_well_formed_order_of_every_type_builds():
    order(type=OrderType.MARKET, price_ticks=None, time_in_force=TimeInForce.IOC)
    order(type=OrderType.STOP_MARKET, price_ticks=None, stop_price_ticks=90)
    order(type=OrderType.STOP_LIMIT, stop_price_ticks=90)
    order(type=OrderType.TAKE_PROFIT_MARKET, price_ticks=None, stop_price_ticks=120)
    order(type=OrderType.TAKE_PROFIT_LIMIT, stop_price_ticks=120)
    order(type=OrderType.TRAILING_STOP, price_ticks=None, trailing_ticks=5)
    order(type=OrderType.TRAILING_STOP, price_ticks=None, trailing_percent=Decimal("1.5"))
    order(time_in_force=TimeInForce.GTD, expire_at=1_700_000_000.0, post_only=True)


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"quantity_lots": 0}, "invalid_quantity"),
        ({"price_ticks": None}, "invalid_price"),
        ({"price_ticks": 0}, "invalid_price"),
        ({"type": OrderType.MARKET}, "invalid_price"),
        ({"type": OrderType.STOP_LIMIT}, "invalid_stop_price"),
        ({"stop_price_ticks": 5}, "invalid_stop_price"),
        ({"trailing_ticks": 5}, "invalid_trailing"),
        (
            {"type": OrderType.TRAILING_STOP, "price_ticks": None},
            "invalid_trailing",
        ),
        (
            {
                "type": OrderType.TRAILING_STOP,
                "price_ticks": None,
                "trailing_ticks": 5,
                "trailing_percent": Decimal(1),
            },
            "invalid_trailing",
        ),
        (
            {"type": OrderType.TRAILING_STOP, "price_ticks": None, "trailing_percent": Decimal(0)},
            "invalid_trailing",
        ),
        ({"time_in_force": TimeInForce.GTD}, "invalid_expiry"),
        ({"expire_at": 10.0}, "invalid_expiry"),
        (
            {
                "type": OrderType.MARKET,
                "price_ticks": None,
                "time_in_force": TimeInForce.GTD,
                "expire_at": 10.0,
            },
            "invalid_time_in_force",
        ),
        ({"post_only": True, "time_in_force": TimeInForce.IOC}, "invalid_post_only"),
        (
            {"post_only": True, "type": OrderType.MARKET, "price_ticks": None},
            "invalid_post_only",
        ),
    ],
)
def test_a_malformed_order_is_refused_with_a_code(fields, code):
    with pytest.raises(EngineError) as error:
        order(**fields)
    assert error.value.code == code


def test_an_order_is_frozen():
    with pytest.raises(FrozenInstanceError):
        order().quantity_lots = 5  # type: ignore[misc]


def test_outside_liquidity_levels_on_each_side():
    market = OutsideLiquidity(
        reference_price_ticks=10,
        half_spread_ticks=2,
        level_step_ticks=3,
        depth_per_level_lots=4,
        levels=4,
    )
    assert market.price_levels(Side.BUY) == [(12, 4), (15, 4), (18, 4), (21, 4)]
    # Bid levels below one tick are left out.
    assert market.price_levels(Side.SELL) == [(8, 4), (5, 4), (2, 4)]
    assert market.best_price(Side.SELL) == 8


def test_outside_liquidity_refuses_nonsense():
    with pytest.raises(EngineError):
        OutsideLiquidity(
            reference_price_ticks=10,
            half_spread_ticks=1,
            level_step_ticks=0,
            depth_per_level_lots=1,
            levels=2,
        )


def test_the_hot_path_fill_equals_the_constructed_one_and_is_frozen():
    args = (1, 2, 3, 4, Side.BUY, 100, 5, 0, Liquidity.MAKER)
    fast = new_fill(*args)
    assert type(fast) is Fill
    assert fast == Fill(*args)
    assert hash(fast) == hash(Fill(*args))
    with pytest.raises(FrozenInstanceError):
        fast.price_ticks = 1  # type: ignore[misc]


def test_the_hot_path_result_equals_the_constructed_one_and_is_frozen():
    args = (9, OrderStatus.REJECTED, (), 0, 5, False, (), (), (), RejectReason.NO_LIQUIDITY)
    fast = new_match_result(*args)
    assert type(fast) is MatchResult
    assert fast == MatchResult(*args)
    assert fast.canceled_lots == 5
    with pytest.raises(FrozenInstanceError):
        fast.rests = True  # type: ignore[misc]


def test_a_fill_tells_each_order_its_role():
    fill = Fill(1, 2, 3, 4, Side.SELL, 100, 5, 0, Liquidity.MAKER)
    assert fill.role(1) is Liquidity.TAKER
    assert fill.role(3) is Liquidity.MAKER
    with pytest.raises(EngineError):
        fill.role(5)
