"""Option payoffs at expiry and the margin on a short option."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from trading.engine import OptionKind, OptionMargin, option_payoff, option_short_margin

D = Decimal
CALL, PUT = OptionKind.CALL, OptionKind.PUT


def test_payoff_is_the_intrinsic_value():
    assert option_payoff(CALL, D(60_000), D(65_000), D(2)) == D(10_000)
    assert option_payoff(CALL, D(60_000), D(55_000), D(2)) == D(0)
    assert option_payoff(PUT, D(60_000), D(55_000), D("0.5")) == D(2_500)
    assert option_payoff(PUT, D(60_000), D(65_000), D(1)) == D(0)


def test_short_call_margin_deribit_style():
    # At the money: 15% of spot plus the premium; maintenance 7.5% plus the premium.
    margin = option_short_margin(
        CALL, strike=D(60_000), underlying_price=D(60_000), mark_price=D(2_000), quantity=D(1)
    )
    assert margin == OptionMargin(initial=D(11_000), maintenance=D(6_500))
    # Far out of the money the 10% floor applies.
    margin = option_short_margin(
        CALL, strike=D(80_000), underlying_price=D(60_000), mark_price=D(100), quantity=D(2)
    )
    assert margin.initial == D(2) * (D(6_000) + D(100))


def test_short_put_margin_deribit_style():
    margin = option_short_margin(
        PUT, strike=D(55_000), underlying_price=D(60_000), mark_price=D(800), quantity=D(1)
    )
    # max(9,000 - 5,000, 6,000) + 800 = 6,800; maintenance 4,500 + 800.
    assert margin == OptionMargin(initial=D(6_800), maintenance=D(5_300))


@given(
    kind=st.sampled_from([CALL, PUT]),
    strike=st.integers(1_000, 200_000),
    spot=st.integers(1_000, 200_000),
    mark=st.integers(0, 50_000),
    quantity=st.integers(1, 100),
)
def test_initial_margin_covers_maintenance_and_at_least_the_floor(
    kind, strike, spot, mark, quantity
):
    margin = option_short_margin(
        kind, strike=D(strike), underlying_price=D(spot), mark_price=D(mark), quantity=D(quantity)
    )
    assert margin.initial >= margin.maintenance
    assert margin.initial >= (D("0.1") * spot + mark) * quantity
