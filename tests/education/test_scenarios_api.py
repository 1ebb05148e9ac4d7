"""Scenario API: list, start, state, control, trade, end and result; only one's own runs."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from education.models import Scenario, ScenarioRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def squeeze(db):
    return Scenario.objects.create(
        slug="api-squeeze",
        title="API squeeze",
        summary="Twelve hours of April 2019.",
        interval="1h",
        start=datetime(2019, 4, 2, 0, tzinfo=UTC),
        end=datetime(2019, 4, 2, 11, tzinfo=UTC),
        default_speed=3600,
    )


def start(client, slug="api-squeeze", **data):
    response = client.post(f"/api/v1/scenarios/{slug}/runs", data, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_anyone_lists_the_shipped_scenarios(api_client):
    response = api_client.get("/api/v1/scenarios")
    assert response.status_code == 200
    slugs = [scenario["slug"] for scenario in response.json()]
    assert "december-2017-peak" in slugs and "tesla-2021" in slugs
    tesla = api_client.get("/api/v1/scenarios/tesla-2021").json()
    assert tesla["interval"] == "1d"
    assert "86400" in tesla["speeds"]
    assert api_client.get("/api/v1/scenarios/no-such").status_code == 404


def test_start_trade_pause_and_end_a_run(user_client, squeeze):
    state = start(user_client, speed=1800)
    run_id = state["run"]["id"]
    assert state["run"]["status"] == "running"
    assert state["account"]["equity"] == "100000.00000000"
    assert set(state["instruments"]) == {"perpetual", "spot", "cfd"}
    assert state["instruments"]["perpetual"]["index_price"] == "4133.93000000"
    assert "CryptoDataDownload" in state["credit"]

    order = user_client.post(
        f"/api/v1/scenario-runs/{run_id}/orders",
        {"kind": "perpetual", "side": "sell", "type": "market", "quantity": "2",
         "stop_loss": "4500"},
        format="json",
    )  # fmt: skip
    assert order.status_code == 201, order.json()
    assert order.json()["status"] == "filled"
    state = user_client.get(f"/api/v1/scenario-runs/{run_id}").json()
    assert state["positions"][0]["side"] == "short"
    assert len(state["orders"]) == 1  # The attached stop-loss waits.

    paused = user_client.post(f"/api/v1/scenario-runs/{run_id}/pause")
    assert paused.json()["run"]["status"] == "paused"
    resumed = user_client.post(f"/api/v1/scenario-runs/{run_id}/resume")
    assert resumed.json()["run"]["status"] == "running"
    faster = user_client.post(
        f"/api/v1/scenario-runs/{run_id}/speed", {"speed": 3600}, format="json"
    )
    assert faster.json()["run"]["speed"] == 3600

    early = user_client.get(f"/api/v1/scenario-runs/{run_id}/result")
    assert early.status_code == 409
    assert early.json()["error"]["code"] == "run_not_finished"

    ended = user_client.post(f"/api/v1/scenario-runs/{run_id}/end")
    assert ended.status_code == 200
    result = ended.json()
    assert result["run"]["status"] == "finished"
    assert Decimal(result["final_equity"]) < Decimal("100000")  # Fees at the same price.
    assert Decimal(result["perfect_short"]["sell_price"]) == Decimal("5080")
    assert user_client.get(f"/api/v1/scenario-runs/{run_id}/result").status_code == 200
    again = user_client.post(f"/api/v1/scenario-runs/{run_id}/pause")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "run_finished"
    listed = user_client.get("/api/v1/scenario-runs").json()
    assert [run["id"] for run in listed] == [run_id]


def test_another_users_run_is_not_found(user_client, other_user, squeeze):
    run_id = start(user_client)["run"]["id"]
    other = APIClient()
    other.force_login(other_user)
    for method, path in [
        ("get", ""),
        ("get", "/result"),
        ("post", "/pause"),
        ("post", "/resume"),
        ("post", "/end"),
        ("post", "/orders"),
        ("post", "/positions/perpetual/close"),
        ("delete", "/orders/1"),
    ]:
        response = getattr(other, method)(
            f"/api/v1/scenario-runs/{run_id}{path}",
            {"kind": "perpetual", "side": "buy", "type": "market", "quantity": "1"},
            format="json",
        )
        assert response.status_code == 404, (method, path)
        assert response.json()["error"]["code"] == "not_found"
    assert other.get("/api/v1/scenario-runs").json() == []
    assert ScenarioRun.objects.get(pk=run_id).status == "running"


def test_bad_input_is_a_400_with_the_error_shape(user_client, squeeze):
    slow = user_client.post("/api/v1/scenarios/api-squeeze/runs", {"speed": 86400}, format="json")
    assert slow.status_code == 400
    assert slow.json()["error"]["code"] == "invalid_speed"
    run_id = start(user_client)["run"]["id"]
    cases = [
        ({"kind": "option", "side": "sell", "type": "market", "quantity": "1"}, "kind"),
        ({"kind": "perpetual", "side": "sell", "type": "limit", "quantity": "1"}, "price"),
        ({"kind": "perpetual", "side": "sell", "type": "market", "quantity": "-1"}, "quantity"),
        ({"kind": "perpetual", "side": "sell", "type": "market", "quantity": "abc"}, "quantity"),
    ]
    for body, field in cases:
        response = user_client.post(f"/api/v1/scenario-runs/{run_id}/orders", body, format="json")
        assert response.status_code == 400, body
        assert field in response.json()["error"]["fields"]
    too_big = user_client.post(
        f"/api/v1/scenario-runs/{run_id}/orders",
        {"kind": "perpetual", "side": "sell", "type": "market", "quantity": "50", "leverage": "1"},
        format="json",
    )
    assert too_big.status_code == 400
    assert too_big.json()["error"]["code"] == "insufficient_margin"
    no_position = user_client.post(f"/api/v1/scenario-runs/{run_id}/positions/cfd/close")
    assert no_position.status_code == 404
    bad_speed = user_client.post(
        f"/api/v1/scenario-runs/{run_id}/speed", {"speed": "x"}, format="json"
    )
    assert bad_speed.status_code == 400


def test_signed_out_clients_cannot_start_or_read_runs(api_client, squeeze):
    assert api_client.post("/api/v1/scenarios/api-squeeze/runs").status_code in (401, 403)
    assert api_client.get("/api/v1/scenario-runs").status_code in (401, 403)
