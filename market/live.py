"""The live feed: an exchange's public ticker through ccxt.

An optional extra (``pip install ccxt``, pinned as the ``live`` extra in
pyproject.toml), off by default, never used by tests: it needs a network. A staff
member turns it on per underlying in the admin (feed source "live", an exchange id
such as ``kraken`` and its symbol such as ``BTC/USD``).
"""

from decimal import Decimal
from functools import cache

LIVE_TIMEOUT_MS = 3000


class LiveFeedUnavailable(Exception):
    """The live feed cannot give a price: ccxt is missing or the exchange did not answer."""


@cache
def _exchange(exchange: str):
    try:
        import ccxt
    except ImportError as error:
        raise LiveFeedUnavailable(
            "The live feed needs ccxt: install the 'live' extra (pip install ccxt)."
        ) from error
    try:
        exchange_class = getattr(ccxt, exchange)
    except AttributeError as error:
        raise LiveFeedUnavailable(f"ccxt knows no exchange called {exchange!r}.") from error
    return exchange_class({"enableRateLimit": True, "timeout": LIVE_TIMEOUT_MS})


def last_price(*, exchange: str, symbol: str) -> Decimal:
    """Return the exchange's last traded price for ``symbol``."""
    try:
        ticker = _exchange(exchange).fetch_ticker(symbol)
    except LiveFeedUnavailable:
        raise
    except Exception as error:  # ccxt raises many network and exchange errors.
        raise LiveFeedUnavailable(f"{exchange} gave no price for {symbol}: {error}") from error
    price = ticker.get("last") or ticker.get("close")
    if price is None:
        raise LiveFeedUnavailable(f"{exchange} has no last price for {symbol}.")
    return Decimal(str(price))
