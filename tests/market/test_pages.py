"""The public markets page and the option chain, driven through Django's test client."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from market import services
from market.models import Instrument, Positioning, Underlying
from tests.factories.market import btc_market, move

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return re.sub(r"\s+", " ", strip_tags(response.content.decode()))


def row_of(response, symbol: str) -> str:
    """The visible text of the instrument's row in the markets tables."""
    html = response.content.decode()
    match = re.search(rf'<tr data-symbol="{re.escape(symbol)}">(.*?)</tr>', html, re.S)
    assert match, f"no row for {symbol}"
    return re.sub(r"\s+", " ", strip_tags(match.group(1))).strip()


@pytest.fixture
def market():
    return btc_market()


def test_markets_page_is_public_and_lists_every_kind(client, market):
    response = client.get(reverse("markets"))

    assert response.status_code == 200
    text = text_of(response)
    for heading in ("Perpetual future", "Spot on margin", "Dated future", "CFD", "Options"):
        assert heading in text
    for symbol in ("BTC-PERP", "BTC-USD", "BTC-FUT", "BTC-CFD"):
        assert f'href="/trade/{symbol}/"' in response.content.decode()
    assert "/guides/perpetual-futures/" in response.content.decode()


def test_markets_row_shows_price_to_the_tick_change_funding_and_positioning(client, market):
    perp = market["BTC-PERP"]
    services.positioning_update(
        instrument=perp,
        long_quantity=Decimal("3.5"),
        short_quantity=Decimal("1.25"),
        long_accounts=3,
        short_accounts=2,
    )
    move("51000")  # +2% from the 50,000 the hour's candle opened at

    response = client.get(reverse("markets"))

    spot = row_of(response, "BTC-USD")  # spot is marked at the index; a perpetual adds a premium
    assert "51,000.0" in spot  # tick 0.5: one decimal
    assert "▲ +2.00%" in spot
    row = row_of(response, "BTC-PERP")
    assert "/ 8 h" in row  # the funding rate per interval
    assert "4.750 BTC" in row  # open interest to the lot of 0.001
    assert "1.50" in row and "▲ 3 long" in row and "▼ 2 short" in row


def test_markets_row_shows_a_fall_with_a_down_arrow_and_minus_sign(client, market):
    move("49000")

    row = row_of(client.get(reverse("markets")), "BTC-USD")

    assert "49,000.0" in row
    assert "▼ -2.00%" in row


def test_markets_live_partial_polls_while_visible(client, market):
    response = client.get(reverse("markets_live"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "every 1s [document.visibilityState === 'visible']" in html
    assert 'data-symbol="BTC-PERP"' in html


def test_markets_without_a_tick_say_no_price_yet(client, db):
    services.underlying_upsert(
        symbol="ETH", name="Ether", initial_price=Decimal("3000"), lists_derivatives=False
    )
    services.instrument_upsert(
        symbol="ETH-PERP",
        underlying=Underlying.objects.get(symbol="ETH"),
        kind=Instrument.Kind.PERPETUAL,
        tick_size=Decimal("0.05"),
        lot_size=Decimal("0.01"),
        min_quantity=Decimal("0.01"),
        max_quantity=Decimal("100"),
        max_leverage=Decimal("20"),
        initial_margin_rate=Decimal("0.05"),
        maintenance_margin_rate=Decimal("0.025"),
        funding_interval_hours=8,
    )

    response = client.get(reverse("markets"))

    assert response.status_code == 200
    assert "No price yet" in row_of(response, "ETH-PERP")


def test_option_chain_shows_strikes_by_expiry_with_quotes_and_greeks(client, market):
    response = client.get(reverse("option_chain", args=["BTC"]))

    assert response.status_code == 200
    put = market["BTC-P50000"]
    text = text_of(response)
    assert "Expiring" in text and "50,000" in text
    assert f'href="/trade/{put.symbol}/"' in response.content.decode()
    assert "/guides/puts-and-calls/" in response.content.decode()
    html = response.content.decode()
    # The put sits right of the strike: bid, ask, IV and four Greeks; no call is listed.
    row = re.search(r"<tr>(.*?)</tr>", html.split("<tbody>")[1], re.S).group(1)
    cells = [strip_tags(c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
    assert cells[0] == "Not listed"
    assert cells[1] == "50,000"
    bid, ask, iv, delta = (cells[2], cells[3], cells[4], cells[5])
    assert Decimal(bid.replace(",", "")) < Decimal(ask.replace(",", ""))
    assert iv.endswith("%") and not iv.startswith("+")
    assert -1 < Decimal(delta) < 0  # a put's delta


def test_option_chain_index_opens_the_first_underlying(client, market):
    response = client.get(reverse("option_chain_index"))

    assert response.status_code == 302
    assert response["Location"] == reverse("option_chain", args=["BTC"])


def test_option_chain_of_an_unknown_underlying_is_not_found(client, market):
    assert client.get(reverse("option_chain", args=["NOPE"])).status_code == 404


def test_settled_instruments_are_not_listed(client, market):
    future = market["BTC-FUT"]
    Instrument.objects.filter(pk=future.pk).update(status=Instrument.Status.SETTLED)

    html = client.get(reverse("markets")).content.decode()

    assert 'data-symbol="BTC-FUT"' not in html
    assert 'data-symbol="BTC-PERP"' in html


def test_chain_links_on_the_markets_page_reach_each_expiry(client, market):
    expiry = market["BTC-P50000"].expiry

    html = client.get(reverse("markets")).content.decode()

    assert f"/markets/options/BTC/#expiry-{expiry:%Y%m%d}" in html
    assert timezone.now() < expiry < timezone.now() + timedelta(days=31)
    assert Positioning.objects.count() == 0  # a page read writes nothing


def test_option_chain_live_partial_polls_while_visible(client, market):
    response = client.get(reverse("option_chain_live", args=["BTC"]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "every 1s [document.visibilityState === 'visible']" in html
    assert f'id="chain-{market["BTC-P50000"].symbol}-bid"' in html
    assert client.get(reverse("option_chain_live", args=["NOPE"])).status_code == 404
