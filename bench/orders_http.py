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
``--threads`` (gunicorn threads per worker) and ``--connections``: ``pool`` (the
default) runs production's settings, whose processes share a pool of database
connections among their threads; ``persistent`` runs the test settings with each
thread's connection kept open between requests and checked before reuse (production's
settings with the pool turned off); ``per-request`` opens one for every request, as
the test settings alone would. ``--rate`` has the clients offer that many orders a
second together, evenly spaced; ``--warmup`` (3 s) runs the same load first, left
out of the figures.
"""

import argparse
import http.client
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import threading
import time

from bench._db import configure, throwaway_database
from bench._processes import (
    cpu_by_process,
    cpu_spent,
    database_url,
    free_port,
    process_tree,
    production_environment,
    start,
    stop,
    wait_until_up,
)

CLIENTS = 32
SECONDS = 20.0
WORKERS = 4
THREADS = 4
WARMUP_SECONDS = 3.0
TARGET_RATE = 200.0
TARGET_P99_MS = 100.0
SYMBOLS = ("BTC-PERP", "ETH-PERP", "BTC-USD", "ETH-USD", "BTC-CFD", "ETH-CFD")


def _seed(clients: int) -> list[str]:
    from market.demo import demo_instruments_seed
    from market.services import feeds_tick
    from tests.factories.accounts import UserFactory, api_key_issue

    demo_instruments_seed()
    feeds_tick()
    return [api_key_issue(user=UserFactory(), scope="trade").key for _ in range(clients)]


def _server_database_url(*, connections: str = "pool") -> str:
    """The URL the web server connects with: the throwaway database, reused or not.

    The test settings close a request's connection when it ends; production keeps
    connections open (a pool, or ``CONN_MAX_AGE``), so ``persistent`` asks for
    connections kept 60 s and checked before reuse, as production's settings do without
    a pool. With ``pool`` production's settings configure the connections.
    """
    url = database_url()
    if connections == "persistent":
        url += "?conn_max_age=60&conn_health_checks=true"
    return url


def _server(
    port: int,
    workers: int,
    database: str,
    *,
    server: str = "uvicorn",
    threads: int = THREADS,
    production: bool = True,
) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database, "API_THROTTLE_CLIENT": "1000000/min"}
    if production:
        # Production's settings, its request log lines included.
        env.update(production_environment(DATABASE_URL=database, LOG_LEVEL="INFO"))
    else:
        env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
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
    return start(command, env)


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


def _client(port, key, index, schedule, latencies, statuses, lock):
    """Send orders until the schedule's end: back to back, or each at its due time.

    ``schedule`` is (start, stop, interval, clients) on ``time.perf_counter``'s clock.
    With an interval the clients take turns, so together they send one order every
    ``interval / clients`` seconds; an order's latency counts from its due time, so
    a server that falls behind is charged for the wait it caused.
    """
    start, stop_at, interval, clients = schedule
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Api-Key {key}", "Content-Type": "application/json"}
    n = 0
    while True:
        due = start + (n + index / clients) * interval if interval else time.perf_counter()
        if due >= stop_at:
            break
        time.sleep(max(0.0, due - time.perf_counter()))
        symbol = SYMBOLS[(index + n) % len(SYMBOLS)]
        body = json.dumps(
            {
                "instrument": symbol,
                "side": "sell" if n % 2 == 0 else "buy",
                "type": "market",
                "quantity": "0.01" if symbol.startswith("BTC") else "0.1",
            }
        )
        connection.request("POST", "/api/v1/orders", body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        elapsed = (time.perf_counter() - due) * 1000
        with lock:
            latencies.append(elapsed)
            statuses[response.status] = statuses.get(response.status, 0) + 1
        n += 1


def _load(port, keys, seconds: float, rate: float) -> tuple[list[float], dict[int, int]]:
    """One client a key sending orders for ``seconds``: their latencies and statuses."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    start = time.perf_counter()
    schedule = (start, start + seconds, len(keys) / rate if rate else 0.0, len(keys))
    threads = [
        threading.Thread(target=_client, args=(port, key, i, schedule, latencies, statuses, lock))
        for i, key in enumerate(keys)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, statuses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--seconds", type=float, default=SECONDS)
    parser.add_argument("--workers", type=int, default=WORKERS)
    parser.add_argument("--server", choices=("uvicorn", "gunicorn"), default="uvicorn")
    parser.add_argument("--threads", type=int, default=THREADS, help="gunicorn only")
    parser.add_argument(
        "--connections", choices=("pool", "persistent", "per-request"), default="pool"
    )
    parser.add_argument(
        "--warmup",
        type=float,
        default=WARMUP_SECONDS,
        help="seconds of the same load before the measured ones, left out of the figures",
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=0.0,
        help="orders a second the clients offer together, evenly spaced (default: as fast "
        "as answers come back)",
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
        database = _server_database_url(connections=options.connections)
        connection.close()
        port = free_port()
        server = _server(
            port,
            options.workers,
            database,
            server=options.server,
            threads=options.threads,
            production=options.connections == "pool",
        )
        try:
            wait_until_up(port, path="/api/v1/instruments")
            # A server's first seconds open its pool's connections and prepare its
            # statements: the same load, left out of the figures.
            if options.warmup:
                _load(port, keys, options.warmup, options.rate)
            web_before = cpu_by_process(process_tree(server.pid))
            db_before = cpu_by_process(_database_backends(settings["NAME"]))
            clients_cpu = time.process_time()
            started = time.perf_counter()
            latencies, statuses = _load(port, keys, options.seconds, options.rate)
            wall = time.perf_counter() - started
            clients_cpu = time.process_time() - clients_cpu
            web_cpu = cpu_spent(web_before, cpu_by_process(process_tree(server.pid)))
            db_cpu = cpu_spent(db_before, cpu_by_process(_database_backends(settings["NAME"])))
        finally:
            stop(server, timeout=30)
        problems = ledger_problems()

    ordered = sorted(latencies)
    placed = statuses.get(201, 0)
    # Paced, the last orders fall due at the end of the given seconds and are answered
    # within a latency target of it when the server keeps up; a later answer means it
    # fell behind, and the time it took counts against the rate.
    rate = placed / (max(options.seconds, wall - TARGET_P99_MS / 1000) if options.rate else wall)
    p99 = ordered[int(len(ordered) * 0.99) - 1]
    served_by = (
        f"gunicorn {options.workers} workers x {options.threads} threads"
        if options.server == "gunicorn"
        else f"uvicorn {options.workers} workers"
    ) + f", {options.connections} connections"
    pace = f"offering {options.rate:g} orders a second" if options.rate else "back to back"
    print(f"{options.clients} clients {pace}, {served_by}, {wall:.1f} s")
    print(f"Responses: {dict(sorted(statuses.items()))}")
    if options.rate:
        # Paced, the orders fall due over the given seconds: what is answered after
        # that is the server catching up, and counts against the rate.
        print(f"Orders placed: {rate:.1f} a second; the last answer came "
              f"{wall - options.seconds:.2f} s after the last order fell due")  # fmt: skip
    else:
        print(f"Orders placed: {rate:.1f} a second")
    print(f"Latency: p50 {statistics.median(ordered):.1f} ms, p95 "
          f"{ordered[int(len(ordered) * 0.95) - 1]:.1f} ms, p99 {p99:.1f} ms, "
          f"max {ordered[-1]:.1f} ms")  # fmt: skip
    if placed and web_cpu:
        print(f"CPU per order placed: web processes {web_cpu / placed * 1000:.1f} ms, "
              f"PostgreSQL backends {db_cpu / placed * 1000:.1f} ms, "
              f"clients {clients_cpu / placed * 1000:.1f} ms")  # fmt: skip
    print(f"Ledger: {'balanced' if not problems else problems[:3]}")
    # Paced at the target rate, a p99 within its target means the server kept pace.
    sustained = options.rate >= TARGET_RATE if options.rate else rate >= TARGET_RATE
    met = sustained and placed == len(latencies) and p99 <= TARGET_P99_MS and not problems
    print(f"Targets ({TARGET_RATE:.0f} orders a second, p99 {TARGET_P99_MS:.0f} ms): "
          f"{'met' if met else 'MISSED'}.")  # fmt: skip
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
