"""The set-based account valuation agrees with the per-account selectors it stands for."""

from decimal import Decimal

import pytest

from tests.factories.accounts import UserFactory
from tests.factories.market import btc_market, move
from trading import selectors, services
from trading.selectors import _account_valuations_one_by_one, account_valuations
from trading.services.orders import OrderRequest

pytestmark = pytest.mark.django_db


def test_sql_and_one_by_one_valuations_agree():
    btc_market()
    for quantity, side, symbol in [("2", "sell", "BTC-PERP"), ("1", "buy", "BTC-CFD")]:
        account = selectors.paper_account_for_user(user=UserFactory())
        services.order_place(
            account=account,
            request=OrderRequest(
                instrument=symbol, side=side, type="market", quantity=Decimal(quantity)
            ),
        )
    selectors.paper_account_for_user(user=UserFactory())  # flat: cash only
    move("53000")
    marks = selectors.marks_for_open_positions()

    def rows(valuations):
        return [
            (
                v.account_id,
                v.cash,
                v.equity.quantize(Decimal("0.0001")),
                v.maintenance_margin.quantize(Decimal("0.0001")),
                v.short_options,
            )
            for v in valuations
        ]

    expected = rows(account_valuations(marks=marks))
    assert len(expected) == 3
    assert rows(
        _account_valuations_one_by_one(
            marks=marks, instrument=None, account_ids=None, at_risk_level=None
        )
    ) == expected
