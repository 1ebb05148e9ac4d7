"""Perpetual and dated-future marks, and the funding rate."""

import statistics
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from market.pricing.marks import (
    SECONDS_PER_YEAR,
    funding_rate,
    future_mark,
    perpetual_mark,
    premium_next,
    premium_shock,
)

prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(10**7), places=2)
premiums = st.decimals(min_value=Decimal("-0.05"), max_value=Decimal("0.05"), places=6)
DAY = 86400


def test_perpetual_mark_is_the_index_plus_the_premium():
    assert perpetual_mark(Decimal(60000), Decimal("0.001")) == Decimal(60060)
    assert perpetual_mark(Decimal(60000), Decimal("-0.00001"), tick_size=Decimal("0.5")) == Decimal(
        "59999.5"
    )


def test_premium_halves_every_half_life():
    assert premium_next(Decimal("0.002"), elapsed=60, half_life=60) == Decimal("0.001")
    assert premium_next(Decimal("0.002"), elapsed=120, half_life=60) == Decimal("0.0005")
    assert premium_next(Decimal("0.002"), elapsed=0, half_life=60) == Decimal("0.002")


@given(premium=premiums, first=st.floats(0, 10**6), second=st.floats(0, 10**6))
def test_premium_decays_toward_zero_without_changing_sign(premium, first, second):
    sooner, later = sorted((first, second))
    near = premium_next(premium, elapsed=sooner, half_life=3600)
    far = premium_next(premium, elapsed=later, half_life=3600)
    assert abs(far) <= abs(near) <= abs(premium)
    assert near * premium >= 0 and far * premium >= 0


def test_premium_shock_is_seeded_by_seed_and_step():
    shock = {"elapsed": 10, "half_life": 600, "premium_stdev": Decimal("0.001")}
    assert premium_shock(seed=1, step=5, **shock) == premium_shock(seed=1, step=5, **shock)
    assert premium_shock(seed=1, step=5, **shock) != premium_shock(seed=1, step=6, **shock)
    assert premium_shock(seed=1, step=5, **shock) != premium_shock(seed=2, step=5, **shock)
    assert premium_shock(seed=1, step=5, **{**shock, "elapsed": 0}) == 0


@pytest.mark.parametrize("tick_seconds", [1, 5])
def test_premium_spread_settles_at_its_stdev_whatever_the_tick(tick_seconds):
    premium, seen = Decimal(0), []
    for step in range(30000):
        premium = premium_next(premium, elapsed=tick_seconds, half_life=10) + premium_shock(
            seed=4, step=step, elapsed=tick_seconds, half_life=10, premium_stdev=Decimal("0.001")
        )
        seen.append(float(premium))
    assert statistics.pstdev(seen[1000:]) == pytest.approx(0.001, rel=0.1)
    assert statistics.fmean(seen[1000:]) == pytest.approx(0, abs=0.0002)


def test_future_mark_carries_the_basis_and_meets_the_index_at_expiry():
    index, rate = Decimal(60000), Decimal("0.10")
    year = SECONDS_PER_YEAR
    assert future_mark(index, annual_basis_rate=rate, time_to_expiry_seconds=year) == 66000
    assert future_mark(index, annual_basis_rate=rate, time_to_expiry_seconds=year / 2) == 63000
    assert future_mark(index, annual_basis_rate=rate, time_to_expiry_seconds=0) == index
    assert future_mark(index, annual_basis_rate=rate, time_to_expiry_seconds=-DAY) == index


@given(
    index=prices,
    rate=st.decimals(min_value=Decimal("-0.5"), max_value=Decimal("0.5"), places=4),
    times=st.lists(st.floats(min_value=-DAY, max_value=SECONDS_PER_YEAR), min_size=2, max_size=8),
)
def test_future_basis_shrinks_as_expiry_nears(index, rate, times):
    closer_first = sorted(times)
    basis = [
        abs(future_mark(index, annual_basis_rate=rate, time_to_expiry_seconds=t) - index)
        for t in closer_first
    ]
    assert basis == sorted(basis)
    if closer_first[0] <= 0:
        assert basis[0] == 0


@pytest.mark.parametrize(
    ("premium", "expected"),
    [
        ("0", "0.0001"),  # no premium: the interest rate alone
        ("0.0003", "0.0001"),  # inside the clamp band: still the interest rate
        ("0.002", "0.0015"),  # 0.002 + clamp(0.0001 - 0.002) = 0.002 - 0.0005
        ("-0.002", "-0.0015"),  # -0.002 + clamp(0.0021) = -0.002 + 0.0005
        ("0.01", "0.0075"),  # 0.0095, capped
        ("-0.01", "-0.0075"),  # -0.0095, capped
    ],
)
def test_funding_rate_follows_the_exchange_formula(premium, expected):
    index = Decimal(60000)
    mark = index * (1 + Decimal(premium))
    assert funding_rate(mark, index) == Decimal(expected)


@given(
    index=prices,
    premium=st.decimals(min_value=Decimal("-0.9"), max_value=Decimal("0.9"), places=6),
    cap=st.decimals(min_value=0, max_value=Decimal("0.05"), places=4),
)
def test_funding_stays_within_the_cap_and_follows_the_premium(index, premium, cap):
    mark = index * (1 + premium)
    rate = funding_rate(mark, index, cap=cap)
    assert -cap <= rate <= cap
    if premium > Decimal("0.0006") + cap:
        assert rate == cap
    if premium < -Decimal("0.0005") - cap:
        assert rate == -cap


def test_funding_refuses_a_zero_index():
    with pytest.raises(ValueError, match="index"):
        funding_rate(Decimal(1), Decimal(0))
