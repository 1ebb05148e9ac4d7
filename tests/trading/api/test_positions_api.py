"""Positions through the API: valuation, costs, closing and leverage."""

from decimal import Decimal

import pytest

from market.models import Instrument
from market.services import instrument_set_status
from tests.factories.market import move
from tests.trading.api.helpers import assert_error, decimal, placed
from trading import selectors
from trading.models import Order, Position

pytestmark = pytest.mark.django_db

POSITIONS = "/api/v1/positions"


def test_no_positions_is_an_empty_list(market, user_client):
    assert user_client.get(POSITIONS).json() == []


def test_a_short_shows_its_value_margin_and_costs(market, user_client, account):
    order = placed(user_client, quantity="0.5")
    position = user_client.get(f"{POSITIONS}/BTC-PERP").json()
    assert set(position) == {
        "instrument", "side", "quantity", "entry_price", "mark_price", "notional",
        "unrealized_pnl", "realized_pnl", "margin", "maintenance_margin", "leverage",
        "margin_mode", "isolated_margin", "liquidation_price", "opened_at", "costs",
    }  # fmt: skip
    assert position["instrument"] == "BTC-PERP"
    assert position["side"] == "short"
    assert decimal(position["quantity"]) == Decimal("0.5")
    entry = decimal(position["entry_price"])
    assert entry == decimal(order["average_price"])
    mark = decimal(position["mark_price"])
    assert decimal(position["notional"]) == mark * Decimal("0.5")
    assert decimal(position["unrealized_pnl"]) == (entry - mark) * Decimal("0.5")
    assert decimal(position["leverage"]) == Decimal("10")
    assert decimal(position["margin"]) == decimal(position["notional"]) / 10
    assert 0 < decimal(position["maintenance_margin"]) < decimal(position["margin"])
    assert position["margin_mode"] == "cross"
    assert decimal(position["liquidation_price"]) > entry
    assert position["opened_at"] is not None
    assert {name: decimal(value) for name, value in position["costs"].items()} == {
        "fees": decimal(order["fees"]),
        "funding": 0,
        "borrow_interest": 0,
        "financing": 0,
        "premium": 0,
    }
    assert user_client.get(POSITIONS).json() == [position]


def test_a_bought_put_shows_its_premium_and_no_liquidation(market, user_client):
    order = placed(user_client, instrument="BTC-P50000", side="buy", quantity="1")
    position = user_client.get(f"{POSITIONS}/BTC-P50000").json()
    assert position["side"] == "long"
    assert position["liquidation_price"] is None
    assert decimal(position["margin"]) == 0  # a bought option risks only its premium
    premium = decimal(order["average_price"]) * decimal(order["filled_quantity"])
    assert decimal(position["costs"]["premium"]) == premium


def test_the_list_holds_only_open_positions(market, user_client):
    placed(user_client, instrument="BTC-FUT")
    placed(user_client, instrument="BTC-CFD")
    placed(user_client, instrument="BTC-USD")
    user_client.post(f"{POSITIONS}/BTC-CFD/close")
    listed = user_client.get(POSITIONS).json()
    assert [p["instrument"] for p in listed] == ["BTC-FUT", "BTC-USD"]
    assert all(p["side"] == "short" for p in listed)


def test_a_symbol_without_an_open_position_is_404(market, user_client):
    assert_error(user_client.get(f"{POSITIONS}/BTC-PERP"), 404, "not_found")
    assert_error(user_client.get(f"{POSITIONS}/NOPE"), 404, "not_found")
    assert_error(user_client.post(f"{POSITIONS}/BTC-PERP/close"), 404, "not_found")
    assert_error(user_client.post(f"{POSITIONS}/NOPE/close"), 404, "not_found")
    # Setting leverage leaves a flat position row; it is still not an open position.
    user_client.post(f"{POSITIONS}/BTC-PERP/leverage", {"leverage": "5"}, format="json")
    assert_error(user_client.get(f"{POSITIONS}/BTC-PERP"), 404, "not_found")
    assert not Order.objects.exists()


def test_closing_a_short_records_the_loss_when_the_price_rose(market, user_client, account):
    placed(user_client, quantity="0.4")
    move("52000")
    assert decimal(user_client.get(f"{POSITIONS}/BTC-PERP").json()["unrealized_pnl"]) < 0
    close = user_client.post(f"{POSITIONS}/BTC-PERP/close").json()
    assert (close["side"], close["type"], close["time_in_force"]) == ("buy", "market", "ioc")
    assert decimal(close["filled_quantity"]) == Decimal("0.4")
    row = Position.objects.get(account=account, instrument__symbol="BTC-PERP")
    assert row.quantity == 0
    assert row.realized_pnl < 0
    ledger = user_client.get("/api/v1/ledger", {"type": "realised_pnl"}).json()["results"]
    assert len(ledger) == 1 and decimal(ledger[0]["amount"]) < 0
    assert selectors.ledger_problems() == []


def test_leverage_changes_the_margin_a_position_holds(market, user_client):
    placed(user_client, quantity="1")
    before = decimal(user_client.get(f"{POSITIONS}/BTC-PERP").json()["margin"])
    response = user_client.post(f"{POSITIONS}/BTC-PERP/leverage", {"leverage": "5"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {"instrument": "BTC-PERP", "leverage": "5.00", "margin_mode": "cross"}
    position = user_client.get(f"{POSITIONS}/BTC-PERP").json()
    assert decimal(position["leverage"]) == 5
    assert decimal(position["margin"]) == before * 2


def test_leverage_can_be_set_before_trading(market, user_client, account):
    response = user_client.post(f"{POSITIONS}/BTC-USD/leverage", {"leverage": "2.5"}, format="json")
    assert response.status_code == 200, response.content
    assert decimal(response.json()["leverage"]) == Decimal("2.5")
    placed(user_client, instrument="BTC-USD")
    assert decimal(user_client.get(f"{POSITIONS}/BTC-USD").json()["leverage"]) == Decimal("2.5")


@pytest.mark.parametrize(
    ("leverage", "code"),
    [
        ("0.5", "invalid_leverage"),
        ("0", "invalid_leverage"),
        ("-2", "invalid_leverage"),
        ("51", "invalid_leverage"),
        ("2.555", "invalid_leverage"),
        ("NaN", "invalid"),
        ("Infinity", "invalid"),
        ("five", "invalid"),
        ("1e30", "invalid"),
        (None, "invalid"),
        ([5], "invalid"),
    ],
)
def test_bad_leverage_is_refused_and_changes_nothing(market, user_client, account, leverage, code):
    placed(user_client)
    url = f"{POSITIONS}/BTC-PERP/leverage"
    assert_error(user_client.post(url, {"leverage": leverage}, format="json"), 400, code)
    assert Position.objects.get(account=account).leverage == Decimal("10")


def test_leverage_needs_a_body_and_a_known_instrument(market, user_client):
    error = assert_error(user_client.post(f"{POSITIONS}/BTC-PERP/leverage"), 400, "invalid")
    assert "leverage" in error["fields"]
    assert_error(
        user_client.post(f"{POSITIONS}/NOPE/leverage", {"leverage": "5"}, format="json"),
        404,
        "not_found",
    )


def test_lowering_leverage_past_the_margin_available_is_refused(market, user_client, account):
    placed(user_client, quantity="15")  # 750,000 USD short: 75,000 margin at 10x
    url = f"{POSITIONS}/BTC-PERP/leverage"
    assert_error(
        user_client.post(url, {"leverage": "2"}, format="json"), 400, "insufficient_margin"
    )
    assert Position.objects.get(account=account).leverage == Decimal("10")
    assert selectors.account_summary(account=account).available >= 0


def test_closing_refused_while_the_instrument_is_halted(market, user_client, account):
    placed(user_client)
    instrument_set_status(instrument=market["BTC-PERP"], status=Instrument.Status.HALTED)
    assert_error(user_client.post(f"{POSITIONS}/BTC-PERP/close"), 400, "instrument_halted")
    assert Position.objects.get(account=account).quantity == Decimal("-0.1")


def test_a_process_keeps_the_account_it_found_and_each_request_gets_its_own_copy(user_client, user):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from trading.api import views

    views._paper_accounts.clear()
    assert user_client.get("/api/v1/positions").status_code == 200
    key = views.PAPER_ACCOUNT_CACHE_KEY.format(user_id=user.pk, joined=user.date_joined.timestamp())
    kept = views._paper_accounts[key]
    cache.delete(key)

    with CaptureQueriesContext(connection) as queries:
        assert user_client.get("/api/v1/positions").status_code == 200

    assert not [q for q in queries if 'FROM "trading_account"' in q["sql"]]
    assert cache.get(key) is None  # Not asked of Redis either: it would have refilled it.
    request = type("Request", (), {"user": user})()
    first, second = views._account_for_read(request), views._account_for_read(request)
    assert first.pk == second.pk == kept.pk
    assert first is not second and first is not kept
