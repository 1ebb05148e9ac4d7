"""No caller sees or touches another user's orders, positions, fills or ledger;
a read-only API key reads everything of its own and writes nothing."""

from decimal import Decimal

import pytest

from tests.trading.api.helpers import ORDERS, assert_error, order_body, placed
from trading.models import Fill, JournalLine, Order, Position

pytestmark = pytest.mark.django_db


@pytest.fixture
def theirs(market, other_user, key_client_factory):
    """The other user's short on BTC-PERP, a resting order and what they moved."""
    client = key_client_factory(user=other_user)
    short = placed(client, quantity="0.4")
    resting = placed(client, type="limit", price="51000", quantity="0.2")
    return {"client": client, "short": short, "resting": resting}


@pytest.fixture
def mine(market, user_client):
    """The caller's own rows, so that every list has something to show."""
    return {
        "filled": placed(user_client, instrument="BTC-FUT"),
        "resting": placed(user_client, instrument="BTC-FUT", type="limit", price="52000"),
    }


def snapshot(other_account):
    orders = list(
        Order.objects.filter(account=other_account)
        .order_by("pk")
        .values_list("pk", "status", "price", "quantity", "updated_at")
    )
    positions = list(
        Position.objects.filter(account=other_account)
        .order_by("pk")
        .values_list("instrument_id", "quantity", "leverage", "updated_at")
    )
    return orders, positions


OBJECT_REQUESTS = [
    ("get", "/api/v1/orders/{resting}", None),
    ("patch", "/api/v1/orders/{resting}", {"price": "51500"}),
    ("patch", "/api/v1/orders/{resting}", {"quantity": "0.1"}),
    ("delete", "/api/v1/orders/{resting}", None),
    ("get", "/api/v1/orders/{short}", None),
    ("delete", "/api/v1/orders/{short}", None),
    ("get", "/api/v1/positions/BTC-PERP", None),
    ("post", "/api/v1/positions/BTC-PERP/close", None),
]


@pytest.mark.parametrize(("method", "url", "body"), OBJECT_REQUESTS)
def test_another_users_object_is_404_and_stays_unchanged(
    theirs, mine, user_client, other_account, method, url, body
):
    before = snapshot(other_account)
    fills = Fill.objects.count()
    url = url.format(resting=theirs["resting"]["id"], short=theirs["short"]["id"])
    response = getattr(user_client, method)(url, body, format="json")
    assert_error(response, 404, "not_found")
    assert snapshot(other_account) == before
    assert Fill.objects.count() == fills


def test_setting_leverage_changes_only_the_callers_own(theirs, user_client, account, other_account):
    before = snapshot(other_account)
    url = "/api/v1/positions/BTC-PERP/leverage"
    assert user_client.post(url, {"leverage": "3"}, format="json").status_code == 200
    assert snapshot(other_account) == before
    assert Position.objects.get(account=account, instrument__symbol="BTC-PERP").leverage == 3
    assert_error(user_client.get("/api/v1/positions/BTC-PERP"), 404, "not_found")


def test_cancel_all_cancels_only_the_callers_orders(theirs, mine, user_client, other_account):
    before = snapshot(other_account)
    assert user_client.delete(ORDERS).json() == {"canceled": [mine["resting"]["id"]]}
    assert user_client.delete(ORDERS + "?instrument=BTC-PERP").json() == {"canceled": []}
    assert snapshot(other_account) == before


def test_another_users_client_order_id_is_no_retry_and_no_conflict(theirs, user_client, account):
    theirs["client"].post(ORDERS, order_body(client_order_id="bot-1"), format="json")
    body = order_body(client_order_id="bot-1", quantity="0.2")
    response = user_client.post(ORDERS, body, format="json")
    assert response.status_code == 201, response.content
    assert Order.objects.get(pk=response.json()["id"]).account == account


LISTS = ["/api/v1/orders", "/api/v1/fills", "/api/v1/ledger", "/api/v1/account/ledger"]


@pytest.mark.parametrize("url", LISTS)
def test_lists_never_include_another_users_rows(theirs, mine, user_client, account, url):
    rows = user_client.get(url, {"page_size": 200}).json()["results"]
    own = {
        "/api/v1/orders": Order.objects.filter(account=account),
        "/api/v1/fills": Fill.objects.filter(account=account),
        "/api/v1/ledger": JournalLine.objects.filter(account=account),
        "/api/v1/account/ledger": JournalLine.objects.filter(account=account),
    }[url]
    assert rows
    assert {row["id"] for row in rows} == set(own.values_list("pk", flat=True))


def test_the_position_list_holds_only_the_callers_positions(theirs, mine, user_client):
    listed = user_client.get("/api/v1/positions").json()
    assert [(p["instrument"], p["quantity"]) for p in listed] == [("BTC-FUT", "0.10000000")]
    assert theirs["client"].get("/api/v1/positions").json()[0]["instrument"] == "BTC-PERP"


def test_another_users_order_does_not_filter_the_callers_fills(theirs, mine, user_client):
    response = user_client.get("/api/v1/fills", {"order": theirs["short"]["id"]})
    assert response.json()["results"] == []


# API key scopes ----------------------------------------------------------------------


@pytest.fixture
def own_rows(market, user_client):
    return {
        "short": placed(user_client, quantity="0.3"),
        "resting": placed(user_client, type="limit", price="51000"),
    }


WRITES = [
    ("post", "/api/v1/orders", order_body()),
    ("delete", "/api/v1/orders", None),
    ("delete", "/api/v1/orders?instrument=BTC-PERP", None),
    ("patch", "/api/v1/orders/{resting}", {"price": "51500"}),
    ("delete", "/api/v1/orders/{resting}", None),
    ("post", "/api/v1/positions/BTC-PERP/close", None),
    ("post", "/api/v1/positions/BTC-PERP/leverage", {"leverage": "5"}),
]
READS = [
    "/api/v1/orders",
    "/api/v1/orders?status=open",
    "/api/v1/orders/{resting}",
    "/api/v1/positions",
    "/api/v1/positions/BTC-PERP",
    "/api/v1/fills",
    "/api/v1/ledger",
    "/api/v1/account/ledger",
    "/api/v1/instruments/BTC-PERP/orderbook",
    "/api/v1/instruments/BTC-PERP/trades",
]


@pytest.mark.parametrize(("method", "url", "body"), WRITES)
def test_a_read_only_key_cannot_write(
    own_rows, user, account, key_client_factory, method, url, body
):
    reader = key_client_factory(user=user, scope="read")
    before = snapshot(account)
    journal = JournalLine.objects.count()
    url = url.format(resting=own_rows["resting"]["id"])
    response = getattr(reader, method)(url, body, format="json")
    assert_error(response, 403, "permission_denied")
    assert snapshot(account) == before
    assert JournalLine.objects.count() == journal


@pytest.mark.parametrize("url", READS)
def test_a_read_only_key_can_read(own_rows, user, key_client_factory, url):
    reader = key_client_factory(user=user, scope="read")
    response = reader.get(url.format(resting=own_rows["resting"]["id"]))
    assert response.status_code == 200, response.content


@pytest.mark.parametrize(("method", "url", "body"), WRITES)
def test_a_trade_key_can_write(own_rows, user, key_client_factory, method, url, body):
    trader = key_client_factory(user=user, scope="trade")
    response = getattr(trader, method)(
        url.format(resting=own_rows["resting"]["id"]), body, format="json"
    )
    assert response.status_code in (200, 201), response.content


@pytest.mark.parametrize(
    ("method", "url"),
    [(method, url) for method, url, _ in WRITES] + [("get", url) for url in READS[:8]],
)
def test_private_endpoints_need_credentials(own_rows, api_client, method, url):
    url = url.format(resting=own_rows["resting"]["id"])
    assert_error(getattr(api_client, method)(url, {}, format="json"), 401, "not_authenticated")
    assert Order.objects.get(pk=own_rows["resting"]["id"]).status == "new"
    assert Position.objects.get(instrument__symbol="BTC-PERP").quantity == Decimal("-0.3")
