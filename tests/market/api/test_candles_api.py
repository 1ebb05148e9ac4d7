"""Candles over the API: OHLC from ticks at known times and prices, and the window."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from market.models import Candle, Instrument
from market.services import index_move, instrument_upsert, underlying_upsert

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 1, 1, tzinfo=UTC)
# (seconds after T0, index price): three 1m candles, at minutes 0, 1 and 5.
TICKS = [
    (0, "50000"),
    (10, "50500"),
    (20, "49500"),
    (30, "50200"),
    (50, "50100"),
    (60, "50300"),
    (90, "50050"),
    (300, "51000"),
]
URL = "/api/v1/instruments/BTC-USD/candles"


@pytest.fixture
def spot():
    """BTC-USD, spot on margin: its mark is the index, so candles show the ticks' prices."""
    btc = underlying_upsert(
        symbol="BTC",
        name="Bitcoin",
        initial_price=Decimal("50000"),
        seed=1,
        lists_derivatives=False,
    )
    return instrument_upsert(
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


@pytest.fixture
def ticked(spot):
    for seconds, price in TICKS:
        index_move(symbol="BTC", price=Decimal(price), now=T0 + timedelta(seconds=seconds))
    return spot


def at(minutes: int) -> str:
    return (T0 + timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z")


def candle(minutes, open_, high, low, close):
    return {
        "time": at(minutes),
        "open": f"{open_}.00000000",
        "high": f"{high}.00000000",
        "low": f"{low}.00000000",
        "close": f"{close}.00000000",
        "volume": "0.00000000",
    }


MINUTE_0 = candle(0, 50000, 50500, 49500, 50100)
MINUTE_1 = candle(1, 50300, 50300, 50050, 50050)
MINUTE_5 = candle(5, 51000, 51000, 51000, 51000)


def candles(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"symbol", "interval", "candles"}
    assert body["symbol"] == "BTC-USD"
    return body


def test_minute_candles_hold_first_highest_lowest_and_last_price(api_client, ticked):
    body = candles(api_client, interval="1m")

    assert body["interval"] == "1m"
    assert body["candles"] == [MINUTE_0, MINUTE_1, MINUTE_5]


def test_interval_defaults_to_one_minute(api_client, ticked):
    assert candles(api_client)["candles"] == [MINUTE_0, MINUTE_1, MINUTE_5]
    # An empty parameter counts as not given, as in an HTML form.
    assert candles(api_client, interval="", limit="")["interval"] == "1m"


def test_five_minute_and_hour_candles_aggregate_the_ticks(api_client, ticked):
    assert candles(api_client, interval="5m")["candles"] == [
        candle(0, 50000, 50500, 49500, 50050),
        candle(5, 51000, 51000, 51000, 51000),
    ]
    assert candles(api_client, interval="1h")["candles"] == [candle(0, 50000, 51000, 49500, 51000)]
    assert candles(api_client, interval="1d")["candles"] == [candle(0, 50000, 51000, 49500, 51000)]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"limit": 2}, [MINUTE_1, MINUTE_5]),
        ({"limit": 1}, [MINUTE_5]),
        ({"start": at(1)}, [MINUTE_1, MINUTE_5]),
        ({"start": at(0), "limit": 1}, [MINUTE_0]),
        ({"start": at(0), "limit": 2}, [MINUTE_0, MINUTE_1]),
        ({"end": at(5)}, [MINUTE_0, MINUTE_1]),
        ({"end": at(5), "limit": 1}, [MINUTE_1]),
        ({"start": at(1), "end": at(5)}, [MINUTE_1]),
        ({"start": at(2), "end": at(5)}, []),
        ({"start": at(6)}, []),
        # Naive times are UTC; offsets are honoured.
        ({"start": "2026-01-01T00:01:00"}, [MINUTE_1, MINUTE_5]),
        ({"start": "2026-01-01T01:01:00+01:00", "end": "2026-01-01T00:05:00Z"}, [MINUTE_1]),
    ],
)
def test_start_end_and_limit_choose_the_window(api_client, ticked, params, expected):
    assert candles(api_client, interval="1m", **params)["candles"] == expected


def test_other_instruments_candles_stay_apart(api_client, ticked):
    other = Instrument.objects.get(symbol="BTC-USD")
    other.pk, other.symbol = None, "BTC-USD2"
    other.save()
    Candle.objects.create(
        instrument=other, interval="1m", open_time=T0, open=1, high=1, low=1, close=1
    )

    assert candles(api_client)["candles"] == [MINUTE_0, MINUTE_1, MINUTE_5]


def test_an_instrument_without_candles_has_an_empty_list(api_client, spot):
    assert candles(api_client)["candles"] == []


def test_default_limit_is_500_most_recent(api_client, spot):
    Candle.objects.bulk_create(
        Candle(
            instrument=spot,
            interval="1m",
            open_time=T0 + timedelta(minutes=n),
            open=n + 1,
            high=n + 1,
            low=n + 1,
            close=n + 1,
        )
        for n in range(600)
    )

    body = candles(api_client)
    assert len(body["candles"]) == 500
    assert body["candles"][0]["time"] == at(100)
    assert body["candles"][-1]["time"] == at(599)
    assert len(candles(api_client, limit=1000)["candles"]) == 600


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"interval": "2m"}, "interval"),
        ({"interval": "1M"}, "interval"),
        ({"start": at(5), "end": at(1)}, "end"),
        ({"start": at(1), "end": at(1)}, "end"),
        ({"limit": 0}, "limit"),
        ({"limit": 5000}, "limit"),
        ({"limit": 1001}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"start": "yesterday"}, "start"),
        ({"end": "2026-13-01T00:00:00Z"}, "end"),
    ],
)
def test_bad_parameters_are_refused(api_client, ticked, params, field):
    response = api_client.get(URL, params)

    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {field}


def test_the_latest_candles_come_from_one_index_scan(api_client, ticked, django_assert_num_queries):
    with django_assert_num_queries(2):  # the instrument, the candles
        candles(api_client, limit=1000)


def test_many_candles_are_written_as_one_candle_is():
    from django.utils import timezone

    from market.api.serializers import CandleOutputSerializer
    from market.selectors import CandleBar

    eight = Decimal("0.00000001")

    def bar(minutes, *values):
        # As the database gives them: numeric(28, 8), so eight places each.
        return CandleBar(T0 + timedelta(minutes=minutes), *(v.quantize(eight) for v in values))

    big = Decimal("123456789012.12345678")
    bars = [
        bar(0, Decimal("50000.5"), Decimal(50001), Decimal(49999), Decimal(50000), Decimal(0)),
        bar(1, eight, eight, eight, eight, eight),
        bar(2, big, big, big, big, Decimal("0.1")),
    ]

    with timezone.override("Asia/Tokyo"):
        many = CandleOutputSerializer(bars, many=True).data
        one_by_one = [CandleOutputSerializer(bar).data for bar in bars]

    assert many == one_by_one
    assert many[1]["volume"] == "0.00000001"
    assert many[0]["time"] == "2026-01-01T00:00:00Z"


def test_candles_read_the_same_without_postgresqls_epoch_shortcut(ticked, monkeypatch):
    from django.db import connection

    from market.selectors import candle_list

    fast = candle_list(instrument=ticked, interval="1m")
    monkeypatch.setattr(connection, "vendor", "sqlite")
    plain = candle_list(instrument=ticked, interval="1m")

    assert plain == fast
    minutes = [bar.open_time - T0 for bar in fast]
    assert minutes == [timedelta(minutes=m) for m in (0, 1, 5)]
    assert all(bar.open_time.tzinfo is not None for bar in fast)
