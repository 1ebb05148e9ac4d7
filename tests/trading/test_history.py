"""The history page and its CSV downloads: filters, pages, exact decimals, own rows only."""

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from tests.factories.market import btc_market
from trading import selectors, services
from trading.models import Fill, JournalEntry, Order
from trading.services.orders import OrderRequest

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return re.sub(r"\s+", " ", strip_tags(response.content.decode()))


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"].startswith('attachment; filename="shortbook-')
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


def place(account, **fields):
    request = {"instrument": "BTC-PERP", "side": "sell", "type": "market"} | fields
    request["quantity"] = Decimal(request["quantity"])
    for name in ("price", "stop_price"):
        if name in request:
            request[name] = Decimal(request[name])
    return services.order_place(account=account, request=OrderRequest(**request))[0]


@pytest.fixture
def market():
    return btc_market()


@pytest.fixture
def account(user):
    return selectors.paper_account_for_user(user=user)


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def traded(market, account, other_user):
    """The user shorted BTC-PERP, bought BTC-USD and rests a limit; another user traded too."""
    short = place(account, quantity="0.5")
    spot = place(account, instrument="BTC-USD", side="buy", quantity="0.125")
    resting = place(account, type="limit", quantity="0.1", price="60000")
    other = selectors.paper_account_for_user(user=other_user)
    place(other, quantity="0.777")
    services.funds_grant(
        account=other, amount=Decimal("-4321"), reason="Other's memo", granted_by=None
    )
    return {"short": short, "spot": spot, "resting": resting}


@pytest.mark.parametrize("url", ["/history/", "/history/fills/", "/history/orders/export.csv"])
def test_history_needs_a_signed_in_user(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_orders_table_lists_the_users_orders_newest_first(signed_in, traded):
    response = signed_in.get(reverse("history"))

    assert response.status_code == 200
    rows = re.findall(r"<tr>(.*?)</tr>", response.content.decode().split("<tbody>")[1], re.S)
    texts = [re.sub(r"\s+", " ", strip_tags(row)).strip() for row in rows]
    assert len(texts) == 3
    assert "60,000.0" in texts[0] and "New" in texts[0]  # the resting limit, newest
    assert "BTC-USD" in texts[1] and "▲ Buy" in texts[1] and "0.125" in texts[1]
    assert "BTC-PERP" in texts[2] and "▼ Sell" in texts[2] and "Filled" in texts[2]
    assert "0.777" not in text_of(response)
    assert "/guides/stops-and-exits/" in response.content.decode()


def test_orders_filter_by_instrument_status_and_type(signed_in, traded):
    page = signed_in.get(reverse("history"), {"instrument": "BTC-PERP", "status": "filled"})
    text = text_of(page)
    assert "1 in all" in text and "BTC-USD" not in text.split("Orders", 2)[-1].split("Ledger")[0]

    limits = signed_in.get(reverse("history"), {"type": "limit"})
    assert "1 in all" in text_of(limits) and "60,000.0" in text_of(limits)

    open_orders = signed_in.get(reverse("history"), {"status": "open"})
    assert "1 in all" in text_of(open_orders)


def test_fills_table_and_side_filter(signed_in, traded):
    response = signed_in.get(reverse("history_table", args=["fills"]), {"side": "buy"})

    assert response.status_code == 200
    text = text_of(response)
    assert "1 in all" in text
    assert "BTC-USD" in text and "▲ Buy" in text


def test_ledger_filter_by_kind_and_instrument(signed_in, traded):
    deposits = signed_in.get(reverse("history_table", args=["ledger"]), {"kind": "deposit"})
    assert "1 in all" in text_of(deposits)
    assert "+100,000.00 USD" in text_of(deposits)

    perp = signed_in.get(reverse("history_table", args=["ledger"]), {"instrument": "BTC-PERP"})
    text = text_of(perp)
    assert "1 in all" in text and "BTC-PERP: order" in text
    assert "Other's memo" not in text and "Other&#x27;s memo" not in perp.content.decode()


def test_date_range_is_inclusive_in_the_users_time_zone(signed_in, traded):
    today = timezone.localdate()

    within = signed_in.get(reverse("history"), {"since": today, "until": today})
    before = signed_in.get(reverse("history"), {"until": today - timedelta(days=1)})

    assert "3 in all" in text_of(within)
    assert "0 in all" in text_of(before) and "Nothing matches these filters." in text_of(before)


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"status": "sideways"}, "status", "Select a valid choice"),
        ({"since": "yesterday"}, "since", "Enter a valid date"),
        ({"instrument": "DOGE-PERP"}, "instrument", "Select a valid choice"),
        ({"since": "2026-05-02", "until": "2026-05-01"}, "until", "before the start date"),
    ],
)
def test_bad_filters_are_form_errors_next_to_the_field(signed_in, traded, params, field, message):
    response = signed_in.get(reverse("history"), params)

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert message in text_of(response)
    assert f'id="id_{field}"' in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()

    export = signed_in.get(reverse("history_export", args=["orders"]), params)
    assert export.status_code == 400


def test_unknown_table_is_not_found(signed_in, traded):
    assert signed_in.get("/history/trades/").status_code == 404
    assert signed_in.get("/history/trades/export.csv").status_code == 404


def test_orders_paginate_fifty_to_a_page_keeping_the_filters(signed_in, account, market):
    for _ in range(52):
        place(account, type="limit", quantity="0.001", price="70000")

    first = signed_in.get(reverse("history"), {"type": "limit"})
    second = signed_in.get(reverse("history"), {"type": "limit", "page": "2"})
    beyond = signed_in.get(reverse("history"), {"type": "limit", "page": "zz"})

    assert "page 1 of 2" in text_of(first)
    assert "?type=limit&amp;page=2" in first.content.decode()
    assert len(second.context["page"].object_list) == 2
    assert beyond.status_code == 200 and beyond.context["page"].number == 1


def test_orders_csv_has_exact_decimals_and_only_the_users_orders(signed_in, account, traded):
    rows = csv_rows(signed_in.get(reverse("history_export", args=["orders"])))

    mine = {o.pk for o in Order.objects.filter(account=account)}
    assert {int(row["order_id"]) for row in rows} == mine
    short = next(row for row in rows if int(row["order_id"]) == traded["short"].pk)
    order = traded["short"]
    assert short["quantity"] == "0.50000000"
    assert Decimal(short["average_price"]) == order.average_price
    assert short["fees"] == f"{order.fees:f}"
    assert short["price"] == ""
    assert short["status"] == "filled" and short["side"] == "sell"
    assert short["created_at"].endswith("+00:00")
    assert "0.77700000" not in str(rows)


def test_fills_csv_filtered_and_own_only(signed_in, account, traded):
    rows = csv_rows(
        signed_in.get(reverse("history_export", args=["fills"]), {"instrument": "BTC-USD"})
    )

    fill = Fill.objects.get(account=account, instrument__symbol="BTC-USD")
    assert [int(row["fill_id"]) for row in rows] == [fill.pk]
    assert rows[0]["price"] == f"{fill.price:f}"
    assert rows[0]["fee"] == f"{fill.fee:f}"
    assert rows[0]["realized_pnl"] == "0.00000000"  # zero in plain notation, not 0E-8


def test_ledger_csv_keeps_amounts_exact_and_memos_as_text(signed_in, account, other_user, traded):
    services.funds_grant(
        account=account, amount=Decimal("-0.00000001"), reason="=1+1 smallest", granted_by=None
    )

    rows = csv_rows(signed_in.get(reverse("history_export", args=["ledger"])))

    assert rows[0]["amount"] == "-0.00000001"
    assert rows[0]["memo"] == "'=1+1 smallest"
    assert rows[-1]["kind"] == JournalEntry.Kind.DEPOSIT and rows[-1]["amount"] == "100000.00000000"
    assert all("Other" not in row["memo"] for row in rows)
    assert "-4321" not in str(rows)
    assert set(rows[0]) == {"entry_id", "line_id", "created_at", "kind", "memo", "asset", "amount"}


def test_another_users_history_never_shows(client, other_user, traded):
    client.force_login(other_user)

    orders = text_of(client.get(reverse("history")))
    exported = csv_rows(client.get(reverse("history_export", args=["fills"])))

    assert "1 in all" in orders and "0.777" in orders
    assert "60,000.0" not in orders and "BTC-USD" not in orders.split("Orders")[-1]
    assert [row["quantity"] for row in exported] == ["0.77700000"]
