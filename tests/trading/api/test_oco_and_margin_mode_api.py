"""OCO pairs, margin mode and isolated margin through the API."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from tests.trading.api.helpers import ORDERS, assert_error, decimal, placed
from trading.models import Order

pytestmark = pytest.mark.django_db

OCO = "/api/v1/orders/oco"


def oco_body(**fields):
    """A buy pair that closes a short: take profit at 45,000, stop at 55,000."""
    return {
        "instrument": "BTC-PERP",
        "side": "buy",
        "quantity": "0.1",
        "price": "45000",
        "stop_price": "55000",
        "reduce_only": True,
    } | fields


def test_a_pair_is_placed_listed_and_canceled_together(market, user_client):
    placed(user_client, quantity="0.1")
    response = user_client.post(OCO, oco_body(client_order_id="pair-1"), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    limit, stop = body["orders"]
    assert limit["type"] == "limit" and stop["type"] == "stop_market"
    assert limit["oco_group"] == stop["oco_group"] == body["oco_group"]
    assert limit["client_order_id"] == "pair-1"

    retry = user_client.post(OCO, oco_body(client_order_id="pair-1"), format="json")
    assert retry.status_code == 200
    assert [o["id"] for o in retry.json()["orders"]] == [limit["id"], stop["id"]]

    assert user_client.delete(f"{ORDERS}/{limit['id']}").status_code == 200
    canceled = user_client.get(f"{ORDERS}?status=canceled").json()["results"]
    statuses = {o["id"]: o["status"] for o in canceled}
    assert statuses[limit["id"]] == statuses[stop["id"]] == "canceled"


@pytest.mark.parametrize(
    ("fields", "status", "code"),
    [
        ({"price": "60000"}, 400, "post_only_would_take"),
        ({"stop_price": "40000"}, 400, "would_trigger_immediately"),
        ({"quantity": "-1"}, 400, "invalid"),
        ({"price": None}, 400, "invalid"),
        ({"instrument": "NOPE"}, 400, "unknown_instrument"),
    ],
)
def test_a_bad_pair_is_refused_with_its_code_and_changes_nothing(
    market, user_client, fields, status, code
):
    before = Order.objects.count()
    body = oco_body(reduce_only=False, **fields)
    assert_error(user_client.post(OCO, body, format="json"), status, code)
    assert Order.objects.count() == before


def test_another_users_pair_cannot_be_canceled(market, user_client, other_user):
    other_client = APIClient()
    other_client.force_login(other_user)
    limit, _ = user_client.post(OCO, oco_body(reduce_only=False), format="json").json()["orders"]
    assert_error(other_client.delete(f"{ORDERS}/{limit['id']}"), 404, "not_found")
    assert Order.objects.get(pk=limit["id"]).status == Order.Status.NEW


def test_isolated_margin_through_the_api(market, user_client):
    url = "/api/v1/positions/BTC-PERP"
    response = user_client.post(f"{url}/margin-mode", {"margin_mode": "isolated"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["margin_mode"] == "isolated"
    assert_error(
        user_client.post(f"{url}/margin-mode", {"margin_mode": "both"}, format="json"),
        400,
        "invalid",
    )
    placed(user_client, quantity="0.5")
    position = user_client.get(url).json()
    assert position["margin_mode"] == "isolated"
    assert decimal(position["isolated_margin"]) > 0
    assert_error(
        user_client.post(f"{url}/margin-mode", {"margin_mode": "cross"}, format="json"),
        409,
        "margin_mode_locked",
    )
    added = user_client.post(f"{url}/margin", {"amount": "500"}, format="json")
    assert added.status_code == 200, added.content
    assert decimal(added.json()["isolated_margin"]) == decimal(position["isolated_margin"]) + 500
    assert decimal(added.json()["liquidation_price"]) > decimal(position["liquidation_price"])
    assert_error(
        user_client.post(f"{url}/margin", {"amount": "abc"}, format="json"), 400, "invalid"
    )
    assert_error(
        user_client.post("/api/v1/positions/BTC-CFD/margin", {"amount": "5"}, format="json"),
        404,
        "not_found",
    )
    placed(user_client, instrument="BTC-CFD")
    assert_error(
        user_client.post("/api/v1/positions/BTC-CFD/margin", {"amount": "5"}, format="json"),
        409,
        "not_isolated",
    )
    assert Decimal(position["margin"]) == decimal(position["isolated_margin"])
