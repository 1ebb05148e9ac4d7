"""How many queries placing an order costs, so that a regression fails the build.

Measured on an account that already holds a position in the instrument and a
platform whose own accounts exist: the steady state of a trader. A market order
took 22 queries (lock the instrument by symbol, the account and the position; the
order's sequence and row; the book; the position, fill, order, trade and candles;
the platform's accounts and the balance; the journal entry, its lines and the
balance; the margin check) and a resting limit order 12. The bounds leave a small
margin; raise them only for a reason.
"""

from decimal import Decimal

import pytest

from tests.factories.market import btc_market
from trading import selectors, services
from trading.models import Order
from trading.services.orders import OrderRequest

pytestmark = pytest.mark.django_db

MARKET_ORDER_QUERIES = 24
LIMIT_ORDER_QUERIES = 14


@pytest.fixture
def account(user):
    btc_market()
    account = selectors.paper_account_for_user(user=user)
    # A first fill creates the position and the platform's own accounts.
    place(account, side="buy", type="market")
    return account


def place(account, **fields):
    request = OrderRequest(instrument="BTC-PERP", quantity=Decimal("0.01"), **fields)
    order, _ = services.order_place(account=account, request=request)
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
