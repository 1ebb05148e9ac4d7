"""One receiver a web process: each group's messages come in once and go to every socket.

The channel layer could carry a message to each socket's own channel, but then every
socket runs the layer's receive machinery for every tick (tasks, a shared lock, a
queue each): with a thousand sockets on one ticker that, not the sending, sets how
late the tick arrives. Instead the process holds one channel of its own that joins
every group its sockets subscribe to, receives each message once and hands the text
the hub wrote to each subscriber.

A socket never waits for another: a message is written at once to a socket with
nothing queued, and a delivery that must wait (the socket's buffer full) goes on as a
small task of its own, so a slow client holds up only itself, and one that falls
``MAX_IN_FLIGHT`` messages behind misses messages (its client sees a gap in ``seq``
and subscribes again). Deliveries to one socket keep their order: a socket with a
delivery waiting gets its next ones as tasks too, the tasks start in order and the web
server lets writers through in the order they came.

One fan-out per event loop (a web process has one; each test has its own). It
receives only while some socket subscribes, and renews its groups and the hub's
interest every ``hub.INTEREST_RENEW_SECONDS``, so both lapse soon after a process dies.
"""

import asyncio
import logging
import weakref
from collections import defaultdict

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer

from config.stream import hub

logger = logging.getLogger(__name__)

MAX_IN_FLIGHT = 100  # Messages on their way to one socket; past that it misses some.


class Fanout:
    def __init__(self) -> None:
        self.layer = get_channel_layer()
        self.channel: str | None = None
        self.members: dict[str, set] = defaultdict(set)
        self.joins: dict[str, asyncio.Future] = {}
        self.receiver: asyncio.Task | None = None
        self.renewer: asyncio.Task | None = None
        self.deliveries: set[asyncio.Task] = set()

    async def join(self, group: str, consumer) -> None:
        """Deliver ``group``'s messages to ``consumer``; return once the process receives them."""
        if self.channel is None:
            self.channel = await self.layer.new_channel(prefix="stream-fanout")
        if self.receiver is None or self.receiver.done():
            self.receiver = asyncio.ensure_future(self._receive())
            self.renewer = asyncio.ensure_future(self._renew())
        self.members[group].add(consumer)
        joined = self.joins.get(group)
        if joined is None:
            joined = self.joins[group] = asyncio.ensure_future(
                self.layer.group_add(group, self.channel)
            )
        # Shielded: a subscriber that goes away must not cancel the others' join.
        await asyncio.shield(joined)

    async def leave(self, group: str, consumer) -> None:
        members = self.members.get(group)
        if members is None:
            return
        members.discard(consumer)
        if members:
            return
        del self.members[group]
        self.joins.pop(group, None)
        if not self.members:
            await self._stop()
        await self.layer.group_discard(group, self.channel)

    async def _stop(self) -> None:
        """Stop receiving, and wait until the layer's receive has tidied up.

        The layer lets one event loop receive at a time and keeps a lock a channel;
        a receive cut off with its loop would leave both held for the next loop.
        """
        tasks = [task for task in (self.receiver, self.renewer) if task is not None]
        self.receiver = self.renewer = None
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        cleaners = list(getattr(self.layer, "receive_cleaners", ()))
        await asyncio.gather(*cleaners, return_exceptions=True)

    async def _receive(self) -> None:
        while True:
            try:
                event = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("The stream's fan-out could not receive; retrying")
                await asyncio.sleep(1.0)
                continue
            self.deliver(event)

    def deliver(self, event: dict) -> None:
        for consumer in list(self.members.get(event.get("group"), ())):
            if consumer.in_flight >= MAX_IN_FLIGHT:
                continue
            delivery = consumer.stream_message(event)
            if not consumer.in_flight:
                # Nothing queued for this socket: write now. A socket with room in its
                # buffer takes the message without waiting, as nearly all do on every
                # tick, and a task for each of a thousand sockets would cost more than
                # the write. One that must wait goes on as a task from where it stopped.
                try:
                    waiting = delivery.send(None)
                except StopIteration:
                    continue
                except Exception as error:
                    logger.warning("A stream message was not delivered: %r", error)
                    continue
                delivery = _finish(delivery, waiting)
            consumer.in_flight += 1
            task = asyncio.ensure_future(delivery)
            self.deliveries.add(task)
            task.add_done_callback(self._delivered(consumer))

    def _delivered(self, consumer):
        def done(task: asyncio.Task) -> None:
            self.deliveries.discard(task)
            consumer.in_flight -= 1
            if not task.cancelled() and task.exception() is not None:
                logger.warning("A stream message was not delivered: %r", task.exception())

        return done

    async def _renew(self) -> None:
        while True:
            await asyncio.sleep(hub.INTEREST_RENEW_SECONDS)
            groups = list(self.members)
            try:
                for group in groups:
                    await self.layer.group_add(group, self.channel)
                await sync_to_async(hub.hub.interest_add, thread_sensitive=False)(groups)
            except Exception:
                logger.exception("The stream's fan-out could not renew its groups")


class _Rest:
    """The rest of a coroutine already run up to its first wait, as an awaitable.

    The task awaiting it waits on what the coroutine waits on, then resumes the
    coroutine, as if the task had run it from the start (asyncio's eager tasks, which
    Python 3.12 has and 3.11 has not).
    """

    __slots__ = ("coroutine", "waiting")

    def __init__(self, coroutine, waiting) -> None:
        self.coroutine, self.waiting = coroutine, waiting

    def __await__(self):
        coroutine, waiting = self.coroutine, self.waiting
        while True:
            if waiting is not None and waiting.done():
                # Ready before this task first ran: go on now, ahead of the deliveries
                # queued after this one (a round of the loop would let them pass).
                try:
                    waiting = coroutine.send(None)
                except StopIteration as stop:
                    return stop.value
                continue
            try:
                yield waiting
            except BaseException as error:  # Cancelled: the coroutine hears it where it waits.
                try:
                    waiting = coroutine.throw(error)
                except StopIteration as stop:
                    return stop.value
                continue
            try:
                waiting = coroutine.send(None)
            except StopIteration as stop:
                return stop.value


async def _finish(coroutine, waiting):
    return await _Rest(coroutine, waiting)


_fanouts: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Fanout]" = (
    weakref.WeakKeyDictionary()
)


def fanout() -> Fanout:
    """The fan-out of the running event loop."""
    loop = asyncio.get_running_loop()
    if loop not in _fanouts:
        _fanouts[loop] = Fanout()
    return _fanouts[loop]
