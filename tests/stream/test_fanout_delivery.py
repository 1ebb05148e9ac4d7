"""The fan-out writes to a ready socket at once and lets a stuck one wait on its own."""

import asyncio

import pytest

from config.stream.fanout import MAX_IN_FLIGHT, Fanout

GROUP = "ticker.BTC-PERP"


class Socket:
    """A subscriber whose writes go through at once, or wait while its buffer is full."""

    def __init__(self) -> None:
        self.in_flight = 0
        self.writable = asyncio.Event()
        self.writable.set()
        self.received: list[int] = []

    async def stream_message(self, event):
        await self.writable.wait()  # A set event returns without suspending, as a free socket.
        self.received.append(event["seq"])


def event(seq: int) -> dict:
    return {"group": GROUP, "seq": seq, "text": "{}"}


@pytest.mark.asyncio
async def test_a_ready_socket_gets_each_message_at_once_and_a_stuck_one_later_in_order():
    fanout = Fanout()
    ready, stuck = Socket(), Socket()
    stuck.writable.clear()
    fanout.members[GROUP] = {ready, stuck}

    for seq in (1, 2, 3):
        fanout.deliver(event(seq))

    assert ready.received == [1, 2, 3]  # Written in deliver itself: no task, no wait.
    assert ready.in_flight == 0
    assert stuck.received == []
    assert stuck.in_flight == 3  # The first went as far as it could; all three wait.

    stuck.writable.set()
    await asyncio.wait_for(asyncio.gather(*fanout.deliveries), timeout=5)
    assert stuck.received == [1, 2, 3]
    assert stuck.in_flight == 0
    assert not fanout.deliveries


@pytest.mark.asyncio
async def test_a_socket_that_falls_too_far_behind_misses_messages_not_the_others():
    fanout = Fanout()
    ready, stuck = Socket(), Socket()
    stuck.writable.clear()
    fanout.members[GROUP] = {ready, stuck}

    for seq in range(1, MAX_IN_FLIGHT + 6):
        fanout.deliver(event(seq))

    assert ready.received == list(range(1, MAX_IN_FLIGHT + 6))
    assert stuck.in_flight == MAX_IN_FLIGHT
    stuck.writable.set()
    await asyncio.wait_for(asyncio.gather(*fanout.deliveries), timeout=5)
    assert stuck.received == list(range(1, MAX_IN_FLIGHT + 1))  # The rest it missed.


@pytest.mark.asyncio
async def test_a_waiting_delivery_can_be_cancelled():
    fanout = Fanout()
    stuck = Socket()
    stuck.writable.clear()
    fanout.members[GROUP] = {stuck}
    fanout.deliver(event(1))
    (task,) = fanout.deliveries
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert stuck.received == []
    assert stuck.in_flight == 0


@pytest.mark.asyncio
async def test_a_failed_write_is_counted_off_and_the_others_still_get_it():
    class Gone(Socket):
        async def stream_message(self, event):
            raise ConnectionResetError("the client went away")

    fanout = Fanout()
    gone, ready = Gone(), Socket()
    fanout.members[GROUP] = {gone, ready}
    fanout.deliver(event(1))
    assert ready.received == [1]
    assert gone.in_flight == 0
    assert not fanout.deliveries
