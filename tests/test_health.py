from datetime import timedelta

import pytest
from celery import current_app
from django.test import override_settings
from django.utils import timezone

from market.models import Underlying
from tests.factories.market import btc_market

DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def market(db):
    return btc_market()


def test_healthz_answers_without_the_database(client):
    # No db fixture: pytest-django refuses any query this test would make.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")


def test_readyz_is_ready_when_everything_answers(client, market):
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert body["failed"] == []
    assert set(body["checks"]) == {"database", "cache", "broker", "feed"}
    assert body["checks"]["feed"]["last_tick_age_seconds"]["BTC"] < 30


def test_readyz_names_a_stale_feed(client, market):
    Underlying.objects.filter(symbol="BTC").update(
        last_tick_at=timezone.now() - timedelta(minutes=5)
    )
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["failed"] == ["feed"]
    assert body["checks"]["feed"]["stale"] == ["BTC"]
    assert body["checks"]["feed"]["last_tick_age_seconds"]["BTC"] >= 300


def test_readyz_ignores_a_paused_replay(client, market):
    Underlying.objects.filter(symbol="BTC").update(
        last_tick_at=timezone.now() - timedelta(minutes=5), replay_paused=True
    )
    response = client.get("/readyz")
    assert response.status_code == 200, response.content


def test_readyz_names_a_feed_that_never_ticked(client, market):
    Underlying.objects.filter(symbol="BTC").update(last_tick_at=None)
    body = client.get("/readyz").json()
    assert body["failed"] == ["feed"]
    assert body["checks"]["feed"]["last_tick_age_seconds"] == {"BTC": None}


def test_readyz_names_a_broker_that_does_not_answer(client, market):
    broker_url = current_app.conf.broker_url
    current_app.conf.broker_url = DEAD_REDIS
    try:
        response = client.get("/readyz")
    finally:
        current_app.conf.broker_url = broker_url
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["broker"]
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["database"] == {"ok": True}


def test_readyz_names_a_cache_that_does_not_answer(client, market):
    dead_cache = {"default": {"BACKEND": "config.cache.RedisCache", "LOCATION": DEAD_REDIS}}
    with override_settings(CACHES=dead_cache):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["cache"]


def test_probes_refuse_writes(client, db):
    assert client.post("/healthz").status_code == 405
    assert client.post("/readyz").status_code == 405
