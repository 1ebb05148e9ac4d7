"""The ticker: the latest quote of an instrument, from the cache or recomputed."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from market.models import Instrument, Underlying
from market.quotes import to_tick
from market.services import QUOTES_CACHE_KEY, feeds_tick, index_move

pytestmark = pytest.mark.django_db

FIELDS = {
    "symbol", "index_price", "mark_price", "bid", "ask", "last", "timestamp", "sequence",
    "funding_rate", "next_funding_time", "implied_volatility", "greeks",
    "updated_at", "stale", "paused",
}  # fmt: skip


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=StringIO())


@pytest.fixture
def ticked(demo, django_capture_on_commit_callbacks):
    """Tick every feed twice, publishing the quotes to the cache as production does."""
    now = timezone.now().replace(microsecond=0)
    with django_capture_on_commit_callbacks(execute=True):
        feeds_tick(now=now - timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        feeds_tick(now=now)
    return now


def ticker(client, symbol):
    response = client.get(f"/api/v1/instruments/{symbol}/ticker")
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == FIELDS
    return body


def decimal(body, field):
    return Decimal(body[field])


def dated(kind, **filters):
    return Instrument.objects.filter(kind=kind, **filters).order_by("expiry", "strike").first()


@pytest.mark.parametrize("symbol", ["BTC-USD", "BTC-PERP", "BTC-CFD", "ETH-PERP"])
def test_linear_quotes_are_consistent(api_client, ticked, symbol):
    body = ticker(api_client, symbol)
    instrument = Instrument.objects.select_related("underlying").get(symbol=symbol)

    assert decimal(body, "bid") < decimal(body, "mark_price") < decimal(body, "ask")
    assert decimal(body, "index_price") == instrument.underlying.index_price
    assert body["sequence"] == instrument.underlying.tick_sequence == 2
    assert datetime.fromisoformat(body["timestamp"]) == ticked
    assert body["last"] is None
    assert body["implied_volatility"] is None
    assert body["greeks"] is None
    for field in ("index_price", "mark_price", "bid", "ask"):
        assert isinstance(body[field], str)


def test_spot_and_cfd_mark_at_the_index_rounded_to_their_tick(api_client, ticked):
    index = Underlying.objects.get(symbol="BTC").index_price
    for symbol in ("BTC-USD", "BTC-CFD"):
        tick_size = Instrument.objects.get(symbol=symbol).tick_size
        assert decimal(ticker(api_client, symbol), "mark_price") == to_tick(index, tick_size)


def test_perpetual_shows_funding(api_client, ticked):
    body = ticker(api_client, "BTC-PERP")

    assert abs(decimal(body, "funding_rate")) <= Decimal("0.0075")
    next_funding = datetime.fromisoformat(body["next_funding_time"])
    assert ticked < next_funding <= ticked + timedelta(hours=8)
    assert next_funding.hour % 8 == 0 and next_funding.minute == 0


def test_other_kinds_show_no_funding(api_client, ticked):
    for symbol in ("BTC-USD", "BTC-CFD", dated("future").symbol):
        body = ticker(api_client, symbol)
        assert body["funding_rate"] is None
        assert body["next_funding_time"] is None


def test_future_marks_above_the_index_with_a_positive_basis(api_client, ticked):
    body = ticker(api_client, dated("future").symbol)

    assert decimal(body, "mark_price") > decimal(body, "index_price")
    assert decimal(body, "bid") < decimal(body, "mark_price") < decimal(body, "ask")


def test_option_shows_greeks(api_client, ticked):
    put = dated("option", option_type="put")
    call = Instrument.objects.get(
        kind="option", option_type="call", expiry=put.expiry, strike=put.strike
    )

    put_body, call_body = ticker(api_client, put.symbol), ticker(api_client, call.symbol)

    assert set(put_body["greeks"]) == {"delta", "gamma", "vega", "theta", "rho"}
    assert -1 <= decimal(put_body["greeks"], "delta") <= 0
    assert 0 <= decimal(call_body["greeks"], "delta") <= 1
    assert decimal(put_body["greeks"], "gamma") >= 0
    assert decimal(put_body, "implied_volatility") > 0
    assert decimal(put_body, "mark_price") >= 0
    assert decimal(put_body, "bid") <= decimal(put_body, "mark_price") < decimal(put_body, "ask")
    assert put_body["funding_rate"] is None


def test_the_ticker_reads_the_cache(api_client, ticked):
    key = QUOTES_CACHE_KEY.format(underlying="BTC")
    cached = cache.get(key)
    quote = cached["BTC-PERP"]
    assert decimal(ticker(api_client, "BTC-PERP"), "mark_price") == Decimal(quote["mark_price"])

    cache.set(key, {**cached, "BTC-PERP": {**quote, "mark_price": "1.5"}})

    assert ticker(api_client, "BTC-PERP")["mark_price"] == "1.50000000"


@pytest.mark.parametrize("kind", ["spot", "perpetual", "future", "option"])
def test_a_cold_cache_gives_the_same_quote(api_client, ticked, kind):
    symbol = dated(kind).symbol
    warm = ticker(api_client, symbol)

    cache.clear()

    assert ticker(api_client, symbol) == warm


def test_a_cache_behind_the_last_tick_is_not_served(api_client, ticked):
    stale = ticker(api_client, "BTC-USD")

    # This tick commits (as far as the test can see) but its cache write never runs.
    index_move(symbol="BTC", price=Decimal("60000"), now=ticked + timedelta(seconds=1))

    body = ticker(api_client, "BTC-USD")
    assert body["sequence"] == stale["sequence"] + 1
    assert decimal(body, "index_price") == decimal(body, "mark_price") == Decimal("60000")


def test_index_move_shows_in_the_ticker(api_client, demo, django_capture_on_commit_callbacks):
    at = datetime(2026, 1, 1, tzinfo=UTC)
    with django_capture_on_commit_callbacks(execute=True):
        index_move(symbol="BTC", price=Decimal("60000.004"), now=at)

    body = ticker(api_client, "BTC-PERP")

    assert body["index_price"] == "60000.00000000"
    assert body["timestamp"] == "2026-01-01T00:00:00Z"
    assert body["sequence"] == 1


def test_no_price_before_the_first_tick(api_client, demo):
    response = api_client.get("/api/v1/instruments/BTC-PERP/ticker")

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "no_price"
    assert "BTC" in error["message"]
    assert error["fields"] == {}


def test_the_ticker_says_when_prices_are_stale(
    api_client, ticked, django_capture_on_commit_callbacks
):
    body = ticker(api_client, "BTC-PERP")
    assert body["stale"] is False
    assert body["paused"] is False
    assert datetime.fromisoformat(body["updated_at"]) == ticked

    stopped = timezone.now() - timedelta(minutes=2)
    Underlying.objects.filter(symbol="BTC").update(last_tick_at=stopped)
    body = ticker(api_client, "BTC-PERP")
    assert body["stale"] is True
    assert datetime.fromisoformat(body["updated_at"]) == stopped
    assert ticker(api_client, "ETH-PERP")["stale"] is False  # Another feed, still ticking.

    with django_capture_on_commit_callbacks(execute=True):
        feeds_tick()
    body = ticker(api_client, "BTC-PERP")
    assert body["stale"] is False
    assert datetime.fromisoformat(body["updated_at"]) > stopped


def test_a_paused_replay_is_not_stale_in_the_ticker(api_client, ticked):
    stopped = timezone.now() - timedelta(hours=1)
    Underlying.objects.filter(symbol="BTC").update(last_tick_at=stopped, replay_paused=True)

    body = ticker(api_client, "BTC-PERP")

    assert body["paused"] is True
    assert body["stale"] is False
    assert datetime.fromisoformat(body["updated_at"]) == stopped
