from decimal import Decimal

import pytest

from trading import selectors, services
from trading.models import JournalEntry, JournalLine

pytestmark = pytest.mark.django_db


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["fields"], dict)
    return body["error"]


def test_account_shows_cash_equity_margin_available(user_client):
    response = user_client.get("/api/v1/account")
    assert response.status_code == 200
    body = response.json()
    assert body["currency"] == "USD"
    for field in ("cash", "equity", "available"):
        assert isinstance(body[field], str)
        assert Decimal(body[field]) == Decimal("100000")
    assert Decimal(body["margin_used"]) == 0


def test_account_needs_authentication(api_client):
    assert_error(api_client.get("/api/v1/account"), 401, "not_authenticated")


def test_reset_restores_the_balance(user, user_client):
    account = selectors.paper_account_for_user(user=user)
    services.funds_grant(account=account, amount=Decimal("-2500"), reason="t", granted_by=None)
    response = user_client.post("/api/v1/account/reset", {"confirm": True}, format="json")
    assert response.status_code == 200
    assert Decimal(response.json()["cash"]) == Decimal("100000")
    assert JournalEntry.objects.filter(kind=JournalEntry.Kind.RESET).get().created_by == user


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"confirm": False},
        {"confirm": "maybe"},
        {"confirm": [True]},
        {"confirm": None},
    ],
)
def test_reset_without_confirmation_changes_nothing(user, user_client, body):
    account = selectors.paper_account_for_user(user=user)
    services.funds_grant(account=account, amount=Decimal("-1"), reason="t", granted_by=None)
    entries = JournalEntry.objects.count()
    error = assert_error(
        user_client.post("/api/v1/account/reset", body, format="json"), 400, "invalid"
    )
    assert "confirm" in error["fields"]
    assert JournalEntry.objects.count() == entries
    assert selectors.account_cash(account=account) == Decimal("99999")


@pytest.mark.parametrize(
    ("payload", "content_type"),
    [
        (b"{not json", "application/json"),
        (b'{"confirm": true', "application/json"),
        (b"confirm=true", "application/x-www-form-urlencoded"),
        (b"\xff\xfe", "application/json"),
    ],
)
def test_reset_with_a_malformed_body_is_a_400(user_client, payload, content_type):
    entries = JournalEntry.objects.count()
    response = user_client.generic("POST", "/api/v1/account/reset", payload, content_type)
    assert response.status_code in (400, 415)
    assert set(response.json()) == {"error"}
    assert JournalEntry.objects.count() == entries


def test_read_only_key_cannot_reset_but_trade_key_can(user, key_client_factory):
    reader = key_client_factory(user=user, scope="read")
    assert reader.get("/api/v1/account").status_code == 200
    assert_error(
        reader.post("/api/v1/account/reset", {"confirm": True}, format="json"),
        403,
        "permission_denied",
    )
    trader = key_client_factory(user=user, scope="trade")
    assert trader.post("/api/v1/account/reset", {"confirm": True}, format="json").status_code == 200


def test_ledger_lists_only_the_callers_lines(user, other_user, user_client):
    mine = selectors.paper_account_for_user(user=user)
    theirs = selectors.paper_account_for_user(user=other_user)
    services.funds_transfer(source=theirs, destination=mine, amount=Decimal("10"), memo="gift")
    services.funds_grant(account=theirs, amount=Decimal("5"), reason="secret", granted_by=None)
    body = user_client.get("/api/v1/account/ledger").json()
    assert body["count"] == 2
    assert {row["kind"] for row in body["results"]} == {"deposit", "transfer"}
    assert all(row["memo"] != "secret" for row in body["results"])
    own_ids = set(JournalLine.objects.filter(account=mine).values_list("pk", flat=True))
    assert {row["id"] for row in body["results"]} == own_ids
    assert [Decimal(r["amount"]) for r in body["results"]] == [Decimal("10"), Decimal("100000")]


def test_ledger_filters_and_pages(user, user_client):
    account = selectors.paper_account_for_user(user=user)
    for n in range(3):
        services.funds_grant(
            account=account, amount=Decimal(n + 1), reason=f"g{n}", granted_by=None
        )
    grants = user_client.get("/api/v1/account/ledger", {"kind": "grant", "page_size": 2}).json()
    assert grants["count"] == 3
    assert len(grants["results"]) == 2
    assert grants["next"] is not None
    assert grants["previous"] is None
    second = user_client.get(grants["next"]).json()
    assert len(second["results"]) == 1


@pytest.mark.parametrize(
    "params",
    [{"kind": "bogus"}, {"since": "yesterday"}, {"since": "2026-01-02", "until": "2026-01-01"}],
)
def test_ledger_bad_filters_are_400(user_client, params):
    assert_error(user_client.get("/api/v1/account/ledger", params), 400, "invalid")


def test_ledger_page_out_of_range_is_404(user_client):
    assert_error(user_client.get("/api/v1/account/ledger", {"page": 99}), 404, "not_found")


def test_schema_documents_the_account_endpoints(api_client):
    response = api_client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    for path in ("/api/v1/account", "/api/v1/account/reset", "/api/v1/account/ledger"):
        assert path in schema["paths"]
    assert "Error" in schema["components"]["schemas"]
