"""Whether an instrument's prices are stale: the rule the banner, the ticker and /readyz share."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from market import selectors, services
from market.models import Instrument, Underlying
from tests.factories.market import BTC_SIZES, btc_market

pytestmark = pytest.mark.django_db


@pytest.fixture
def market():
    return btc_market()


def btc() -> Underlying:
    return Underlying.objects.get(symbol="BTC")


def instrument(symbol: str) -> Instrument:
    return Instrument.objects.select_related("underlying").get(symbol=symbol)


def age_btc(seconds: float) -> None:
    """Make BTC's last tick ``seconds`` old, as a feed that stopped then would leave it."""
    Underlying.objects.filter(symbol="BTC").update(
        last_tick_at=timezone.now() - timedelta(seconds=seconds)
    )


def test_the_default_threshold_is_fifteen_missed_ticks():
    assert settings.MARKET_TICK_SECONDS == 1.0
    assert settings.SHORTBOOK_STALE_PRICE_SECONDS == 15.0
    assert selectors.stale_price_max_age() == timedelta(seconds=15)


def test_prices_just_ticked_are_fresh(market):
    freshness = selectors.price_freshness(instrument=instrument("BTC-PERP"))

    assert freshness.symbol == "BTC-PERP"
    assert freshness.updated_at == btc().last_tick_at
    assert timedelta(0) <= freshness.age < timedelta(seconds=5)
    assert freshness.stale is False
    assert freshness.paused is False


def test_prices_go_stale_only_past_the_threshold(market):
    perp = instrument("BTC-PERP")
    last = perp.underlying.last_tick_at
    limit = selectors.stale_price_max_age()

    at_limit = selectors.price_freshness(instrument=perp, now=last + limit)
    past_limit = selectors.price_freshness(
        instrument=perp, now=last + limit + timedelta(milliseconds=1)
    )

    assert at_limit.stale is False
    assert past_limit.stale is True
    assert past_limit.updated_at == last
    assert past_limit.age == limit + timedelta(milliseconds=1)


@override_settings(SHORTBOOK_STALE_PRICE_SECONDS=120)
def test_the_threshold_is_a_setting(market):
    age_btc(90)
    assert selectors.price_freshness(instrument=instrument("BTC-PERP")).stale is False
    age_btc(150)
    assert selectors.price_freshness(instrument=instrument("BTC-PERP")).stale is True


def test_a_feed_that_never_ticked_is_stale(db):
    eth = services.underlying_upsert(symbol="ETH", name="Ether", initial_price=Decimal("3000"))
    perp = services.instrument_upsert(
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

    freshness = selectors.price_freshness(instrument=perp)

    assert freshness.stale is True
    assert freshness.updated_at is None
    assert freshness.age is None


def test_a_paused_replay_is_never_stale_and_a_resumed_one_can_be(market):
    services.underlying_upsert(
        symbol="BTC", feed_source=Underlying.FeedSource.REPLAY, replay_episode="2017-peak"
    )
    now = timezone.now()
    services.underlying_tick(underlying=btc(), now=now)
    services.underlying_replay_control(underlying=btc(), now=now, paused=True)
    perp = instrument("BTC-PERP")

    an_hour_later = selectors.price_freshness(instrument=perp, now=now + timedelta(hours=1))

    assert an_hour_later.paused is True
    assert an_hour_later.stale is False
    assert an_hour_later.updated_at == now

    # Resumed, its clock restarts: fresh at first, stale once no tick follows.
    resumed_at = now + timedelta(hours=1)
    services.underlying_replay_control(underlying=btc(), now=resumed_at, paused=False)
    perp = instrument("BTC-PERP")
    assert selectors.price_freshness(instrument=perp, now=resumed_at).stale is False
    later = resumed_at + selectors.stale_price_max_age() + timedelta(seconds=1)
    assert selectors.price_freshness(instrument=perp, now=later).stale is True


def test_a_settled_instrument_is_never_stale(market):
    Instrument.objects.filter(symbol="BTC-FUT").update(
        status=Instrument.Status.SETTLED, settlement_price=Decimal("50000")
    )
    age_btc(3600)

    assert selectors.price_freshness(instrument=instrument("BTC-FUT")).stale is False
    assert selectors.price_freshness(instrument=instrument("BTC-PERP")).stale is True


def test_the_list_names_each_still_instrument_once_in_order(market):
    instruments = [instrument(s) for s in ("BTC-PERP", "BTC-USD", "BTC-PERP", "BTC-FUT")]
    assert selectors.price_freshness_list(instruments=instruments) == []

    age_btc(60)
    Instrument.objects.filter(symbol="BTC-FUT").update(status=Instrument.Status.SETTLED)
    instruments = [instrument(s) for s in ("BTC-PERP", "BTC-USD", "BTC-PERP", "BTC-FUT")]
    still = selectors.price_freshness_list(instruments=instruments)

    assert [f.symbol for f in still] == ["BTC-PERP", "BTC-USD"]
    assert all(f.stale for f in still)


def test_the_list_keeps_a_paused_replay_as_paused_not_stale(market):
    Underlying.objects.filter(symbol="BTC").update(
        replay_paused=True, last_tick_at=timezone.now() - timedelta(hours=1)
    )

    (paused,) = selectors.price_freshness_list(instruments=[instrument("BTC-PERP")])

    assert paused.paused is True
    assert paused.stale is False


@override_settings(SHORTBOOK_STALE_PRICE_SECONDS=60)
def test_readyz_fails_exactly_when_prices_are_stale(client, market):
    age_btc(45)
    assert selectors.price_freshness(instrument=instrument("BTC-PERP")).stale is False
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json()["checks"]["feed"]["max_age_seconds"] == 60

    age_btc(75)
    assert selectors.price_freshness(instrument=instrument("BTC-PERP")).stale is True
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["feed"]["stale"] == ["BTC"]
