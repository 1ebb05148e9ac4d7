"""Carry events from the services to the stream's subscribers, never in the way of a trade.

A service says what happened with ``after_commit(key, job)``: once its transaction
commits, ``job`` runs on the hub's own thread, reads what it needs and hands
messages to an ``Outbox``; the hub numbers them and sends them to the channel
layer's groups. The request or task that did the work never waits for any of it,
and a job that fails is logged, not raised: the stream is best effort, its sequence
numbers tell a client when it missed something.

Jobs are skipped for channels that nobody subscribes to (``interest``), so a
tick or a fill costs nothing when no one is listening.

Two modes, as the channel layer is configured:

- Redis (``REDIS_URL``): sequence numbers and interest live in Redis, so every
  process (web, workers, the feed) publishes to every other process's subscribers.
- In memory (the embedded default): everything stays in the web process, where
  the subscribers are; the hub sends on their event loop. Events raised in other
  processes (the feed's ticks, the workers' stops) are not seen there, except the
  ticks, which ``consumers`` relays from the shared cache.
"""

import asyncio
import json
import logging
import os
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field

import redis
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import close_old_connections, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

QUEUE_MAX = 10_000  # Jobs waiting for the hub's thread; past that new ones are dropped.
DRAIN_MAX = 500  # Jobs run in one round, whose messages are numbered and sent together.
INTEREST_KEY = "stream:interest"
SEQUENCE_KEY = "stream:seq:{group}"
# A subscriber renews its interest every INTEREST_RENEW_SECONDS; it lapses after
# INTEREST_TTL_SECONDS, so a web process that died stops costing the publishers soon.
INTEREST_RENEW_SECONDS = 60.0
INTEREST_TTL_SECONDS = 180.0
MESSAGE_TYPE = "stream.message"


@dataclass(slots=True)
class Outbox:
    """What one round of jobs sends: (group, channel name, data) in order.

    It remembers the interest it learnt for the round, so the round asks about a
    group once, however many of its jobs publish there.
    """

    hub: "Hub"
    messages: list[tuple[str, str, dict]] = field(default_factory=list)
    interest: dict[str, bool] = field(default_factory=dict)

    def wanted(self, groups: Iterable[str]) -> set[str]:
        """Of ``groups``, those that someone subscribes to."""
        groups = list(dict.fromkeys(groups))
        unknown = [group for group in groups if group not in self.interest]
        if unknown:
            found = self.hub.wanted(unknown)
            self.interest.update((group, group in found) for group in unknown)
        return {group for group in groups if self.interest[group]}

    def send(self, *, group: str, channel: str, data: dict) -> None:
        self.messages.append((group, channel, data))


Job = Callable[[Outbox], None]


def publishing_to(job: Job, *groups: str) -> Job:
    """Mark ``job`` as publishing to ``groups``: its round asks about them with the rest.

    A round of jobs then learns who subscribes in one round trip, instead of one a job.
    """
    job.groups = groups
    return job


class Hub:
    """One per process: the jobs' queue and thread, sequence numbers and interest."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._queue: queue.Queue[Job] = queue.Queue(maxsize=QUEUE_MAX)
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        # In-memory mode: the subscribers' event loop, their interest and the sequences.
        self.consumer_loop: asyncio.AbstractEventLoop | None = None
        self._local_interest: Counter[str] = Counter()
        self._local_sequences: dict[str, int] = {}
        self._redis: redis.Redis | None = None

    # Mode ------------------------------------------------------------------------

    @property
    def uses_redis(self) -> bool:
        backend = settings.CHANNEL_LAYERS["default"]["BACKEND"]
        return backend.startswith("channels_redis.")

    def redis_client(self) -> redis.Redis:
        if self._redis is None:
            host = settings.CHANNEL_LAYERS["default"]["CONFIG"]["hosts"][0]
            # A host is a URL, or channels_redis's dict of the URL and connection options.
            address = host["address"] if isinstance(host, dict) else host
            self._redis = redis.Redis.from_url(address, socket_timeout=5)
        return self._redis

    # Interest --------------------------------------------------------------------

    def interest_add(self, groups: Iterable[str]) -> None:
        """Say that a subscriber in this process wants ``groups`` (renew it in time)."""
        groups = list(groups)
        if not groups:
            return
        if self.uses_redis:
            expires = time.time() + INTEREST_TTL_SECONDS
            client = self.redis_client()
            pipe = client.pipeline(transaction=False)
            pipe.zadd(INTEREST_KEY, dict.fromkeys(groups, expires))
            pipe.zremrangebyscore(INTEREST_KEY, 0, time.time())
            pipe.execute()
        else:
            with self._lock:
                self._local_interest.update(groups)

    def interest_remove(self, groups: Iterable[str]) -> None:
        """Forget this subscriber's interest (in Redis, others' may remain: it lapses)."""
        if not self.uses_redis:
            with self._lock:
                self._local_interest.subtract(groups)
                self._local_interest = +self._local_interest

    def wanted(self, groups: Iterable[str]) -> set[str]:
        groups = list(dict.fromkeys(groups))
        if not groups:
            return set()
        if not self.uses_redis:
            with self._lock:
                return {group for group in groups if self._local_interest[group] > 0}
        now = time.time()
        scores = self.redis_client().zmscore(INTEREST_KEY, groups)
        return {group for group, score in zip(groups, scores, strict=True) if score and score > now}

    # Sequence numbers ------------------------------------------------------------

    def sequence_current(self, group: str) -> int:
        """The number of the last message sent to ``group`` (0 before the first)."""
        if self.uses_redis:
            value = self.redis_client().get(SEQUENCE_KEY.format(group=group))
            return int(value or 0)
        with self._lock:
            return self._local_sequences.get(group, 0)

    def _sequence_next(self, groups: list[str]) -> list[int]:
        if self.uses_redis:
            pipe = self.redis_client().pipeline(transaction=False)
            for group in groups:
                pipe.incr(SEQUENCE_KEY.format(group=group))
            return [int(value) for value in pipe.execute()]
        numbers = []
        with self._lock:
            for group in groups:
                self._local_sequences[group] = self._local_sequences.get(group, 0) + 1
                numbers.append(self._local_sequences[group])
        return numbers

    # Jobs ------------------------------------------------------------------------

    def submit(self, jobs: Iterable[Job]) -> None:
        """Queue jobs for the hub's thread; never blocks, never raises."""
        try:
            if not self.uses_redis and self.consumer_loop is None:
                return  # In memory and no subscriber in this process: nobody to tell.
            self._ensure_thread()
            for job in jobs:
                self._queue.put_nowait(job)
        except queue.Full:
            logger.warning("The stream's queue is full; dropping events (clients see a gap).")
        except Exception:
            logger.exception("Could not queue stream events")

    def _ensure_thread(self) -> None:
        pid = os.getpid()
        if self._thread is not None and self._pid == pid and self._thread.is_alive():
            return
        with self._lock:
            if self._thread is not None and self._pid == pid and self._thread.is_alive():
                return
            if self._pid != pid:  # A forked worker: start afresh, the parent's thread is gone.
                self._queue = queue.Queue(maxsize=QUEUE_MAX)
                self._redis = None
                self._loop = None
            self._pid = pid
            self._thread = threading.Thread(target=self._run, name="stream-hub", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        self._loop = asyncio.new_event_loop()
        while True:
            jobs = [self._queue.get()]
            while len(jobs) < DRAIN_MAX:
                try:
                    jobs.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            try:
                self.run_jobs(jobs)
            except Exception:
                logger.exception("Stream events could not be sent")
            finally:
                close_old_connections()
                for _ in jobs:
                    self._queue.task_done()

    def run_jobs(self, jobs: Iterable[Job]) -> None:
        """Run jobs, then number and send what they produced (on the hub's thread)."""
        jobs = list(jobs)
        outbox = Outbox(hub=self)
        outbox.wanted(group for job in jobs for group in getattr(job, "groups", ()))
        for job in jobs:
            try:
                job(outbox)
            except Exception:
                logger.exception("A stream job failed: %r", job)
        if outbox.messages:
            self._send(outbox.messages)

    def _send(self, messages: list[tuple[str, str, dict]]) -> None:
        sequences = self._sequence_next([group for group, _, _ in messages])
        sent_at = timezone.now().isoformat()
        # Every subscriber of a group gets the same message: write its JSON here, once,
        # not once a socket in the web processes (decimals as strings, times ISO 8601).
        payloads = [
            (
                group,
                {
                    "type": MESSAGE_TYPE,
                    "group": group,
                    "seq": seq,
                    "text": json.dumps(
                        {
                            "type": "message",
                            "channel": channel,
                            "seq": seq,
                            "time": sent_at,
                            "data": data,
                        },
                        cls=DjangoJSONEncoder,
                    ),
                },
            )
            for (group, channel, data), seq in zip(messages, sequences, strict=True)
        ]
        layer = get_channel_layer()

        async def send_all():
            for group, payload in payloads:
                await layer.group_send(group, payload)

        if self.uses_redis:
            self._loop.run_until_complete(send_all())
        elif self.consumer_loop is not None and not self.consumer_loop.is_closed():
            asyncio.run_coroutine_threadsafe(send_all(), self.consumer_loop).result(timeout=5)

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Wait until every queued job has run; for tests and orderly shutdowns."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True


hub = Hub()


# After commit ------------------------------------------------------------------------

_local = threading.local()


class _Batch:
    """The jobs one transaction queued, by key: the same key twice runs once."""

    def __init__(self) -> None:
        self.jobs: dict[Hashable, Job] = {}

    def registered(self, connection) -> bool:
        # A rolled-back transaction (or savepoint) drops our callback: start a new batch.
        return any(entry[1] == self.flush for entry in connection.run_on_commit)

    def flush(self) -> None:
        if getattr(_local, "batch", None) is self:
            _local.batch = None
        hub.submit(self.jobs.values())


def after_commit(key: Hashable, job: Job) -> None:
    """Run ``job`` on the hub's thread once the current transaction commits.

    Within one transaction a key is queued once (a market order's three fills
    publish its order once); the job reads the state as committed. Outside a
    transaction the job is queued at once. Never raises.
    """
    try:
        connection = transaction.get_connection()
        if not connection.in_atomic_block:
            hub.submit([job])
            return
        batch = getattr(_local, "batch", None)
        if batch is None or not batch.registered(connection):
            batch = _local.batch = _Batch()
            transaction.on_commit(batch.flush)
        batch.jobs.setdefault(key, job)
    except Exception:
        logger.exception("Could not queue a stream event")
