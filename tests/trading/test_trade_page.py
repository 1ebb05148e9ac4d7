"""The trade page and the partials it polls, through Django's test client."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from market import services as market_services
from market.models import Instrument
from tests.factories.market import btc_market
from trading import selectors, services
from trading.services.orders import Exit, OrderRequest

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return re.sub(r"\s+", " ", strip_tags(response.content.decode()))


@pytest.fixture
def market(db):
    return btc_market()


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


def short(user, *, symbol="BTC-PERP", quantity="0.5", **fields):
    order, _ = services.order_place(
        account=selectors.paper_account_for_user(user=user),
        request=OrderRequest(
            instrument=symbol, side="sell", type="market", quantity=Decimal(quantity), **fields
        ),
    )
    return order


def test_a_visitor_watches_the_market_and_is_asked_to_sign_in(client, market):
    response = client.get(reverse("trade", args=["BTC-PERP"]))

    assert response.status_code == 200
    html = response.content.decode()
    text = text_of(response)
    assert 'id="chart"' in html
    assert 'data-testid="order-book"' in html
    assert "50,000.0" in text  # the mark, to BTC-PERP's tick of 0.5
    assert 'data-testid="ticket-signin"' in html
    assert 'id="ticket-form"' not in html
    assert "/accounts/login/?next=/trade/BTC-PERP/" in html
    assert 'href="/guides/perpetual-futures/"' in html
    assert "vendor/lightweight-charts-5.2.1/" in html
    assert "vendor/htmx-2.0.11/htmx.min.js" in html


def test_the_ticket_offers_every_order_type_and_time_in_force(signed_in, market):
    response = signed_in.get(reverse("trade", args=["BTC-PERP"]))

    html = response.content.decode()
    for order_type in (
        "market",
        "limit",
        "stop_market",
        "stop_limit",
        "take_profit_market",
        "take_profit_limit",
        "trailing_stop",
    ):
        assert f'<option value="{order_type}">' in html
    for tif in ("gtc", "ioc", "fok", "gtd"):
        assert f'<option value="{tif}">' in html
    for name in (
        "quantity",
        "price",
        "stop_price",
        "trailing",
        "trailing_by",
        "expire_at",
        "post_only",
        "reduce_only",
        "stop_loss.stop_price",
        "stop_loss.price",
        "take_profit.stop_price",
        "take_profit.price",
        "leverage",
    ):
        assert f'name="{name}"' in html, name
    # Every input an error can name has its error list beside it.
    for field in ("quantity", "price", "stop_price", "stop_loss", "take_profit", "expire_at"):
        assert f'id="error-{field}"' in html
    assert 'value="10"' in html  # the default leverage


def test_leverage_shows_what_the_trader_set(signed_in, user, market):
    account = selectors.paper_account_for_user(user=user)
    services.leverage_set(account=account, instrument=market["BTC-PERP"], leverage=Decimal("25"))

    response = signed_in.get(reverse("trade", args=["BTC-PERP"]))

    assert (
        'id="ticket-leverage" name="leverage" inputmode="decimal" autocomplete="off" value="25"'
        in (response.content.decode())
    )


def test_the_ticket_shows_the_margin_mode_the_trader_chose(signed_in, user, market):
    account = selectors.paper_account_for_user(user=user)
    html = signed_in.get(reverse("trade", args=["BTC-PERP"])).content.decode()
    assert '<option value="cross" selected>' in html

    services.margin_mode_set(account=account, instrument=market["BTC-PERP"], margin_mode="isolated")

    html = signed_in.get(reverse("trade", args=["BTC-PERP"])).content.decode()
    assert '<option value="isolated" selected>' in html
    assert 'id="error-margin-mode"' in html


def test_an_option_has_no_leverage_and_links_the_options_guide(signed_in, market):
    response = signed_in.get(reverse("trade", args=["BTC-P50000"]))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="leverage"' not in html
    assert 'name="margin_mode"' not in html
    assert 'href="/guides/puts-and-calls/"' in html
    assert "Buying a put profits when the price falls" in html


@pytest.mark.parametrize(
    ("symbol", "slug"),
    [
        ("BTC-USD", "margin-shorting"),
        ("BTC-PERP", "perpetual-futures"),
        ("BTC-FUT", "dated-futures"),
        ("BTC-CFD", "cfds"),
    ],
)
def test_each_kind_links_its_guide(client, market, symbol, slug):
    response = client.get(reverse("trade", args=[symbol]))

    assert f'href="/guides/{slug}/"' in response.content.decode()


def test_an_unknown_symbol_is_a_404(client, market):
    assert client.get("/trade/DOGE-PERP/").status_code == 404
    assert client.get("/trade/DOGE-PERP/market/").status_code == 404
    assert client.get("/trade/DOGE-PERP/account/").status_code == 404


def test_the_trade_index_opens_a_perpetual_or_the_symbol_asked_for(client, market):
    assert client.get("/trade/")["Location"] == "/trade/BTC-PERP/"
    assert client.get("/trade/", {"symbol": "BTC-CFD"})["Location"] == "/trade/BTC-CFD/"
    assert client.get("/trade/", {"symbol": "NOPE"}).status_code == 404


def test_the_trade_index_without_instruments_is_a_404(client, db):
    assert client.get("/trade/").status_code == 404


def test_the_market_partial_polls_itself_only_while_the_tab_is_visible(client, market):
    response = client.get(reverse("trade_market", args=["BTC-PERP"]))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'hx-get="/trade/BTC-PERP/market/"' in html
    assert "every 1s [document.visibilityState === 'visible']" in html
    assert 'hx-swap="outerHTML"' in html
    assert "<html" not in html  # a fragment, not a page


def test_the_book_merges_users_orders_with_the_outside_liquidity(client, user, market):
    account = selectors.paper_account_for_user(user=user)
    services.order_place(
        account=account,
        request=OrderRequest(
            instrument="BTC-PERP",
            side="buy",
            type="limit",
            quantity=Decimal("0.25"),
            price=Decimal("49990"),
        ),
    )

    response = client.get(reverse("trade_market", args=["BTC-PERP"]))

    rows = re.findall(
        r'<tr class="book-(bid|ask)"[^>]*>(.*?)</tr>', response.content.decode(), re.S
    )
    bids = [re.sub(r"\s+", " ", strip_tags(cells)).strip() for side, cells in rows if side == "bid"]
    asks = [re.sub(r"\s+", " ", strip_tags(cells)).strip() for side, cells in rows if side == "ask"]
    assert len(bids) == len(asks) == 12
    assert "Bid 49,990.0 0.250 0.250" in bids  # all of it a user's: to the lot, 0.001
    assert all("Bid" in row for row in bids) and all("Ask" in row for row in asks)
    prices = [Decimal(row.split()[1].replace(",", "")) for row in asks + bids]
    assert prices == sorted(prices, reverse=True)  # far asks first down to far bids


def test_the_tape_highlights_whale_trades_with_a_word(client, user, market):
    perp = market["BTC-PERP"]
    Instrument.objects.filter(pk=perp.pk).update(whale_notional=Decimal("100000"))
    short(user, quantity="0.1")
    short(user, quantity="3")  # 150,000 USD: a whale

    response = client.get(reverse("trade_market", args=["BTC-PERP"]))

    html = response.content.decode()
    whale_rows = re.findall(r'<tr class="whale">(.*?)</tr>', html, re.S)
    plain_rows = re.findall(r'<tr class="">(.*?)</tr>', html, re.S)
    assert whale_rows and plain_rows
    assert all("Whale" in row and "▼ Sell" in row for row in whale_rows)
    assert not any("Whale" in row for row in plain_rows)


def test_no_price_yet_is_said_rather_than_crashing(client, db):
    eth = market_services.underlying_upsert(
        symbol="ETH", name="Ether", initial_price=Decimal("3000"), seed=3,
        lists_derivatives=False,
    )  # fmt: skip
    market_services.instrument_upsert(
        symbol="ETH-PERP", underlying=eth, kind=Instrument.Kind.PERPETUAL,
        tick_size=Decimal("0.01"), lot_size=Decimal("0.01"), min_quantity=Decimal("0.01"),
        max_quantity=Decimal("1000"), max_leverage=Decimal("20"),
        initial_margin_rate=Decimal("0.05"), maintenance_margin_rate=Decimal("0.025"),
        funding_interval_hours=8,
    )  # fmt: skip
    from market.models import Underlying

    if Underlying.objects.get(symbol="ETH").last_tick_at is not None:
        pytest.fail("the new underlying ticked already; this test needs one without a price")

    page = client.get("/trade/ETH-PERP/")
    partial = client.get("/trade/ETH-PERP/market/")

    assert page.status_code == partial.status_code == 200
    assert "has not ticked" in text_of(partial)


def test_the_account_partial_shows_only_the_callers_position_and_orders(
    client, user, other_user, market
):
    short(user, quantity="0.5", stop_loss=Exit(stop_price=Decimal("52000")))
    short(other_user, quantity="7")
    client.force_login(user)

    response = client.get(reverse("trade_account", args=["BTC-PERP"]))

    text = text_of(response)
    assert "▼ Short" in text
    assert "0.500" in text and "7.000" not in text
    assert "Attached stop-loss" in text
    assert "52,000.0" in text
    assert "tradeRefresh from:body" in response.content.decode()
    other_orders = selectors.order_list(account=selectors.paper_account_for_user(user=other_user))
    for order in other_orders:
        assert f"#{order.pk}" not in text


def test_the_account_partial_is_empty_for_a_visitor(client, market):
    response = client.get(reverse("trade_account", args=["BTC-PERP"]))

    assert response.status_code == 200
    assert response.content.decode().strip() == '<div id="trade-account"></div>'


def test_the_trade_pages_only_read(client, market):
    for url in ("/trade/BTC-PERP/", "/trade/BTC-PERP/market/", "/trade/BTC-PERP/account/"):
        assert client.post(url).status_code == 405
