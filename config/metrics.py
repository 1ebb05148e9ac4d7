"""Prometheus metrics at ``/metrics``, for staff and for the addresses in METRICS_ALLOWED_CIDRS.

Where the numbers come from, so that every process counts:

- Events (request latency by route, orders placed and refused by code through the
  API, tick-to-reaction lag in the risk workers) are summed in each process's memory,
  added to hashes in Redis once a second (``RedisStore``), and read from Redis when
  Prometheus scrapes. Web processes,
  uvicorn's workers and Celery's workers run in separate containers and often on
  separate machines; Redis is the one place all of them reach. prometheus_client's
  multiprocess mode would need a directory shared by every process and process ids
  unique across containers, which a compose or cluster deployment does not give.
- Totals that PostgreSQL already holds (fills, liquidations) are counted there at
  scrape, so they are exact whichever process made them.
- Celery's queue depth is read from the broker (``LLEN``) at scrape.

Without Redis (the quick start's embedded default) events are kept in the web
process's memory, so ``/metrics`` shows that process's own requests only.
"""

import atexit
import ipaddress
import logging
import os
import threading
import time
from collections import defaultdict
from functools import cache

import redis
from django.apps import apps
from django.conf import settings
from django.http import Http404, HttpResponse
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
)
from prometheus_client.exposition import CONTENT_TYPE_LATEST

logger = logging.getLogger(__name__)

REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
TICK_REACTION_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
# A metric write waits this long for Redis at most: a slow Redis must not slow the flush.
REDIS_TIMEOUT_SECONDS = 0.25
# Each process sends its events to Redis this often.
FLUSH_SECONDS = 1.0
# kombu's Redis transport keeps a queue's messages of priority p > 0 under "<queue>\x06\x16<p>".
KOMBU_PRIORITY_SEPARATOR = "\x06\x16"
KOMBU_PRIORITY_STEPS = (0, 3, 6, 9)
LABEL_SEPARATOR = "\x1f"

ORDERS_ROUTE = "api-orders"


class Histogram:
    """A histogram kept as non-cumulative bucket counts and a sum under labels."""

    def __init__(self, name: str, documentation: str, labels: tuple[str, ...], buckets):
        self.name = name
        self.documentation = documentation
        self.labels = labels
        self.buckets = tuple(buckets)

    def updates(self, label_values: tuple[str, ...], value: float) -> list[tuple[str, float]]:
        index = next((i for i, b in enumerate(self.buckets) if value <= b), len(self.buckets))
        key = LABEL_SEPARATOR.join(label_values)
        return [(f"{key}|b{index}", 1.0), (f"{key}|sum", value)]

    def family(self, fields: dict[str, float]) -> HistogramMetricFamily:
        family = HistogramMetricFamily(self.name, self.documentation, labels=self.labels)
        series: dict[str, dict[str, float]] = defaultdict(dict)
        for field, amount in fields.items():
            key, _, part = field.rpartition("|")
            series[key][part] = amount
        for key, parts in sorted(series.items()):
            cumulative, buckets = 0.0, []
            for index, bound in enumerate((*self.buckets, float("inf"))):
                cumulative += parts.get(f"b{index}", 0.0)
                buckets.append((_bound(bound), cumulative))
            family.add_metric(_label_values(key, self.labels), buckets, parts.get("sum", 0.0))
        return family


class Counter:
    def __init__(self, name: str, documentation: str, labels: tuple[str, ...]):
        self.name = name
        self.documentation = documentation
        self.labels = labels

    def updates(self, label_values: tuple[str, ...], amount: float = 1.0):
        return [(LABEL_SEPARATOR.join(label_values), amount)]

    def family(self, fields: dict[str, float]) -> CounterMetricFamily:
        family = CounterMetricFamily(self.name, self.documentation, labels=self.labels)
        for key, amount in sorted(fields.items()):
            family.add_metric(_label_values(key, self.labels), amount)
        return family


def _bound(bound: float) -> str:
    return "+Inf" if bound == float("inf") else repr(bound)


def _label_values(key: str, labels: tuple[str, ...]) -> list[str]:
    return key.split(LABEL_SEPARATOR) if labels else []


REQUEST_DURATION = Histogram(
    "shortbook_http_request_duration_seconds",
    "Time to answer a request, by route name, method and status.",
    ("route", "method", "status"),
    REQUEST_BUCKETS,
)
ORDERS_PLACED = Counter(
    "shortbook_orders_placed", "Orders placed through the API (answered 201).", ()
)
ORDERS_REJECTED = Counter(
    "shortbook_orders_rejected",
    "Order placements the API refused, by the error's code.",
    ("code",),
)
TICK_REACTION = Histogram(
    "shortbook_tick_reaction_seconds",
    "From a tick's announcement to the end of its risk checks (stops, resting fills, "
    "liquidations) on one instrument.",
    (),
    TICK_REACTION_BUCKETS,
)
EVENT_METRICS = (REQUEST_DURATION, ORDERS_PLACED, ORDERS_REJECTED, TICK_REACTION)


# Where events are kept ------------------------------------------------------------


class LocalStore:
    """The process's own memory: the embedded default without Redis."""

    def __init__(self):
        self.lock = threading.Lock()
        self.hashes: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))

    def add(self, metric, updates) -> None:
        with self.lock:
            for field, amount in updates:
                self.hashes[metric.name][field] += amount

    def read(self, metric) -> dict[str, float]:
        with self.lock:
            return dict(self.hashes[metric.name])

    def take(self) -> dict[str, dict[str, float]]:
        """Everything added so far, leaving the store empty."""
        with self.lock:
            taken, self.hashes = self.hashes, defaultdict(lambda: defaultdict(float))
        return taken

    def clear(self) -> None:
        self.take()


class RedisStore:
    """One hash per metric in Redis; every process adds to it, the scrape reads it.

    A process sums its events in memory and sends the sums every ``flush_seconds`` in
    one transaction, from a thread of its own, so that no request waits on Redis to
    be counted. It also sends them before it reads and when it exits. A process
    killed outright loses its last ``flush_seconds`` of events.
    """

    def __init__(self, url: str, prefix: str, *, flush_seconds: float = FLUSH_SECONDS):
        self.client = redis.Redis.from_url(
            url,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        )
        self.prefix = prefix
        self.flush_seconds = flush_seconds
        self.pending = LocalStore()
        self._flusher_lock = threading.Lock()
        self._flusher: threading.Thread | None = None
        # A forked child starts with nothing to send (its parent sends its own) and
        # with no flusher thread, which a fork does not copy.
        os.register_at_fork(after_in_child=self._forget)

    def _forget(self) -> None:
        self.pending = LocalStore()
        self._flusher_lock = threading.Lock()
        self._flusher = None

    def add(self, metric, updates) -> None:
        self.pending.add(metric, updates)
        if self._flusher is None:
            self._flusher_start()

    def _flusher_start(self) -> None:
        with self._flusher_lock:
            if self._flusher is not None:
                return
            self._flusher = threading.Thread(
                target=self._flush_forever, name="metrics-flush", daemon=True
            )
            self._flusher.start()
            atexit.register(self._flush_quietly)

    def _flush_forever(self) -> None:
        while True:
            time.sleep(self.flush_seconds)
            self._flush_quietly()

    def _flush_quietly(self) -> None:
        try:
            self.flush()
        except redis.RedisError:
            logger.warning("Could not send the metrics; they wait for the next try", exc_info=True)

    def flush(self) -> None:
        """Send what this process has summed since its last flush."""
        taken = self.pending.take()
        if not taken:
            return
        # A transaction: on an error nothing was added, and the sums wait for the next try.
        pipeline = self.client.pipeline(transaction=True)
        for name, fields in taken.items():
            for field, amount in fields.items():
                pipeline.hincrbyfloat(f"{self.prefix}{name}", field, amount)
        try:
            pipeline.execute()
        except redis.RedisError:
            with self.pending.lock:
                for name, fields in taken.items():
                    for field, amount in fields.items():
                        self.pending.hashes[name][field] += amount
            raise

    def read(self, metric) -> dict[str, float]:
        self.flush()
        raw = self.client.hgetall(f"{self.prefix}{metric.name}")
        return {field.decode(): float(amount) for field, amount in raw.items()}

    def clear(self) -> None:
        self.pending.clear()
        for metric in EVENT_METRICS:
            self.client.delete(f"{self.prefix}{metric.name}")


@cache
def store() -> RedisStore | LocalStore:
    if settings.REDIS_URL:
        return RedisStore(settings.REDIS_URL, settings.METRICS_KEY_PREFIX)
    return LocalStore()


def _record(metric, updates) -> None:
    store().add(metric, updates)


def flush() -> None:
    """Send this process's events now (a worker process about to exit)."""
    event_store = store()
    if isinstance(event_store, RedisStore):
        event_store._flush_quietly()


def request_observe(*, route: str, method: str, status: int, seconds: float) -> None:
    _record(REQUEST_DURATION, REQUEST_DURATION.updates((route, method, str(status)), seconds))


def order_placement_observe(*, status: int, code: str | None) -> None:
    """Count an answer to ``POST /api/v1/orders``: placed, or refused with ``code``."""
    if status == 201:
        _record(ORDERS_PLACED, ORDERS_PLACED.updates(()))
    elif status >= 400:
        _record(ORDERS_REJECTED, ORDERS_REJECTED.updates((code or "error",)))


def tick_reaction_observe(*, published_at: float | None) -> None:
    """Record the lag of a tick's risk checks, from when their task was sent after the tick."""
    if published_at is None:
        return
    seconds = max(time.time() - float(published_at), 0.0)
    _record(TICK_REACTION, TICK_REACTION.updates((), seconds))


# The scrape -----------------------------------------------------------------------


def _queue_lengths() -> dict[str, int]:
    broker_url = settings.CELERY_BROKER_URL
    if not broker_url.startswith(("redis://", "rediss://")):
        return {}
    client = redis.Redis.from_url(broker_url, socket_timeout=1, socket_connect_timeout=1)
    queues = ["celery", "feed", *settings.RISK_QUEUES]
    pipeline = client.pipeline(transaction=False)
    for queue in queues:
        for priority in KOMBU_PRIORITY_STEPS:
            pipeline.llen(f"{queue}{KOMBU_PRIORITY_SEPARATOR}{priority}" if priority else queue)
    lengths = pipeline.execute()
    steps = len(KOMBU_PRIORITY_STEPS)
    return {queue: sum(lengths[i * steps : (i + 1) * steps]) for i, queue in enumerate(queues)}


class ShortbookCollector:
    """Read every metric at scrape time from Redis, PostgreSQL and the broker."""

    def collect(self):
        event_store = store()
        for metric in EVENT_METRICS:
            try:
                fields = event_store.read(metric)
            except redis.RedisError:
                logger.warning("Could not read %s", metric.name, exc_info=True)
                continue
            yield metric.family(fields)

        fills = CounterMetricFamily(
            "shortbook_fills", "Fills of users' orders, counted in the database."
        )
        fills.add_metric([], apps.get_model("trading", "Fill").objects.count())
        yield fills
        liquidations = CounterMetricFamily(
            "shortbook_liquidations", "Accounts liquidated, counted in the database."
        )
        liquidations.add_metric([], apps.get_model("trading", "Liquidation").objects.count())
        yield liquidations

        try:
            lengths = _queue_lengths()
        except redis.RedisError:
            logger.warning("Could not read the queue lengths", exc_info=True)
            lengths = {}
        depth = GaugeMetricFamily(
            "shortbook_celery_queue_length",
            "Messages waiting in each Celery queue.",
            labels=["queue"],
        )
        for queue, length in lengths.items():
            depth.add_metric([queue], length)
        yield depth


def metrics_allowed(request) -> bool:
    """Staff, or a client whose address is in METRICS_ALLOWED_CIDRS."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_staff:
        return True
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in network for network in _allowed_networks())


def _allowed_networks() -> list:
    return [ipaddress.ip_network(cidr, strict=False) for cidr in settings.METRICS_ALLOWED_CIDRS]


def metrics_view(request):
    """Serve the metrics in Prometheus' text format; anyone else sees a 404."""
    if not metrics_allowed(request):
        raise Http404
    registry = CollectorRegistry(auto_describe=False)
    registry.register(ShortbookCollector())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
