"""The stale-price banner on the pages where users watch prices, and in the partials they poll."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from market import selectors as market_selectors
from market import services as market_services
from market.models import Instrument, Underlying
from tests.factories.market import BTC_SIZES, btc_market
from trading import selectors, services
from trading.services.orders import OrderRequest

pytestmark = pytest.mark.django_db

BANNER = 'data-testid="stale-prices"'


def text_of(response) -> str:
    """The page's text as a reader sees it (humanize's no-break spaces as spaces)."""
    return re.sub(r"\s+", " ", strip_tags(response.content.decode())).strip()


def banners(response) -> list[str]:
    """The symbols the page's stale-price banners name, in order."""
    return re.findall(
        r'data-testid="stale-prices" data-symbol="([^"]+)"', response.content.decode()
    )


def age(symbol: str, **delta) -> None:
    """Make the underlying's last tick as old as ``delta``: its feed stopped then."""
    Underlying.objects.filter(symbol=symbol).update(
        last_tick_at=timezone.now() - timedelta(**delta)
    )


@pytest.fixture
def market(db):
    instruments = btc_market()
    eth = market_services.underlying_upsert(
        symbol="ETH", name="Ether", initial_price=Decimal("3000"), lists_derivatives=False
    )
    market_services.instrument_upsert(
        symbol="ETH-PERP",
        underlying=eth,
        kind=Instrument.Kind.PERPETUAL,
        tick_size=Decimal("0.1"),
        max_leverage=Decimal("20"),
        initial_margin_rate=Decimal("0.05"),
        maintenance_margin_rate=Decimal("0.025"),
        funding_interval_hours=8,
        **BTC_SIZES,
    )
    market_services.index_move(symbol="ETH", price=Decimal("3000"))
    return instruments


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def short_perp(user, market):
    """The user's short of 0.5 BTC-PERP: the only instrument the user holds."""
    services.order_place(
        account=selectors.paper_account_for_user(user=user),
        request=OrderRequest(
            instrument="BTC-PERP", side="sell", type="market", quantity=Decimal("0.5")
        ),
    )


# The trade page -----------------------------------------------------------------


def test_the_trade_page_has_no_banner_while_prices_move(client, market):
    response = client.get(reverse("trade", args=["BTC-PERP"]))

    assert response.status_code == 200
    assert 'id="trade-price-banner"' in response.content.decode()
    assert banners(response) == []
    assert "stale" not in text_of(response).lower()


def test_the_trade_page_warns_of_stale_prices_and_says_what_orders_do(client, market):
    age("BTC", minutes=2)

    response = client.get(reverse("trade", args=["BTC-PERP"]))

    assert banners(response) == ["BTC-PERP"]
    text = text_of(response)
    assert "Prices for BTC-PERP are stale: last update 2 minutes ago." in text
    assert "Orders still fill at the last price shown" in text
    assert "stops, take-profits, resting limit orders and liquidations wait for the next price" in (
        text
    )
    # The banner sits under the page header, above the chart.
    html = response.content.decode()
    assert html.index(BANNER) < html.index('id="chart"')


def test_the_polled_market_partial_brings_the_banner_and_takes_it_away(client, market):
    url = reverse("trade_market", args=["BTC-PERP"])
    fresh = client.get(url).content.decode()
    # Out of band: the partial replaces the page's banner, empty while prices move.
    assert 'id="trade-price-banner"' in fresh
    assert 'hx-swap-oob="true"' in fresh
    assert BANNER not in fresh

    age("BTC", seconds=40)
    stale = client.get(url)
    assert banners(stale) == ["BTC-PERP"]
    assert "last update 40 seconds ago" in text_of(stale)

    market_services.index_move(symbol="BTC", price=Decimal("50100"))
    assert BANNER not in client.get(url).content.decode()


def test_the_trade_page_of_another_underlying_stays_quiet(client, market):
    age("BTC", minutes=5)

    assert banners(client.get(reverse("trade", args=["ETH-PERP"]))) == []
    assert banners(client.get(reverse("trade", args=["BTC-USD"]))) == ["BTC-USD"]


def test_a_paused_replay_shows_a_note_not_a_warning(client, market):
    Underlying.objects.filter(symbol="BTC").update(
        replay_paused=True, last_tick_at=timezone.now() - timedelta(hours=1)
    )

    response = client.get(reverse("trade", args=["BTC-PERP"]))

    assert banners(response) == []
    assert 'data-testid="paused-prices" data-symbol="BTC-PERP"' in response.content.decode()
    assert "Prices for BTC-PERP are paused" in text_of(response)


def test_no_banner_before_the_first_price_only_the_no_price_note(client, market):
    Underlying.objects.filter(symbol="ETH").update(last_tick_at=None, index_price=None)
    cache.clear()

    response = client.get(reverse("trade", args=["ETH-PERP"]))

    assert 'data-testid="no-price"' in response.content.decode()
    assert banners(response) == []


# The position page ----------------------------------------------------------------


def test_the_position_page_warns_while_the_position_is_open(signed_in, short_perp):
    url = reverse("position_detail", args=["BTC-PERP"])
    live = reverse("position_detail_live", args=["BTC-PERP"])
    assert banners(signed_in.get(url)) == []
    assert banners(signed_in.get(live)) == []

    age("BTC", minutes=3)

    assert banners(signed_in.get(url)) == ["BTC-PERP"]
    response = signed_in.get(live)
    assert banners(response) == ["BTC-PERP"]
    assert "Prices for BTC-PERP are stale: last update 3 minutes ago." in text_of(response)

    market_services.index_move(symbol="BTC", price=Decimal("49900"))
    assert banners(signed_in.get(live)) == []


def test_a_closed_positions_story_has_no_banner(signed_in, user, short_perp):
    services.order_place(
        account=selectors.paper_account_for_user(user=user),
        request=OrderRequest(
            instrument="BTC-PERP",
            side="buy",
            type="market",
            quantity=Decimal("0.5"),
            reduce_only=True,
        ),
    )
    age("BTC", minutes=3)

    assert banners(signed_in.get(reverse("position_detail", args=["BTC-PERP"]))) == []


# The dashboard --------------------------------------------------------------------


def test_the_dashboard_warns_only_of_instruments_the_user_holds(signed_in, short_perp):
    page, live = reverse("dashboard"), reverse("dashboard_live")
    age("ETH", minutes=10)  # Stale, but the user holds nothing on ETH.

    assert banners(signed_in.get(page)) == []
    assert banners(signed_in.get(live)) == []

    age("BTC", minutes=2)

    # One banner for the position, not one per BTC instrument.
    assert banners(signed_in.get(page)) == ["BTC-PERP"]
    response = signed_in.get(live)
    assert banners(response) == ["BTC-PERP"]
    assert "Prices for BTC-PERP are stale: last update 2 minutes ago." in text_of(response)


def test_an_empty_dashboard_has_no_banner(signed_in, market):
    age("BTC", minutes=2)

    assert banners(signed_in.get(reverse("dashboard"))) == []


# The markets list -----------------------------------------------------------------


def test_the_markets_list_marks_each_stale_instrument(client, market):
    for url in (reverse("markets"), reverse("markets_live")):
        assert 'data-testid="stale-' not in client.get(url).content.decode()

    age("BTC", minutes=2)

    for url in (reverse("markets"), reverse("markets_live")):
        html = client.get(url).content.decode()
        marked = set(re.findall(r'data-testid="stale-([A-Z0-9-]+)"', html))
        assert marked == {"BTC-PERP", "BTC-USD", "BTC-CFD", "BTC-FUT"}  # ETH-PERP still moves.
        row = html.split('data-symbol="BTC-PERP"')[1].split("</tr>")[0]
        assert "Stale prices · last update 2 minutes ago" in re.sub(r"\s+", " ", strip_tags(row))


# What the banner says ---------------------------------------------------------------


def test_orders_still_fill_at_the_last_price_while_prices_are_stale(user, market):
    """The banner's promise: a stale feed stops nothing, orders fill against the last quote."""
    age("BTC", minutes=10)
    perp = Instrument.objects.select_related("underlying").get(symbol="BTC-PERP")
    quote = market_selectors.ticker_get(instrument=perp)
    assert market_selectors.price_freshness(instrument=perp).stale is True

    order, _ = services.order_place(
        account=selectors.paper_account_for_user(user=user),
        request=OrderRequest(
            instrument="BTC-PERP", side="sell", type="market", quantity=Decimal("0.1")
        ),
    )

    assert order.status == "filled"
    assert order.average_price == quote.bid
