"""Previewing an order: the numbers placing it would produce, with nothing written."""

from decimal import Decimal

import pytest

from market.services import instrument_set_status
from tests.trading.api.helpers import assert_error, decimal, order_body, placed
from trading import selectors
from trading.models import JournalEntry, Order, Position

pytestmark = pytest.mark.django_db

PREVIEW = "/api/v1/orders/preview"
D = Decimal


def preview(client, **fields):
    return client.post(PREVIEW, order_body(**fields), format="json")


def previewed(client, **fields) -> dict:
    response = preview(client, **fields)
    assert response.status_code == 200, response.content
    return response.json()


def nothing_written():
    return (Order.objects.count(), Position.objects.count(), JournalEntry.objects.count())


def test_a_market_short_with_exits_shows_cost_margin_liquidation_and_risk(
    market, user_client, account
):
    before = nothing_written()

    body = previewed(
        user_client,
        quantity="0.5",
        stop_loss={"stop_price": "52000"},
        take_profit={"stop_price": "46000"},
    )

    assert nothing_written() == before
    perp = market["BTC-PERP"]
    entry, mark = decimal(body["entry_price"]), decimal(body["mark_price"])
    assert mark == D("50000")
    assert entry < mark  # a short sells at the outside bid, below the mark
    assert decimal(body["immediate_quantity"]) == D("0.5")
    assert decimal(body["resting_quantity"]) == 0
    assert decimal(body["notional"]) == entry * D("0.5")
    fee = decimal(body["fee"])
    assert fee == (entry * D("0.5") * perp.taker_fee_rate).quantize(D("0.00000001"))
    assert decimal(body["leverage"]) == D("10")
    assert decimal(body["initial_margin"]) == D("0.5") * mark / 10
    assert decimal(body["cost"]) == decimal(body["initial_margin"]) + fee
    assert decimal(body["available"]) == D("100000")
    slippage = (entry - mark) * D("0.5")
    assert decimal(body["available_after"]) == D("100000") + slippage - fee - D("2500")
    assert decimal(body["position_after"]) == D("-0.5")
    assert decimal(body["liquidation_price"]) > D("52000")
    exit_fee_stop = D("52000") * D("0.5") * perp.taker_fee_rate
    loss = (D("52000") - entry) * D("0.5") + fee + exit_fee_stop
    assert decimal(body["loss_at_stop"]) == loss.quantize(D("0.00000001"))
    exit_fee_take = D("46000") * D("0.5") * perp.taker_fee_rate
    profit = (entry - D("46000")) * D("0.5") - fee - exit_fee_take
    assert decimal(body["profit_at_take_profit"]) == profit.quantize(D("0.00000001"))
    assert decimal(body["risk_reward_ratio"]) == (profit / loss).quantize(D("0.01"))
    assert decimal(body["risk_percent_of_equity"]) == (loss / 1000).quantize(D("0.01"))
    assert body["warnings"] == []
    assert body["carrying_cost_per_day"] is not None


def test_the_preview_matches_what_placing_the_order_does(market, user_client, account):
    fields = {"quantity": "1.5", "stop_loss": {"stop_price": "53000"}}
    body = previewed(user_client, **fields)

    order = placed(user_client, **fields)

    assert decimal(order["average_price"]) == decimal(body["entry_price"])
    assert decimal(order["fees"]) == decimal(body["fee"])
    position = user_client.get("/api/v1/positions/BTC-PERP").json()
    assert decimal(position["liquidation_price"]) == decimal(body["liquidation_price"])
    assert decimal(position["margin"]) == decimal(body["initial_margin"])
    account_now = user_client.get("/api/v1/account").json()
    assert decimal(account_now["available"]) == decimal(body["available_after"])


def test_a_preview_with_an_open_position_counts_what_it_closes(market, user_client, account):
    placed(user_client, quantity="1")

    body = previewed(user_client, side="buy", quantity="0.4", reduce_only=True)

    assert decimal(body["position_after"]) == D("-0.6")
    assert decimal(body["initial_margin"]) == 0  # closing frees margin, needs none
    assert decimal(body["cost"]) == decimal(body["fee"])
    assert decimal(body["available_after"]) > decimal(body["available"])
    assert body["carrying_cost_per_day"] is None


def test_a_lack_of_margin_is_a_warning_and_placing_is_then_refused(market, user_client):
    fits = previewed(user_client, quantity="15")
    too_big = previewed(user_client, quantity="25")

    assert fits["warnings"] == []
    assert [w["code"] for w in too_big["warnings"]] == ["insufficient_margin"]
    assert decimal(too_big["available_after"]) < 0
    placed(user_client, quantity="15")
    refused = user_client.post("/api/v1/orders", order_body(quantity="10"), format="json")
    assert_error(refused, 400, "insufficient_margin")


def test_a_stop_beyond_the_liquidation_price_is_flagged(market, user_client):
    body = previewed(user_client, quantity="15", stop_loss={"stop_price": "60000"})

    codes = [w["code"] for w in body["warnings"]]
    assert "stop_beyond_liquidation" in codes
    assert decimal(body["liquidation_price"]) < D("60000")


def test_a_limit_order_that_rests_pays_the_maker_fee_at_its_price(market, user_client):
    body = previewed(user_client, side="buy", type="limit", quantity="0.2", price="48000")

    perp = market["BTC-PERP"]
    assert decimal(body["entry_price"]) == D("48000")
    assert decimal(body["immediate_quantity"]) == 0
    assert decimal(body["resting_quantity"]) == D("0.2")
    assert decimal(body["fee"]) == D("48000") * D("0.2") * perp.maker_fee_rate
    assert decimal(body["initial_margin"]) == D("48000") * D("0.2") / 10
    # 9,600 USD of BTC against 100,000 USD: no positive price liquidates the long.
    assert body["liquidation_price"] is None


@pytest.mark.parametrize(
    ("fields", "entry"),
    [
        ({"type": "stop_market", "stop_price": "48000"}, "48000"),
        ({"type": "stop_limit", "stop_price": "48000", "price": "47900"}, "47900"),
        ({"type": "take_profit_market", "stop_price": "52000"}, "52000"),
        ({"type": "trailing_stop", "trailing_amount": "1000"}, "49000"),
        ({"type": "trailing_stop", "trailing_percent": "2"}, "49000"),
    ],
)
def test_conditional_orders_are_estimated_at_their_trigger(market, user_client, fields, entry):
    body = previewed(user_client, quantity="0.1", **fields)

    assert decimal(body["entry_price"]) == D(entry)
    assert decimal(body["immediate_quantity"]) == 0
    assert decimal(body["resting_quantity"]) == D("0.1")
    assert Order.objects.count() == 0


def test_buying_a_put_costs_its_premium_and_has_no_liquidation(market, user_client):
    body = previewed(user_client, instrument="BTC-P50000", side="buy", quantity="1")

    premium = decimal(body["premium"])
    assert premium == decimal(body["notional"]) > 0
    assert decimal(body["initial_margin"]) == 0
    assert decimal(body["cost"]) == premium + decimal(body["fee"])
    assert body["liquidation_price"] is None
    assert body["carrying_cost_per_day"] is None


def test_carrying_costs_per_day_by_instrument(market, user_client):
    spot_short = previewed(user_client, instrument="BTC-USD", quantity="1")
    spot_long = previewed(user_client, instrument="BTC-USD", side="buy", quantity="1")
    cfd_short = previewed(user_client, instrument="BTC-CFD", quantity="1")
    future = previewed(user_client, instrument="BTC-FUT", quantity="1")

    # Borrowing 1 BTC at 8% a year, valued at the mark, for 24 hours.
    borrow = D("50000") * D("0.08") * 24 / (365 * 24)
    assert decimal(spot_short["carrying_cost_per_day"]) == borrow.quantize(D("0.00000001"))
    assert decimal(spot_long["carrying_cost_per_day"]) == 0
    # With no benchmark rate a CFD short pays the admin fee, 10% a year, per night.
    financing = D("50000") * D("0.1") / 365
    assert decimal(cfd_short["carrying_cost_per_day"]) == financing.quantize(D("0.00000001"))
    assert future["carrying_cost_per_day"] is None


@pytest.mark.parametrize(
    ("fields", "status", "code", "field"),
    [
        ({"quantity": "0.0005"}, 400, "invalid_quantity", "quantity"),
        ({"quantity": "-1"}, 400, "invalid", "quantity"),
        ({"quantity": "lots"}, 400, "invalid", "quantity"),
        ({"quantity": "1000"}, 400, "invalid_quantity", "quantity"),
        ({"type": "limit", "price": "50000.3"}, 400, "invalid_price", "price"),
        ({"stop_loss": {"stop_price": "49000"}}, 400, "invalid_stop_loss", "stop_loss"),
        ({"take_profit": {"stop_price": "51000"}}, 400, "invalid_take_profit", "take_profit"),
        (
            {"type": "stop_market", "stop_price": "51000"},
            400,
            "would_trigger_immediately",
            "stop_price",
        ),
        ({"instrument": "DOGE-PERP"}, 400, "unknown_instrument", "instrument"),
        ({"time_in_force": "gtd"}, 400, "invalid", "expire_at"),
        ({"type": "sideways"}, 400, "invalid", "type"),
    ],
)
def test_bad_input_is_refused_with_the_field_that_caused_it(
    market, user_client, fields, status, code, field
):
    error = assert_error(preview(user_client, **fields), status, code)

    assert field in error["fields"]
    assert Order.objects.count() == 0


def test_refusals_without_a_field_use_the_same_codes_as_placing(market, user_client):
    assert_error(
        preview(user_client, type="limit", price="49000", post_only=True),
        400,
        "post_only_would_take",
    )
    assert_error(preview(user_client, side="buy", reduce_only=True), 400,
                 "reduce_only_would_increase")  # fmt: skip
    instrument_set_status(instrument=market["BTC-PERP"], status="halted")
    assert_error(preview(user_client), 400, "instrument_halted")


def test_a_preview_sees_only_the_callers_own_account(
    market, user_client, account, other_user, key_client_factory
):
    other = key_client_factory(user=other_user)
    placed(other, quantity="5")  # the other user is short 5 BTC

    mine = previewed(user_client, side="buy", quantity="1")

    assert decimal(mine["position_after"]) == D("1")
    assert decimal(mine["available"]) == D("100000")
    assert_error(
        preview(user_client, side="buy", quantity="1", reduce_only=True),
        400,
        "reduce_only_would_increase",
    )
    theirs = previewed(other, side="buy", quantity="1")
    assert decimal(theirs["position_after"]) == D("-4")


def test_a_read_only_api_key_may_preview_but_not_place(market, user, key_client_factory):
    client = key_client_factory(user=user, scope="read")

    assert preview(client).status_code == 200
    assert_error(client.post("/api/v1/orders", order_body(), format="json"), 403,
                 "permission_denied")  # fmt: skip


def test_signed_out_callers_cannot_preview(market, api_client):
    response = preview(api_client)

    assert response.status_code in (401, 403)
    assert set(response.json()) == {"error"}


def test_the_preview_is_in_the_openapi_schema(api_client):
    schema = api_client.get("/api/v1/schema/", {"format": "json"}).json()

    operation = schema["paths"]["/api/v1/orders/preview"]["post"]
    assert operation["operationId"] == "orders_preview"
    assert "OrderPreviewOutput" in schema["components"]["schemas"]
    assert set(operation["responses"]) >= {"200", "400", "401"}


def test_the_selector_refuses_nothing_it_would_accept_and_writes_nothing(market, account):
    from trading.services.orders import Exit, OrderRequest

    request = OrderRequest(
        instrument="BTC-PERP",
        side="sell",
        type="market",
        quantity=D("0.3"),
        stop_loss=Exit(stop_price=D("51000")),
    )
    before = nothing_written()

    result = selectors.order_preview(account=account, request=request)

    assert nothing_written() == before
    assert result.loss_at_stop > 0 and result.profit_at_take_profit is None
    assert result.risk_reward_ratio is None
