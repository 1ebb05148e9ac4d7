"""The websocket at ``/api/v1/stream``: subscribe to channels, receive numbered messages.

docs/api-stream.md is the protocol. In short: the client sends ``{"op": ...}``
messages (``auth``, ``subscribe``, ``unsubscribe``, ``ping``); the server sends
``{"type": ...}`` messages (``welcome``, ``authenticated``, ``subscribed``,
``unsubscribed``, ``message``, ``heartbeat``, ``pong``, ``error``). Every
``message`` carries its channel's sequence number ``seq``, one more than the
last on that channel; ``subscribed`` carries the snapshot and the ``seq`` it is
current to, so a client that sees a gap subscribes again.
"""

import asyncio
import json
import logging
import time
from dataclasses import dataclass
from urllib.parse import parse_qs

from asgiref.sync import sync_to_async
from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from config.api.exceptions import error_body
from config.stream import auth, hub
from config.stream.channels import BadChannel, Channel, Kind, channel_parse
from config.stream.fanout import fanout
from market import events as market_events
from trading import events as trading_events

logger = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 4096
MAX_SUBSCRIPTIONS = 100
# A client may send this many messages in a burst, refilled at this many a second.
OPS_BURST = 20
OPS_PER_SECOND = 5.0
CLOSE_AUTHENTICATION = 4001  # Application close codes (4000-4999): credentials refused.
CLOSE_RATE = 4008


def _redis_call(function):
    """Run a blocking Redis call of the hub off the event loop."""
    return sync_to_async(function, thread_sensitive=False)


@dataclass(slots=True)
class Subscription:
    """One channel a socket holds: the ``seq`` last sent, and messages held back meanwhile.

    While ``pending`` is a list the subscription is being set up: messages that arrive
    wait there until the snapshot has gone out, then those it does not cover follow.
    """

    channel: Channel
    seq: int = 0
    pending: list[dict] | None = None


class StreamConsumer(AsyncJsonWebsocketConsumer):
    # Messages come through the process's fan-out (config/stream/fanout.py), not a
    # channel of each socket's own: no socket runs the layer's receive machinery.
    channel_layer_alias = None

    @classmethod
    async def encode_json(cls, content):
        return json.dumps(content, cls=DjangoJSONEncoder)

    async def dispatch(self, message):
        """Run the handler of a message, without Channels' database cleanup before each.

        Channels closes stale database connections before every handler by a hop to
        the one thread that sync code shares in the process; with a thousand sockets
        those hops queue up behind each other and behind every other socket's. This
        consumer reads the database only through ``database_sync_to_async``, which
        cleans up around each call itself.
        """
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self):
        self.identity: auth.Identity | None = None
        self.account_id: int | None = None
        self.subscriptions: dict[str, Subscription] = {}
        self.in_flight = 0  # Messages the fan-out is delivering to this socket.
        self.instruments: dict[str, object] = {}
        self.tokens = float(OPS_BURST)
        self.tokens_at = time.monotonic()
        self.heartbeat_task = None
        if not hub.hub.uses_redis:
            hub.hub.consumer_loop = asyncio.get_running_loop()
            relay_ensure()
        await self.accept()
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        credentials = auth.Credentials.from_scope(self.scope, query)
        if not await self._authenticate(credentials):
            return
        await self.send_json(
            {
                "type": "welcome",
                "authenticated": self.identity is not None,
                "heartbeat_seconds": settings.STREAM_HEARTBEAT_SECONDS,
            }
        )
        self.heartbeat_task = asyncio.create_task(self._heartbeat())

    async def disconnect(self, code):
        if self.heartbeat_task is not None:
            self.heartbeat_task.cancel()
        groups = list(getattr(self, "subscriptions", {}))
        self.subscriptions = {}
        for group in groups:
            await fanout().leave(group, self)
        if groups:
            await _redis_call(hub.hub.interest_remove)(groups)

    # Receiving ---------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if not self._spend_token():
            await self._error("rate_limited", "Too many messages; slow down.")
            await self.close(code=CLOSE_RATE)
            return
        if text_data is None:
            await self._error("invalid_message", "Send JSON text messages, not binary ones.")
            return
        if len(text_data) > MAX_MESSAGE_BYTES:
            await self._error(
                "message_too_large", f"A message may be at most {MAX_MESSAGE_BYTES} bytes."
            )
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            await self._error("invalid_message", "The message is not JSON.")
            return
        await self.receive_json(content)

    async def receive_json(self, content, **kwargs):
        if not isinstance(content, dict) or not isinstance(content.get("op"), str):
            await self._error("invalid_message", 'Send an object with an "op": subscribe, '
                              "unsubscribe, auth or ping.")  # fmt: skip
            return
        request_id = content.get("id")
        handlers = {
            "subscribe": self._subscribe,
            "unsubscribe": self._unsubscribe,
            "auth": self._auth,
            "ping": self._ping,
        }
        handler = handlers.get(content["op"])
        if handler is None:
            await self._error(
                "unknown_op",
                f"No op is called {content['op'][:40]}: use subscribe, unsubscribe, auth or ping.",
                request_id=request_id,
            )
            return
        await handler(content, request_id)

    def _spend_token(self) -> bool:
        now = time.monotonic()
        self.tokens = min(OPS_BURST, self.tokens + (now - self.tokens_at) * OPS_PER_SECOND)
        self.tokens_at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True

    async def _ping(self, content, request_id):
        await self.send_json(_with_id({"type": "pong", "time": _now()}, request_id))

    async def _auth(self, content, request_id):
        if self.identity is not None:
            await self._error(
                "already_authenticated",
                "This connection is already signed in.",
                request_id=request_id,
            )
            return
        credentials = auth.Credentials.from_message(content)
        if credentials.empty:
            await self._error(
                "invalid_message", "Send session_token or api_key to authenticate.",
                request_id=request_id, fields={"session_token": ["Required without api_key."]},
            )  # fmt: skip
            return
        if await self._authenticate(credentials, request_id=request_id):
            await self.send_json(_with_id({"type": "authenticated"}, request_id))

    async def _authenticate(self, credentials: auth.Credentials, *, request_id=None) -> bool:
        """Sign the connection in; on refused credentials say why and close."""
        try:
            identity = await database_sync_to_async(auth.authenticate)(credentials)
        except auth.AuthenticationFailed as error:
            await self._error("authentication_failed", error.message, request_id=request_id)
            await self.close(code=CLOSE_AUTHENTICATION)
            return False
        if identity is not None:
            self.identity = identity
            self.account_id = await database_sync_to_async(_paper_account_id)(identity.user)
        return True

    # Subscriptions -----------------------------------------------------------------

    async def _subscribe(self, content, request_id):
        names = _channel_names(content)
        if names is None:
            await self._error(
                "invalid_message", 'Send "channels": a list of channel names.',
                request_id=request_id, fields={"channels": ["A list of strings."]},
            )  # fmt: skip
            return
        for name in names:
            try:
                channel = channel_parse(name)
                await self._subscribe_one(channel, request_id)
            except BadChannel as error:
                await self._error(
                    error.code, error.message, request_id=request_id, channel=name,
                    fields={"channels": {str(name)[:60]: [error.message]}},
                )  # fmt: skip

    async def _subscribe_one(self, channel: Channel, request_id) -> None:
        instrument = None
        if channel.private:
            if self.account_id is None:
                raise BadChannel(
                    "not_authenticated",
                    f"{channel.name} is a private channel: authenticate first (an auth message, "
                    "a session token or an API key).",
                )
            group = channel.group(account_id=self.account_id)
        else:
            instrument = await self._instrument(channel.symbol)
            group = channel.group()
        if group not in self.subscriptions and len(self.subscriptions) >= MAX_SUBSCRIPTIONS:
            raise BadChannel(
                "too_many_subscriptions",
                f"A connection may hold {MAX_SUBSCRIPTIONS} subscriptions; open another.",
            )
        # Join first, then read the sequence, then the snapshot: a message that arrives
        # meanwhile is held back, and dropped if the snapshot already covers it.
        subscription = self.subscriptions.get(group)
        if subscription is None:
            subscription = self.subscriptions[group] = Subscription(channel)
        subscription.pending = []
        try:
            await fanout().join(group, self)
            await _redis_call(hub.hub.interest_add)([group])
            seq = await _redis_call(hub.hub.sequence_current)(group)
            data = await database_sync_to_async(self._snapshot)(channel, instrument)
        except BaseException:
            del self.subscriptions[group]
            await fanout().leave(group, self)
            raise
        subscription.seq = seq
        await self.send_json(
            _with_id(
                {"type": "subscribed", "channel": channel.name, "seq": seq, "data": data},
                request_id,
            )
        )
        # Messages that come while these go out join the queue; none jumps ahead.
        while subscription.pending:
            event = subscription.pending.pop(0)
            if event["seq"] > subscription.seq:
                subscription.seq = event["seq"]
                await self.send(text_data=event["text"])
        subscription.pending = None

    def _snapshot(self, channel: Channel, instrument):
        if channel.kind in (Kind.TICKER, Kind.CANDLES, Kind.TRADES):
            return market_events.snapshot(channel, instrument)
        if channel.kind == Kind.ORDERBOOK:
            return trading_events.snapshot(channel, instrument=instrument)
        from trading.models import Account

        account = Account.objects.get(pk=self.account_id)
        return trading_events.snapshot(channel, account=account)

    async def _instrument(self, symbol: str):
        if symbol not in self.instruments:
            instrument = await database_sync_to_async(_instrument_get)(symbol)
            if instrument is None:
                raise BadChannel("unknown_symbol", f"No instrument is called {symbol}.")
            self.instruments[symbol] = instrument
        return self.instruments[symbol]

    async def _unsubscribe(self, content, request_id):
        names = _channel_names(content)
        if names is None:
            await self._error(
                "invalid_message", 'Send "channels": a list of channel names.',
                request_id=request_id, fields={"channels": ["A list of strings."]},
            )  # fmt: skip
            return
        left = []
        for group, subscription in list(self.subscriptions.items()):
            channel = subscription.channel
            if channel.name in names:
                del self.subscriptions[group]
                await fanout().leave(group, self)
                await _redis_call(hub.hub.interest_remove)([group])
                left.append(channel.name)
        await self.send_json(_with_id({"type": "unsubscribed", "channels": left}, request_id))

    # Sending -----------------------------------------------------------------------

    async def stream_message(self, event):
        """A message the hub sent to one of our groups (the fan-out calls this)."""
        subscription = self.subscriptions.get(event["group"])
        if subscription is None:
            return  # Unsubscribed meanwhile.
        if subscription.pending is not None:
            subscription.pending.append(event)
            return
        if event["seq"] <= subscription.seq:
            return  # The snapshot already covered it.
        subscription.seq = event["seq"]
        await self.send(text_data=event["text"])  # The hub wrote it once for every socket.

    async def _heartbeat(self):
        # The fan-out renews the groups and the hub's interest for every socket at once.
        reauthenticated = time.monotonic()
        while True:
            await asyncio.sleep(settings.STREAM_HEARTBEAT_SECONDS)
            await self.send_json({"type": "heartbeat", "time": _now()})
            now = time.monotonic()
            if (
                self.identity is not None
                and now - reauthenticated >= settings.STREAM_REAUTH_SECONDS
            ):
                reauthenticated = now
                if not await self._still_signed_in():
                    return

    async def _still_signed_in(self) -> bool:
        """A revoked key, an expired session or a disabled user ends the connection."""
        try:
            identity = await database_sync_to_async(auth.authenticate)(self.identity.credentials)
        except auth.AuthenticationFailed as error:
            identity, message = None, error.message
        else:
            message = "The session or API key is no longer valid."
        if identity is None or identity.user_id != self.identity.user_id:
            await self._error("authentication_expired", message)
            await self.close(code=CLOSE_AUTHENTICATION)
            return False
        return True

    async def _error(self, code, message, *, request_id=None, channel=None, fields=None):
        body = {"type": "error", **error_body(code=code, message=message, fields=fields)}
        if channel is not None:
            body["channel"] = str(channel)[:60]
        await self.send_json(_with_id(body, request_id))


def _with_id(message: dict, request_id) -> dict:
    """Echo the client's ``id`` so it can match a reply to its request."""
    if isinstance(request_id, str | int) and not isinstance(request_id, bool):
        message["id"] = request_id
    return message


def _channel_names(content: dict) -> list[str] | None:
    names = content.get("channels")
    if isinstance(names, str):
        names = [names] if names else None
    if not isinstance(names, list) or not names or len(names) > MAX_SUBSCRIPTIONS:
        return None
    return list(dict.fromkeys(str(name) if not isinstance(name, str) else name for name in names))


def _now() -> str:
    return timezone.now().isoformat()


def _paper_account_id(user) -> int:
    from trading import selectors

    return selectors.paper_account_for_user(user=user).pk


def _instrument_get(symbol: str):
    from config.errors import NotFound
    from market import selectors

    try:
        return selectors.instrument_get(symbol=symbol)
    except NotFound:
        return None


# The embedded default's tick relay --------------------------------------------------------

_relay: asyncio.Task | None = None


def relay_ensure() -> None:
    """In memory, ticks happen in the feed's process: relay them from the shared cache.

    Every process of the embedded default shares the file cache where each tick
    leaves its underlying's quotes (``market.services.QUOTES_CACHE_KEY``); the web
    process polls it and publishes what is new, as the feed would through Redis.
    """
    global _relay
    if _relay is None or _relay.done():
        _relay = asyncio.get_running_loop().create_task(_relay_ticks())


async def _relay_ticks():
    last: dict[str, int] = {}
    while True:
        await asyncio.sleep(settings.STREAM_RELAY_SECONDS)
        try:
            fresh = await database_sync_to_async(_fresh_quotes)(last)
        except Exception:
            logger.exception("The stream's tick relay failed")
            continue
        if fresh:
            hub.hub.submit(
                [lambda outbox, q=quotes: market_events._tick_job(q, outbox) for quotes in fresh]
                + [
                    lambda outbox, q=quotes: trading_events._orderbook_job(
                        outbox, symbols=tuple(x.symbol for x in q)
                    )
                    for quotes in fresh
                ]
            )


def _fresh_quotes(last: dict[str, int]) -> list[tuple]:
    from django.core.cache import cache

    from market.models import Underlying
    from market.quotes import Quote
    from market.services import QUOTES_CACHE_KEY

    fresh = []
    for symbol in Underlying.objects.values_list("symbol", flat=True):
        cached = cache.get(QUOTES_CACHE_KEY.format(underlying=symbol)) or {}
        quotes = tuple(Quote.from_dict(value) for value in cached.values())
        if not quotes:
            continue
        sequence = max(quote.sequence for quote in quotes)
        if sequence > last.get(symbol, 0):
            if symbol in last:
                fresh.append(quotes)
            last[symbol] = sequence
    return fresh
