import time
from decimal import Decimal

import pytest
import redis
from celery import current_app
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from prometheus_client.parser import text_string_to_metric_families

from config import metrics
from market.models import Underlying
from tests.factories.market import btc_market, move
from trading import selectors, services
from trading.models import Fill, Liquidation
from trading.services.orders import OrderRequest
from trading.services.risk import account_liquidate
from trading.tasks import instrument_risk, risk_queue

OUTSIDE = "203.0.113.9"


@pytest.fixture(autouse=True)
def _no_events():
    metrics.store().clear()
    yield
    metrics.store().clear()


@pytest.fixture
def market(db):
    return btc_market()


def scrape(client, **extra) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics", **extra)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples, name, **labels) -> float | None:
    return samples.get((name, tuple(sorted(labels.items()))))


def test_metrics_answer_a_local_address(client, db):
    scrape(client)  # The test client calls from 127.0.0.1.


def test_metrics_are_a_404_from_outside(client, user):
    assert client.get("/metrics", REMOTE_ADDR=OUTSIDE).status_code == 404
    client.force_login(user)
    assert client.get("/metrics", REMOTE_ADDR=OUTSIDE).status_code == 404


def test_metrics_answer_staff_from_anywhere(client, user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client.force_login(user)
    scrape(client, REMOTE_ADDR=OUTSIDE)


def test_metrics_answer_the_configured_networks(client, db, settings):
    settings.METRICS_ALLOWED_CIDRS = ["10.0.0.0/8", "2001:db8::/32"]
    scrape(client, REMOTE_ADDR="10.4.5.6")
    scrape(client, REMOTE_ADDR="2001:db8::7")
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404


def test_request_latency_is_labelled_by_route_not_path(client, user):
    client.force_login(user)
    for order_id in (101, 202, 303):
        assert client.get(f"/api/v1/orders/{order_id}").status_code == 404
    samples = scrape(client)
    labels = {"route": "api-order-detail", "method": "GET", "status": "404"}
    assert value(samples, "shortbook_http_request_duration_seconds_count", **labels) == 3
    assert (
        value(samples, "shortbook_http_request_duration_seconds_bucket", le="+Inf", **labels) == 3
    )
    assert value(samples, "shortbook_http_request_duration_seconds_sum", **labels) > 0
    assert not any("101" in str(key) for key in samples)


def test_orders_placed_and_refused_are_counted_by_code(market, key_client_factory, user):
    client = key_client_factory(user=user)
    body = {"instrument": "BTC-PERP", "side": "sell", "type": "market", "quantity": "0.1"}
    assert client.post("/api/v1/orders", body, format="json").status_code == 201
    assert client.post("/api/v1/orders", body, format="json").status_code == 201
    too_big = {**body, "quantity": "90"}
    refused = client.post("/api/v1/orders", too_big, format="json")
    assert refused.status_code == 400
    code = refused.json()["error"]["code"]
    invalid = client.post("/api/v1/orders", {**body, "side": "sideways"}, format="json")
    assert invalid.status_code == 400

    samples = scrape(client)
    assert value(samples, "shortbook_orders_placed_total") == 2
    assert value(samples, "shortbook_orders_rejected_total", code=code) == 1
    assert value(samples, "shortbook_orders_rejected_total", code="invalid") == 1
    assert value(samples, "shortbook_fills_total") == Fill.objects.count() >= 2


def test_liquidations_are_counted_from_the_database(client, market, user):
    account = selectors.paper_account_for_user(user=user)
    services.leverage_set(account=account, instrument=market["BTC-PERP"], leverage=Decimal(50))
    services.order_place(
        account=account,
        request=OrderRequest(
            instrument="BTC-PERP", side="sell", type="market", quantity=Decimal("40")
        ),
    )
    assert value(scrape(client), "shortbook_liquidations_total") == 0
    move(selectors.margin_state(account=account).views[0].liquidation_price + 50)
    assert account_liquidate(account=account) is not None
    assert value(scrape(client), "shortbook_liquidations_total") == 1 == Liquidation.objects.count()


def test_queue_depth_is_read_from_the_broker(client, db):
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.delete("feed")
    try:
        for _ in range(3):
            current_app.send_task("market.tasks.feeds_tick", queue="feed")
        samples = scrape(client)
        assert value(samples, "shortbook_celery_queue_length", queue="feed") == 3
        assert value(samples, "shortbook_celery_queue_length", queue="risk-0") is not None
    finally:
        broker.delete("feed")


@pytest.mark.django_db(transaction=True)
def test_a_risk_task_records_its_tick_to_reaction_lag(client):
    """A real worker runs a tick's risk task; the lag runs from when the task was sent."""
    instruments = btc_market()
    instrument = instruments["BTC-PERP"]
    sequence = Underlying.objects.get(symbol="BTC").tick_sequence
    queue = risk_queue(instrument.pk)
    with start_worker(current_app, perform_ping_check=False, queues=[queue], loglevel="ERROR"):
        instrument_risk.apply_async(
            kwargs={"instrument_id": instrument.pk, "sequence": sequence + 1000}
        )
        deadline = time.monotonic() + 15
        count = None
        while time.monotonic() < deadline:
            count = value(scrape(client), "shortbook_tick_reaction_seconds_count")
            if count:
                break
            time.sleep(0.1)
    assert count == 1
    samples = scrape(client)
    lag = value(samples, "shortbook_tick_reaction_seconds_sum")
    assert 0 < lag < 15
    assert value(samples, "shortbook_tick_reaction_seconds_bucket", le="30.0") == 1


def test_events_from_every_process_meet_in_redis(client, db):
    """Another process's store sends its sums on its own, to the hashes the scrape reads."""
    other = metrics.RedisStore(settings.REDIS_URL, settings.METRICS_KEY_PREFIX, flush_seconds=0.05)
    for _ in range(2):
        other.add(
            metrics.ORDERS_REJECTED, metrics.ORDERS_REJECTED.updates(("insufficient_margin",))
        )
    metrics.order_placement_observe(status=400, code="insufficient_margin")
    deadline = time.monotonic() + 10
    while other.pending.hashes and time.monotonic() < deadline:
        time.sleep(0.02)
    samples = scrape(client)
    assert value(samples, "shortbook_orders_rejected_total", code="insufficient_margin") == 3


def test_events_wait_in_memory_while_redis_is_out_of_reach(db):
    store = metrics.RedisStore("redis://127.0.0.1:1/0", "unreached:", flush_seconds=3600)
    store.add(metrics.ORDERS_PLACED, metrics.ORDERS_PLACED.updates(()))
    with pytest.raises(redis.RedisError):
        store.flush()
    store.add(metrics.ORDERS_PLACED, metrics.ORDERS_PLACED.updates(()))
    assert store.pending.read(metrics.ORDERS_PLACED) == {"": 2.0}
    store.pending.clear()  # Nothing left for its flush at exit.


def test_the_local_store_keeps_histograms_too():
    store = metrics.LocalStore()
    for seconds in (0.003, 0.04, 20.0):
        store.add(
            metrics.REQUEST_DURATION, metrics.REQUEST_DURATION.updates(("r", "GET", "200"), seconds)
        )
    family = metrics.REQUEST_DURATION.family(store.read(metrics.REQUEST_DURATION))
    samples = {(s.name, s.labels.get("le")): s.value for s in family.samples}
    assert samples[("shortbook_http_request_duration_seconds_bucket", "0.005")] == 1
    assert samples[("shortbook_http_request_duration_seconds_bucket", "0.05")] == 2
    assert samples[("shortbook_http_request_duration_seconds_bucket", "10.0")] == 2
    assert samples[("shortbook_http_request_duration_seconds_bucket", "+Inf")] == 3
    assert samples[("shortbook_http_request_duration_seconds_count", None)] == 3
    assert samples[("shortbook_http_request_duration_seconds_sum", None)] == pytest.approx(20.043)


def test_a_made_up_method_does_not_make_a_series(client, db):
    client.generic("BREW", "/healthz")
    samples = scrape(client)
    labels = {"route": "healthz", "method": "other", "status": "405"}
    assert value(samples, "shortbook_http_request_duration_seconds_count", **labels) == 1
    assert not any("BREW" in str(key) for key in samples)
