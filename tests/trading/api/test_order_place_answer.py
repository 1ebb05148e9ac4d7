"""The answer to placing an order is the order as it is stored, exits included.

Placing an order answers from the rows it wrote, without reading them back: the
answer must be what reading the order afterwards gives.
"""

import pytest

from tests.trading.api.helpers import ORDERS, place, placed
from trading import selectors
from trading.models import Order

pytestmark = pytest.mark.django_db


def test_a_filled_order_with_both_exits_answers_as_it_reads_back(market, user_client):
    order = placed(
        user_client,
        stop_loss={"stop_price": "52500"},
        take_profit={"stop_price": "45000", "price": "45000"},
    )
    assert len(order["attached"]) == 2
    assert user_client.get(f"{ORDERS}/{order['id']}").json() == order


def test_a_resting_limit_order_answers_as_it_reads_back(market, user_client):
    order = placed(user_client, side="buy", type="limit", price="40000", client_order_id="rest-1")
    assert order["status"] == "new" and order["attached"] == []
    assert user_client.get(f"{ORDERS}/{order['id']}").json() == order


def test_a_retry_answers_with_the_order_placed_first(market, user_client):
    first = placed(user_client, client_order_id="retry-1", stop_loss={"stop_price": "52500"})
    again = place(user_client, client_order_id="retry-1", stop_loss={"stop_price": "52500"})
    assert again.status_code == 200, again.content
    assert again.json() == first


def test_placing_orders_keeps_the_cash_and_the_sequences_right(market, user_client, account):
    placed(user_client, side="buy", type="limit", price="40000")
    placed(user_client, side="buy", type="limit", price="40000")
    placed(user_client)
    sequences = list(
        Order.objects.filter(instrument__symbol="BTC-PERP").values_list("sequence", flat=True)
    )
    assert len(set(sequences)) == len(sequences)
    assert selectors.ledger_problems() == []
    summary = selectors.account_summary(account=account)
    assert summary.cash == selectors.account_cash(account=account)


def test_resting_orders_hold_the_same_margin_read_either_way(market, user_client, account):
    placed(user_client, side="buy", type="limit", price="40000", quantity="0.3")
    placed(user_client, instrument="BTC-CFD", side="sell", type="limit", price="60000")
    placed(user_client, instrument="BTC-P50000", side="buy", type="limit", price="100")
    leverages = {
        position.instrument_id: position.leverage
        for position in account.positions.all()
        if position.instrument.symbol != "BTC-CFD"  # As if it had no position row.
    }
    held = selectors.open_orders_margin(account=account)
    assert held > 0
    assert selectors.open_orders_margin(account=account, leverages=leverages) == held
