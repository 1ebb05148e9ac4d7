"""The stream's channels: what a client may subscribe to, and the group each one is sent to.

Public channels carry market data and name an instrument: ``ticker:{symbol}``,
``trades:{symbol}``, ``orderbook:{symbol}`` and ``candles:{symbol}:{interval}``.
Private channels carry the subscriber's own events and name nothing: ``orders``,
``fills``, ``positions``, ``account`` and ``notifications``; they are groups of the
user's paper account, so no one can be sent another user's private messages.

A group name is also the key of the channel's sequence number (``hub``): the
sequence counts the messages of one channel as its subscribers see it.
"""

import re
from dataclasses import dataclass
from enum import StrEnum

from market.models import Candle


class Kind(StrEnum):
    TICKER = "ticker"
    TRADES = "trades"
    ORDERBOOK = "orderbook"
    CANDLES = "candles"
    ORDERS = "orders"
    FILLS = "fills"
    POSITIONS = "positions"
    ACCOUNT = "account"
    NOTIFICATIONS = "notifications"


PUBLIC_KINDS = frozenset({Kind.TICKER, Kind.TRADES, Kind.ORDERBOOK, Kind.CANDLES})
PRIVATE_KINDS = frozenset(set(Kind) - PUBLIC_KINDS)
INTERVALS = tuple(Candle.Interval.values)
# Symbols are upper-case letters, digits and dashes (BTC-PERP, BTC-250328-60000-P);
# anything else cannot name an instrument, and could not be part of a group name.
SYMBOL = re.compile(r"^[A-Z0-9][A-Z0-9\-]{0,31}$")
GROUP_PREFIX = "stream"


class BadChannel(Exception):
    """A subscription the stream refuses; ``code`` says why."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class Channel:
    """One channel as a client names it, parsed."""

    kind: Kind
    symbol: str = ""
    interval: str = ""

    @property
    def name(self) -> str:
        return ":".join(part for part in (self.kind, self.symbol, self.interval) if part)

    @property
    def private(self) -> bool:
        return self.kind in PRIVATE_KINDS

    def group(self, *, account_id: int | None = None) -> str:
        """The channel layer's group: per instrument when public, per paper account when private."""
        if self.private:
            if account_id is None:
                raise ValueError("A private channel's group needs the account.")
            return f"{GROUP_PREFIX}.account.{account_id}.{self.kind}"
        return ".".join(
            part for part in (GROUP_PREFIX, self.kind, self.symbol, self.interval) if part
        )


def channel_parse(name: object) -> Channel:
    """Parse a channel name, or raise ``BadChannel`` saying what is wrong with it.

    Checks the form only; whether the symbol names an instrument is the consumer's
    question, and so is whether the client may see a private channel.
    """
    if not isinstance(name, str) or not name:
        raise BadChannel(
            "unknown_channel", "A channel is a non-empty string such as ticker:BTC-PERP."
        )
    kind_name, _, rest = name.partition(":")
    try:
        kind = Kind(kind_name)
    except ValueError:
        raise BadChannel("unknown_channel", _unknown_channel(name)) from None
    if kind in PRIVATE_KINDS:
        if rest:
            raise BadChannel(
                "unknown_channel",
                f"{kind} is your own channel and names nothing: subscribe to {kind!s}.",
            )
        return Channel(kind)
    symbol, _, interval = rest.partition(":")
    if not symbol:
        raise BadChannel("unknown_channel", f"Name the instrument: {kind}:{{symbol}}.")
    if not SYMBOL.match(symbol):
        raise BadChannel("unknown_symbol", f"No instrument is called {symbol[:40]}.")
    if kind == Kind.CANDLES:
        if interval not in INTERVALS:
            raise BadChannel(
                "unknown_interval",
                f"Candles come in {', '.join(INTERVALS)}: candles:{symbol}:1m, for example.",
            )
    elif interval:
        raise BadChannel("unknown_channel", f"{kind} takes only a symbol: {kind}:{symbol}.")
    return Channel(kind, symbol, interval)


def _unknown_channel(name: str) -> str:
    public = ", ".join(f"{kind}:{{symbol}}" for kind in sorted(PUBLIC_KINDS - {Kind.CANDLES}))
    private = ", ".join(sorted(PRIVATE_KINDS))
    return (
        f"No channel is called {name[:60]}. Public: {public}, candles:{{symbol}}:{{interval}}; "
        f"your own: {private}."
    )
