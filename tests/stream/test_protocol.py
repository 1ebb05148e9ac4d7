"""Bad requests get a clear error in the API's error shape, and the connection stays up."""

import pytest

from config.stream.channels import BadChannel, Channel, Kind, channel_parse
from tests.stream.conftest import open_client

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("weather:BTC-PERP", "unknown_channel"),
        ("ticker", "unknown_channel"),
        ("ticker:BTC-PERP:1m", "unknown_channel"),
        ("orders:42", "unknown_channel"),
        ("ticker:btc perp", "unknown_symbol"),
        ("candles:BTC-PERP", "unknown_interval"),
        ("candles:BTC-PERP:7m", "unknown_interval"),
        ("", "unknown_channel"),
    ],
)
def test_a_malformed_channel_is_refused_with_its_reason(name, code):
    with pytest.raises(BadChannel) as refused:
        channel_parse(name)
    assert refused.value.code == code
    assert refused.value.message


def test_channels_map_to_groups_that_keep_accounts_apart():
    assert channel_parse("candles:BTC-PERP:5m") == Channel(Kind.CANDLES, "BTC-PERP", "5m")
    assert channel_parse("ticker:BTC-PERP").group() == "stream.ticker.BTC-PERP"
    orders = channel_parse("orders")
    assert orders.group(account_id=7) != orders.group(account_id=8)
    with pytest.raises(ValueError, match="account"):
        orders.group()


@pytest.mark.asyncio
async def test_bad_subscriptions_and_messages_get_errors_and_the_good_ones_still_work(market):
    client = await open_client()
    await client.send(
        op="subscribe",
        channels=["ticker:NOPE-PERP", "candles:BTC-PERP:2h", "bogus", "ticker:BTC-PERP"],
        id="s",
    )
    codes = {}
    for _ in range(3):
        error = await client.receive_type("error")
        assert error["id"] == "s" and error["error"]["message"]
        codes[error["channel"]] = error["error"]["code"]
    assert codes == {
        "ticker:NOPE-PERP": "unknown_symbol",
        "candles:BTC-PERP:2h": "unknown_interval",
        "bogus": "unknown_channel",
    }
    assert (await client.receive_type("subscribed"))["channel"] == "ticker:BTC-PERP"

    await client.send_text("not json")
    assert (await client.receive_type("error"))["error"]["code"] == "invalid_message"
    await client.send(op="dance")
    assert (await client.receive_type("error"))["error"]["code"] == "unknown_op"
    await client.send(op="subscribe", channels="")
    assert (await client.receive_type("error"))["error"]["code"] == "invalid_message"
    await client.send_text("x" * 5000)
    assert (await client.receive_type("error"))["error"]["code"] == "message_too_large"
    await client.send(op="ping")
    assert (await client.receive_type("pong"))["type"] == "pong"
    await client.close()


@pytest.mark.asyncio
async def test_another_websocket_path_is_refused(market):
    from channels.testing import WebsocketCommunicator

    from config.asgi import application

    communicator = WebsocketCommunicator(application, "/api/v1/elsewhere")
    connected, _ = await communicator.connect(timeout=5)
    assert connected is False
