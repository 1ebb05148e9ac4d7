"""Fills and the ledger through the API: newest first, filtered, paged by cursor."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.trading.api.helpers import assert_error, decimal, placed
from trading import selectors
from trading.models import Fill, JournalLine

pytestmark = pytest.mark.django_db

FILLS = "/api/v1/fills"
LEDGER = "/api/v1/ledger"


def test_a_market_order_that_walks_the_book_has_a_fill_per_level(market, user_client):
    order = placed(user_client, quantity="5")  # 2 BTC stand at each outside level
    fills = user_client.get(FILLS).json()["results"]
    assert len(fills) == 3
    assert set(fills[0]) == {
        "id", "order_id", "instrument", "side", "price", "quantity", "fee", "liquidity",
        "counterparty", "realized_pnl", "created_at",
    }  # fmt: skip
    assert {f["order_id"] for f in fills} == {order["id"]}
    assert all(
        (f["instrument"], f["side"], f["liquidity"], f["counterparty"])
        == ("BTC-PERP", "sell", "taker", "market")
        for f in fills
    )
    assert sum(decimal(f["quantity"]) for f in fills) == Decimal("5")
    assert sum(decimal(f["fee"]) for f in fills) == decimal(order["fees"])
    # Newest first: a sell walks down the bids, so the last (lowest) level is listed first.
    assert [decimal(f["price"]) for f in fills] == sorted(decimal(f["price"]) for f in fills)


def test_a_resting_order_taken_by_another_user_is_a_maker_fill(
    market, user_client, other_user, key_client_factory
):
    maker = placed(user_client, type="limit", price="50002.5", quantity="0.5")
    taker = key_client_factory(user=other_user)
    placed(taker, side="buy", quantity="0.3")
    (fill,) = user_client.get(FILLS).json()["results"]
    assert (fill["order_id"], fill["side"]) == (maker["id"], "sell")
    assert (fill["liquidity"], fill["counterparty"]) == ("maker", "user")
    assert decimal(fill["price"]) == Decimal("50002.5")
    (taken,) = taker.get(FILLS).json()["results"]
    assert (taken["liquidity"], taken["counterparty"]) == ("taker", "user")
    assert user_client.get(f"/api/v1/orders/{maker['id']}").json()["status"] == "partially_filled"


def test_fills_filter_by_instrument_order_and_time(market, user_client):
    first = placed(user_client)
    second = placed(user_client, instrument="BTC-FUT")
    third = placed(user_client, side="buy")

    def order_ids(**params):
        response = user_client.get(FILLS, params)
        assert response.status_code == 200, response.content
        return [f["order_id"] for f in response.json()["results"]]

    assert order_ids() == [third["id"], second["id"], first["id"]]
    assert order_ids(instrument="BTC-PERP") == [third["id"], first["id"]]
    assert order_ids(instrument="BTC-CFD") == []
    assert order_ids(order=second["id"]) == [second["id"]]
    assert order_ids(order=999999) == []
    middle = Fill.objects.get(order_id=second["id"]).created_at
    assert order_ids(since=middle.isoformat()) == [third["id"], second["id"]]
    assert order_ids(until=middle.isoformat()) == [first["id"]]
    later = (timezone.now() + timedelta(minutes=1)).isoformat()
    assert order_ids(since=later) == []


def test_fills_page_with_a_cursor(market, user_client):
    for _ in range(5):
        placed(user_client)
    page = user_client.get(FILLS, {"page_size": 2}).json()
    assert len(page["results"]) == 2
    ids = [f["id"] for f in page["results"]]
    while page["next"]:
        page = user_client.get(page["next"]).json()
        ids += [f["id"] for f in page["results"]]
    assert ids == sorted(Fill.objects.values_list("pk", flat=True), reverse=True)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"instrument": "NOPE"}, "instrument"),
        ({"order": "first"}, "order"),
        ({"order": "-1"}, "order"),
        ({"since": "yesterday"}, "since"),
        ({"since": "2026-01-02T00:00:00Z", "until": "2026-01-01T00:00:00Z"}, "until"),
        ({"cursor": "bz0tNQ=="}, "cursor"),  # o=-5, a negative offset
        ({"cursor": "not-a-cursor"}, "cursor"),
    ],
)
def test_bad_fill_filters_are_400(market, user_client, params, field):
    error = assert_error(user_client.get(FILLS, params), 400, "invalid")
    assert field in error["fields"]


def test_the_ledger_shows_the_deposit_fees_and_pnl_newest_first(market, user_client, account):
    opened = placed(user_client)
    placed(user_client, side="buy")
    lines = user_client.get(LEDGER).json()["results"]
    assert [line["kind"] for line in lines] == ["realised_pnl", "fee", "deposit"]
    assert decimal(lines[1]["amount"]) == -decimal(opened["fees"])
    assert decimal(lines[2]["amount"]) == Decimal("100000")
    assert sum(decimal(line["amount"]) for line in lines) == (
        selectors.account_cash(account=account)
    )
    assert set(lines[0]) == {"id", "entry_id", "kind", "memo", "asset", "amount", "created_at"}


def test_the_ledger_filters_by_type_and_time_and_pages(market, user_client, account):
    for _ in range(3):
        placed(user_client)
    fees = user_client.get(LEDGER, {"type": "fee", "page_size": 2}).json()
    assert [line["kind"] for line in fees["results"]] == ["fee", "fee"]
    rest = user_client.get(fees["next"]).json()
    assert [line["kind"] for line in rest["results"]] == ["fee"]
    assert rest["next"] is None
    deposit = JournalLine.objects.get(account=account, entry__kind="deposit").entry.created_at
    after = user_client.get(LEDGER, {"since": (deposit + timedelta(microseconds=1)).isoformat()})
    assert [line["kind"] for line in after.json()["results"]] == ["fee"] * 3
    before = user_client.get(LEDGER, {"until": (deposit + timedelta(microseconds=1)).isoformat()})
    assert [line["kind"] for line in before.json()["results"]] == ["deposit"]


@pytest.mark.parametrize(
    "params",
    [{"type": "bogus"}, {"since": "soon"}, {"since": "2026-01-02", "until": "2026-01-01"}],
)
def test_bad_ledger_filters_are_400(market, user_client, params):
    assert_error(user_client.get(LEDGER, params), 400, "invalid")


def test_the_account_ledger_still_pages_by_number(market, user_client):
    placed(user_client)
    body = user_client.get("/api/v1/account/ledger", {"kind": "fee"}).json()
    assert body["count"] == 1
    assert body["results"][0]["kind"] == "fee"
