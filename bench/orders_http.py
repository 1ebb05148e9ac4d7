"""Orders end to end: HTTP, DRF, PostgreSQL, the engine and the ledger, under load.

Creates a throwaway database (``test_`` + the name in DATABASE_URL), lists BTC and
ETH with spot, perpetual and CFD instruments, signs up one trader per client with a
trade-scoped API key, starts a web server on a free local port with several worker
processes (uvicorn on ``config.asgi``, or with ``--server gunicorn`` gunicorn's
threaded workers on ``config.wsgi``), and has 32 concurrent clients send
``POST /api/v1/orders`` (small market orders, buys and sells, spread over the six
instruments) for a fixed time. Prints orders a second and latency percentiles, and
checks the ledger afterwards. On Linux it also prints the CPU time the web processes
and the database's backends spent while the clients ran, per order placed: on a
shared machine that figure holds where orders a second follow the neighbours' load.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sb_bench \\
    REDIS_URL=redis://127.0.0.1:6379/7 .venv/bin/python -m bench.orders_http

Options: ``--seconds``, ``--clients``, ``--workers``, ``--server {uvicorn,gunicorn}``,
``--threads`` (gunicorn threads per worker) and ``--connections``: ``persistent`` (the
default) keeps each thread's database connection open between requests, as production
does with its pool; ``per-request`` opens one for every request, as the test settings
alone would.
"""

import argparse
import http.client
import importlib.util
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench._db import configure, throwaway_database

CLIENTS = 32
SECONDS = 20.0
WORKERS = 4
THREADS = 4
TARGET_RATE = 200.0
TARGET_P99_MS = 100.0
SYMBOLS = ("BTC-PERP", "ETH-PERP", "BTC-USD", "ETH-USD", "BTC-CFD", "ETH-CFD")
ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _seed(clients: int) -> list[str]:
    from market.demo import demo_instruments_seed
    from market.services import feeds_tick
    from tests.factories.accounts import UserFactory, api_key_issue

    demo_instruments_seed()
    feeds_tick()
    return [api_key_issue(user=UserFactory(), scope="trade").key for _ in range(clients)]


def _server_database_url(settings: dict, *, connections: str = "persistent") -> str:
    """The URL the web server connects with: the throwaway database, reused or not.

    The test settings close a request's connection when it ends; production keeps
    connections open (a pool, or ``CONN_MAX_AGE``), so ``persistent`` asks for
    connections kept 60 s and checked before reuse, as production's settings do without
    a pool.
    """
    url = (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    if connections == "persistent":
        url += "?conn_max_age=60&conn_health_checks=true"
    return url


def _server(
    port: int, workers: int, database: str, *, server: str = "uvicorn", threads: int = THREADS
) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database,
        "API_THROTTLE_CLIENT": "1000000/min",
    }
    if server == "gunicorn":
        # Django runs a sync view under ASGI on one thread per process; WSGI threads
        # let a worker serve another request while one waits on PostgreSQL.
        command = [sys.executable, "-m", "gunicorn", "config.wsgi:application",
                   "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
                   "--worker-class", "gthread", "--threads", str(threads),
                   "--log-level", "warning"]  # fmt: skip
    else:
        command = [sys.executable, "-m", "uvicorn", "config.asgi:application",
                   "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
                   "--log-level", "warning"]  # fmt: skip
    return subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        command, cwd=ROOT, env=env, start_new_session=True
    )


def _cpu_seconds(pids) -> dict[int, float]:
    """User and system CPU time of each live process in ``pids``, from /proc (Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    seconds = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # Gone, or no /proc: left out.
        seconds[pid] = (int(fields[11]) + int(fields[12])) / tick
    return seconds


def _process_tree(root: int) -> list[int]:
    """``root`` and its descendants (uvicorn's or gunicorn's workers)."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    tree, queue = [], [root]
    while queue:
        pid = queue.pop()
        tree.append(pid)
        queue += parents.get(pid, [])
    return tree


def _database_backends(database: str) -> list[int]:
    """The PostgreSQL backends connected to ``database`` (the server's, mostly)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [database],
        )
        pids = [row[0] for row in cursor.fetchall()]
    connection.close()
    return pids


def _cpu_spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds spent between two readings; a process first seen after counts whole."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def _wait_until_up(port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/api/v1/instruments")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("The server did not come up.")


def _client(port, key, index, stop_at, latencies, statuses, lock):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Api-Key {key}", "Content-Type": "application/json"}
    n = 0
    while time.monotonic() < stop_at:
        symbol = SYMBOLS[(index + n) % len(SYMBOLS)]
        body = json.dumps(
            {
                "instrument": symbol,
                "side": "sell" if n % 2 == 0 else "buy",
                "type": "market",
                "quantity": "0.01" if symbol.startswith("BTC") else "0.1",
            }
        )
        started = time.perf_counter()
        connection.request("POST", "/api/v1/orders", body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            latencies.append(elapsed)
            statuses[response.status] = statuses.get(response.status, 0) + 1
        n += 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--seconds", type=float, default=SECONDS)
    parser.add_argument("--workers", type=int, default=WORKERS)
    parser.add_argument("--server", choices=("uvicorn", "gunicorn"), default="uvicorn")
    parser.add_argument("--threads", type=int, default=THREADS, help="gunicorn only")
    parser.add_argument(
        "--connections", choices=("persistent", "per-request"), default="persistent"
    )
    options = parser.parse_args()
    if options.server == "gunicorn" and importlib.util.find_spec("gunicorn") is None:
        raise SystemExit("gunicorn is not installed.")
    configure()
    from django.db import connection

    from trading.selectors import ledger_problems

    with throwaway_database():
        keys = _seed(options.clients)
        settings = connection.settings_dict
        database = _server_database_url(settings, connections=options.connections)
        connection.close()
        port = _free_port()
        server = _server(
            port, options.workers, database, server=options.server, threads=options.threads
        )
        try:
            _wait_until_up(port)
            web_before = _cpu_seconds(_process_tree(server.pid))
            db_before = _cpu_seconds(_database_backends(settings["NAME"]))
            latencies: list[float] = []
            statuses: dict[int, int] = {}
            lock = threading.Lock()
            started = time.monotonic()
            stop_at = started + options.seconds
            threads = [
                threading.Thread(
                    target=_client, args=(port, key, i, stop_at, latencies, statuses, lock)
                )
                for i, key in enumerate(keys)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.monotonic() - started
            web_cpu = _cpu_spent(web_before, _cpu_seconds(_process_tree(server.pid)))
            db_cpu = _cpu_spent(db_before, _cpu_seconds(_database_backends(settings["NAME"])))
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        problems = ledger_problems()

    ordered = sorted(latencies)
    rate = statuses.get(201, 0) / wall
    p99 = ordered[int(len(ordered) * 0.99) - 1]
    served_by = (
        f"gunicorn {options.workers} workers x {options.threads} threads"
        if options.server == "gunicorn"
        else f"uvicorn {options.workers} workers"
    ) + f", {options.connections} connections"
    print(f"{options.clients} clients, {served_by}, {wall:.1f} s")
    print(f"Responses: {dict(sorted(statuses.items()))}")
    print(f"Orders placed: {rate:.1f} a second")
    print(f"Latency: p50 {statistics.median(ordered):.1f} ms, p95 "
          f"{ordered[int(len(ordered) * 0.95) - 1]:.1f} ms, p99 {p99:.1f} ms, "
          f"max {ordered[-1]:.1f} ms")  # fmt: skip
    placed = statuses.get(201, 0)
    if placed and web_cpu:
        print(f"CPU per order placed: web processes {web_cpu / placed * 1000:.1f} ms, "
              f"PostgreSQL backends {db_cpu / placed * 1000:.1f} ms")  # fmt: skip
    print(f"Ledger: {'balanced' if not problems else problems[:3]}")
    met = rate >= TARGET_RATE and p99 <= TARGET_P99_MS and not problems
    print(f"Targets ({TARGET_RATE:.0f} orders a second, p99 {TARGET_P99_MS:.0f} ms): "
          f"{'met' if met else 'MISSED'}.")  # fmt: skip
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
