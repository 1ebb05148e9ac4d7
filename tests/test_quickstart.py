"""The quick start: ``python3 dev.py start`` brings the platform up and Ctrl-C stops it all."""

import contextlib
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


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process tree from /proc")
def test_start_runs_the_platform_and_ctrl_c_stops_every_process(tmp_path):
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key not in OUTSIDE_SERVICES}
    env |= {"SHORTBOOK_VAR_DIR": str(tmp_path), "SHORTBOOK_SKIP_INSTALL": "1"}
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
    output = Output(process.stdout)
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
