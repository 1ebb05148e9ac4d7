"""Start, watch and stop the platform's processes from a benchmark (standard library only)."""

import contextlib
import http.client
import os
import secrets
import signal
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def production_environment(**overrides: str) -> dict[str, str]:
    """Production's settings on plain HTTP on this machine: its pool, no test prefixes.

    The cache and the metrics get a key prefix of their own run: a bench's throwaway
    database numbers its users and ticks from 1 again, and must not meet an earlier
    run's throttle counts or quotes in Redis.
    """
    run = f"shortbook-bench-{secrets.token_hex(4)}"
    return {
        "CACHE_KEY_PREFIX": run,
        "METRICS_KEY_PREFIX": f"{run}:metrics:",
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
        **overrides,
    }


def database_url() -> str:
    """The URL of the database this process is connected to (the throwaway one)."""
    from django.db import connection

    settings = connection.settings_dict
    return (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(command: list[str], env: dict[str, str]) -> subprocess.Popen:
    """Start ``command`` in the project's folder, in a process group of its own."""
    return subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        command, cwd=ROOT, env=env, start_new_session=True
    )


def wait_until_up(port: int, *, path: str = "/healthz", timeout: float = 60.0) -> None:
    """Wait until ``path`` answers 200, asking again every 0.3 s, whatever it answered."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"The server did not answer {path} with 200 within {timeout:.0f} s.")


def stop(process: subprocess.Popen, *, timeout: float = 20.0) -> None:
    """Stop a process group started by ``start``; kill it if it hangs on its way out."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (uvicorn's and Celery's workers are its children)."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        with contextlib.suppress(OSError):
            children = Path(f"/proc/{current}/task/{current}/children").read_text()
            pending.extend(int(child) for child in children.split())
    return found


def cpu_seconds(pids: list[int]) -> tuple[float, float]:
    """User and system (kernel) CPU seconds the processes have used so far (Linux)."""
    user = system = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        user, system = user + int(fields[11]), system + int(fields[12])
    ticks = os.sysconf("SC_CLK_TCK")
    return user / ticks, system / ticks


def cpu_by_process(pids: list[int]) -> dict[int, float]:
    """User and system CPU seconds of each live process in ``pids`` (Linux; gone ones left out)."""
    ticks = os.sysconf("SC_CLK_TCK")
    seconds = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / ticks
    return seconds


def cpu_spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds spent between two ``cpu_by_process`` readings; a newcomer counts whole."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def percentile(ordered: list[float], fraction: float) -> float:
    """The value at ``fraction`` of an ascending list (nearest rank)."""
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]
