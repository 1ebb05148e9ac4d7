"""Isolated margin: a position with its own margin, which is all it can lose."""

from decimal import Decimal

import pytest

from config.errors import Conflict
from tests.factories.market import btc_market, move
from trading import selectors, services
from trading.models import Account, JournalEntry, Order, Position
from trading.services.orders import OrderRefused, OrderRequest
from trading.services.risk import account_liquidate

pytestmark = pytest.mark.django_db
MONEY = Decimal("0.00000001")


@pytest.fixture
def market(db):
    return btc_market()


@pytest.fixture
def account(user, market):
    return selectors.paper_account_for_user(user=user)


def place(account, side, quantity, symbol="BTC-PERP", **fields):
    order, _ = services.order_place(
        account=account,
        request=OrderRequest(
            instrument=symbol, side=side, type="market", quantity=Decimal(quantity), **fields
        ),
    )
    return order


def position(account, symbol="BTC-PERP"):
    return Position.objects.get(account=account, instrument__symbol=symbol)


def isolate(account, market, leverage="10", symbol="BTC-PERP"):
    services.margin_mode_set(account=account, instrument=market[symbol], margin_mode="isolated")
    services.leverage_set(account=account, instrument=market[symbol], leverage=Decimal(leverage))


def test_an_isolated_short_sets_aside_its_notional_over_the_leverage(account, market):
    isolate(account, market)
    order = place(account, "sell", "1")
    held = position(account)
    assert held.margin_mode == "isolated"
    assert held.isolated_margin == (order.average_price / 10).quantize(MONEY)
    summary = selectors.account_summary(account=account)
    assert summary.margin_used == held.isolated_margin

    # Adding sets aside more; reducing releases in proportion; closing releases all.
    second = place(account, "sell", "1")
    assert position(account).isolated_margin == held.isolated_margin + (
        second.average_price / 10
    ).quantize(MONEY)
    before = position(account).isolated_margin
    place(account, "buy", "0.5")
    assert position(account).isolated_margin == (before * Decimal("0.75")).quantize(MONEY)
    place(account, "buy", "1.5")
    assert position(account).isolated_margin == 0


def test_the_mode_changes_only_while_nothing_is_open(account, market):
    place(account, "sell", "0.1")
    with pytest.raises(Conflict) as locked:
        services.margin_mode_set(
            account=account, instrument=market["BTC-PERP"], margin_mode="isolated"
        )
    assert locked.value.code == "margin_mode_locked"
    assert position(account).margin_mode == "cross"


def test_options_stay_on_cross_margin(account, market):
    option = next(i for i in market.values() if i.kind == "option")
    with pytest.raises(OrderRefused) as refused:
        services.margin_mode_set(account=account, instrument=option, margin_mode="isolated")
    assert refused.value.code == "invalid_margin_mode"


def test_margin_added_moves_the_liquidation_price_away_and_comes_out_again(account, market):
    isolate(account, market, leverage="20")
    place(account, "sell", "1")
    before = selectors.position_view_get(account=account, instrument=market["BTC-PERP"])
    services.isolated_margin_adjust(
        account=account, instrument=market["BTC-PERP"], amount=Decimal("1000")
    )
    after = selectors.position_view_get(account=account, instrument=market["BTC-PERP"])
    assert after.liquidation_price > before.liquidation_price  # a short: further up
    services.isolated_margin_adjust(
        account=account, instrument=market["BTC-PERP"], amount=Decimal("-1000")
    )
    with pytest.raises(OrderRefused) as refused:
        services.isolated_margin_adjust(
            account=account, instrument=market["BTC-PERP"], amount=Decimal("-100")
        )
    assert refused.value.code == "insufficient_margin"
    with pytest.raises(OrderRefused):
        services.isolated_margin_adjust(
            account=account, instrument=market["BTC-PERP"], amount=Decimal("10000000")
        )


def test_an_isolated_short_is_liquidated_alone_and_loses_at_most_its_margin(account, market):
    isolate(account, market, leverage="20")
    place(account, "buy", "1", symbol="BTC-USD")  # a cross position that must survive
    place(account, "sell", "2")
    margin = position(account).isolated_margin
    cash_before = selectors.account_cash(account=account)
    insurance = services._system_account(Account.SystemCode.INSURANCE)
    insurance_before = selectors.account_cash(account=insurance)

    move("58000")  # far past the isolated short's liquidation price, a gap
    state = selectors.margin_state(account=account)
    assert not state.cross_liquidatable
    assert [v.instrument.symbol for v in state.isolated_breaches] == ["BTC-PERP"]

    liquidation = account_liquidate(account=account)

    assert liquidation is not None
    assert position(account).quantity == 0
    assert position(account, "BTC-USD").quantity == Decimal("1")
    perp = next(p for p in liquidation.positions if p["instrument"] == "BTC-PERP")
    assert perp["liquidated"] and perp["margin_mode"] == "isolated"
    spot = next(p for p in liquidation.positions if p["instrument"] == "BTC-USD")
    assert not spot["liquidated"]
    lost = cash_before - selectors.account_cash(account=account)
    assert lost == margin + liquidation.fee + liquidation.closing_orders.get().fees
    cover = JournalEntry.objects.get(kind=JournalEntry.Kind.INSURANCE_COVER)
    assert cover.lines.get(account=account).amount > 0
    assert selectors.account_cash(account=insurance) < insurance_before + liquidation.fee
    assert account_liquidate(account=account) is None
    assert selectors.ledger_problems() == []


def test_a_cross_liquidation_leaves_isolated_positions_and_their_orders_alone(account, market):
    isolate(account, market, leverage="2", symbol="BTC-CFD")
    place(account, "sell", "0.5", symbol="BTC-CFD")
    cfd_stop = services.order_place(
        account=account,
        request=OrderRequest(
            instrument="BTC-CFD",
            side="buy",
            type="stop_market",
            quantity=Decimal("0.5"),
            stop_price=Decimal("80000"),
            reduce_only=True,
        ),
    )[0]
    services.leverage_set(account=account, instrument=market["BTC-PERP"], leverage=Decimal(50))
    place(account, "sell", "30")
    view = next(
        v for v in selectors.position_views(account=account) if v.instrument.symbol == "BTC-PERP"
    )
    move(view.liquidation_price + 50)
    state = selectors.margin_state(account=account)
    assert state.cross_liquidatable

    account_liquidate(account=account)

    assert position(account).quantity == 0
    assert position(account, "BTC-CFD").quantity == Decimal("-0.5")
    assert Order.objects.get(pk=cfd_stop.pk).status == Order.Status.NEW
    assert selectors.ledger_problems() == []
