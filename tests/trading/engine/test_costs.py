"""Fees, funding, borrow interest and CFD overnight financing: who pays and how much."""

from decimal import Decimal

from trading.engine import Side, borrow_interest, fee, funding_payment, overnight_financing

D = Decimal
BUY, SELL = Side.BUY, Side.SELL


def test_fee_is_notional_times_rate_and_a_negative_rate_is_a_rebate():
    assert fee(D(10_000), D("0.0004")) == D(4)
    assert fee(D(-10_000), D("0.0004")) == D(4)
    assert fee(D(10_000), D("-0.0001")) == D(-1)


def test_a_positive_funding_rate_has_longs_pay_shorts():
    assert funding_payment(BUY, D(2), D(50_000), D("0.0001")) == D(10)
    assert funding_payment(SELL, D(2), D(50_000), D("0.0001")) == D(-10)
    assert funding_payment(SELL, D(2), D(50_000), D("-0.0001")) == D(10)


def test_borrow_interest_is_simple_interest_on_the_coins_value():
    # 1 BTC borrowed at 60,000 for a day at 8.76% a year: 60,000 * 0.0876 / 365.
    assert borrow_interest(D(1), D(60_000), D("0.0876"), 24) == D("14.4")


def test_cfd_financing_charges_longs_and_credits_or_charges_shorts():
    notional = D(36_500)
    long_ = overnight_financing(BUY, notional, benchmark_rate=D("0.05"), admin_fee_rate=D("0.03"))
    short = overnight_financing(SELL, notional, benchmark_rate=D("0.05"), admin_fee_rate=D("0.03"))
    assert (long_, short) == (D(8), D(-2))  # the short receives 5% - 3%
    # With a benchmark below the admin fee both sides pay; a weekend is three nights.
    short = overnight_financing(
        SELL, notional, benchmark_rate=D(0), admin_fee_rate=D("0.03"), nights=3
    )
    assert short == D(9)
    assert overnight_financing(
        BUY, D(36_000), benchmark_rate=D("0.05"), admin_fee_rate=D("0.03"), day_count=360
    ) == D(8)
