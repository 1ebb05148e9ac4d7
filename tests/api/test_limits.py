"""Request size limits and throttles under a burst: refused whole, nothing half-done."""

import json
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from tests.factories.accounts import api_key_issue
from trading import selectors
from trading.models import JournalEntry, Order

RATE = 5
BURST = 24


@pytest.fixture
def tight_rate(monkeypatch):
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"client": f"{RATE}/min", "anon": f"{RATE}/min"}
    )


def order(n: int) -> dict:
    return {
        "instrument": "BTC-PERP",
        "side": "sell",
        "type": "market",
        "quantity": "0.01",
        "client_order_id": f"burst-{n}",
    }


def test_a_burst_of_orders_is_throttled_whole(live_server, live_market, user, tight_rate):
    key = api_key_issue(user=user, scope="trade").key
    headers = {"Authorization": f"Api-Key {key}"}
    account = selectors.paper_account_for_user(user=user)
    entries_before = JournalEntry.objects.count()

    def send(n: int) -> httpx.Response:
        return httpx.post(
            f"{live_server.url}/api/v1/orders", json=order(n), headers=headers, timeout=60
        )

    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(send, range(BURST)))

    statuses = [response.status_code for response in responses]
    assert set(statuses) <= {201, 429}, statuses
    placed = [r for r in responses if r.status_code == 201]
    throttled = [r for r in responses if r.status_code == 429]
    # The window counts each hit atomically: concurrent requests never pass it together.
    assert len(placed) == RATE and len(throttled) == BURST - RATE
    for response in throttled:
        assert int(response.headers["Retry-After"]) > 0
        assert response.json()["error"]["code"] == "throttled"
    # Each accepted order is whole, and a refused one left nothing behind.
    orders = Order.objects.filter(account=account)
    assert orders.count() == len(placed)
    assert set(orders.values_list("client_order_id", flat=True)) == {
        r.json()["client_order_id"] for r in placed
    }
    assert all(o.status == Order.Status.FILLED for o in orders)
    assert JournalEntry.objects.count() > entries_before
    assert selectors.ledger_problems() == []

    # Still refused after the burst, and a retry of an accepted order changes nothing.
    again = send(0)
    assert again.status_code == 429
    assert int(again.headers["Retry-After"]) > 0
    assert Order.objects.filter(account=account).count() == len(placed)


def test_anonymous_callers_are_throttled_with_retry_after(client, db, tight_rate):
    statuses = [client.get("/api/v1/instruments").status_code for _ in range(RATE + 3)]
    assert statuses[:RATE] == [200] * RATE
    assert statuses[RATE:] == [429] * 3
    response = client.get("/api/v1/instruments")
    assert int(response["Retry-After"]) > 0
    assert response.json()["error"]["code"] == "throttled"


def test_a_body_over_the_limit_is_refused_before_anything(user_client, user):
    account = selectors.paper_account_for_user(user=user)
    padding = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    body = json.dumps({**order(1), "client_order_id": padding})
    response = user_client.post("/api/v1/orders", body, content_type="application/json")
    assert response.status_code in (400, 413), response.content
    assert response.json()["error"]["code"] == "request_too_large"
    assert not Order.objects.filter(account=account).exists()


def test_a_body_that_is_not_json_is_a_parse_error(user_client):
    response = user_client.post("/api/v1/orders", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"
