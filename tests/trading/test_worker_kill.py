"""A real Celery worker killed in the middle of a batch of charges: each happens exactly once.

The test starts ``celery worker`` processes against the Redis broker on a queue of its
own, sends a batch of hourly borrow-interest charges, SIGKILLs the worker (and its
pool) while the batch is half done, starts a new worker, and checks that every
position paid every hour exactly once and that the ledger balances. Each hour's task
opens its round and sends the round's batch of positions to the queue it came from,
so the charges happen only if the batches follow their round to the test's queue.
"""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from config.celery import app
from tests.factories.market import btc_market
from tests.trading.test_tasks import place
from trading import selectors, tasks
from trading.models import JournalEntry, Position

pytestmark = pytest.mark.django_db(transaction=True)  # The workers read what we commit.

ROOT = Path(__file__).resolve().parents[2]
ACCOUNTS = 30
HOURS = 20
WAIT_SECONDS = 120


def start_worker(queue: str, name: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.trading.worker_kill_settings",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
    }
    return subprocess.Popen(  # noqa: S603  (a fixed command line)
        [
            str(Path(sys.executable).with_name("celery")),
            "-A",
            "config",
            "worker",
            "--queues",
            queue,
            "--hostname",
            f"{name}@%h",
            "--concurrency",
            "2",
            "--prefetch-multiplier",
            "1",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,  # Its own process group: the kill takes the pool too.
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
        f"{db['NAME']}"
    )


def kill(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)


def charged() -> int:
    return JournalEntry.objects.filter(kind=JournalEntry.Kind.BORROW_INTEREST).count()


def wait_for(condition, what: str, worker: subprocess.Popen) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if worker.poll() is not None:
            raise AssertionError(f"The worker exited: {worker.stderr.read().decode()[-2000:]}")
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out waiting for {what}; {charged()} charges so far")
        time.sleep(0.05)


@pytest.fixture
def queue():
    name = f"kill-test-{os.getpid()}"
    yield name
    with app.connection_for_write() as conn:
        conn.default_channel.client.delete(name)


def test_a_worker_killed_mid_batch_leaves_every_charge_done_exactly_once(user_factory, queue):
    market = btc_market()
    shorts = []
    for _ in range(ACCOUNTS):
        account = selectors.paper_account_for_user(user=user_factory())
        place(account, symbol="BTC-USD", quantity="0.1")
        shorts.append(account)
    spot = market["BTC-USD"]
    top = timezone.now().replace(minute=0, second=0, microsecond=0)
    hours = [top - timedelta(hours=i) for i in range(1, HOURS + 1)]
    expected = ACCOUNTS * HOURS

    first = start_worker(queue, "first")
    second = None
    try:
        for hour in hours:
            tasks.instrument_borrow_interest_charge.apply_async(
                kwargs={"instrument_id": spot.pk, "hour": hour.isoformat()}, queue=queue
            )
        wait_for(lambda: charged() >= ACCOUNTS, "the first charges", first)
        kill(first)
        at_kill = charged()
        assert ACCOUNTS <= at_kill < expected, "the kill must land in the middle of the batch"

        second = start_worker(queue, "second")
        wait_for(lambda: charged() >= expected, "the batch to finish", second)
        time.sleep(4)  # Past the visibility timeout: a late redelivery would show now.
    finally:
        kill(first)
        if second is not None:
            kill(second)

    assert charged() == expected
    keys = JournalEntry.objects.filter(kind=JournalEntry.Kind.BORROW_INTEREST).values_list(
        "idempotency_key", flat=True
    )
    assert len(set(keys)) == expected
    for position in Position.objects.filter(instrument=spot):
        assert position.borrow_interest_paid > 0
        lines = selectors.ledger_line_list(account=position.account).filter(
            entry__kind=JournalEntry.Kind.BORROW_INTEREST
        )
        assert lines.count() == HOURS
        assert -sum(line.amount for line in lines) == position.borrow_interest_paid
    assert selectors.ledger_problems() == []
    assert Decimal(0) not in {selectors.account_cash(account=a) for a in shorts}
