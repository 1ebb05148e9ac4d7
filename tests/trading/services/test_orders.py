"""Placing orders through the services: shorts in every kind, and every refusal."""

from decimal import Decimal

import pytest

from config.errors import Conflict
from market.models import Instrument
from market.services import instrument_set_status
from tests.factories.market import btc_market, move
from trading import selectors, services
from trading.models import Fill, Order, Position
from trading.services.orders import Exit, OrderRefused, OrderRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def market(db):
    return btc_market()


@pytest.fixture
def account(user):
    return selectors.paper_account_for_user(user=user)


def place(account, symbol="BTC-PERP", side="sell", type="market", quantity="0.1", **fields):
    request = OrderRequest(
        instrument=symbol, side=side, type=type, quantity=Decimal(quantity), **fields
    )
    order, _ = services.order_place(account=account, request=request)
    return order


def position(account, symbol="BTC-PERP"):
    return Position.objects.get(account=account, instrument__symbol=symbol)


def test_a_perpetual_short_opens_pays_the_fee_and_profits_when_the_price_falls(market, account):
    order = place(account)
    assert order.status == Order.Status.FILLED
    assert order.filled_quantity == Decimal("0.1")
    short = position(account)
    assert short.quantity == Decimal("-0.1")
    assert short.entry_price == order.average_price
    assert order.average_price < Decimal("50000")  # sold at the bid
    cash_after_open = selectors.account_cash(account=account)
    assert cash_after_open == Decimal("100000") - order.fees
    move("45000")
    views = selectors.position_views(account=account)
    assert abs(views[0].mark_price - Decimal("45000")) < 100  # the perpetual's premium
    assert views[0].unrealized_pnl == (short.entry_price - views[0].mark_price) * Decimal("0.1")
    assert views[0].liquidation_price > short.entry_price
    close = services.position_close(account=account, instrument=market["BTC-PERP"])
    assert close.status == Order.Status.FILLED
    short.refresh_from_db()
    assert short.quantity == 0
    profit = (order.average_price - close.average_price) * Decimal("0.1")
    assert short.realized_pnl == profit
    assert selectors.account_cash(account=account) == (
        Decimal("100000") - order.fees - close.fees + profit
    )
    assert selectors.ledger_problems() == []


@pytest.mark.parametrize("symbol", ["BTC-USD", "BTC-CFD", "BTC-FUT"])
def test_every_linear_kind_can_be_shorted_and_closed(market, account, symbol):
    order = place(account, symbol=symbol, quantity="0.2")
    assert position(account, symbol).quantity == Decimal("-0.2")
    move("52000")
    services.position_close(account=account, instrument=market[symbol])
    pos = position(account, symbol)
    assert pos.quantity == 0
    assert pos.realized_pnl < 0  # the price rose against the short
    assert order.fees > 0
    assert selectors.ledger_problems() == []


def test_buying_a_put_pays_the_premium(market, account):
    order = place(account, symbol="BTC-P50000", side="buy", quantity="1")
    premium = order.average_price * order.filled_quantity
    assert premium > 0
    pos = position(account, "BTC-P50000")
    assert pos.premium_paid == premium
    assert selectors.account_cash(account=account) == Decimal("100000") - premium - order.fees
    move("40000")
    view = selectors.position_views(account=account)[0]
    assert view.mark_price > order.average_price  # the put gained as BTC fell
    assert selectors.ledger_problems() == []


def test_selling_a_call_needs_margin_a_put_buyer_does_not(market, account):
    place(account, symbol="BTC-P50000", side="sell", quantity="1")
    view = selectors.position_views(account=account)[0]
    assert view.side == "short"
    assert view.initial_margin > 0


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"quantity": "0.0015"}, "invalid_quantity"),
        ({"quantity": "500"}, "invalid_quantity"),
        ({"type": "limit", "price": Decimal("50000.3")}, "invalid_price"),
        ({"type": "limit"}, "invalid_price"),
        ({"quantity": "90"}, "insufficient_margin"),
        ({"symbol": "NOPE"}, "unknown_instrument"),
        ({"type": "stop_market", "stop_price": Decimal("51000")}, "would_trigger_immediately"),
        ({"stop_loss": Exit(stop_price=Decimal("45000"))}, "invalid_stop_loss"),
        ({"take_profit": Exit(stop_price=Decimal("55000"))}, "invalid_take_profit"),
        ({"reduce_only": True}, "reduce_only_would_increase"),
        ({"type": "limit", "price": Decimal("40000"), "post_only": True}, "post_only_would_take"),
    ],
)
def test_refusals_have_a_code_and_change_nothing(market, account, fields, code):
    fields = dict(fields)
    quantity = fields.pop("quantity", "0.1")
    symbol = fields.pop("symbol", "BTC-PERP")
    with pytest.raises(OrderRefused) as refused:
        place(account, symbol=symbol, quantity=quantity, **fields)
    assert refused.value.code == code
    assert not Order.objects.exists()
    assert not Fill.objects.exists()
    assert selectors.account_cash(account=account) == Decimal("100000")


def test_halted_and_expired_instruments_refuse_orders(market, account):
    instrument_set_status(instrument=market["BTC-PERP"], status=Instrument.Status.HALTED)
    with pytest.raises(OrderRefused) as refused:
        place(account)
    assert refused.value.code == "instrument_halted"


def test_a_limit_order_rests_and_another_users_market_order_takes_it(
    market, account, user_factory
):
    maker = place(account, side="sell", type="limit", quantity="0.5", price=Decimal("50002.5"))
    assert maker.status == Order.Status.NEW
    taker_account = selectors.paper_account_for_user(user=user_factory())
    taker = place(taker_account, side="buy", quantity="0.3")
    maker.refresh_from_db()
    assert maker.status == Order.Status.PARTIALLY_FILLED
    assert maker.filled_quantity == Decimal("0.3")
    assert taker.average_price == Decimal("50002.5")
    assert position(account).quantity == Decimal("-0.3")
    assert position(taker_account).quantity == Decimal("0.3")
    assert Fill.objects.get(order=maker).liquidity == Fill.Liquidity.MAKER
    assert selectors.ledger_problems() == []


def test_the_same_client_order_id_returns_the_same_order(market, account):
    request = OrderRequest(
        instrument="BTC-PERP", side="sell", type="market", quantity=Decimal("0.1")
    )
    first, created = services.order_place(account=account, request=request, client_order_id="a1")
    again, created_again = services.order_place(
        account=account, request=request, client_order_id="a1"
    )
    assert created and not created_again
    assert first.pk == again.pk
    assert Order.objects.count() == 1
    other = OrderRequest(instrument="BTC-PERP", side="buy", type="market", quantity=Decimal("1"))
    with pytest.raises(Conflict) as conflict:
        services.order_place(account=account, request=other, client_order_id="a1")
    assert conflict.value.code == "duplicate_client_order_id"


def test_a_short_with_attached_stop_loss_and_take_profit(market, account):
    order = place(
        account,
        stop_loss=Exit(stop_price=Decimal("52500")),
        take_profit=Exit(stop_price=Decimal("45000"), price=Decimal("45000")),
    )
    exits = {child.role: child for child in order.attached.all()}
    assert exits["stop_loss"].type == Order.Type.STOP_MARKET
    assert exits["stop_loss"].side == Order.Side.BUY
    assert exits["stop_loss"].reduce_only
    assert exits["take_profit"].type == Order.Type.TAKE_PROFIT_LIMIT
    assert exits["take_profit"].quantity == Decimal("0.1")


def test_cancel_and_amend(market, account, other_user):
    order = place(account, side="sell", type="limit", quantity="0.5", price=Decimal("51000"))
    amended = services.order_amend(account=account, order_id=order.pk, price=Decimal("51500"))
    assert amended.price == Decimal("51500")
    other_account = selectors.paper_account_for_user(user=other_user)
    with pytest.raises(Exception) as missing:
        services.order_cancel(account=other_account, order_id=order.pk)
    assert getattr(missing.value, "code", None) == "not_found"
    services.order_cancel(account=account, order_id=order.pk)
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELED
    with pytest.raises(Conflict):
        services.order_cancel(account=account, order_id=order.pk)


def test_leverage_bounds(market, account):
    pos = services.leverage_set(
        account=account, instrument=market["BTC-PERP"], leverage=Decimal("25")
    )
    assert pos.leverage == Decimal("25")
    for bad in ("0.5", "51", "NaN"):
        with pytest.raises(OrderRefused):
            services.leverage_set(
                account=account, instrument=market["BTC-PERP"], leverage=Decimal(bad)
            )


def test_margin_limits_the_size_of_a_short(market, account):
    services.leverage_set(account=account, instrument=market["BTC-PERP"], leverage=Decimal("2"))
    # 100,000 USD at 2x buys about 200,000 USD of exposure: 4 BTC, not 5.
    place(account, quantity="3.5")
    with pytest.raises(OrderRefused) as refused:
        place(account, quantity="1")
    assert refused.value.code == "insufficient_margin"
    assert position(account).quantity == Decimal("-3.5")


def test_reset_cancels_orders_closes_positions_and_restores_cash(market, account):
    resting = place(account, side="sell", type="limit", quantity="0.2", price=Decimal("51000"))
    place(account, quantity="0.5")
    place(account, symbol="BTC-P50000", side="buy", quantity="1")
    move("47000")
    entry = services.account_reset(account=account, requested_by=account.user)
    resting.refresh_from_db()
    assert resting.status == Order.Status.CANCELED
    assert not Position.objects.filter(account=account).exclude(quantity=0).exists()
    assert selectors.account_cash(account=account) == Decimal("100000")
    assert entry.kind == "reset"
    closing = Order.objects.filter(account=account, reduce_only=True, status="filled")
    assert closing.count() == 2
    assert selectors.ledger_problems() == []
