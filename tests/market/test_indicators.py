"""Indicators against published reference values and hand-worked examples."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from market.indicators import (
    FIBONACCI_RATIOS,
    Swing,
    bollinger_bands,
    ema,
    fibonacci_retracements,
    macd,
    rsi,
    sma,
)


def decimals(text: str) -> list[Decimal]:
    """Split a string of numbers into Decimals."""
    return [Decimal(value) for value in text.split()]


def defined(series: list) -> list:
    """Drop the leading Nones."""
    return [value for value in series if value is not None]


# StockCharts ChartSchool, "Relative Strength Index (RSI)": the closes in its
# spreadsheet (the article's table shows them rounded to cents) and the RSI(14)
# values it publishes, from the 15th close on.
RSI_CLOSES = decimals(
    "44.3389 44.0902 44.1497 43.6124 44.3278 44.8264 45.0955 45.4245 45.8433 46.0826 "
    "45.8931 46.0328 45.6140 46.2820 46.2820 46.0028 46.0328 46.4116 46.2222 45.6439 "
    "46.2122 46.2521 45.7137 46.4515 45.7835 45.3548 44.0288 44.1783 44.2181 44.5672 "
    "43.4205 42.6628 43.1314"
)
RSI_PUBLISHED = [
    70.53, 66.32, 66.55, 69.41, 66.36, 57.97, 62.93, 63.26, 56.06, 62.38,
    54.71, 50.42, 39.99, 41.46, 41.87, 45.46, 37.30, 33.08, 37.77,
]  # fmt: skip

# StockCharts ChartSchool, "Moving Averages - Simple and Exponential": the 10-day
# example's closes and its published 10-day EMA, rounded to cents.
MA_CLOSES = decimals(
    "22.27 22.19 22.08 22.17 22.18 22.13 22.23 22.43 22.24 22.29 22.15 22.39 22.38 22.61 "
    "23.36 24.05 23.75 23.83 23.95 23.63 23.82 23.87 23.65 23.19 23.10 23.33 22.68 23.10 "
    "22.40 22.17"
)
EMA_PUBLISHED = [
    22.22, 22.21, 22.24, 22.27, 22.33, 22.52, 22.80, 22.97, 23.13, 23.28, 23.34,
    23.43, 23.51, 23.54, 23.47, 23.40, 23.39, 23.26, 23.23, 23.08, 22.92,
]  # fmt: skip


def test_rsi_matches_stockcharts():
    values = rsi(RSI_CLOSES, 14)
    assert values[:14] == [None] * 14
    assert [float(v) for v in values[14:]] == pytest.approx(RSI_PUBLISHED, abs=0.005)


def test_rsi_of_the_rounded_closes_worked_by_hand():
    # With the closes rounded to cents, the first 14 changes gain 3.34 and lose 1.40
    # in total, so RS = 3.34 / 1.40 and RSI = 100 - 100 / (1 + RS) = 70.464...
    rounded = [value.quantize(Decimal("0.01")) for value in RSI_CLOSES[:20]]
    first = rsi(rounded, 14)[14]
    assert first == pytest.approx(100 - 100 / (1 + Decimal("3.34") / Decimal("1.40")))
    assert float(first) == pytest.approx(70.46, abs=0.005)


def test_rsi_of_one_way_and_flat_markets():
    assert rsi([Decimal(n) for n in range(20)], 14)[-1] == 100
    assert rsi([Decimal(n) for n in range(20, 0, -1)], 14)[-1] == 0
    assert rsi([Decimal(5)] * 20, 14)[-1] == 50


def test_ema_matches_stockcharts():
    values = ema(MA_CLOSES, 10)
    assert values[:9] == [None] * 9
    # The published EMA was worked from rounded values, hence a cent of tolerance.
    assert [float(v) for v in values[9:]] == pytest.approx(EMA_PUBLISHED, abs=0.0101)
    # By hand: the seed is the 10-day SMA, then each close is weighted 2 / 11.
    assert values[9] == Decimal("22.221")
    assert values[10] == pytest.approx(
        Decimal("22.221") + (Decimal("22.15") - Decimal("22.221")) * 2 / 11
    )


def test_sma_worked_by_hand():
    values = sma(MA_CLOSES, 10)
    assert values[:9] == [None] * 9
    assert values[9] == sum(MA_CLOSES[:10]) / 10 == Decimal("22.221")
    assert values[10] == Decimal("22.209")  # 22.221 + (22.15 - 22.27) / 10
    assert values[-1] == sum(MA_CLOSES[-10:]) / 10 == Decimal("23.131")


@given(st.lists(st.integers(1, 10**6), min_size=1, max_size=60), st.integers(1, 20))
def test_sma_is_the_mean_of_each_window(cents, period):
    values = [Decimal(c) / 100 for c in cents]
    for i, average in enumerate(sma(values, period)):
        if i < period - 1:
            assert average is None
        else:
            assert average == pytest.approx(sum(values[i + 1 - period : i + 1]) / period)


def test_bollinger_bands_worked_by_hand():
    # Window 1..5: mean 3, population variance (4 + 1 + 0 + 1 + 4) / 5 = 2.
    bands = bollinger_bands(decimals("1 2 3 4 5 9"), period=5, width=Decimal(2))
    assert bands.middle[:4] == bands.upper[:4] == bands.lower[:4] == [None] * 4
    assert bands.middle[4] == 3
    assert bands.upper[4] == pytest.approx(3 + 2 * Decimal(2).sqrt())
    assert bands.lower[4] == pytest.approx(3 - 2 * Decimal(2).sqrt())
    # Window 2..5, 9: mean 4.6, deviations -2.6 -1.6 -0.6 0.4 4.4, variance 29.2 / 5.
    assert bands.middle[5] == Decimal("4.6")
    assert bands.upper[5] == pytest.approx(Decimal("4.6") + 2 * (Decimal("29.2") / 5).sqrt())


def test_bollinger_bands_close_up_on_a_flat_market():
    bands = bollinger_bands([Decimal(100)] * 25)
    assert bands.upper[-1] == bands.middle[-1] == bands.lower[-1] == 100


def test_macd_worked_by_hand_with_short_periods():
    # fast EMA(2): 11, 11, 41/3, 125/9, 449/27 from the 2nd close; slow EMA(3): 11, 13,
    # 27/2, 63/4 from the 3rd; line 0, 2/3, 7/18, 95/108; signal EMA(2) of the line
    # from its 2nd value: 1/3, 10/27, 115/162; histogram 1/3, 1/54, 55/324.
    result = macd(decimals("10 12 11 15 14 18"), fast=2, slow=3, signal=2)

    def exact(series):
        return [None if v is None else Fraction(v).limit_denominator(1000) for v in series]

    fr = Fraction
    assert exact(result.line) == [None, None, 0, fr(2, 3), fr(7, 18), fr(95, 108)]
    assert exact(result.signal) == [None, None, None, fr(1, 3), fr(10, 27), fr(115, 162)]
    assert exact(result.histogram) == [None, None, None, fr(1, 3), fr(1, 54), fr(55, 324)]


def test_macd_12_26_9_is_built_from_the_emas():
    result = macd(MA_CLOSES * 2)
    fast, slow = ema(MA_CLOSES * 2, 12), ema(MA_CLOSES * 2, 26)
    assert result.line[24] is None and result.line[25] is not None
    assert result.signal[32] is None and result.signal[33] is not None
    assert result.line[40] == fast[40] - slow[40]
    assert result.histogram[40] == result.line[40] - result.signal[40]
    assert defined(result.signal) == defined(ema(defined(result.line), 9))


def test_indicators_on_too_little_data_are_all_none():
    few = decimals("1 2 3")
    assert sma(few, 5) == ema(few, 5) == rsi(few, 5) == [None] * 3
    result = macd(few)
    assert result.line == result.signal == result.histogram == [None] * 3


def test_fibonacci_levels_for_an_up_swing_and_a_down_swing():
    up = fibonacci_retracements(Decimal(20000), Decimal(10000), Swing.UP)
    assert [level.ratio for level in up] == list(FIBONACCI_RATIOS)
    assert [level.price for level in up] == decimals("20000 17640 16180 15000 13820 12140 10000")
    down = fibonacci_retracements(Decimal(20000), Decimal(10000), Swing.DOWN)
    assert [level.price for level in down] == decimals("10000 12360 13820 15000 16180 17860 20000")
    with pytest.raises(ValueError, match="below"):
        fibonacci_retracements(Decimal(1), Decimal(2), Swing.UP)


@pytest.mark.parametrize("indicator", [sma, ema, rsi])
def test_periods_below_one_are_refused(indicator):
    with pytest.raises(ValueError, match="period"):
        indicator(MA_CLOSES, 0)
