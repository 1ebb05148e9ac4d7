"""Tiered margin and liquidation prices: examples and properties."""

from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from trading.engine import (
    EngineError,
    MarginTier,
    Side,
    flat_tiers,
    initial_margin,
    liquidation_price_at_rate,
    liquidation_price_cross,
    liquidation_price_isolated,
    maintenance_margin,
    margin_tiers,
    should_liquidate,
    tier_for,
    unrealized_pnl,
)

D = Decimal
BUY, SELL = Side.BUY, Side.SELL
# Binance's published BTCUSDT brackets of 2020 (notional cap, initial rate, maintenance rate).
BTCUSDT = margin_tiers(
    [
        (D(50_000), D("0.008"), D("0.004")),
        (D(250_000), D("0.01"), D("0.005")),
        (D(3_000_000), D("0.02"), D("0.01")),
        (D(15_000_000), D("0.05"), D("0.025")),
        (D(30_000_000), D("0.1"), D("0.05")),
    ]
)


def test_maintenance_amounts_match_the_exchanges_published_ones():
    assert [tier.maintenance_amount for tier in BTCUSDT] == [
        D(0),
        D(50),
        D(1_300),
        D(46_300),
        D(421_300),
    ]


def test_maintenance_margin_uses_the_tier_the_notional_falls_in():
    assert maintenance_margin(D(40_000), tiers=BTCUSDT) == D(160)
    assert maintenance_margin(D(100_000), tiers=BTCUSDT) == D(450)  # 500 - 50
    assert maintenance_margin(D(-100_000), tiers=BTCUSDT) == D(450)
    assert tier_for(D(50_000), BTCUSDT) is BTCUSDT[0]
    assert tier_for(D("50000.01"), BTCUSDT) is BTCUSDT[1]
    assert tier_for(D(10**9), BTCUSDT) is BTCUSDT[-1]


def test_initial_margin_is_notional_over_leverage_but_at_least_the_tiers_rate():
    assert initial_margin(D(10_000), leverage=D(10), tiers=BTCUSDT) == D(1_000)
    # 125x is the first tier's limit; asking for 200x still needs 0.8%.
    assert initial_margin(D(10_000), leverage=D(200), tiers=BTCUSDT) == D(80)
    assert initial_margin(D(1_000_000), leverage=D(100), tiers=BTCUSDT) == D(20_000)
    assert BTCUSDT[0].max_leverage == D(125)
    with pytest.raises(EngineError):
        initial_margin(D(1), leverage=D(0), tiers=BTCUSDT)


def test_flat_rates_are_one_tier_for_every_notional():
    tiers = flat_tiers(D("0.1"), D("0.05"))
    assert maintenance_margin(D(10**12), tiers=tiers) == D("5E+10")
    assert initial_margin(D(1_000), leverage=D(5), tiers=tiers) == D(200)


def test_tiers_must_be_sensible():
    with pytest.raises(EngineError):
        margin_tiers([(D(100), D("0.1"), D("0.05")), (D(50), D("0.2"), D("0.1"))])
    with pytest.raises(EngineError):
        MarginTier(D(100), D("0.05"), D("0.1"))  # maintenance above initial
    with pytest.raises(EngineError):
        margin_tiers([])


def test_an_isolated_long_at_ten_times_leverage():
    # 1 BTC long at 10,000 with 1,000 of margin and 0.5% maintenance.
    tiers = flat_tiers(D("0.1"), D("0.005"))
    price = liquidation_price_isolated(BUY, D(1), D(10_000), isolated_margin=D(1_000), tiers=tiers)
    assert price == D(9_000) / D("0.995")
    assert round(price, 2) == D("9045.23")


def test_an_isolated_short_at_ten_times_leverage():
    tiers = flat_tiers(D("0.1"), D("0.005"))
    price = liquidation_price_isolated(SELL, D(2), D(10_000), isolated_margin=D(2_000), tiers=tiers)
    assert round(price, 2) == D("10945.27")  # 22,000 / (2 * 1.005)


def test_a_fully_funded_long_is_never_liquidated_and_a_sunk_short_is_at_once():
    tiers = flat_tiers(D("0.1"), D("0.005"))
    assert (
        liquidation_price_isolated(BUY, D(1), D(100), isolated_margin=D(100), tiers=tiers) is None
    )
    assert liquidation_price_at_rate(
        SELL, D(1), D(100), collateral=D(-200), mm_rate=D("0.005")
    ) == D(0)
    with pytest.raises(EngineError):
        liquidation_price_at_rate(BUY, D(0), D(100), collateral=D(1), mm_rate=D("0.01"))


def test_cross_margin_counts_the_rest_of_the_account():
    tiers = flat_tiers(D("0.1"), D("0.005"))
    alone = liquidation_price_isolated(BUY, D(1), D(10_000), isolated_margin=D(1_000), tiers=tiers)
    cross = liquidation_price_cross(
        BUY, D(1), D(10_000),
        equity_excluding_position=D(3_000), other_maintenance_margin=D(2_000), tiers=tiers,
    )  # fmt: skip
    assert cross == alone


def test_liquidation_uses_the_tier_at_the_liquidation_price():
    # A short whose notional climbs into the next tier before it is liquidated.
    price = liquidation_price_isolated(
        SELL, D(5), D(9_500), isolated_margin=D(5_000), tiers=BTCUSDT
    )
    assert price is not None
    assert price * 5 > D(50_000)
    assert tier_for(price * 5, BTCUSDT) is BTCUSDT[1]


def test_the_last_tier_covers_notionals_above_its_cap():
    # Found by hypothesis: with no collateral a long is liquidated above its entry, and
    # here the notional there lies beyond the last tier's cap.
    tiers = margin_tiers([(D(1_000), D("0.002"), D("0.001")), (D(1_001), D("0.2"), D("0.1"))])
    price = liquidation_price_isolated(
        BUY, D("5.412"), D("186.27"), isolated_margin=D(0), tiers=tiers
    )
    assert price is not None and price * D("5.412") > D(1_001)
    equity = unrealized_pnl(BUY, D("5.412"), D("186.27"), price)
    assert abs(equity - maintenance_margin(price * D("5.412"), tiers=tiers)) < D("1e-20")


def test_should_liquidate_when_equity_reaches_maintenance():
    assert should_liquidate(equity=D(10), maintenance_margin=D(10))
    assert not should_liquidate(equity=D("10.01"), maintenance_margin=D(10))


rates = st.decimals(min_value=D("0.001"), max_value=D("0.2"), places=4)


@st.composite
def tier_tables(draw):
    """Draw a rising table of brackets, maintenance rates rising, amounts made continuous."""
    count = draw(st.integers(1, 6))
    caps = sorted(
        draw(st.lists(st.integers(1_000, 50_000_000), min_size=count, max_size=count, unique=True))
    )
    maintenance = sorted(draw(st.lists(rates, min_size=count, max_size=count)))
    return margin_tiers(
        [
            (D(cap), min(rate * 2, D("0.99")), rate)
            for cap, rate in zip(caps, maintenance, strict=True)
        ]
    )


@given(tiers=tier_tables())
def test_tiered_maintenance_margin_is_continuous_at_every_boundary(tiers):
    for below, above in pairwise(tiers):
        cap = below.max_notional
        from_below = cap * below.maintenance_margin_rate - below.maintenance_amount
        from_above = cap * above.maintenance_margin_rate - above.maintenance_amount
        assert from_below == from_above
        just_above = maintenance_margin(cap + D("0.01"), tiers=tiers)
        assert abs(just_above - maintenance_margin(cap, tiers=tiers)) <= D("0.01")


@given(tiers=tier_tables(), notional=st.integers(0, 60_000_000), step=st.integers(1, 10_000))
def test_tiered_maintenance_margin_never_falls_as_notional_grows(tiers, notional, step):
    smaller = maintenance_margin(D(notional), tiers=tiers)
    assert maintenance_margin(D(notional + step), tiers=tiers) >= smaller


quantities = st.decimals(min_value=D("0.001"), max_value=D(500), places=3)
entries = st.decimals(min_value=D(1), max_value=D(200_000), places=2)


def gap_at(side, quantity, entry, collateral, tiers, price) -> Decimal:
    """Return equity minus maintenance margin at a mark price."""
    equity = collateral + unrealized_pnl(side, quantity, entry, price)
    return equity - maintenance_margin(quantity * price, tiers=tiers)


@settings(max_examples=500)
@given(
    side=st.sampled_from([BUY, SELL]),
    quantity=quantities,
    entry=entries,
    leverage=st.integers(1, 125),
    tiers=st.one_of(tier_tables(), st.just(BTCUSDT)),
)
def test_at_the_isolated_liquidation_price_equity_equals_maintenance_margin(
    side, quantity, entry, leverage, tiers
):
    margin = quantity * entry / leverage
    price = liquidation_price_isolated(side, quantity, entry, isolated_margin=margin, tiers=tiers)
    assume(price is not None and price > 0)
    scale = quantity * entry + margin
    assert abs(gap_at(side, quantity, entry, margin, tiers, price)) <= scale * D("1e-20")
    # Just on the safe side of the price there is still equity above maintenance.
    safer = price * (D(1) + D("1e-6") * (1 if side is BUY else -1))
    assert gap_at(side, quantity, entry, margin, tiers, safer) > 0


@settings(max_examples=500)
@given(
    side=st.sampled_from([BUY, SELL]),
    quantity=quantities,
    entry=entries,
    wallet=st.decimals(min_value=D(0), max_value=D(10_000_000), places=2),
    others_pnl=st.decimals(min_value=D(-100_000), max_value=D(100_000), places=2),
    others_maintenance=st.decimals(min_value=D(0), max_value=D(100_000), places=2),
    tiers=st.one_of(tier_tables(), st.just(BTCUSDT)),
)
def test_at_the_cross_liquidation_price_equity_equals_maintenance_margin(
    side, quantity, entry, wallet, others_pnl, others_maintenance, tiers
):
    equity_without = wallet + others_pnl
    price = liquidation_price_cross(
        side, quantity, entry,
        equity_excluding_position=equity_without,
        other_maintenance_margin=others_maintenance,
        tiers=tiers,
    )  # fmt: skip
    assume(price is not None and price > 0)
    equity = equity_without + unrealized_pnl(side, quantity, entry, price)
    required = others_maintenance + maintenance_margin(quantity * price, tiers=tiers)
    scale = quantity * entry + abs(equity_without) + others_maintenance
    assert abs(equity - required) <= scale * D("1e-20")
