"""Black-Scholes prices and Greeks, implied volatility and the smile."""

import math
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from market.pricing.options import (
    DAYS_PER_YEAR,
    OptionKind,
    black_scholes,
    implied_volatility,
    smile_volatility,
)

CALL, PUT = OptionKind.CALL, OptionKind.PUT
QUANTUM = Decimal("0.00000001")

spots = st.decimals(min_value=Decimal(100), max_value=Decimal(200000), places=2)
moneyness = st.floats(min_value=0.5, max_value=2.0)
years = st.floats(min_value=1 / 365, max_value=2.0)
vols = st.decimals(min_value=Decimal("0.05"), max_value=Decimal("2.5"), places=3)
rates = st.decimals(min_value=Decimal(0), max_value=Decimal("0.1"), places=3)


def price(kind: OptionKind, **inputs) -> float:
    """Return the price alone, as a float."""
    return float(black_scholes(kind, **inputs).price)


def strike_for(spot: Decimal, ratio: float) -> Decimal:
    """Return a strike at `ratio` times the spot, to the cent."""
    return (spot * Decimal(repr(ratio))).quantize(Decimal("0.01"))


def test_hulls_example_prices_a_call_and_a_put():
    # Hull, Options, Futures and Other Derivatives: S=42, K=40, r=10%, sigma=20%, T=0.5.
    inputs = {
        "spot": Decimal(42),
        "strike": Decimal(40),
        "time_to_expiry": Decimal("0.5"),
        "volatility": Decimal("0.2"),
        "rate": Decimal("0.1"),
    }
    assert float(black_scholes(CALL, **inputs).price) == pytest.approx(4.76, abs=0.005)
    assert float(black_scholes(PUT, **inputs).price) == pytest.approx(0.81, abs=0.005)


def test_hulls_greek_letters_example():
    # Hull's running Greeks example: S=49, K=50, r=5%, sigma=20%, T=20 weeks; he gives
    # delta 0.522, gamma 0.066, vega 12.1, theta -4.31 a year and rho 8.91 (per unit).
    quote = black_scholes(
        CALL,
        spot=Decimal(49),
        strike=Decimal(50),
        time_to_expiry=20 / 52,
        volatility=Decimal("0.2"),
        rate=Decimal("0.05"),
    )
    assert float(quote.price) == pytest.approx(2.40, abs=0.005)
    assert float(quote.delta) == pytest.approx(0.522, abs=0.0005)
    assert float(quote.gamma) == pytest.approx(0.066, abs=0.0005)
    assert float(quote.vega) * 100 == pytest.approx(12.1, abs=0.05)
    assert float(quote.theta) * DAYS_PER_YEAR == pytest.approx(-4.31, abs=0.005)
    assert float(quote.rho) * 100 == pytest.approx(8.91, abs=0.005)


@given(spot=spots, ratio=moneyness, t=years, vol=vols, rate=rates)
def test_put_call_parity(spot, ratio, t, vol, rate):
    strike = strike_for(spot, ratio)
    inputs = {"spot": spot, "strike": strike, "time_to_expiry": t, "volatility": vol, "rate": rate}
    forward_value = float(spot) - float(strike) * math.exp(-float(rate) * t)
    call, put = price(CALL, **inputs), price(PUT, **inputs)
    assert call - put == pytest.approx(forward_value, abs=2e-8 + 1e-12 * float(spot))


@pytest.mark.parametrize("kind", [CALL, PUT])
@pytest.mark.parametrize(
    ("spot", "strike", "t", "vol", "rate"),
    [(42, 40, 0.5, 0.2, 0.1), (60000, 65000, 30 / 365, 0.7, 0.0), (60000, 50000, 1.5, 1.2, 0.05)],
)
def test_greeks_match_finite_differences(kind, spot, strike, t, vol, rate):
    base = {
        "spot": Decimal(spot),
        "strike": Decimal(strike),
        "time_to_expiry": t,
        "volatility": Decimal(repr(vol)),
        "rate": Decimal(repr(rate)),
    }
    quote = black_scholes(kind, **base)

    def bumped(name, delta):
        value = base[name]
        moved = value + Decimal(repr(delta)) if isinstance(value, Decimal) else value + delta
        return price(kind, **{**base, name: moved})

    h = spot * 1e-3
    delta = (bumped("spot", h) - bumped("spot", -h)) / (2 * h)
    gamma = (bumped("spot", h) - 2 * float(quote.price) + bumped("spot", -h)) / h**2
    vega = (bumped("volatility", 1e-4) - bumped("volatility", -1e-4)) / 2e-4 / 100
    theta = -(bumped("time_to_expiry", 1e-4) - bumped("time_to_expiry", -1e-4)) / 2e-4 / 365
    rho = (bumped("rate", 1e-4) - bumped("rate", -1e-4)) / 2e-4 / 100
    assert float(quote.delta) == pytest.approx(delta, rel=1e-4, abs=1e-6)
    assert float(quote.gamma) == pytest.approx(gamma, rel=1e-3)
    assert float(quote.vega) == pytest.approx(vega, rel=1e-4)
    assert float(quote.theta) == pytest.approx(theta, rel=1e-3, abs=1e-6)
    assert float(quote.rho) == pytest.approx(rho, rel=1e-4, abs=1e-6)


@given(spot=spots, ratio=moneyness, t=years, vol=vols, rate=rates)
def test_call_price_stays_within_the_no_arbitrage_bounds(spot, ratio, t, vol, rate):
    strike = strike_for(spot, ratio)
    call = price(CALL, spot=spot, strike=strike, time_to_expiry=t, volatility=vol, rate=rate)
    lower = max(0.0, float(spot) - float(strike) * math.exp(-float(rate) * t))
    assert lower - 1e-8 <= call <= float(spot)


@given(spot=spots, ratio=moneyness, t=years, vol=vols, bump=st.floats(0.001, 0.5))
def test_prices_rise_with_volatility_and_calls_with_spot(spot, ratio, t, vol, bump):
    strike = strike_for(spot, ratio)
    inputs = {"strike": strike, "time_to_expiry": t}
    higher_spot = spot * Decimal(repr(1 + bump))
    higher_vol = vol + Decimal(repr(bump)).quantize(QUANTUM)
    for kind in (CALL, PUT):
        assert (
            price(kind, spot=spot, volatility=higher_vol, **inputs)
            >= price(kind, spot=spot, volatility=vol, **inputs) - 1e-8
        )
    assert (
        price(CALL, spot=higher_spot, volatility=vol, **inputs)
        >= price(CALL, spot=spot, volatility=vol, **inputs) - 1e-8
    )
    assert (
        price(PUT, spot=higher_spot, volatility=vol, **inputs)
        <= price(PUT, spot=spot, volatility=vol, **inputs) + 1e-8
    )


@pytest.mark.parametrize("t", [0, -0.1])
def test_expired_options_are_worth_their_intrinsic_value(t):
    inputs = {"strike": Decimal(100), "time_to_expiry": t, "volatility": Decimal("0.8")}
    in_call = black_scholes(CALL, spot=Decimal(130), **inputs)
    assert (in_call.price, in_call.delta, in_call.gamma, in_call.vega) == (30, 1, 0, 0)
    assert (in_call.theta, in_call.rho) == (0, 0)
    in_put = black_scholes(PUT, spot=Decimal(70), **inputs)
    assert (in_put.price, in_put.delta, in_put.gamma) == (30, -1, 0)
    out_call = black_scholes(CALL, spot=Decimal(70), **inputs)
    out_put = black_scholes(PUT, spot=Decimal(130), **inputs)
    assert (out_call.price, out_call.delta, out_put.price, out_put.delta) == (0, 0, 0, 0)


def test_zero_volatility_prices_the_discounted_forward():
    inputs = {"strike": Decimal(100), "time_to_expiry": 1.0, "volatility": Decimal(0)}
    call = black_scholes(CALL, spot=Decimal(110), rate=Decimal("0.05"), **inputs)
    assert float(call.price) == pytest.approx(110 - 100 * math.exp(-0.05), abs=1e-8)
    assert (call.delta, call.gamma, call.vega) == (1, 0, 0)
    assert float(call.rho) == pytest.approx(100 * math.exp(-0.05) / 100, rel=1e-9)
    put = black_scholes(PUT, spot=Decimal(110), **inputs)
    assert (put.price, put.delta, put.gamma, put.vega, put.theta) == (0, 0, 0, 0, 0)


def test_deep_in_and_out_of_the_money():
    inputs = {"time_to_expiry": 0.25, "volatility": Decimal("0.5")}
    deep_in = black_scholes(CALL, spot=Decimal(60000), strike=Decimal(1), **inputs)
    assert deep_in.price == Decimal(59999) and deep_in.delta == 1
    deep_out = black_scholes(CALL, spot=Decimal(60000), strike=Decimal(10**7), **inputs)
    assert deep_out.price == 0 and 0 <= deep_out.delta < Decimal("1e-12")
    far_put = black_scholes(PUT, spot=Decimal(60000), strike=Decimal(1), **inputs)
    assert far_put.price == 0 and far_put.delta <= 0


@pytest.mark.parametrize("kind", [CALL, PUT])
def test_implied_volatility_recovers_hulls_volatility(kind):
    inputs = {"spot": Decimal(42), "strike": Decimal(40), "time_to_expiry": 0.5}
    quoted = black_scholes(kind, volatility=Decimal("0.2"), rate=Decimal("0.1"), **inputs)
    implied = implied_volatility(quoted.price, kind, rate=Decimal("0.1"), **inputs)
    assert float(implied) == pytest.approx(0.2, abs=1e-7)


@given(spot=spots, ratio=moneyness, t=years, vol=vols, kind=st.sampled_from(OptionKind))
def test_implied_volatility_recovers_the_input_volatility(spot, ratio, t, vol, kind):
    strike = strike_for(spot, ratio)
    inputs = {"spot": spot, "strike": strike, "time_to_expiry": t}
    quote = black_scholes(kind, volatility=vol, **inputs)
    assume(quote.vega > Decimal("0.001"))  # otherwise the price barely depends on volatility
    assert float(implied_volatility(quote.price, kind, **inputs)) == pytest.approx(
        float(vol), abs=1e-6
    )


def test_implied_volatility_refuses_impossible_prices():
    inputs = {"spot": Decimal(100), "strike": Decimal(100), "time_to_expiry": 0.5}
    with pytest.raises(ValueError, match="no volatility"):
        implied_volatility(Decimal(101), CALL, **inputs)
    with pytest.raises(ValueError, match="expired"):
        implied_volatility(Decimal(5), CALL, **{**inputs, "time_to_expiry": 0})


def test_smile_is_quadratic_in_log_moneyness_with_a_floor():
    smile = {"forward": Decimal(60000), "time_to_expiry": 0.25, "curvature": Decimal("0.05")}
    atm = smile_volatility(Decimal("0.6"), strike=Decimal(60000), skew=Decimal("-0.1"), **smile)
    assert atm == Decimal("0.6")
    x = math.log(50000 / 60000) / math.sqrt(0.25)
    low_strike = smile_volatility(
        Decimal("0.6"), strike=Decimal(50000), skew=Decimal("-0.1"), **smile
    )
    assert float(low_strike) == pytest.approx(0.6 - 0.1 * x + 0.05 * x * x, rel=1e-9)
    high_strike = smile_volatility(
        Decimal("0.6"), strike=Decimal(72000), skew=Decimal("-0.1"), **smile
    )
    assert low_strike > atm and high_strike < low_strike
    floored = smile_volatility(Decimal("0.2"), strike=Decimal(90000), skew=Decimal(-2), **smile)
    assert floored == Decimal("0.05")


@given(
    ratio=st.floats(min_value=0.2, max_value=5),
    t=years,
    curvature=st.decimals(min_value=0, max_value=1, places=3),
)
def test_smile_without_skew_is_symmetric_and_never_below_atm(ratio, t, curvature):
    forward = Decimal(60000)
    smile = {"forward": forward, "time_to_expiry": t, "skew": Decimal(0), "curvature": curvature}
    up = smile_volatility(Decimal("0.6"), strike=forward * Decimal(repr(ratio)), **smile)
    down = smile_volatility(Decimal("0.6"), strike=forward / Decimal(repr(ratio)), **smile)
    assert up == pytest.approx(down, rel=Decimal("1e-8"))
    assert up >= Decimal("0.6")
