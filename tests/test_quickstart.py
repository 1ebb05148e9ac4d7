"""The quick start: ``python3 dev.py start`` brings the platform up and Ctrl-C stops it all."""

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
START_SECONDS = 60
STOP_SECONDS = 15
CELERY_READY = re.compile(r"celery@\S+ ready")
# Settings that would move the quick start off its embedded default.
OUTSIDE_SERVICES = ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "CELERY_BROKER_URL",
                    "CACHE_URL")  # fmt: skip


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def status_of(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (http only)
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


def descendants(pid: int) -> set[int]:
    """Return every living process under ``pid``, read from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces and parentheses; the fields after it do not.
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if state != "Z":
            parents[int(entry.name)] = int(ppid)
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


class Output:
    """Collect a process's output on a thread so its pipe never fills up."""

    def __init__(self, stream):
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream):
        for line in iter(stream.readline, ""):
            self.lines.append(line)

    def text(self) -> str:
        return "".join(self.lines)


def wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


def platform_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    """The environment of a fresh machine's quick start in ``tmp_path``, plus ``settings``."""
    env = {key: value for key, value in os.environ.items() if key not in OUTSIDE_SERVICES}
    return env | {"SHORTBOOK_VAR_DIR": str(tmp_path), "SHORTBOOK_SKIP_INSTALL": "1", **settings}


def quick_start(tmp_path: Path, port: int, **settings: str) -> tuple[subprocess.Popen, "Output"]:
    """Run ``python3 dev.py start`` as a user does, on the embedded default, in its own group.

    ``settings`` are more environment variables for the platform's processes.
    """
    env = platform_env(tmp_path, **settings)
    process = subprocess.Popen(  # noqa: S603 (our own script)
        [sys.executable, "dev.py", "start", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    return process, Output(process.stdout)


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process tree from /proc")
def test_start_runs_the_platform_and_ctrl_c_stops_every_process(tmp_path):
    port = free_port()
    process, output = quick_start(tmp_path, port)
    base = f"http://127.0.0.1:{port}"
    children: set[int] = set()
    try:
        assert wait_until(lambda: status_of(f"{base}/") == 200, START_SECONDS), output.text()
        assert status_of(f"{base}/accounts/login/") == 200, output.text()
        assert wait_until(lambda: CELERY_READY.search(output.text()), START_SECONDS), output.text()
        assert process.poll() is None, output.text()
        assert (tmp_path / "shortbook.sqlite3").exists()
        children = descendants(process.pid)
        assert len(children) >= 2, output.text()  # At least the web server and the worker.

        os.killpg(process.pid, signal.SIGINT)  # What a terminal's Ctrl-C does.

        assert process.wait(timeout=STOP_SECONDS) == 0, output.text()
        assert wait_until(lambda: not any(alive(pid) for pid in children), 5), (
            f"left running: {[pid for pid in children if alive(pid)]}\n{output.text()}"
        )
        assert "demo@shortbook.local / shortbook-demo" in output.text()
    finally:
        # Whatever happened above, leave no process of this test behind.
        if process.poll() is None:
            children |= descendants(process.pid)
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


# The lesson, on the quick start's own worker and beat --------------------------------

LESSON_SECONDS = 90
# The carry schedules run every few seconds instead of on the hour (each charge is still
# once per position and period); the tick and the risk reactions keep their own pace.
LESSON_SCHEDULES = {"FUNDING_APPLY_SECONDS": "2", "BORROW_INTEREST_SECONDS": "2"}
SIGNUP_PATH = "/_allauth/app/v1/auth/signup"


class Trader:
    """A user of the running quick start, through the REST API as the mobile app signs in."""

    def __init__(self, base: str, email: str):
        self.base = base
        body = self._call("POST", SIGNUP_PATH, {"email": email, "password": "a long passphrase 42"})
        self.token = body["meta"]["session_token"]

    def _call(self, method: str, path: str, body: dict | None = None, token: str | None = None):
        request = urllib.request.Request(  # noqa: S310 (http only)
            self.base + path,
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Content-Type": "application/json"}
            | ({"X-Session-Token": token} if token else {}),
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            raise AssertionError(f"{method} {path}: {error.code} {error.read()!r}") from error

    def get(self, path: str):
        return self._call("GET", "/api/v1" + path, token=self.token)

    def post(self, path: str, body: dict):
        return self._call("POST", "/api/v1" + path, body, token=self.token)

    def short(self, symbol: str, quantity: Decimal, **fields) -> dict:
        order = {"instrument": symbol, "side": "sell", "type": "market", "quantity": str(quantity)}
        return self.post("/orders", order | fields)

    def positions(self) -> dict[str, dict]:
        return {p["instrument"]: p for p in self.get("/positions")}

    def ledger_kinds(self) -> set[str]:
        return {line["kind"] for line in self.get("/account/ledger?page_size=100")["results"]}


def manage(env: dict, *args: str) -> str:
    """Run a management command against the quick start's own database, as staff would."""
    done = subprocess.run(  # noqa: S603 (our own script)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def to_tick(price: Decimal, tick: Decimal = Decimal("0.5")) -> Decimal:
    return (price / tick).quantize(Decimal(1)) * tick


# The last hour's borrow-interest round is forgotten, as if the hour had just ended: the
# next run of the schedule (every 2 s here, on the hour in production) opens it again,
# on the positions open now. A position pays for an hour it held when the hour's round
# opened, so without this a short opened after the start would wait for the next hour.
BORROW_HOUR_ENDS = """
from trading.models import CarryBatch, JournalEntry
CarryBatch.objects.filter(kind=JournalEntry.Kind.BORROW_INTEREST).delete()
"""

# The feed's last tick moves back to just before the hour, as if it had ticked then: its
# next tick crosses the hour, a funding time of BTC-PERP once staff set hourly funding.
FUNDING_TIME_PASSES = """
from datetime import timedelta
from django.utils import timezone
from market.models import Instrument, Underlying
Instrument.objects.filter(symbol="BTC-PERP").update(funding_interval_hours=1)
hour = timezone.now().replace(minute=0, second=0, microsecond=0)
Underlying.objects.filter(symbol="BTC").update(last_tick_at=hour - timedelta(seconds=1))
print(hour.isoformat())
"""


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process tree from /proc")
def test_the_quick_start_stops_liquidates_and_charges_carry_on_schedule(tmp_path):
    """A stop closes a short, a runaway price liquidates a leveraged one, carry is charged.

    Everything after the start runs in the quick start's own processes: the web server
    takes the orders, the feed worker ticks, the worker reacts to ticks and runs beat's
    schedules. The test acts only as staff could: it moves the price with
    `manage.py market_tick`, and for funding makes BTC-PERP fund hourly and sets the
    feed's last tick just before the hour, so the next real tick crosses a funding time
    instead of the test waiting up to eight hours for one.
    """
    port = free_port()
    process, output = quick_start(tmp_path, port, **LESSON_SCHEDULES)
    staff_env = platform_env(
        tmp_path, **LESSON_SCHEDULES, DJANGO_SETTINGS_MODULE="config.settings.local"
    )
    base = f"http://127.0.0.1:{port}"
    children: set[int] = set()
    try:
        assert wait_until(lambda: status_of(f"{base}/") == 200, START_SECONDS), output.text()
        assert wait_until(lambda: CELERY_READY.search(output.text()), START_SECONDS), output.text()
        children = descendants(process.pid)
        ticker = f"{base}/api/v1/instruments/BTC-PERP/ticker"
        assert wait_until(lambda: status_of(ticker) == 200, START_SECONDS), output.text()
        with urllib.request.urlopen(ticker, timeout=5) as response:  # noqa: S310 (http only)
            assert json.loads(response.read())["stale"] is False  # The feed ticks.
        carrier = Trader(base, "carrier@example.com")
        stopper = Trader(base, "stopper@example.com")
        gambler = Trader(base, "gambler@example.com")

        # Carry: a spot short pays hourly borrow interest, a perpetual short funding.
        carrier.short("BTC-USD", Decimal("0.01"))
        carrier.short("BTC-PERP", Decimal("0.01"))
        assert set(carrier.positions()) == {"BTC-USD", "BTC-PERP"}
        funding_time = manage(staff_env, "shell", "-c", FUNDING_TIME_PASSES).split()[-1]
        manage(staff_env, "shell", "-c", BORROW_HOUR_ENDS)
        assert wait_until(
            lambda: {"borrow_interest", "funding"} <= carrier.ledger_kinds(), LESSON_SECONDS
        ), output.text()
        lines = carrier.get("/account/ledger?page_size=100")["results"]
        (funding,) = [line for line in lines if line["kind"] == "funding"]
        assert f"funding at {funding_time}" in funding["memo"]
        (interest,) = [line for line in lines if line["kind"] == "borrow_interest"]
        assert Decimal(interest["amount"]) < 0  # The short paid to borrow the coin.

        # A short with a stop-loss 1% above, and one at 10x, eight times the account, that a
        # rise of about a tenth wipes out (more leverage needs the guide's quiz first).
        mark = Decimal(stopper.get("/instruments/BTC-PERP/ticker")["mark_price"])
        stop_price = to_tick(mark * Decimal("1.01"))
        order = stopper.short("BTC-PERP", Decimal("0.1"), stop_loss={"stop_price": str(stop_price)})
        (stop,) = order["attached"]
        gambler.post("/positions/BTC-PERP/leverage", {"leverage": "10"})
        gambler.short("BTC-PERP", (Decimal(800_000) / mark).quantize(Decimal("0.001")))
        liquidation = Decimal(gambler.positions()["BTC-PERP"]["liquidation_price"])
        assert stop_price * Decimal("1.01") < liquidation < mark * Decimal("1.2")

        # The price rises through the stop, short of the liquidation price.
        manage(staff_env, "market_tick", "BTC", str(to_tick(stop_price * Decimal("1.005"))))
        assert wait_until(lambda: "BTC-PERP" not in stopper.positions(), LESSON_SECONDS), (
            output.text()
        )
        assert stopper.get(f"/orders/{stop['id']}")["status"] == "filled"
        assert "BTC-PERP" in gambler.positions()

        # Then runs away past it.
        manage(staff_env, "market_tick", "BTC", str(to_tick(liquidation * Decimal("1.02"))))
        assert wait_until(lambda: not gambler.positions(), LESSON_SECONDS), output.text()
        # Liquidated, not stopped: the notification says so, and past the liquidation price
        # the insurance fund took the loss beyond the account's cash (never below zero).
        kinds = {n["kind"] for n in gambler.get("/notifications")["results"]}
        assert "liquidation" in kinds, kinds
        assert "stop_triggered" in {n["kind"] for n in stopper.get("/notifications")["results"]}
        assert Decimal(gambler.get("/account")["cash"]) >= 0

        assert "The ledger balances." in manage(staff_env, "check_ledger")
        os.killpg(process.pid, signal.SIGINT)
        assert process.wait(timeout=STOP_SECONDS) == 0, output.text()
    finally:
        if process.poll() is None:
            children |= descendants(process.pid)
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
