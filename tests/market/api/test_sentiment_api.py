"""Sentiment: users' positioning, funding rate history, whales; the ticker's last price."""

from datetime import timedelta
from decimal import Decimal

import pytest

from market import services
from market.models import FundingRate, Instrument
from tests.factories.market import btc_market
from trading import selectors
from trading.services import order_place
from trading.services.orders import OrderRequest
from trading.tasks import positioning_publish

pytestmark = pytest.mark.django_db


def trade(user, side, quantity, symbol="BTC-PERP"):
    account = selectors.paper_account_for_user(user=user)
    request = OrderRequest(instrument=symbol, side=side, type="market", quantity=Decimal(quantity))
    return order_place(account=account, request=request)[0]


def test_sentiment_counts_longs_shorts_and_whales(api_client, user_factory):
    btc_market()
    Instrument.objects.filter(symbol="BTC-PERP").update(whale_notional=Decimal("100000"))
    first, second, third = user_factory(), user_factory(), user_factory()
    trade(first, "sell", "0.5")
    trade(second, "sell", "2.5")  # about 125,000 USD: a whale
    trade(third, "buy", "1")
    assert positioning_publish.apply().get() == 1

    body = api_client.get("/api/v1/instruments/BTC-PERP/sentiment").json()

    assert Decimal(body["short_quantity"]) == Decimal("3")
    assert Decimal(body["long_quantity"]) == Decimal("1")
    assert Decimal(body["open_interest"]) == Decimal("4")
    assert (body["short_accounts"], body["long_accounts"]) == (2, 1)
    assert Decimal(body["long_short_ratio"]) == Decimal("0.5")
    # The 2.5 BTC order swept two levels of the outside market: both are whale trades.
    assert sum(Decimal(w["quantity"]) for w in body["whales"]) == Decimal("2.5")
    assert body["whales"][0]["taker_side"] == "sell"


def test_sentiment_of_an_untraded_instrument_and_unknown_symbol(api_client):
    btc_market()
    body = api_client.get("/api/v1/instruments/BTC-CFD/sentiment").json()
    assert body["long_short_ratio"] is None
    assert Decimal(body["open_interest"]) == 0
    assert body["whales"] == [] and body["funding_rates"] == []
    assert api_client.get("/api/v1/instruments/NOPE/sentiment").status_code == 404


def test_a_tick_past_a_funding_time_fixes_the_rate(api_client):
    instruments = btc_market()
    btc = instruments["BTC-PERP"].underlying
    btc.refresh_from_db()
    last = btc.last_tick_at
    boundary = last.replace(minute=0, second=0, microsecond=0)
    boundary += timedelta(hours=8 - boundary.hour % 8)
    services.underlying_tick(underlying=btc, now=boundary + timedelta(seconds=1))
    rate = FundingRate.objects.get(instrument__symbol="BTC-PERP")
    assert rate.funding_time == boundary
    assert abs(rate.rate) <= Decimal("0.0075")
    services.underlying_tick(underlying=btc, now=boundary + timedelta(seconds=2))
    assert FundingRate.objects.count() == 1
    history = api_client.get("/api/v1/instruments/BTC-PERP/sentiment").json()["funding_rates"]
    assert [Decimal(h["rate"]) for h in history] == [rate.rate]


def test_the_ticker_shows_the_last_trade(api_client, user):
    btc_market()
    assert api_client.get("/api/v1/instruments/BTC-PERP/ticker").json()["last"] is None
    order = trade(user, "sell", "0.1")
    body = api_client.get("/api/v1/instruments/BTC-PERP/ticker").json()
    assert Decimal(body["last"]) == order.average_price
