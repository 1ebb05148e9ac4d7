"""The public order book and trade tape."""

from decimal import Decimal

import pytest

from market.services import instrument_upsert
from tests.trading.api.helpers import assert_error, decimal, placed

pytestmark = pytest.mark.django_db

BOOK = "/api/v1/instruments/BTC-PERP/orderbook"
TRADES = "/api/v1/instruments/BTC-PERP/trades"


def levels(side):
    return [(decimal(level["price"]), decimal(level["quantity"]), decimal(level["users_quantity"]))
            for level in side]  # fmt: skip


def test_the_book_is_public_and_shows_the_outside_liquidity(market, api_client):
    response = api_client.get(BOOK)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["symbol"] == "BTC-PERP"
    bids, asks = levels(body["bids"]), levels(body["asks"])
    assert len(bids) == len(asks) == 20
    assert bids[0][0] < Decimal("50000") < asks[0][0]
    assert [price for price, _, _ in bids] == sorted((p for p, _, _ in bids), reverse=True)
    assert [price for price, _, _ in asks] == sorted(p for p, _, _ in asks)
    assert all(quantity > 0 and users == 0 for _, quantity, users in bids + asks)


@pytest.mark.parametrize("depth", [1, 5, 100])
def test_depth_limits_the_levels(market, api_client, depth):
    body = api_client.get(BOOK, {"depth": depth}).json()
    assert len(body["bids"]) <= depth and len(body["asks"]) <= depth
    assert len(body["asks"]) == min(depth, 25)  # the outside market quotes 25 levels


@pytest.mark.parametrize("depth", ["0", "101", "-1", "deep", "2.5"])
def test_a_bad_depth_is_400(market, api_client, depth):
    error = assert_error(api_client.get(BOOK, {"depth": depth}), 400, "invalid")
    assert "depth" in error["fields"]


def test_a_resting_user_order_shows_in_users_quantity(market, api_client, user_client):
    placed(user_client, type="limit", price="50005", quantity="0.3")  # at the outside best ask
    placed(user_client, type="limit", price="50017.5", quantity="0.2")  # between outside levels
    placed(user_client, side="buy", type="limit", price="49000", quantity="0.1")
    body = api_client.get(BOOK, {"depth": 100}).json()
    asks = {price: (quantity, users) for price, quantity, users in levels(body["asks"])}
    bids = {price: (quantity, users) for price, quantity, users in levels(body["bids"])}
    assert asks[Decimal("50005")] == (Decimal("2.3"), Decimal("0.3"))
    assert asks[Decimal("50017.5")] == (Decimal("0.2"), Decimal("0.2"))
    assert bids[Decimal("49000")][1] == Decimal("0.1")
    assert sum(users for _, users in asks.values()) == Decimal("0.5")


def test_unknown_symbols_are_404(market, api_client):
    assert_error(api_client.get("/api/v1/instruments/NOPE/orderbook"), 404, "not_found")
    assert_error(api_client.get("/api/v1/instruments/NOPE/trades"), 404, "not_found")


def test_the_instrument_routes_still_reach_the_market_api(market, api_client):
    assert api_client.get("/api/v1/instruments/BTC-PERP").json()["symbol"] == "BTC-PERP"
    assert "mark_price" in api_client.get("/api/v1/instruments/BTC-PERP/ticker").json()


def test_the_tape_shows_a_trade_after_a_market_order(market, api_client, user_client):
    assert api_client.get(TRADES).json() == {"symbol": "BTC-PERP", "trades": []}
    order = placed(user_client, quantity="0.1")
    (trade,) = api_client.get(TRADES).json()["trades"]
    assert set(trade) == {"id", "price", "quantity", "taker_side", "is_whale", "created_at"}
    assert trade["taker_side"] == "sell"
    assert decimal(trade["price"]) == decimal(order["average_price"])
    assert decimal(trade["quantity"]) == Decimal("0.1")
    assert trade["is_whale"] is False
    assert "account" not in trade and "order_id" not in trade


def test_the_tape_limits_and_keeps_only_whales_on_request(market, api_client, user_client):
    instrument_upsert(symbol="BTC-PERP", whale_notional=Decimal("100000"))
    placed(user_client, quantity="0.1")
    placed(user_client, side="buy", quantity="0.2")
    placed(user_client, quantity="3")  # 150,000 USD: a whale, in two price levels
    tape = api_client.get(TRADES).json()["trades"]
    assert [t["is_whale"] for t in tape] == [True, True, False, False]
    assert [t["taker_side"] for t in tape[2:]] == ["buy", "sell"]  # newest first
    whales = api_client.get(TRADES, {"whales": "true"}).json()["trades"]
    assert [t["id"] for t in whales] == [t["id"] for t in tape[:2]]
    assert len(api_client.get(TRADES, {"limit": 1}).json()["trades"]) == 1
    assert len(api_client.get(TRADES, {"whales": "false"}).json()["trades"]) == 4


@pytest.mark.parametrize("params", [{"limit": "0"}, {"limit": "501"}, {"whales": "perhaps"}])
def test_bad_tape_filters_are_400(market, api_client, params):
    error = assert_error(api_client.get(TRADES, params), 400, "invalid")
    assert list(error["fields"]) == list(params)


def test_signed_in_callers_and_read_only_keys_may_read_the_book(
    market, user, user_client, key_client_factory
):
    reader = key_client_factory(user=user, scope="read")
    for client in (user_client, reader):
        assert client.get(BOOK).status_code == 200
        assert client.get(TRADES).status_code == 200


def test_wrong_credentials_are_401_even_on_public_reads(market, api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Api-Key not-a-key")
    assert api_client.get(BOOK).status_code == 401
