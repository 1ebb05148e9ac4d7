"""The stream on the quick start's embedded default: uvicorn, the in-memory layer, live ticks.

Runs ``python3 dev.py start`` as a user does and reads the ticker over a real
websocket: the feed ticks in its own process and the web process relays the ticks
it finds in the shared cache.
"""

import contextlib
import json
import os
import signal
from pathlib import Path

import pytest
from websockets.sync.client import connect

from tests.test_quickstart import (
    START_SECONDS,
    STOP_SECONDS,
    descendants,
    free_port,
    quick_start,
    status_of,
    wait_until,
)

TICK_WAIT_SECONDS = 30


def receive(socket, kind: str, seconds: float = TICK_WAIT_SECONDS) -> dict:
    while True:
        message = json.loads(socket.recv(timeout=seconds))
        if message["type"] == kind:
            return message


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process tree from /proc")
def test_the_quick_start_streams_live_tickers(tmp_path):
    port = free_port()
    process, output = quick_start(tmp_path, port)
    children: set[int] = set()
    try:
        up = wait_until(lambda: status_of(f"http://127.0.0.1:{port}/") == 200, START_SECONDS)
        assert up, output.text()
        children = descendants(process.pid)
        with connect(f"ws://127.0.0.1:{port}/api/v1/stream", open_timeout=10) as socket:
            welcome = receive(socket, "welcome", 10)
            assert welcome["authenticated"] is False
            socket.send(json.dumps({"op": "subscribe", "channels": ["ticker:BTC-PERP"]}))
            subscribed = receive(socket, "subscribed", 10)
            assert subscribed["channel"] == "ticker:BTC-PERP"
            first = receive(socket, "message")
            second = receive(socket, "message")
            assert first["channel"] == second["channel"] == "ticker:BTC-PERP"
            assert second["seq"] == first["seq"] + 1, output.text()
            assert second["data"]["sequence"] > first["data"]["sequence"]
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
