"""A realistic mix under load: 200 traders reading and trading over HTTP at once.

Creates a throwaway database (``test_`` + the name in DATABASE_URL), lists the demo
instruments, signs up one trader per simulated user with a trade-scoped API key,
and starts the production-like stack on this machine: uvicorn with several worker
processes on ``config.asgi``, and a real Celery worker with beat consuming every
queue (the market ticks each second, ticks fan out risk checks). Then each user
loops for a fixed time: wait a random think time, then

- 80% reads: the ticker of a random instrument (40%), its positions (20%), its
  open orders (20%);
- 20% writes: place a resting limit order away from the market (12%) or cancel
  one of its own resting orders (8%; a place when it has none).

The API keys keep the production throttle (600 requests a minute each), so a user is
never throttled at this pace. Prints the throughput and p50/p95/p99 latency per
endpoint, every non-2xx answer, the CPU time the web processes, the Celery worker
and the clients spent a request, and checks the ledger. Targets: no errors, reads'
p99 under 50 ms.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sb_bench \\
    REDIS_URL=redis://127.0.0.1:6379/7 .venv/bin/python -m bench.load_mix

Options: ``--users`` (200), ``--seconds`` (60), ``--think`` (mean think time in
seconds, 2.0), ``--workers`` (uvicorn processes, 2), ``--warmup`` (seconds left out
of the figures, 5).
"""

import argparse
import http.client
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from bench._db import configure, throwaway_database
from bench._processes import (
    cpu_seconds,
    database_url,
    free_port,
    percentile,
    process_tree,
    production_environment,
    start,
    wait_until_up,
)

USERS = 200
SECONDS = 60.0
THINK_SECONDS = 2.0
WORKERS = 2
WARMUP_SECONDS = 5.0
READ_P99_TARGET_MS = 50.0
READS = ("ticker", "positions", "orders_open")
# (endpoint, weight): 80% reads, 20% writes.
MIX = (
    ("ticker", 40),
    ("positions", 20),
    ("orders_open", 20),
    ("order_place", 12),
    ("order_cancel", 8),
)
# Resting buys this far under the mark never fill while the bench runs.
REST_BELOW = Decimal("0.7")


def _seed(users: int) -> tuple[list[str], dict[str, dict]]:
    """List the demo market, tick it once, and make ``users`` traders with trade keys."""
    from market.demo import demo_instruments_seed
    from market.models import Instrument
    from market.services import feeds_tick
    from tests.factories.accounts import UserFactory, api_key_issue

    demo_instruments_seed()
    feeds_tick()
    instruments = {
        instrument.symbol: {
            "price": instrument.underlying.index_price
            * REST_BELOW
            // instrument.tick_size
            * instrument.tick_size,
            "quantity": instrument.min_quantity,
        }
        for instrument in Instrument.objects.filter(
            status=Instrument.Status.OPEN,
            kind__in=[Instrument.Kind.PERPETUAL, Instrument.Kind.SPOT, Instrument.Kind.CFD],
        ).select_related("underlying")
    }
    keys = [api_key_issue(user=UserFactory(), scope="trade").key for _ in range(users)]
    return keys, instruments


def _start(database: str, port: int, workers: int, schedule: Path) -> list[subprocess.Popen]:
    env = {**os.environ, **production_environment(DATABASE_URL=database)}
    web = [sys.executable, "-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1",
           "--port", str(port), "--workers", str(workers), "--log-level", "warning",
           "--no-access-log", "--ws-per-message-deflate", "false"]  # fmt: skip
    queues = ",".join(["celery", "feed", "risk-0", "risk-1"])
    worker = [sys.executable, "-m", "celery", "-A", "config", "worker", "-B", "-Q", queues,
              "--concurrency", "2", "--loglevel", "WARNING", "-s", str(schedule)]  # fmt: skip
    return [start(command, env) for command in (web, worker)]


class User(threading.Thread):
    """One trader: think, then read or trade, until the time is up."""

    def __init__(self, *, port, key, instruments, seed, options, results, lock, measure_from):
        super().__init__(daemon=True)
        self.port = port
        self.headers = {"Authorization": f"Api-Key {key}", "Content-Type": "application/json"}
        self.instruments = instruments
        self.random = random.Random(seed)  # noqa: S311 - a simulated user's choices
        self.options = options
        self.results = results
        self.lock = lock
        self.measure_from = measure_from
        self.resting: list[int] = []
        self.sequence = 0

    def run(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        stop_at = self.measure_from + self.options.seconds
        # Users arrive spread over one think time, not all in the same millisecond.
        time.sleep(self.random.uniform(0, self.options.think))
        endpoints = [name for name, _ in MIX]
        weights = [weight for _, weight in MIX]
        while time.monotonic() < stop_at:
            endpoint = self.random.choices(endpoints, weights)[0]
            if endpoint == "order_cancel" and not self.resting:
                endpoint = "order_place"
            method, path, body = self._request(endpoint)
            started = time.perf_counter()
            status, payload = 599, b""
            # The server closes a connection idle past its keep-alive: send again on a
            # new one (an order carries its client_order_id, so a resend is safe).
            for _attempt in range(2):
                try:
                    connection.request(method, path, body=body, headers=self.headers)
                    response = connection.getresponse()
                    payload, status = response.read(), response.status
                    break
                except OSError:
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                    started = time.perf_counter()
            elapsed = (time.perf_counter() - started) * 1000
            self._after(endpoint, status, payload)
            if time.monotonic() >= self.measure_from:
                with self.lock:
                    self.results[endpoint].append((elapsed, status, payload[:200]))
            time.sleep(self.random.expovariate(1 / self.options.think))

    def _request(self, endpoint: str) -> tuple[str, str, str | None]:
        symbol = self.random.choice(list(self.instruments))
        if endpoint == "ticker":
            return "GET", f"/api/v1/instruments/{symbol}/ticker", None
        if endpoint == "positions":
            return "GET", "/api/v1/positions", None
        if endpoint == "orders_open":
            return "GET", "/api/v1/orders?status=open", None
        if endpoint == "order_cancel":
            order_id = self.resting.pop(self.random.randrange(len(self.resting)))
            return "DELETE", f"/api/v1/orders/{order_id}", None
        self.sequence += 1
        listing = self.instruments[symbol]
        body = {
            "instrument": symbol,
            "side": "buy",
            "type": "limit",
            "quantity": str(listing["quantity"]),
            "price": str(listing["price"]),
            "post_only": True,
            "client_order_id": f"load-{id(self)}-{self.sequence}",
        }
        return "POST", "/api/v1/orders", json.dumps(body)

    def _after(self, endpoint: str, status: int, payload: bytes) -> None:
        if endpoint == "order_place" and status == 201:
            self.resting.append(json.loads(payload)["id"])


def _report(results, seconds: float) -> tuple[bool, list[str]]:
    lines = [f"{'endpoint':<14}{'requests':>9}{'per s':>8}{'p50 ms':>9}{'p95 ms':>9}"
             f"{'p99 ms':>9}{'max ms':>9}{'errors':>8}"]  # fmt: skip
    errors, read_p99_ok, total = [], True, 0
    for endpoint, _ in MIX:
        samples = results.get(endpoint, [])
        if not samples:
            continue
        total += len(samples)
        ordered = sorted(elapsed for elapsed, _, _ in samples)
        failed = [(status, body) for _, status, body in samples if not 200 <= status < 300]
        errors.extend((endpoint, status, body) for status, body in failed)
        p99 = percentile(ordered, 0.99)
        if endpoint in READS and p99 >= READ_P99_TARGET_MS:
            read_p99_ok = False
        lines.append(
            f"{endpoint:<14}{len(samples):>9}{len(samples) / seconds:>8.1f}"
            f"{percentile(ordered, 0.50):>9.1f}{percentile(ordered, 0.95):>9.1f}"
            f"{p99:>9.1f}{ordered[-1]:>9.1f}{len(failed):>8}"
        )
    lines.append(f"{'all':<14}{total:>9}{total / seconds:>8.1f}")
    for endpoint, status, body in errors[:10]:
        lines.append(f"error: {endpoint} {status} {body!r}")
    return read_p99_ok and not errors, lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=USERS)
    parser.add_argument("--seconds", type=float, default=SECONDS)
    parser.add_argument("--think", type=float, default=THINK_SECONDS)
    parser.add_argument("--workers", type=int, default=WORKERS)
    parser.add_argument("--warmup", type=float, default=WARMUP_SECONDS)
    options = parser.parse_args()
    configure()
    from django.db import connection

    from trading.selectors import ledger_problems

    with throwaway_database():
        keys, instruments = _seed(options.users)
        database = database_url()
        connection.close()
        port = free_port()
        beat_dir = tempfile.TemporaryDirectory(prefix="shortbook-load-beat-")
        processes = _start(database, port, options.workers, Path(beat_dir.name) / "schedule")
        try:
            wait_until_up(port, path="/readyz")
            results: dict[str, list] = defaultdict(list)
            lock = threading.Lock()
            measure_from = time.monotonic() + options.warmup
            users = [
                User(
                    port=port,
                    key=key,
                    instruments=instruments,
                    seed=index,
                    options=options,
                    results=results,
                    lock=lock,
                    measure_from=measure_from,
                )
                for index, key in enumerate(keys)
            ]
            trees = [process_tree(process.pid) for process in processes] + [[os.getpid()]]
            for user in users:
                user.start()
            time.sleep(max(0.0, measure_from - time.monotonic()))
            cpu_before = [sum(cpu_seconds(pids)) for pids in trees]
            for user in users:
                user.join()
            cpu = [
                sum(cpu_seconds(pids)) - before
                for pids, before in zip(trees, cpu_before, strict=True)
            ]
        finally:
            # uvicorn's group goes at once; Celery's main process stops its pool warmly.
            os.killpg(processes[0].pid, signal.SIGTERM)
            processes[1].send_signal(signal.SIGTERM)
            for process in processes:
                process.wait(timeout=60)
            beat_dir.cleanup()
        problems = ledger_problems()

    met, lines = _report(results, options.seconds)
    print(f"{options.users} users, think {options.think:.1f} s, uvicorn {options.workers} "
          f"workers + a Celery worker with beat, {options.seconds:.0f} s measured")  # fmt: skip
    print("\n".join(lines))
    total = sum(len(samples) for samples in results.values()) or 1
    print(
        "CPU while measured: "
        + ", ".join(
            f"{name} {seconds:.1f} s ({seconds * 1000 / total:.1f} ms a request)"
            for name, seconds in zip(("web", "Celery", "clients"), cpu, strict=True)
        )
    )
    print(f"Ledger: {'balanced' if not problems else problems[:3]}")
    met = met and not problems
    print(f"Targets (no errors, reads p99 under {READ_P99_TARGET_MS:.0f} ms): "
          f"{'met' if met else 'MISSED'}.")  # fmt: skip
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
