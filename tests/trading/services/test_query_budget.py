"""How many queries placing an order costs, so that a regression fails the build.

Measured on an account that already holds a position in the instrument and a
platform whose own accounts exist: the steady state of a trader. A market order
takes 19 statements: the savepoint around the service and its release; lock the
instrument by symbol, then the account (reading the book's next sequence and the
platform's accounts with it) and the position; the trading permission rules; the
order's row; the book; the position, fill and order; the trade with its candles'
volume; the balance; the journal entry, its lines and the balance; the margin check
(the positions, their margin tiers and the resting orders). A resting limit order
takes 12: no fills, so no ledger, but the cash for the margin check. A
client_order_id costs no statement of its own: the account's lock looks it up, and
the order's insert skips a row that collides with it (no savepoint). The bounds are
the counts: raise them only for a reason. The margin check reads the quotes of the
account's other instruments from the cache in one round trip.
"""

from decimal import Decimal

import pytest

from tests.factories.market import btc_market
from trading import selectors, services
from trading.models import Order
from trading.services.orders import OrderRequest

pytestmark = pytest.mark.django_db

MARKET_ORDER_QUERIES = 15
LIMIT_ORDER_QUERIES = 12
CLIENT_ORDER_ID_QUERIES = 0


@pytest.fixture
def account(user):
    btc_market()
    account = selectors.paper_account_for_user(user=user)
    # A first fill creates the position and the platform's own accounts.
    place(account, side="buy", type="market")
    return account


def place(account, client_order_id=None, **fields):
    request = OrderRequest(instrument="BTC-PERP", quantity=Decimal("0.01"), **fields)
    order, _ = services.order_place(
        account=account, request=request, client_order_id=client_order_id
    )
    return order


def test_a_market_order_stays_within_its_query_budget(account, django_assert_max_num_queries):
    # Adding to the long: the order grows the position, so the margin check runs too.
    with django_assert_max_num_queries(MARKET_ORDER_QUERIES):
        order = place(account, side="buy", type="market")
    assert order.status == Order.Status.FILLED


def test_a_limit_order_stays_within_its_query_budget(account, django_assert_max_num_queries):
    with django_assert_max_num_queries(LIMIT_ORDER_QUERIES):
        order = place(account, side="buy", type="limit", price=Decimal("40000"))
    assert order.status == Order.Status.NEW


def test_a_market_order_with_a_client_order_id_stays_within_its_query_budget(
    account, django_assert_max_num_queries
):
    with django_assert_max_num_queries(MARKET_ORDER_QUERIES + CLIENT_ORDER_ID_QUERIES):
        order = place(account, side="buy", type="market", client_order_id="budget-1")
    assert order.status == Order.Status.FILLED


def test_a_limit_order_with_a_client_order_id_stays_within_its_query_budget(
    account, django_assert_max_num_queries
):
    with django_assert_max_num_queries(LIMIT_ORDER_QUERIES + CLIENT_ORDER_ID_QUERIES):
        order = place(
            account, side="buy", type="limit", price=Decimal("40000"), client_order_id="budget-2"
        )
    assert order.status == Order.Status.NEW


class _CountingCache:
    """The cache, counting the round trips ``get`` and ``get_many`` make."""

    def __init__(self, cache):
        self._cache = cache
        self.round_trips = 0

    def get(self, *args, **kwargs):
        self.round_trips += 1
        return self._cache.get(*args, **kwargs)

    def get_many(self, *args, **kwargs):
        self.round_trips += 1
        return self._cache.get_many(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._cache, name)


def test_the_margin_check_reads_the_held_instruments_quotes_at_once(account, monkeypatch):
    from market import selectors as market_selectors

    for symbol in ("BTC-CFD", "BTC-USD"):
        services.order_place(
            account=account,
            request=OrderRequest(
                instrument=symbol, side="buy", type="market", quantity=Decimal("0.01")
            ),
        )
    counting = _CountingCache(market_selectors.cache)
    monkeypatch.setattr(market_selectors, "cache", counting)
    place(account, side="buy", type="market")
    # The order's own quote, then those of the other two held instruments together.
    assert counting.round_trips == 2
