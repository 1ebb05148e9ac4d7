"""How many queries the API's busiest reads cost, so that a regression fails the build.

The ticker, the positions and the open orders are what bots and phone apps poll,
most of the load a busy platform serves. Each is measured for a trader signed in
with an API key, in the steady state: a position held, orders resting, the feed
ticked and its quotes in the cache. Each bound is the count measured; raise one
only for a reason (bench/README.md, load_mix, says what a query costs).
"""

from decimal import Decimal

import pytest
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

from market.models import Instrument
from market.services import feeds_tick
from tests.factories.market import btc_market

pytestmark = pytest.mark.django_db

# The API key and the paper account come from the cache after the first request.
TICKER_QUERIES = 2  # The instrument with its underlying; the last trade.
POSITIONS_QUERIES = 3  # The positions with instruments and underlyings; their tiers; cash.
OPEN_ORDERS_QUERIES = 2  # The page of orders with their instruments; their attached exits.


@pytest.fixture
def trader(user, key_client_factory, django_capture_on_commit_callbacks):
    """A trader holding positions in two instruments, with three resting orders."""
    btc_market()
    with django_capture_on_commit_callbacks(execute=True):
        feeds_tick()  # The quotes go to the cache after commit, as in production.
    client = key_client_factory(user=user, scope="trade")
    for symbol in ("BTC-PERP", "BTC-CFD"):
        response = client.post(
            "/api/v1/orders",
            {"instrument": symbol, "side": "sell", "type": "market", "quantity": "0.01"},
            format="json",
        )
        assert response.status_code == 201, response.content
    perpetual = Instrument.objects.get(symbol="BTC-PERP")
    for step in range(3):
        response = client.post(
            "/api/v1/orders",
            {
                "instrument": "BTC-PERP",
                "side": "buy",
                "type": "limit",
                "quantity": "0.01",
                "price": str(Decimal(40000) - step * perpetual.tick_size),
                "post_only": True,
            },
            format="json",
        )
        assert response.status_code == 201, response.content
    return client


def queries(client, path: str) -> tuple[list[str], dict | list]:
    client.get(path)  # Warm: the key's "last used" write and the account are behind us.
    reset_queries()  # Each request empties the log as it starts; count from an empty one.
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return [query["sql"] for query in captured.captured_queries], response.json()


def test_the_ticker_stays_within_its_query_budget(trader):
    sql, body = queries(trader, "/api/v1/instruments/BTC-PERP/ticker")
    assert body["symbol"] == "BTC-PERP"
    assert body["last"] is not None
    assert len(sql) <= TICKER_QUERIES, "\n".join(sql)


def test_the_positions_stay_within_their_query_budget(trader):
    sql, body = queries(trader, "/api/v1/positions")
    assert sorted(position["instrument"] for position in body) == ["BTC-CFD", "BTC-PERP"]
    assert len(sql) <= POSITIONS_QUERIES, "\n".join(sql)


def test_the_open_orders_stay_within_their_query_budget(trader):
    sql, body = queries(trader, "/api/v1/orders?status=open")
    assert len(body["results"]) == 3
    assert len(sql) <= OPEN_ORDERS_QUERIES, "\n".join(sql)
