"""The public instruments API: listing, filtering and one instrument."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from market.models import Instrument
from market.services import instrument_set_status, margin_tiers_replace

pytestmark = pytest.mark.django_db

COMMON_FIELDS = {
    "symbol", "kind", "underlying", "quote_asset", "status", "tick_size", "lot_size",
    "min_quantity", "max_quantity", "max_leverage", "initial_margin_rate",
    "maintenance_margin_rate", "maker_fee_rate", "taker_fee_rate",
}  # fmt: skip
KIND_FIELDS = {
    "borrow_rate", "funding_interval_hours", "funding_rate_cap", "financing_rate",
    "basis_rate", "expiry", "strike", "option_type", "settlement_price",
}  # fmt: skip


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=StringIO())


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    assert isinstance(body["error"]["fields"], dict)
    return body["error"]


def all_symbols(client, **params):
    """Follow the pages and return every symbol listed."""
    symbols, page = [], 1
    while True:
        response = client.get("/api/v1/instruments", {**params, "page": page, "page_size": 200})
        assert response.status_code == 200, response.content
        body = response.json()
        symbols += [instrument["symbol"] for instrument in body["results"]]
        if body["next"] is None:
            return symbols
        page += 1


def test_list_needs_no_sign_in_and_shows_every_instrument(api_client, demo):
    response = api_client.get("/api/v1/instruments")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == Instrument.objects.count()
    first = body["results"][0]
    assert set(first) == COMMON_FIELDS | KIND_FIELDS | {"margin_tiers"}
    assert sorted(all_symbols(api_client)) == sorted(
        Instrument.objects.values_list("symbol", flat=True)
    )


def test_list_pages(api_client, demo):
    response = api_client.get("/api/v1/instruments", {"page_size": 5})

    body = response.json()
    assert len(body["results"]) == 5
    assert body["next"] is not None
    assert body["previous"] is None


def test_list_loads_tiers_without_a_query_per_instrument(
    api_client, demo, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):  # count, the page, the page's tiers
        response = api_client.get("/api/v1/instruments", {"page_size": 100})
    assert len(response.json()["results"]) > 10


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "perpetual"}, {"BTC-PERP", "ETH-PERP"}),
        ({"kind": "spot"}, {"BTC-USD", "ETH-USD"}),
        ({"kind": "cfd", "underlying": "ETH"}, {"ETH-CFD"}),
        ({"underlying": "eth"}, {"ETH-USD", "ETH-PERP", "ETH-CFD"}),
    ],
)
def test_list_filters(api_client, demo, params, expected):
    assert set(all_symbols(api_client, **params)) == expected


def test_list_filters_by_underlying_and_kind_for_dated_listings(api_client, demo):
    futures = all_symbols(api_client, underlying="BTC", kind="future")
    options = all_symbols(api_client, underlying="BTC", kind="option")

    assert futures and all(symbol.startswith("BTC-") for symbol in futures)
    assert set(futures) == set(
        Instrument.objects.filter(kind="future").values_list("symbol", flat=True)
    )
    assert len(options) == Instrument.objects.filter(kind="option").count() > 0


def test_list_filters_by_status(api_client, demo):
    instrument_set_status(instrument=Instrument.objects.get(symbol="ETH-CFD"), status="halted")

    assert all_symbols(api_client, status="halted") == ["ETH-CFD"]
    assert "ETH-CFD" not in all_symbols(api_client, status="open")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "swap"}, "kind"),
        ({"status": "closed"}, "status"),
        ({"underlying": "DOGE"}, "underlying"),
        ({"underlying": "X" * 13}, "underlying"),
    ],
)
def test_list_refuses_bad_filters(api_client, demo, params, field):
    error = assert_error(api_client.get("/api/v1/instruments", params), 400, "invalid")
    assert set(error["fields"]) == {field}


def test_detail_of_a_spot_instrument(api_client, demo):
    response = api_client.get("/api/v1/instruments/BTC-USD")

    assert response.status_code == 200
    body = response.json()
    assert body["symbol"] == "BTC-USD"
    assert body["kind"] == "spot"
    assert body["underlying"] == "BTC"
    assert body["quote_asset"] == "USD"
    assert body["status"] == "open"
    assert body["tick_size"] == "0.01000000"
    assert Decimal(body["borrow_rate"]) == Decimal("0.08")
    assert Decimal(body["max_leverage"]) == 3
    for field in KIND_FIELDS - {"borrow_rate"}:
        assert body[field] is None, field
    assert body["margin_tiers"] == []


def test_detail_of_a_perpetual_with_margin_tiers(api_client, demo):
    perpetual = Instrument.objects.get(symbol="BTC-PERP")
    margin_tiers_replace(
        instrument=perpetual,
        tiers=[
            {
                "max_notional": Decimal("1000000"),
                "initial_margin_rate": Decimal("0.04"),
                "maintenance_margin_rate": Decimal("0.02"),
                "maintenance_amount": Decimal("5000"),
            },
            {
                "max_notional": Decimal("100000"),
                "initial_margin_rate": Decimal("0.02"),
                "maintenance_margin_rate": Decimal("0.01"),
            },
        ],
    )

    body = api_client.get("/api/v1/instruments/BTC-PERP").json()

    assert body["funding_interval_hours"] == 8
    assert Decimal(body["funding_rate_cap"]) == Decimal("0.0075")
    assert body["margin_tiers"] == [
        {
            "max_notional": "100000.00000000",
            "initial_margin_rate": "0.02000000",
            "maintenance_margin_rate": "0.01000000",
            "maintenance_amount": "0.00000000",
        },
        {
            "max_notional": "1000000.00000000",
            "initial_margin_rate": "0.04000000",
            "maintenance_margin_rate": "0.02000000",
            "maintenance_amount": "5000.00000000",
        },
    ]


def test_detail_of_an_option(api_client, demo):
    option = Instrument.objects.filter(kind="option", option_type="put").first()

    body = api_client.get(f"/api/v1/instruments/{option.symbol}").json()

    assert body["kind"] == "option"
    assert body["option_type"] == "put"
    assert Decimal(body["strike"]) == option.strike
    assert body["expiry"] == option.expiry.isoformat().replace("+00:00", "Z")
    assert body["settlement_price"] is None


def test_times_are_utc_whatever_the_callers_time_zone(user, user_client, demo):
    user.time_zone = "Asia/Tokyo"
    user.save(update_fields=["time_zone"])
    option = Instrument.objects.filter(kind="option").first()

    body = user_client.get(f"/api/v1/instruments/{option.symbol}").json()

    assert body["expiry"].endswith("Z")


@pytest.mark.parametrize(
    "path", ["", "/ticker", "/candles", "/indicators?name=sma", "/candles?interval=bad"]
)
def test_unknown_symbol_is_not_found_on_every_endpoint(api_client, demo, path):
    error = assert_error(api_client.get(f"/api/v1/instruments/NOPE-PERP{path}"), 404, "not_found")
    assert "NOPE-PERP" in error["message"]


def test_signed_in_callers_read_too(user_client, demo):
    assert user_client.get("/api/v1/instruments/BTC-PERP").status_code == 200


def test_wrong_credentials_are_refused_even_on_public_reads(api_client, demo):
    api_client.credentials(HTTP_AUTHORIZATION="Api-Key sb_nope.nope")
    response = api_client.get("/api/v1/instruments")
    assert response.status_code == 401
    assert set(response.json()) == {"error"}
