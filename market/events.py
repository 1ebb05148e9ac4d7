"""What market publishes on the live stream: tickers, candles and the public tape.

A tick's tickers and open candles go out when market announces the committed
tick; a trade goes out when the transaction that recorded it commits. Each is
sent only to channels someone subscribes to (``config.stream.hub``). The same
shapes are the snapshots a subscriber gets first (``snapshot``).
"""

import functools
import logging

from django.dispatch import receiver

from config.stream import hub
from config.stream.channels import INTERVALS, Channel, Kind
from market.quotes import Quote
from market.signals import tick_announced

logger = logging.getLogger(__name__)

TRADES_SNAPSHOT = 50


def ticker_data(quote: Quote) -> dict:
    return quote.to_dict()


def candle_data(bar, *, symbol: str, interval: str) -> dict:
    return {
        "symbol": symbol,
        "interval": interval,
        "open_time": bar.open_time,
        "open": bar.open,
        "high": bar.high,
        "low": bar.low,
        "close": bar.close,
        "volume": bar.volume,
    }


def trade_data(trade) -> dict:
    return {
        "id": trade.pk,
        "symbol": trade.instrument.symbol,
        "price": trade.price,
        "quantity": trade.quantity,
        "taker_side": trade.taker_side,
        "is_whale": trade.is_whale,
        "created_at": trade.created_at,
    }


@receiver(tick_announced, dispatch_uid="market.events.tick_publish")
def tick_publish(sender, *, underlying, sequence, quotes, settled, **kwargs) -> None:
    """Publish the committed tick's tickers and open candles (market announces after commit)."""
    hub.hub.submit([functools.partial(_tick_job, tuple(quotes))])


def _tick_job(quotes: tuple[Quote, ...], outbox: hub.Outbox) -> None:
    from market import selectors  # market.selectors imports market.services, which imports us.
    from market.models import Instrument

    tickers = {Channel(Kind.TICKER, q.symbol): q for q in quotes}
    candles = [Channel(Kind.CANDLES, q.symbol, interval) for q in quotes for interval in INTERVALS]
    wanted = outbox.wanted(c.group() for c in [*tickers, *candles])
    for channel, quote in tickers.items():
        if channel.group() in wanted:
            outbox.send(group=channel.group(), channel=channel.name, data=ticker_data(quote))
    candles = [c for c in candles if c.group() in wanted]
    if not candles:
        return
    instruments = Instrument.objects.in_bulk({c.symbol for c in candles}, field_name="symbol")
    for channel in candles:
        if channel.symbol not in instruments:
            continue  # Delisted since the tick.
        bars = selectors.candle_list(
            instrument=instruments[channel.symbol], interval=channel.interval, limit=1
        )
        if bars:
            data = candle_data(bars[-1], symbol=channel.symbol, interval=channel.interval)
            outbox.send(group=channel.group(), channel=channel.name, data=data)


def trade_recorded(*, trade) -> None:
    """Publish a trade on the public tape once its transaction commits."""
    channel = Channel(Kind.TRADES, trade.instrument.symbol)
    data = trade_data(trade)

    def job(outbox: hub.Outbox) -> None:
        if channel.group() in outbox.wanted([channel.group()]):
            outbox.send(group=channel.group(), channel=channel.name, data=data)

    hub.after_commit(("trade", trade.pk), hub.publishing_to(job, channel.group()))


def snapshot(channel: Channel, instrument):
    """What a new subscriber to a market channel gets first: the state as it stands."""
    from config.errors import Conflict
    from market import selectors

    if channel.kind == Kind.TICKER:
        try:
            return ticker_data(selectors.ticker_get(instrument=instrument))
        except Conflict:
            return None  # No price yet: the first tick will be the first message.
    if channel.kind == Kind.CANDLES:
        bars = selectors.candle_list(instrument=instrument, interval=channel.interval, limit=1)
        return (
            candle_data(bars[-1], symbol=channel.symbol, interval=channel.interval)
            if bars
            else None
        )
    if channel.kind == Kind.TRADES:
        trades = selectors.trade_list(instrument=instrument).select_related("instrument")
        return [trade_data(trade) for trade in trades[:TRADES_SNAPSHOT]]
    raise ValueError(f"market has no snapshot of {channel.name}")
