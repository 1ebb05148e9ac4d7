"""Placing, listing, amending and canceling orders through the API."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from market.models import Instrument
from market.services import index_move, instrument_set_status
from tests.factories.market import move
from tests.trading.api.helpers import ORDERS, assert_error, decimal, place, placed
from trading import selectors
from trading.models import Fill, JournalEntry, Order, Position

pytestmark = pytest.mark.django_db


# Shorting every way ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("symbol", "side", "position_side"),
    [
        ("BTC-USD", "sell", "short"),  # borrow BTC on margin and sell it
        ("BTC-PERP", "sell", "short"),
        ("BTC-CFD", "sell", "short"),
        ("BTC-FUT", "sell", "short"),
        ("BTC-P50000", "buy", "long"),  # buy a put
    ],
)
def test_shorting_through_the_api_opens_profits_and_closes(
    market, user_client, account, symbol, side, position_side
):
    order = placed(user_client, instrument=symbol, side=side, quantity="0.2")
    assert order["status"] == "filled"
    assert decimal(order["filled_quantity"]) == Decimal("0.2")
    assert decimal(order["fees"]) > 0

    position = user_client.get(f"/api/v1/positions/{symbol}").json()
    assert position["side"] == position_side
    assert decimal(position["quantity"]) == Decimal("0.2")
    assert decimal(position["entry_price"]) == decimal(order["average_price"])
    listed = user_client.get("/api/v1/positions").json()
    assert [p["instrument"] for p in listed] == [symbol]

    move("45000")
    position = user_client.get(f"/api/v1/positions/{symbol}").json()
    assert decimal(position["unrealized_pnl"]) > 0  # BTC fell: the short (or the put) gained

    response = user_client.post(f"/api/v1/positions/{symbol}/close")
    assert response.status_code == 200, response.content
    close = response.json()
    assert close["status"] == "filled"
    assert close["reduce_only"] is True
    assert close["side"] == ("buy" if side == "sell" else "sell")
    assert_error(user_client.get(f"/api/v1/positions/{symbol}"), 404, "not_found")

    closing_fills = user_client.get("/api/v1/fills", {"order": close["id"]}).json()["results"]
    assert sum(decimal(f["realized_pnl"]) for f in closing_fills) > 0
    row = Position.objects.get(account=account, instrument__symbol=symbol)
    assert row.quantity == 0 and row.realized_pnl > 0

    ledger = user_client.get("/api/v1/ledger").json()["results"]
    kinds = [line["kind"] for line in ledger]
    if symbol == "BTC-P50000":
        assert kinds.count("premium") == 2  # paid to open, received to close
    else:
        assert kinds[:2] == ["realised_pnl", "fee"]  # newest first: the close, then the open
        assert decimal(ledger[0]["amount"]) > 0  # the profit is larger than the fee
        assert decimal(ledger[1]["amount"]) == -decimal(order["fees"])
    assert selectors.ledger_problems() == []


def test_a_market_short_with_stop_loss_and_take_profit_has_two_exits(market, user_client):
    order = placed(
        user_client,
        stop_loss={"stop_price": "52500"},
        take_profit={"stop_price": "45000", "price": "45000"},
    )
    exits = {child["role"]: child for child in order["attached"]}
    assert set(exits) == {"stop_loss", "take_profit"}
    assert exits["stop_loss"]["type"] == "stop_market"
    assert decimal(exits["stop_loss"]["stop_price"]) == Decimal("52500")
    assert exits["stop_loss"]["price"] is None
    assert exits["take_profit"]["type"] == "take_profit_limit"
    assert decimal(exits["take_profit"]["price"]) == Decimal("45000")
    assert all(child["status"] == "new" for child in exits.values())

    child = user_client.get(f"{ORDERS}/{exits['stop_loss']['id']}").json()
    assert child["parent_id"] == order["id"]
    assert child["side"] == "buy" and child["reduce_only"] is True
    assert child["role"] == "stop_loss"
    again = user_client.get(f"{ORDERS}/{order['id']}").json()
    assert {c["id"] for c in again["attached"]} == {c["id"] for c in order["attached"]}
    # The list shows each order's exits, newest first, as the order itself does.
    listed = {o["id"]: o for o in user_client.get(ORDERS).json()["results"]}
    assert [c["id"] for c in listed[order["id"]]["attached"]] == [
        c["id"] for c in again["attached"]
    ]
    assert listed[exits["stop_loss"]["id"]]["attached"] == []


# Refusals ----------------------------------------------------------------------------


def halt(market, client):
    instrument_set_status(instrument=market["BTC-PERP"], status=Instrument.Status.HALTED)


def settle(market, client):
    index_move(
        symbol="BTC", price=Decimal("50000"), now=market["BTC-FUT"].expiry + timedelta(minutes=1)
    )


def open_short(market, client):
    placed(client, quantity="0.1")


REFUSALS = [
    ({"quantity": "0.0015"}, "invalid_quantity", None),
    ({"quantity": "500"}, "invalid_quantity", None),
    ({"type": "limit", "price": "50000.3"}, "invalid_price", None),
    ({"type": "limit"}, "invalid_price", None),
    ({"type": "stop_market"}, "invalid_stop_price", None),
    ({"quantity": "90"}, "insufficient_margin", None),
    ({"instrument": "BTC-P50000", "side": "buy", "quantity": "50"}, "insufficient_margin", None),
    ({"instrument": "NOPE"}, "unknown_instrument", None),
    ({}, "instrument_halted", halt),
    ({"instrument": "BTC-FUT"}, "instrument_expired", settle),
    ({"reduce_only": True}, "reduce_only_would_increase", None),
    ({"side": "sell", "reduce_only": True}, "reduce_only_would_increase", open_short),
    ({"type": "limit", "price": "40000", "post_only": True}, "post_only_would_take", None),
    ({"type": "stop_market", "stop_price": "51000"}, "would_trigger_immediately", None),
    (
        {"side": "buy", "type": "take_profit_market", "stop_price": "51000"},
        "would_trigger_immediately",
        None,
    ),
    ({"stop_loss": {"stop_price": "45000"}}, "invalid_stop_loss", None),
    ({"take_profit": {"stop_price": "55000"}}, "invalid_take_profit", None),
    (
        {"type": "stop_market", "stop_price": "49000", "stop_loss": {"stop_price": "52000"}},
        "invalid_attached_exit",
        None,
    ),
    ({"type": "trailing_stop"}, "invalid_trailing", None),
    ({"type": "market", "trailing_amount": "100"}, "invalid_trailing", None),
    ({"post_only": True}, "invalid_post_only", None),
    (
        {"type": "limit", "side": "buy", "price": "40000", "time_in_force": "fok"},
        "fok_not_filled",
        None,
    ),
    (
        {"time_in_force": "gtd", "expire_at": "2099-01-01T00:00:00Z"},
        "invalid_time_in_force",
        None,
    ),
    (
        {
            "type": "limit",
            "price": "51000",
            "time_in_force": "gtd",
            "expire_at": "2001-01-01T00:00:00Z",
        },
        "expire_at_passed",
        None,
    ),
]


@pytest.mark.parametrize(("fields", "code", "setup"), REFUSALS)
def test_a_refused_order_is_a_400_with_its_code_and_changes_nothing(
    market, user_client, account, fields, code, setup
):
    if setup is not None:
        setup(market, user_client)
    orders, fills = Order.objects.count(), Fill.objects.count()
    cash = selectors.account_cash(account=account)
    entries = JournalEntry.objects.count()
    assert_error(place(user_client, **fields), 400, code)
    assert Order.objects.count() == orders
    assert Fill.objects.count() == fills
    assert JournalEntry.objects.count() == entries
    assert selectors.account_cash(account=account) == cash


@pytest.mark.parametrize(
    "exit_",
    [
        {"stop_loss": {"stop_price": "52500.3"}},
        {"take_profit": {"stop_price": "45000", "price": "44999.9"}},
    ],
)
def test_an_attached_exit_off_the_tick_is_refused(market, user_client, exit_):
    """An off-tick exit cannot become engine ticks: once placed, it would break the
    instrument's trigger check for every user's stops."""
    error = assert_error(place(user_client, **exit_), 400, "invalid_price")
    assert list(error["fields"]) == list(exit_)
    assert not Order.objects.exists()


def test_refusals_name_the_field_at_fault(market, user_client):
    error = assert_error(place(user_client, quantity="0.0015"), 400, "invalid_quantity")
    assert list(error["fields"]) == ["quantity"]
    error = assert_error(place(user_client, instrument="NOPE"), 400, "unknown_instrument")
    assert list(error["fields"]) == ["instrument"]


# Bad input -----------------------------------------------------------------------------


BAD_INPUT = [
    ({"quantity": "NaN"}, "quantity"),
    ({"quantity": "Infinity"}, "quantity"),
    ({"quantity": "-Infinity"}, "quantity"),
    ({"quantity": "-0.1"}, "quantity"),
    ({"quantity": "0"}, "quantity"),
    ({"quantity": "1e30"}, "quantity"),
    ({"quantity": "123456789012345678901"}, "quantity"),
    ({"quantity": "0.123456789"}, "quantity"),
    ({"quantity": "one"}, "quantity"),
    ({"quantity": [1]}, "quantity"),
    ({"quantity": None}, "quantity"),
    ({"quantity": True}, "quantity"),
    ({"price": "-50000", "type": "limit"}, "price"),
    ({"price": "NaN", "type": "limit"}, "price"),
    ({"stop_price": "-1", "type": "stop_market"}, "stop_price"),
    ({"trailing_amount": "0", "type": "trailing_stop"}, "trailing_amount"),
    ({"trailing_percent": "1.23456", "type": "trailing_stop"}, "trailing_percent"),
    ({"trailing_percent": "100000", "type": "trailing_stop"}, "trailing_percent"),
    (
        {"trailing_amount": "100", "trailing_percent": "1", "type": "trailing_stop"},
        "trailing_percent",
    ),
    ({"side": "short"}, "side"),
    ({"side": None}, "side"),
    ({"type": "iceberg"}, "type"),
    ({"trigger_by": "bid"}, "trigger_by"),
    ({"time_in_force": "day"}, "time_in_force"),
    ({"time_in_force": "gtd", "type": "limit", "price": "51000"}, "expire_at"),
    ({"time_in_force": "ioc", "expire_at": "2099-01-01T00:00:00Z"}, "expire_at"),
    ({"time_in_force": "gtd", "expire_at": "next week"}, "expire_at"),
    ({"post_only": "maybe"}, "post_only"),
    ({"reduce_only": {"yes": 1}}, "reduce_only"),
    ({"client_order_id": "x" * 65}, "client_order_id"),
    ({"client_order_id": ""}, "client_order_id"),
    ({"instrument": ""}, "instrument"),
    ({"instrument": 5 * "BTC-PERP-"}, "instrument"),
    ({"stop_loss": "52500"}, "stop_loss"),
    ({"stop_loss": {"price": "52000"}}, "stop_loss"),
    ({"take_profit": {"stop_price": "NaN"}}, "take_profit"),
]


@pytest.mark.parametrize(("fields", "field"), BAD_INPUT)
def test_bad_input_is_a_400_invalid_naming_the_field(market, user_client, fields, field):
    error = assert_error(place(user_client, **fields), 400, "invalid")
    assert field in error["fields"], error
    assert not Order.objects.exists()


@pytest.mark.parametrize("missing", ["instrument", "side", "type", "quantity"])
def test_a_missing_required_field_is_a_400_invalid(market, user_client, missing):
    body = {"instrument": "BTC-PERP", "side": "sell", "type": "market", "quantity": "0.1"}
    del body[missing]
    error = assert_error(user_client.post(ORDERS, body, format="json"), 400, "invalid")
    assert list(error["fields"]) == [missing]


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (b"{not json", "parse_error"),
        (b'{"instrument": "BTC-PERP"', "parse_error"),
        (
            b'{"instrument": "BTC-PERP", "side": "sell", "type": "market", "quantity": NaN}',
            "parse_error",
        ),
        (b"\xff\xfe", "parse_error"),
        (b"[]", "invalid"),
        (b'"an order"', "invalid"),
    ],
)
def test_a_malformed_body_is_a_400_and_places_nothing(market, user_client, payload, code):
    response = user_client.generic("POST", ORDERS, payload, "application/json")
    assert_error(response, 400, code)
    assert not Order.objects.exists()


def test_a_form_encoded_body_is_refused(market, user_client):
    response = user_client.post(ORDERS, {"instrument": "BTC-PERP"})
    assert_error(response, 415, "unsupported_media_type")
    assert not Order.objects.exists()


def test_placing_needs_authentication(market, api_client):
    assert_error(place(api_client), 401, "not_authenticated")
    assert not Order.objects.exists()


# Idempotency ---------------------------------------------------------------------------


def test_a_retry_with_the_same_client_order_id_returns_the_same_order(market, user_client):
    first = place(user_client, client_order_id="bot-42")
    assert first.status_code == 201
    again = place(user_client, client_order_id="bot-42")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["client_order_id"] == "bot-42"
    # The same numbers written another way are the same request.
    same = place(user_client, client_order_id="bot-42", quantity="0.10000")
    assert same.status_code == 200 and same.json()["id"] == first.json()["id"]
    assert Order.objects.count() == 1
    assert Fill.objects.count() == 1


def test_the_same_client_order_id_with_another_body_is_a_409(market, user_client):
    placed(user_client, client_order_id="bot-42")
    error = assert_error(
        place(user_client, client_order_id="bot-42", quantity="0.2"),
        409,
        "duplicate_client_order_id",
    )
    assert "client_order_id" in error["fields"]
    assert_error(
        place(user_client, client_order_id="bot-42", side="buy"), 409, "duplicate_client_order_id"
    )
    assert Order.objects.count() == 1


def test_client_order_ids_belong_to_each_user(market, user_client, other_user, key_client_factory):
    placed(user_client, client_order_id="shared")
    other = key_client_factory(user=other_user)
    assert place(other, client_order_id="shared", quantity="0.2").status_code == 201
    assert Order.objects.filter(client_order_id="shared").count() == 2


def test_a_refused_order_keeps_its_client_order_id_free(market, user_client):
    assert_error(
        place(user_client, client_order_id="c1", quantity="90"), 400, "insufficient_margin"
    )
    assert place(user_client, client_order_id="c1", quantity="0.1").status_code == 201


# Reading -------------------------------------------------------------------------------


def test_list_filters_by_status_and_instrument_newest_first(market, user_client):
    filled = placed(user_client)
    resting = placed(user_client, type="limit", price="51000", quantity="0.2")
    future = placed(user_client, instrument="BTC-FUT", type="limit", price="52000")
    canceled = placed(user_client, type="limit", price="53000")
    user_client.delete(f"{ORDERS}/{canceled['id']}")

    def ids(**params):
        response = user_client.get(ORDERS, params)
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    assert ids() == [canceled["id"], future["id"], resting["id"], filled["id"]]
    assert ids(status="open") == [future["id"], resting["id"]]
    assert ids(status="filled") == [filled["id"]]
    assert ids(status="canceled") == [canceled["id"]]
    assert ids(instrument="BTC-FUT") == [future["id"]]
    assert ids(instrument="BTC-PERP", status="open") == [resting["id"]]
    assert ids(instrument="BTC-CFD") == []


def test_the_list_pages_with_a_cursor(market, user_client):
    placed_ids = [placed(user_client, type="limit", price=f"{51000 + n}")["id"] for n in range(5)]
    page = user_client.get(ORDERS, {"page_size": 2}).json()
    seen = [row["id"] for row in page["results"]]
    assert page["previous"] is None
    while page["next"]:
        placed(user_client)  # a new order while paging shifts nothing
        page = user_client.get(page["next"]).json()
        seen += [row["id"] for row in page["results"] if row["id"] in placed_ids]
    assert seen == placed_ids[::-1]


@pytest.mark.parametrize(
    "params",
    [{"status": "bogus"}, {"instrument": "NOPE"}, {"cursor": "not-a-cursor"}],
)
def test_bad_list_filters_are_400(market, user_client, params):
    error = assert_error(user_client.get(ORDERS, params), 400, "invalid")
    assert list(error["fields"]) == list(params)


def test_an_unknown_order_is_404(market, user_client):
    assert_error(user_client.get(f"{ORDERS}/999999"), 404, "not_found")
    assert_error(
        user_client.patch(f"{ORDERS}/999999", {"price": "1"}, format="json"), 404, "not_found"
    )
    assert_error(user_client.delete(f"{ORDERS}/999999"), 404, "not_found")


# Amend and cancel ----------------------------------------------------------------------


def test_amend_then_cancel_then_cancel_again(market, user_client, account):
    order = placed(user_client, type="limit", price="51000", quantity="0.5")
    url = f"{ORDERS}/{order['id']}"
    response = user_client.patch(url, {"price": "51500"}, format="json")
    assert response.status_code == 200, response.content
    assert decimal(response.json()["price"]) == Decimal("51500")
    response = user_client.patch(url, {"quantity": "0.3"}, format="json")
    assert decimal(response.json()["quantity"]) == Decimal("0.3")
    assert Order.objects.get(pk=order["id"]).price == Decimal("51500")

    response = user_client.delete(url)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "canceled"
    assert_error(user_client.delete(url), 409, "order_not_open")
    assert_error(user_client.patch(url, {"price": "52000"}, format="json"), 409, "order_not_open")
    assert user_client.get(url).json()["status"] == "canceled"
    assert selectors.account_summary(account=account).margin_used == 0


def test_an_amend_that_crosses_the_book_trades(market, user_client):
    order = placed(user_client, type="limit", price="51000", quantity="0.2")
    response = user_client.patch(f"{ORDERS}/{order['id']}", {"price": "49000"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "filled"
    assert decimal(response.json()["average_price"]) > Decimal("49000")


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({}, 400, "invalid"),
        ({"price": "NaN"}, 400, "invalid"),
        ({"price": "-1"}, 400, "invalid"),
        ({"quantity": "0.1234567891"}, 400, "invalid"),
        ({"price": "51000.3"}, 400, "invalid_price"),
        ({"quantity": "0.0005"}, 400, "invalid_quantity"),
        ({"stop_price": "52000"}, 400, "invalid_stop_price"),
        ({"quantity": "95", "price": "51000"}, 400, "insufficient_margin"),
    ],
)
def test_a_refused_amend_changes_nothing(market, user_client, body, status, code):
    order = placed(user_client, type="limit", price="51000", quantity="0.5")
    error = assert_error(
        user_client.patch(f"{ORDERS}/{order['id']}", body, format="json"), status, code
    )
    assert error["message"]
    row = Order.objects.get(pk=order["id"])
    assert (row.price, row.quantity, row.status) == (Decimal("51000"), Decimal("0.5"), "new")


def test_a_filled_order_cannot_be_amended_or_canceled(market, user_client):
    order = placed(user_client)
    url = f"{ORDERS}/{order['id']}"
    assert_error(user_client.patch(url, {"quantity": "0.2"}, format="json"), 409, "order_not_open")
    assert_error(user_client.delete(url), 409, "order_not_open")


def test_canceling_an_entry_cancels_its_exits(market, user_client):
    order = placed(
        user_client,
        type="limit",
        price="51000",
        stop_loss={"stop_price": "52000"},
        take_profit={"stop_price": "47000"},
    )
    assert len(order["attached"]) == 2
    canceled = user_client.delete(f"{ORDERS}/{order['id']}").json()
    assert canceled["status"] == "canceled"
    assert {child["status"] for child in canceled["attached"]} == {"canceled"}


def test_cancel_all_on_one_instrument_then_everywhere(market, user_client):
    perp = [placed(user_client, type="limit", price=f"{51000 + n}")["id"] for n in range(3)]
    future = placed(user_client, instrument="BTC-FUT", type="limit", price="52000")["id"]
    filled = placed(user_client)["id"]

    response = user_client.delete(ORDERS + "?instrument=BTC-FUT")
    assert response.status_code == 200, response.content
    assert response.json() == {"canceled": [future]}
    assert Order.objects.get(pk=perp[0]).status == "new"

    response = user_client.delete(ORDERS)
    assert response.json() == {"canceled": perp}
    assert user_client.delete(ORDERS).json() == {"canceled": []}
    assert Order.objects.get(pk=filled).status == "filled"
    assert_error(user_client.delete(ORDERS + "?instrument=NOPE"), 400, "invalid")


def test_a_gtd_limit_order_rests_until_its_expiry(market, user_client):
    expire_at = (timezone.now() + timedelta(hours=1)).isoformat()
    order = placed(
        user_client, type="limit", price="51000", time_in_force="gtd", expire_at=expire_at
    )
    assert order["time_in_force"] == "gtd"
    assert order["status"] == "new"
    assert order["expire_at"] is not None


def test_stop_and_trailing_orders_wait_for_their_trigger(market, user_client):
    stop = placed(
        user_client, side="buy", type="stop_market", stop_price="52000", trigger_by="index"
    )
    assert (stop["status"], stop["trigger_by"]) == ("new", "index")
    trailing = placed(user_client, side="buy", type="trailing_stop", trailing_percent="2.5")
    assert decimal(trailing["trailing_percent"]) == Decimal("2.5")
    assert trailing["status"] == "new"
    assert not Fill.objects.exists()
