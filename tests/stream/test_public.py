"""Public market channels: tickers, candles, trades and the order book, for anyone."""

from decimal import Decimal

import pytest

from tests.stream.conftest import move, open_client, place

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def test_an_anonymous_client_gets_the_ticker_snapshot_then_each_tick(market):
    client = await open_client()
    assert client.welcome["authenticated"] is False
    assert client.welcome["heartbeat_seconds"] > 0

    subscribed = (await client.subscribe("ticker:BTC-PERP"))["ticker:BTC-PERP"]
    assert subscribed["data"]["symbol"] == "BTC-PERP"
    assert Decimal(subscribed["data"]["index_price"]) == Decimal("50000")

    await move("51000")
    message = await client.message_on("ticker:BTC-PERP")
    assert message["seq"] == subscribed["seq"] + 1
    assert Decimal(message["data"]["index_price"]) == Decimal("51000")
    assert message["data"]["sequence"] > subscribed["data"]["sequence"]

    await move("52000")
    second = await client.message_on("ticker:BTC-PERP")
    assert second["seq"] == message["seq"] + 1
    await client.close()


async def test_sequence_numbers_are_per_channel_and_a_resubscribe_resumes_them(market):
    client = await open_client()
    replies = await client.subscribe("ticker:BTC-PERP", "ticker:BTC-USD")
    await move("51000")
    await move("50500")
    seen = {"ticker:BTC-PERP": [], "ticker:BTC-USD": []}
    while any(len(seqs) < 2 for seqs in seen.values()):
        message = await client.receive_type("message")
        seen[message["channel"]].append(message["seq"])
    for channel, seqs in seen.items():
        first = replies[channel]["seq"]
        assert seqs == [first + 1, first + 2]

    # Subscribing again (what a client does after a gap) gives the state and the seq it is at.
    again = (await client.subscribe("ticker:BTC-PERP"))["ticker:BTC-PERP"]
    assert again["seq"] == seen["ticker:BTC-PERP"][-1]
    assert Decimal(again["data"]["index_price"]) == Decimal("50500")
    await client.close()


async def test_candles_trades_and_the_order_book_stream(market, account):
    client = await open_client()
    replies = await client.subscribe("candles:BTC-PERP:1m", "trades:BTC-PERP", "orderbook:BTC-PERP")
    assert replies["trades:BTC-PERP"]["data"] == []
    book = replies["orderbook:BTC-PERP"]["data"]
    assert book["symbol"] == "BTC-PERP" and book["bids"] and book["asks"]
    assert replies["candles:BTC-PERP:1m"]["data"]["interval"] == "1m"

    order = await place(account, quantity="0.2")
    trade = await client.message_on("trades:BTC-PERP")
    assert trade["data"]["symbol"] == "BTC-PERP"
    assert trade["data"]["taker_side"] == "sell"
    assert Decimal(trade["data"]["quantity"]) <= Decimal("0.2")
    assert Decimal(trade["data"]["price"]) <= order.average_price + 100

    await move("49000")
    candle = await client.message_on("candles:BTC-PERP:1m")
    assert candle["data"]["symbol"] == "BTC-PERP"
    assert Decimal(candle["data"]["low"]) <= Decimal(candle["data"]["close"])
    assert Decimal(candle["data"]["volume"]) >= Decimal("0.2")
    book = await client.message_on("orderbook:BTC-PERP")
    best_bid = Decimal(book["data"]["bids"][0]["price"])
    assert Decimal("48000") < best_bid < Decimal("49500")
    await client.close()


async def test_a_resting_order_shows_in_the_streamed_book(market, account):
    client = await open_client()
    snapshot = (await client.subscribe("orderbook:BTC-PERP"))["orderbook:BTC-PERP"]["data"]
    best_bid = Decimal(snapshot["bids"][0]["price"])
    assert Decimal(snapshot["bids"][0]["users_quantity"]) == 0
    await place(account, side="buy", type="limit", quantity="0.5", price=best_bid)

    book = await client.message_on("orderbook:BTC-PERP")
    levels = {Decimal(level["price"]): level for level in book["data"]["bids"]}
    assert Decimal(levels[best_bid]["users_quantity"]) == Decimal("0.5")
    await client.close()


async def test_unsubscribe_stops_the_messages(market):
    client = await open_client()
    await client.subscribe("ticker:BTC-PERP")
    await client.send(op="unsubscribe", channels=["ticker:BTC-PERP"], id="u1")
    reply = await client.receive_type("unsubscribed")
    assert reply == {"type": "unsubscribed", "channels": ["ticker:BTC-PERP"], "id": "u1"}

    await move("51000")
    assert await client.nothing_more(timeout=1.0)
    await client.close()


async def test_heartbeats_come_on_time_and_a_ping_is_answered(market, settings):
    settings.STREAM_HEARTBEAT_SECONDS = 0.2
    client = await open_client()
    heartbeat = await client.receive(timeout=2)
    assert heartbeat["type"] == "heartbeat" and heartbeat["time"]

    await client.send(op="ping", id=7)
    pong = await client.receive_type("pong")
    assert pong["id"] == 7
    await client.close()


async def test_a_subscriber_stays_through_a_quiet_spell_longer_than_the_layers_wait(market):
    # The channel layer waits for messages with a 5 s blocking pop; a Redis read that
    # times out first would end the socket after 5 quiet seconds.
    client = await open_client()
    await client.subscribe("ticker:BTC-PERP")
    assert await client.nothing_more(timeout=6.5)

    await move("51000")
    message = await client.message_on("ticker:BTC-PERP")
    assert Decimal(message["data"]["index_price"]) == Decimal("51000")
    await client.close()


async def test_sockets_in_one_process_share_the_tick_and_leave_it_one_by_one(market):
    from config.stream.fanout import fanout

    first, second = await open_client(), await open_client()
    await first.subscribe("ticker:BTC-PERP")
    await second.subscribe("ticker:BTC-PERP")
    assert len(fanout().members["stream.ticker.BTC-PERP"]) == 2

    await move("51000")
    one = await first.message_on("ticker:BTC-PERP")
    two = await second.message_on("ticker:BTC-PERP")
    assert one == two

    await first.close()
    await move("51500")
    message = await second.message_on("ticker:BTC-PERP")
    assert message["seq"] == two["seq"] + 1
    assert Decimal(message["data"]["index_price"]) == Decimal("51500")
    await second.close()
    assert "stream.ticker.BTC-PERP" not in fanout().members
