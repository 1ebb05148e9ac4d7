"""Positions: average entry, realised PnL on reduce, close and flip; unrealised PnL."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trading.engine import (
    EngineError,
    Position,
    PositionChange,
    Side,
    apply_fill,
    average_entry_price,
    notional,
    realized_pnl,
    unrealized_pnl,
)

D = Decimal
BUY, SELL = Side.BUY, Side.SELL


def test_pnl_of_a_long_and_a_short():
    assert unrealized_pnl(BUY, D(2), D(100), D(110)) == D(20)
    assert unrealized_pnl(SELL, D(2), D(100), D(110)) == D(-20)
    assert realized_pnl(SELL, D("0.5"), D(30_000), D(20_000)) == D(5_000)
    assert notional(D(-3), D(10)) == D(30)


def test_adding_averages_the_entry():
    assert average_entry_price(D(1), D(100), D(3), D(200)) == D(175)
    with pytest.raises(EngineError):
        average_entry_price(D(1), D(100), D(-1), D(200))


def test_opening_adding_reducing_and_closing_a_short():
    opened = apply_fill(Position(), SELL, D(2), D(30_000))
    assert opened == PositionChange(Position(D(-2), D(30_000)), D(0), D(0), D(2))
    assert opened.position.side is SELL
    added = apply_fill(opened.position, SELL, D(2), D(32_000))
    assert added.position == Position(D(-4), D(31_000))
    reduced = apply_fill(added.position, BUY, D(1), D(29_000))
    assert reduced == PositionChange(Position(D(-3), D(31_000)), D(2_000), D(1), D(0))
    closed = apply_fill(reduced.position, BUY, D(3), D(33_000))
    assert closed == PositionChange(Position(), D(-6_000), D(3), D(0))
    assert closed.position.side is None


def test_a_fill_larger_than_the_position_closes_it_and_flips_at_the_fill_price():
    change = apply_fill(Position(D(2), D(100)), SELL, D(5), D(90))
    assert change == PositionChange(Position(D(-3), D(90)), D(-20), D(2), D(3))


def test_a_fill_needs_a_positive_quantity_and_price():
    with pytest.raises(EngineError):
        apply_fill(Position(), BUY, D(0), D(1))


fills = st.lists(
    st.tuples(
        st.sampled_from([BUY, SELL]),
        st.decimals(min_value=D("0.001"), max_value=D(50), places=3),
        st.decimals(min_value=D(1), max_value=D(100_000), places=2),
    ),
    min_size=1,
    max_size=30,
)


@given(fills=fills, mark=st.decimals(min_value=D(1), max_value=D(100_000), places=2))
def test_realised_plus_unrealised_pnl_equals_the_cash_flows(fills, mark):
    position, realised, cash = Position(), D(0), D(0)
    for side, quantity, price in fills:
        change = apply_fill(position, side, quantity, price)
        assert change.closed_quantity + change.opened_quantity == quantity
        position, realised = change.position, realised + change.realized_pnl
        cash += quantity * price * (-1 if side is BUY else 1)
    held = abs(position.quantity)
    open_pnl = D(0) if position.side is None else unrealized_pnl(
        position.side, held, position.entry_price, mark
    )  # fmt: skip
    total = cash + position.quantity * mark
    assert abs(realised + open_pnl - total) <= D("1e-15") * (1 + sum(q * p for _, q, p in fills))
