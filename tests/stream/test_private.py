"""Private channels: authentication, a user's own events, and nobody else's."""

from decimal import Decimal

import pytest
from channels.db import database_sync_to_async
from django.db import transaction

from accounts import services as account_services
from config.stream.hub import hub
from tests.stream.conftest import key_client, open_client, place, session_token
from trading.services.notifications import notification_create

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

PRIVATE = ("orders", "fills", "positions", "account", "notifications")


async def test_an_order_placed_through_the_service_reaches_its_owner(market, user, account):
    client = await key_client(user)
    assert client.welcome["authenticated"] is True
    replies = await client.subscribe(*PRIVATE)
    assert replies["orders"]["data"] == []
    assert Decimal(replies["account"]["data"]["cash"]) == Decimal("100000")

    order = await place(account, quantity="0.1")

    messages = await client.messages_on("orders", "fills", "positions", "account")
    orders = messages["orders"]
    assert orders["data"]["id"] == order.pk
    assert orders["data"]["status"] == "filled"
    assert orders["seq"] == replies["orders"]["seq"] + 1
    fill = messages["fills"]
    assert fill["data"]["order_id"] == order.pk
    assert Decimal(fill["data"]["quantity"]) == Decimal("0.1")
    position = messages["positions"]
    assert position["data"]["instrument"] == "BTC-PERP"
    assert position["data"]["side"] == "short"
    assert Decimal(messages["account"]["data"]["cash"]) == Decimal("100000") - order.fees
    # One order, one message per channel: the three writes of the fill are one event.
    assert await client.nothing_more(timeout=0.5)
    await client.close()


async def test_one_user_never_receives_another_users_private_messages(
    market, user, account, other_user, other_account
):
    mine = await key_client(user)
    theirs = await key_client(other_user)
    await mine.subscribe(*PRIVATE)
    await theirs.subscribe(*PRIVATE)

    order = await place(other_account, quantity="0.2")
    await database_sync_to_async(notification_create)(
        account=other_account, kind="order_filled", title="Filled"
    )

    seen = set()
    while seen != set(PRIVATE):
        message = await theirs.receive_type("message")
        seen.add(message["channel"])
        if message["channel"] == "orders":
            assert message["data"]["id"] == order.pk
    assert await mine.nothing_more(timeout=1.0)
    # Private channels name no account, so there is no way to ask for someone else's.
    await mine.send(op="subscribe", channels=[f"orders:{other_account.pk}"])
    error = await mine.receive_type("error")
    assert error["error"]["code"] == "unknown_channel"
    await mine.close()
    await theirs.close()


async def test_a_notification_is_streamed(market, user, account):
    client = await key_client(user)
    await client.subscribe("notifications")
    await database_sync_to_async(notification_create)(
        account=account, kind="margin_warning", title="Margin level 1.20"
    )
    message = await client.message_on("notifications")
    assert message["data"]["title"] == "Margin level 1.20"
    assert message["data"]["kind"] == "margin_warning"
    await client.close()


async def test_a_rolled_back_order_publishes_nothing(market, user, account):
    client = await key_client(user)
    await client.subscribe("orders", "fills")

    @database_sync_to_async
    def place_and_roll_back():
        from trading.services.orders import OrderRequest, order_place

        with pytest.raises(RuntimeError), transaction.atomic():
            order_place(
                account=account,
                request=OrderRequest(
                    instrument="BTC-PERP", side="sell", type="market", quantity=Decimal("0.1")
                ),
            )
            raise RuntimeError("roll back")

    await place_and_roll_back()
    await database_sync_to_async(hub.wait_idle)()
    assert await client.nothing_more(timeout=1.0)
    await client.close()


async def test_private_channels_need_authentication(market):
    client = await open_client()
    await client.send(op="subscribe", channels=["orders"], id="s1")
    error = await client.receive_type("error")
    assert error["id"] == "s1"
    assert error["channel"] == "orders"
    assert error["error"]["code"] == "not_authenticated"
    assert error["error"]["fields"] == {"channels": {"orders": [error["error"]["message"]]}}
    await client.close()


async def test_a_session_token_authenticates_by_header_query_or_message(
    market, user, password, account
):
    token = await database_sync_to_async(session_token)(user.email, password)
    by_header = await open_client(headers={"x-session-token": token})
    by_query = await open_client(query={"session_token": token})
    by_message = await open_client()
    assert by_header.welcome["authenticated"] and by_query.welcome["authenticated"]
    assert by_message.welcome["authenticated"] is False
    await by_message.send(op="auth", session_token=token, id=1)
    assert (await by_message.receive_type("authenticated"))["id"] == 1

    for client in (by_header, by_query, by_message):
        replies = await client.subscribe("account")
        assert replies["account"]["data"]["id"] == account.pk
        await client.close()


async def test_an_api_key_authenticates_by_an_auth_message(market, user, account):
    issued = await database_sync_to_async(account_services.api_key_create)(
        user=user, name="bot", scope="read"
    )
    client = await open_client()
    await client.send(op="auth", api_key=issued.key)
    await client.receive_type("authenticated")
    replies = await client.subscribe("orders")
    assert replies["orders"]["data"] == []
    await client.close()


async def test_the_session_cookie_counts_only_from_our_own_pages(market, user, account):
    from django.test import Client as DjangoClient

    @database_sync_to_async
    def login_cookie():
        browser = DjangoClient()
        browser.force_login(user)
        return browser.cookies["sessionid"].value

    cookie = f"sessionid={await login_cookie()}"
    ours = await open_client(headers={"cookie": cookie, "origin": "http://localhost"})
    assert ours.welcome["authenticated"] is True
    foreign = await open_client(headers={"cookie": cookie, "origin": "https://evil.example"})
    assert foreign.welcome["authenticated"] is False
    await foreign.send(op="subscribe", channels=["orders"])
    assert (await foreign.receive_type("error"))["error"]["code"] == "not_authenticated"
    await ours.close()
    await foreign.close()


async def test_refused_credentials_are_said_and_the_socket_closed(market):
    client = await open_client(
        headers={"authorization": "Api-Key sb_nope_nope"}, expect_welcome=False
    )
    error = await client.receive()
    assert error["type"] == "error"
    assert error["error"]["code"] == "authentication_failed"
    closed = await client.communicator.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": 4001}

    bad_token = await open_client(query={"session_token": "expired"}, expect_welcome=False)
    assert (await bad_token.receive())["error"]["code"] == "authentication_failed"


async def test_a_key_revoked_while_connected_ends_the_stream(market, user, settings):
    settings.STREAM_HEARTBEAT_SECONDS = 0.1
    settings.STREAM_REAUTH_SECONDS = 0.1
    issued = await database_sync_to_async(account_services.api_key_create)(
        user=user, name="bot", scope="trade"
    )
    client = await open_client(headers={"authorization": f"Api-Key {issued.key}"})
    await database_sync_to_async(account_services.api_key_revoke)(api_key=issued.api_key)

    error = await client.receive_type("error")
    assert error["error"]["code"] == "authentication_expired"
    closed = await client.communicator.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": 4001}
