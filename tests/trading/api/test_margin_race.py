"""Fifty market orders at once on one account never spend more margin than it has."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from tests.factories.market import btc_market
from tests.trading.api.helpers import ORDERS, order_body
from tests.trading.test_concurrency import run_concurrently
from trading import selectors, services
from trading.models import Order, Position

pytestmark = pytest.mark.django_db(transaction=True)

ORDERS_AT_ONCE = 50
SIZE = Decimal("0.5")


def test_concurrent_market_orders_never_take_the_account_past_its_margin(user):
    market = btc_market()
    account = selectors.paper_account_for_user(user=user)
    services.leverage_set(account=account, instrument=market["BTC-PERP"], leverage=Decimal(2))

    def short():
        client = APIClient()
        client.force_authenticate(user)
        response = client.post(ORDERS, order_body(quantity=str(SIZE)), format="json")
        return response.status_code, response.json()

    results = run_concurrently([short] * ORDERS_AT_ONCE)

    assert not [r for r in results if not isinstance(r, tuple)], results
    placed = [body for status, body in results if status == 201]
    refused = [body for status, body in results if status != 201]
    assert all(body["error"]["code"] == "insufficient_margin" for body in refused), refused
    assert 0 < len(placed) < ORDERS_AT_ONCE
    assert all(body["status"] == "filled" for body in placed)
    position = Position.objects.get(account=account, instrument=market["BTC-PERP"])
    assert position.quantity == -SIZE * len(placed)
    assert Order.objects.filter(account=account).count() == len(placed)
    summary = selectors.account_summary(account=account)
    assert summary.available >= 0
    # Margin held one more order's worth away: the refusals were needed.
    assert summary.available < SIZE * Decimal("50000") / 2
    assert selectors.ledger_problems() == []
