"""The stream over the real Redis channel layer, with committed data (the hub reads it)."""

import json
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from rest_framework.test import APIClient

from config.asgi import application
from config.stream.hub import INTEREST_KEY, hub
from tests.factories.accounts import api_key_issue
from tests.factories.market import btc_market
from trading import selectors, services
from trading.services.orders import OrderRequest

STREAM_PATH = "/api/v1/stream"
LOGIN_URL = "/_allauth/app/v1/auth/login"
TIMEOUT = 5


@pytest.fixture(autouse=True)
def _stream_settings(settings):
    settings.STREAM_ORDERBOOK_SECONDS = 0.0
    yield
    # Nothing of this test may still run on the hub's thread when the next one starts,
    # and no subscription of it may make later tests' ticks publish.
    hub.wait_idle(timeout=10)
    hub.redis_client().delete(INTEREST_KEY)


@pytest.fixture
def market(transactional_db):
    return btc_market()


@pytest.fixture
def account(user):
    return selectors.paper_account_for_user(user=user)


@pytest.fixture
def other_account(other_user):
    return selectors.paper_account_for_user(user=other_user)


class Client:
    """One websocket client: send ops, read what the server sends."""

    def __init__(self, communicator: WebsocketCommunicator):
        self.communicator = communicator
        self.welcome = None

    async def send(self, **op):
        await self.communicator.send_json_to(op)

    async def send_text(self, text: str):
        await self.communicator.send_to(text_data=text)

    async def receive(self, timeout=TIMEOUT) -> dict:
        return await self.communicator.receive_json_from(timeout=timeout)

    async def receive_type(self, kind: str, timeout=TIMEOUT) -> dict:
        """The next message of type ``kind``, skipping heartbeats."""
        while True:
            message = await self.receive(timeout)
            if message["type"] == kind:
                return message
            assert message["type"] == "heartbeat", message

    async def message_on(self, channel: str, timeout=TIMEOUT) -> dict:
        """The next ``message`` on ``channel``, skipping other channels' and heartbeats."""
        while True:
            message = await self.receive(timeout)
            if message["type"] == "message" and message["channel"] == channel:
                return message
            assert message["type"] in ("message", "heartbeat"), message

    async def messages_on(self, *channels: str, timeout=TIMEOUT) -> dict[str, dict]:
        """The first ``message`` on each of ``channels``, whatever order they come in."""
        found = {}
        while set(found) != set(channels):
            message = await self.receive(timeout)
            assert message["type"] in ("message", "heartbeat"), message
            if message["type"] == "message" and message["channel"] in channels:
                found.setdefault(message["channel"], message)
        return found

    async def subscribe(self, *channels: str) -> dict:
        await self.send(op="subscribe", channels=list(channels))
        replies = {}
        for _ in channels:
            reply = await self.receive_type("subscribed")
            replies[reply["channel"]] = reply
        return replies

    async def nothing_more(self, timeout=0.5) -> bool:
        return await self.communicator.receive_nothing(timeout=timeout)

    async def close(self):
        await self.communicator.disconnect()


async def open_client(*, headers=None, query=None, expect_welcome=True) -> Client:
    path = STREAM_PATH + (f"?{urlencode(query)}" if query else "")
    raw = [(name.encode(), value.encode()) for name, value in (headers or {}).items()]
    communicator = WebsocketCommunicator(application, path, headers=raw)
    connected, _ = await communicator.connect(timeout=TIMEOUT)
    assert connected
    client = Client(communicator)
    if expect_welcome:
        client.welcome = await client.receive()
        assert client.welcome["type"] == "welcome", client.welcome
    return client


async def key_client(user, **kwargs) -> Client:
    issued = await database_sync_to_async(api_key_issue)(user=user)
    return await open_client(headers={"authorization": f"Api-Key {issued.key}"}, **kwargs)


def session_token(email: str, password: str) -> str:
    response = APIClient().post(LOGIN_URL, {"email": email, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["meta"]["session_token"]


@database_sync_to_async
def place(account, *, symbol="BTC-PERP", side="sell", type="market", quantity="0.1", **fields):
    request = OrderRequest(
        instrument=symbol, side=side, type=type, quantity=Decimal(quantity), **fields
    )
    order, _ = services.order_place(account=account, request=request)
    return order


@database_sync_to_async
def move(price: str):
    from tests.factories.market import move as market_move

    market_move(price)


def dumps(value) -> str:
    return json.dumps(value)
