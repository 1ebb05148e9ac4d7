"""Liquidation closes a short through the book, charges the fee, never leaves debt."""

from decimal import Decimal

import pytest

from tests.factories.market import btc_market, move
from trading import selectors, services
from trading.models import Account, Order, Position
from trading.services.orders import OrderRequest
from trading.services.risk import LIQUIDATION_FEE_RATE, account_liquidate

pytestmark = pytest.mark.django_db


@pytest.fixture
def short(user):
    """A 50x short of 40 BTC-PERP on 100,000 USD: about 2M USD of exposure."""
    instruments = btc_market()
    account = selectors.paper_account_for_user(user=user)
    services.leverage_set(account=account, instrument=instruments["BTC-PERP"], leverage=Decimal(50))
    services.order_place(
        account=account,
        request=OrderRequest(
            instrument="BTC-PERP", side="sell", type="market", quantity=Decimal("40")
        ),
    )
    resting = services.order_place(
        account=account,
        request=OrderRequest(
            instrument="BTC-PERP", side="buy", type="limit", quantity=Decimal("1"),
            price=Decimal("40000"),
        ),
    )[0]  # fmt: skip
    return account, resting


def test_an_account_above_maintenance_is_left_alone(short):
    account, _ = short
    assert account_liquidate(account=account) is None
    assert Position.objects.get(account=account).quantity == Decimal("-40")


def test_a_short_squeezed_to_maintenance_is_liquidated(short):
    account, resting = short
    state = selectors.margin_state(account=account)
    liquidation_price = state.views[0].liquidation_price
    move(liquidation_price + 50)
    assert selectors.margin_state(account=account).liquidatable

    liquidation = account_liquidate(account=account)

    assert liquidation is not None
    assert liquidation.margin_level <= 1
    assert liquidation.positions[0]["side"] == "short"
    assert "BTC-PERP" in liquidation.marks
    resting.refresh_from_db()
    assert resting.status == Order.Status.CANCELED
    assert list(liquidation.canceled_orders.all()) == [resting]
    closing = liquidation.closing_orders.get()
    assert closing.reduce_only and closing.status == Order.Status.FILLED
    assert Position.objects.get(account=account).quantity == 0
    notional = closing.filled_quantity * closing.average_price
    assert liquidation.fee == min(
        (notional * LIQUIDATION_FEE_RATE).quantize(Decimal("0.00000001")),
        selectors.account_cash(account=account) + liquidation.fee,
    )
    assert selectors.account_cash(account=account) >= 0
    assert account_liquidate(account=account) is None  # idempotent: nothing left
    assert selectors.ledger_problems() == []


def test_a_gap_through_bankruptcy_is_absorbed_by_the_insurance_fund(short):
    account, _ = short
    insurance = services._system_account(Account.SystemCode.INSURANCE)
    before = selectors.account_cash(account=insurance)
    move("60000")  # far beyond where the account's equity ran out

    liquidation = account_liquidate(account=account)

    assert selectors.account_cash(account=account) == 0
    assert liquidation.insurance_covered > 0
    assert liquidation.fee == 0
    assert selectors.account_cash(account=insurance) == before - liquidation.insurance_covered
    assert selectors.ledger_problems() == []
