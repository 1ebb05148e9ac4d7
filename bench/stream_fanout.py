"""The live stream's fan-out: 1,000 sockets on the BTC-PERP ticker, every tick, on time.

Creates a throwaway database (``test_`` + the name in DATABASE_URL), lists the demo
instruments, issues read-scoped API keys, and starts the web process as production
runs it: uvicorn on ``config.asgi`` with ``WEB_CONCURRENCY`` worker processes (2)
under ``config.settings.production`` (the Redis channel layer), without per-message
deflate. Client processes then open 1,000 websockets (websockets' sans-I/O protocol
straight on asyncio's transports, offering deflate as browsers do), each signed in
with an API key in the handshake and subscribed to ``ticker:BTC-PERP``. This process
plays the feed: it runs ``market.services.feeds_tick`` once a second, which commits
the tick and announces it; the stream's hub numbers the tickers and sends each one
to the channel layer, stamping the message's ``time`` as it does.

Every client notes when each message arrives and compares it with that ``time``
(one machine, one clock), and checks the sequence numbers: each connection must see
every ``seq`` from its ``subscribed`` reply's plus one, with no gap. Prints the
latency percentiles over all messages, the messages missed and the gaps, and the
CPU time the web processes and the clients spent a message while the feed ticked.
Target: every message arrives, p99 under 100 ms.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sb_bench \\
    REDIS_URL=redis://127.0.0.1:6379/7 .venv/bin/python -m bench.stream_fanout

Options: ``--connections`` (1000), ``--ticks`` (60), ``--interval`` (seconds between
ticks, 1.0), ``--workers`` (uvicorn processes, ``WEB_CONCURRENCY`` or 2),
``--client-processes`` (2), ``--keys`` (API keys shared among the connections, 20),
``--compression`` (``deflate``, as browsers ask, or ``none``).
"""

import argparse
import asyncio
import json
import multiprocessing
import os
import resource
import subprocess
import sys
import time
from datetime import datetime

from bench._processes import (
    cpu_seconds,
    free_port,
    percentile,
    process_tree,
    production_environment,
    start,
    stop,
    wait_until_up,
)

CONNECTIONS = 1000
TICKS = 60
INTERVAL_SECONDS = 1.0
CLIENT_PROCESSES = 2
KEYS = 20
# Sockets opened at once by one client process: a burst of handshakes, not a stampede.
OPENING_AT_ONCE = 50
TARGET_P99_MS = 100.0
CHANNEL = "ticker:BTC-PERP"
# Seconds to wait for the last tick's messages once the feed has stopped.
DRAIN_SECONDS = 5.0


def _production_environment() -> None:
    """Run this process under the production settings the web process uses.

    The feed here and the web process must share the channel layer (its Redis key
    prefix is fixed in production and per process in the test settings).
    """
    for name, value in production_environment().items():
        os.environ.setdefault(name, value)


def _raise_file_limit(needed: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        if target < needed:
            raise SystemExit(f"Open files are limited to {hard}; {needed} are needed.")


def _seed(keys: int) -> list[str]:
    from accounts.models import ApiKey
    from market.demo import demo_instruments_seed
    from market.services import feeds_tick
    from tests.factories.accounts import UserFactory, api_key_issue

    demo_instruments_seed()
    feeds_tick()
    return [api_key_issue(user=UserFactory(), scope=ApiKey.Scope.READ).key for _ in range(keys)]


def _server(port: int, workers: int, database: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database, "WEB_CONCURRENCY": str(workers)}
    command = [sys.executable, "-m", "uvicorn", "config.asgi:application",
               "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
               "--log-level", "warning", "--no-access-log",
               "--ws-per-message-deflate", "false"]  # fmt: skip
    return start(command, env)


# The clients (child processes; no Django) -------------------------------------------------


class Subscriber(asyncio.Protocol):
    """One socket, spoken with websockets' sans-I/O protocol straight on the transport.

    The clients share the machine's cores with the server, so they do as little as a
    client can: each arrival is handled in the transport's callback (no task, no queue
    per message) and stamped as it is read. What arrived on the channel, when, and the
    sequence it kept are noted for the figures.
    """

    def __init__(self, url: str, key: str, compression: str | None) -> None:
        from websockets.client import ClientProtocol
        from websockets.extensions.permessage_deflate import ClientPerMessageDeflateFactory
        from websockets.frames import Opcode
        from websockets.http11 import Response
        from websockets.uri import parse_uri

        self.text_opcode, self.response_type = Opcode.TEXT, Response

        extensions = [ClientPerMessageDeflateFactory()] if compression == "deflate" else None
        self.protocol = ClientProtocol(parse_uri(url), extensions=extensions, max_size=None)
        self.request = self.protocol.connect()
        self.request.headers["Authorization"] = f"Api-Key {key}"
        self.transport: asyncio.Transport | None = None
        self.replies: asyncio.Queue = asyncio.Queue()  # Until subscribed: handshake, replies.
        self.subscribed = False
        self.closed = asyncio.get_running_loop().create_future()
        self.first_seq: int | None = None
        self.last_seq: int | None = None
        self.latencies_ms: list[float] = []
        self.seqs: set[int] = set()
        self.gaps = 0
        self.late = 0

    def connection_made(self, transport) -> None:
        self.transport = transport
        self.protocol.send_request(self.request)
        self._flush()

    def data_received(self, data: bytes) -> None:
        received = time.time()
        self.protocol.receive_data(data)
        for event in self.protocol.events_received():
            if isinstance(event, self.response_type):
                self.replies.put_nowait(event)
            elif event.opcode is self.text_opcode:
                if not event.fin:
                    raise RuntimeError("The server fragmented a message.")
                if self.subscribed:
                    self._note(json.loads(event.data), received)
                else:
                    self.replies.put_nowait(json.loads(event.data))
        self._flush()  # Pongs and the closing handshake.

    def connection_lost(self, exc) -> None:
        if not self.closed.done():
            self.closed.set_result(None)
        self.replies.put_nowait(None)

    def send(self, message: dict) -> None:
        self.protocol.send_text(json.dumps(message).encode())
        self._flush()

    def close(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.protocol.send_close()
            self._flush()

    def _flush(self) -> None:
        for data in self.protocol.data_to_send():
            if data:
                self.transport.write(data)
            elif self.transport.can_write_eof():
                self.transport.write_eof()

    def _note(self, message: dict, received: float) -> None:
        if message["type"] != "message" or message["channel"] != CHANNEL:
            return
        seq = message["seq"]
        sent = datetime.fromisoformat(message["time"]).timestamp()
        self.latencies_ms.append((received - sent) * 1000)
        if seq <= self.last_seq:
            self.late += 1
            return
        if seq > self.last_seq + 1:
            self.gaps += 1
        self.last_seq = seq
        self.seqs.add(seq)


async def _subscribe(url: str, key: str, compression, opening, ready) -> Subscriber:
    loop = asyncio.get_running_loop()
    address = url.removeprefix("ws://").partition("/")[0]
    host, _, port = address.rpartition(":")
    async with opening:
        _, subscriber = await asyncio.wait_for(
            loop.create_connection(lambda: Subscriber(url, key, compression), host, int(port)),
            timeout=60,
        )
        response = await asyncio.wait_for(subscriber.replies.get(), timeout=60)
        if response is None or response.status_code != 101:
            raise RuntimeError(f"The handshake was refused: {response}")
        welcome = await asyncio.wait_for(subscriber.replies.get(), timeout=60)
        if not welcome or welcome.get("type") != "welcome" or not welcome.get("authenticated"):
            raise RuntimeError(f"Not signed in: {welcome}")
        subscriber.send({"op": "subscribe", "channels": [CHANNEL]})
        while True:
            reply = await asyncio.wait_for(subscriber.replies.get(), timeout=60)
            if reply is None:
                raise RuntimeError("The server closed the socket before subscribing it.")
            if reply["type"] == "subscribed":
                subscriber.first_seq = subscriber.last_seq = reply["seq"]
                subscriber.subscribed = True
                break
            if reply["type"] == "error":
                raise RuntimeError(f"Refused: {reply}")
    ready()
    return subscriber


async def _client_main(url, keys, count, compression, ready_counter, stop_event, results):
    opening = asyncio.Semaphore(OPENING_AT_ONCE)

    def ready():
        with ready_counter.get_lock():
            ready_counter.value += 1

    subscribers = await asyncio.gather(
        *(_subscribe(url, keys[i % len(keys)], compression, opening, ready) for i in range(count))
    )
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, stop_event.wait)
    for subscriber in subscribers:
        subscriber.close()
    await asyncio.wait([s.closed for s in subscribers], timeout=30)
    for subscriber in subscribers:
        if subscriber.transport is not None:
            subscriber.transport.close()
    results.put(
        [
            {
                "first_seq": s.first_seq,
                "seqs": sorted(s.seqs),
                "latencies_ms": s.latencies_ms,
                "gaps": s.gaps,
                "late": s.late,
            }
            for s in subscribers
        ]
    )


def _client_process(url, keys, count, compression, ready_counter, stop_event, results, failures):
    _raise_file_limit(count + 256)
    try:
        asyncio.run(_client_main(url, keys, count, compression, ready_counter, stop_event, results))
    except BaseException as error:
        failures.put(repr(error))
        raise


# The feed and the figures -----------------------------------------------------------------


def _run_ticks(ticks: int, interval: float) -> list[float]:
    """Tick the market ``ticks`` times, ``interval`` apart; return each tick's seconds."""
    from config.stream.hub import hub
    from market.services import feeds_tick

    durations = []
    next_at = time.monotonic()
    for _ in range(ticks):
        next_at += interval
        started = time.perf_counter()
        feeds_tick()
        hub.wait_idle(timeout=10)
        durations.append(time.perf_counter() - started)
        time.sleep(max(0.0, next_at - time.monotonic()))
    return durations


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--connections", type=int, default=CONNECTIONS)
    parser.add_argument("--ticks", type=int, default=TICKS)
    parser.add_argument("--interval", type=float, default=INTERVAL_SECONDS)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    parser.add_argument("--client-processes", type=int, default=CLIENT_PROCESSES)
    parser.add_argument("--keys", type=int, default=KEYS)
    parser.add_argument(
        "--compression", choices=("deflate", "none"), default="deflate",
        help="what the clients ask for: permessage-deflate, as browsers do, or none",
    )  # fmt: skip
    options = parser.parse_args()
    _production_environment()
    from bench._db import configure, throwaway_database

    configure()
    from django.db import connection

    from config.stream.hub import INTEREST_KEY, hub

    context = multiprocessing.get_context("spawn")
    with throwaway_database():
        keys = _seed(options.keys)
        settings = connection.settings_dict
        database = (
            f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
            f"{settings['PORT'] or 5432}/{settings['NAME']}"
        )
        # Interest left by an earlier run would make this one's feed publish to no one.
        hub.redis_client().delete(INTEREST_KEY)
        port = free_port()
        server = _server(port, options.workers, database)
        clients = []
        try:
            wait_until_up(port)
            url = f"ws://127.0.0.1:{port}/api/v1/stream"
            compression = None if options.compression == "none" else "deflate"
            ready_counter = context.Value("i", 0)
            stop_event = context.Event()
            results, failures = queues = context.Queue(), context.Queue()
            shares = [
                options.connections // options.client_processes
                + (1 if i < options.connections % options.client_processes else 0)
                for i in range(options.client_processes)
            ]
            opened_at = time.monotonic()
            for share in shares:
                process = context.Process(
                    target=_client_process,
                    args=(url, keys, share, compression, ready_counter, stop_event, *queues),
                    daemon=True,
                )
                process.start()
                clients.append(process)
            while ready_counter.value < options.connections:
                if not failures.empty() or not all(p.is_alive() for p in clients):
                    raise SystemExit(f"A client failed: {failures.get(timeout=5)}")
                if time.monotonic() - opened_at > 300:
                    raise SystemExit(f"Only {ready_counter.value} sockets subscribed in 300 s.")
                time.sleep(0.1)
            opening_seconds = time.monotonic() - opened_at
            web_pids = process_tree(server.pid)
            client_pids = [process.pid for process in clients]
            cpu_before = cpu_seconds(web_pids), cpu_seconds(client_pids)
            tick_seconds = _run_ticks(options.ticks, options.interval)
            time.sleep(DRAIN_SECONDS)
            cpu_web, cpu_clients = (
                tuple(now - then for now, then in zip(cpu_seconds(pids), before, strict=True))
                for pids, before in zip((web_pids, client_pids), cpu_before, strict=True)
            )
            stop_event.set()
            per_connection = []
            for _ in clients:
                per_connection.extend(results.get(timeout=120))
            for process in clients:
                process.join(timeout=30)
        finally:
            for process in clients:
                if process.is_alive():
                    process.terminate()
            stop(server)
            hub.redis_client().delete(INTEREST_KEY)

    latencies = sorted(ms for c in per_connection for ms in c["latencies_ms"])
    expected = options.ticks * len(per_connection)
    missed = sum(
        len(set(range(c["first_seq"] + 1, c["first_seq"] + options.ticks + 1)) - set(c["seqs"]))
        for c in per_connection
    )
    gaps = sum(c["gaps"] for c in per_connection)
    late = sum(c["late"] for c in per_connection)
    ticks_ordered = sorted(tick_seconds)
    print(
        f"{len(per_connection)} sockets on {CHANNEL} (opened and subscribed in "
        f"{opening_seconds:.1f} s), uvicorn {options.workers} workers, "
        f"{options.client_processes} client processes, compression {options.compression}; "
        f"{options.ticks} ticks "
        f"{options.interval:g} s apart"
    )
    print(f"Feed tick (commit, announce, hub sent): p50 "
          f"{percentile(ticks_ordered, 0.5) * 1000:.1f} ms, max "
          f"{ticks_ordered[-1] * 1000:.1f} ms")  # fmt: skip
    per_message = 1e6 / max(1, len(latencies))
    for name, (user, system) in (("web processes", cpu_web), ("clients", cpu_clients)):
        print(
            f"CPU while ticking, {name}: {user + system:.1f} s, "
            f"{(user + system) * per_message:.0f} us a message "
            f"({user * per_message:.0f} user, {system * per_message:.0f} system)"
        )
    print(f"Messages: {len(latencies)} received of {expected} expected; missed {missed}, "
          f"gaps {gaps}, late or repeated {late}")  # fmt: skip
    if latencies:
        print(
            f"Publish to receive: p50 {percentile(latencies, 0.5):.1f} ms, p95 "
            f"{percentile(latencies, 0.95):.1f} ms, p99 {percentile(latencies, 0.99):.1f} ms, "
            f"max {latencies[-1]:.1f} ms"
        )
    met = bool(latencies) and missed == 0 and gaps == 0
    met = met and percentile(latencies, 0.99) < TARGET_P99_MS
    print(f"Target (every message, p99 under {TARGET_P99_MS:.0f} ms): "
          f"{'met' if met else 'MISSED'}.")  # fmt: skip
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
