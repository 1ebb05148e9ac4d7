"""Indicators over the API: the pure functions over the candles' closes."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from market import indicators
from market.models import Instrument
from market.services import index_move, instrument_upsert, underlying_upsert

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 1, 1, tzinfo=UTC)
COUNT = 40
# One tick a minute, so each 1m candle opens, peaks, bottoms and closes at one price.
CLOSES = [
    Decimal(50000) + (n * 37 % 23) * 10 - n * 5 + Decimal("0.25") * (n % 4) for n in range(COUNT)
]
URL = "/api/v1/instruments/BTC-USD/indicators"
EIGHT_PLACES = Decimal("0.00000001")


@pytest.fixture
def ticked():
    btc = underlying_upsert(
        symbol="BTC",
        name="Bitcoin",
        initial_price=Decimal("50000"),
        seed=1,
        lists_derivatives=False,
    )
    instrument_upsert(
        symbol="BTC-USD",
        underlying=btc,
        kind=Instrument.Kind.SPOT,
        tick_size=Decimal("0.01"),
        lot_size=Decimal("0.0001"),
        min_quantity=Decimal("0.0001"),
        max_quantity=Decimal("100"),
        max_leverage=Decimal("3"),
        initial_margin_rate=Decimal("0.33"),
        maintenance_margin_rate=Decimal("0.15"),
        borrow_rate=Decimal("0.08"),
    )
    for n, price in enumerate(CLOSES):
        index_move(symbol="BTC", price=price, now=T0 + timedelta(minutes=n, seconds=5))


def at(minutes: int) -> str:
    return (T0 + timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z")


def shown(value: Decimal | None) -> str | None:
    """How the API shows an indicator value: eight decimal places."""
    return None if value is None else f"{value.quantize(EIGHT_PLACES):f}"


def indicator(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"symbol", "interval", "name", "params", "points", "fibonacci"}
    assert body["symbol"] == "BTC-USD"
    assert body["name"] == params["name"]
    return body


def test_sma_equals_the_pure_function_over_the_closes(api_client, ticked):
    body = indicator(api_client, name="sma", period=5, limit=10)

    expected = indicators.sma(CLOSES, 5)[-10:]
    assert body["interval"] == "1m"
    assert body["params"] == {"period": 5}
    assert body["points"] == [
        {"time": at(COUNT - 10 + i), "value": shown(value)} for i, value in enumerate(expected)
    ]
    assert body["fibonacci"] is None


def test_sma_over_the_whole_history_starts_with_nulls(api_client, ticked):
    points = indicator(api_client, name="sma", period=5)["points"]

    assert len(points) == COUNT
    assert [point["value"] for point in points] == [shown(v) for v in indicators.sma(CLOSES, 5)]
    assert [point["value"] for point in points[:4]] == [None] * 4


def test_the_window_follows_start_and_end_and_warms_up_before_it(api_client, ticked):
    body = indicator(api_client, name="sma", period=5, start=at(20), end=at(25))

    assert [point["time"] for point in body["points"]] == [at(m) for m in range(20, 25)]
    assert [point["value"] for point in body["points"]] == [
        shown(v) for v in indicators.sma(CLOSES, 5)[20:25]
    ]


def test_ema_and_rsi_start_from_the_history_just_before_the_window(api_client, ticked):
    ema = indicator(api_client, name="ema", period=10, limit=10)
    rsi = indicator(api_client, name="rsi", limit=10)

    assert [p["value"] for p in ema["points"]] == [
        shown(v) for v in indicators.ema(CLOSES[-(10 + 9) :], 10)[-10:]
    ]
    assert rsi["params"] == {"period": 14}
    assert [p["value"] for p in rsi["points"]] == [
        shown(v) for v in indicators.rsi(CLOSES[-(10 + 14) :], 14)[-10:]
    ]
    assert all(0 <= Decimal(p["value"]) <= 100 for p in rsi["points"])


def test_bollinger_bands(api_client, ticked):
    body = indicator(api_client, name="bollinger", period=10, k="1.5", limit=5)

    bands = indicators.bollinger_bands(CLOSES[-(5 + 9) :], 10, Decimal("1.5"))
    assert body["params"] == {"period": 10, "k": "1.5"}
    assert body["points"] == [
        {"time": at(COUNT - 5 + i), "middle": shown(m), "upper": shown(u), "lower": shown(lo)}
        for i, (m, u, lo) in enumerate(
            zip(bands.middle[-5:], bands.upper[-5:], bands.lower[-5:], strict=True)
        )
    ]


def test_macd(api_client, ticked):
    body = indicator(api_client, name="macd", fast=3, slow=6, signal=4, limit=5)

    result = indicators.macd(CLOSES[-(5 + 5 + 3) :], 3, 6, 4)
    assert body["params"] == {"fast": 3, "slow": 6, "signal": 4}
    assert body["points"] == [
        {"time": at(COUNT - 5 + i), "macd": shown(m), "signal": shown(s), "histogram": shown(h)}
        for i, (m, s, h) in enumerate(
            zip(result.line[-5:], result.signal[-5:], result.histogram[-5:], strict=True)
        )
    ]


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("sma", {"period": 20}),
        ("ema", {"period": 20}),
        ("rsi", {"period": 14}),
        ("bollinger", {"period": 20, "k": "2"}),
        ("macd", {"fast": 12, "slow": 26, "signal": 9}),
        ("fibonacci", {}),
    ],
)
def test_defaults_fill_in_the_indicators_own_parameters(api_client, ticked, name, params):
    body = indicator(api_client, name=name, limit=5)

    assert body["params"] == params
    assert len(body["points"]) == (2 if name == "fibonacci" else 5)


def test_fibonacci_spans_the_windows_swing(api_client, ticked):
    body = indicator(api_client, name="fibonacci", limit=20)

    window = CLOSES[-20:]
    high, low = max(window), min(window)
    top = COUNT - 20 + max(i for i, v in enumerate(window) if v == high)
    bottom = COUNT - 20 + max(i for i, v in enumerate(window) if v == low)
    swing = indicators.Swing.UP if top > bottom else indicators.Swing.DOWN
    fibonacci = body["fibonacci"]
    assert fibonacci["swing"] == swing
    assert Decimal(fibonacci["high"]) == high
    assert Decimal(fibonacci["low"]) == low
    assert fibonacci["levels"] == [
        {"ratio": f"{level.ratio:f}", "price": shown(level.price)}
        for level in indicators.fibonacci_retracements(high, low, swing)
    ]
    start, end = sorted([(bottom, low), (top, high)])  # The swing's ends, in time order.
    assert body["points"] == [
        {"time": at(start[0]), "value": shown(start[1])},
        {"time": at(end[0]), "value": shown(end[1])},
    ]


@pytest.mark.parametrize(
    ("first", "then", "swing", "golden"),
    [("40000", "60000", "up", "47640"), ("60000", "40000", "down", "52360")],
)
def test_fibonacci_retraces_the_last_move(api_client, ticked, first, then, swing, golden):
    # Minutes 40 and 41 set the window's extremes; the later one ends the swing.
    index_move(symbol="BTC", price=Decimal(first), now=T0 + timedelta(minutes=40))
    index_move(symbol="BTC", price=Decimal(then), now=T0 + timedelta(minutes=41))

    body = indicator(api_client, name="fibonacci", limit=5)

    fibonacci = body["fibonacci"]
    assert fibonacci["swing"] == swing
    prices = {level["ratio"]: Decimal(level["price"]) for level in fibonacci["levels"]}
    assert prices["0"] == Decimal(then)
    assert prices["0.5"] == 50000
    assert prices["0.618"] == Decimal(golden)
    assert prices["1"] == Decimal(first)
    assert [(p["time"], Decimal(p["value"])) for p in body["points"]] == [
        (at(40), Decimal(first)),
        (at(41), Decimal(then)),
    ]


def test_no_candles_no_points(api_client, ticked):
    sma = indicator(api_client, name="sma", interval="1m", start=at(100))
    fibonacci = indicator(api_client, name="fibonacci", start=at(100))

    assert sma["points"] == []
    assert fibonacci["points"] == []
    assert fibonacci["fibonacci"] is None


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "name"),
        ({"name": "vwap"}, "name"),
        ({"name": "sma", "period": 1}, "period"),
        ({"name": "sma", "period": 501}, "period"),
        ({"name": "rsi", "period": "x"}, "period"),
        ({"name": "bollinger", "k": 0}, "k"),
        ({"name": "bollinger", "k": -1}, "k"),
        ({"name": "macd", "fast": 26, "slow": 12}, "fast"),
        ({"name": "macd", "fast": 26}, "fast"),
        ({"name": "macd", "signal": 1}, "signal"),
        ({"name": "sma", "interval": "3m"}, "interval"),
        ({"name": "sma", "limit": 0}, "limit"),
        ({"name": "sma", "start": at(5), "end": at(5)}, "end"),
    ],
)
def test_bad_parameters_are_refused(api_client, ticked, params, field):
    response = api_client.get(URL, params)

    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {field}
