"""One-cancels-the-other pairs: the first leg to fill or trigger cancels the other."""

from decimal import Decimal

import pytest

from config.errors import Conflict
from tests.factories.market import btc_market, move
from trading import selectors, services
from trading.models import Order, Position
from trading.services.orders import Exit, OcoRequest, OrderRefused, OrderRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def market(db):
    return btc_market()


@pytest.fixture
def short(user, market):
    """A 0.5 BTC-PERP short at about 50,000."""
    account = selectors.paper_account_for_user(user=user)
    services.order_place(
        account=account,
        request=OrderRequest(
            instrument="BTC-PERP", side="sell", type="market", quantity=Decimal("0.5")
        ),
    )
    return account


def exit_pair(account, **fields):
    """A buy pair closing the short: take profit at 45,000, stop at 55,000."""
    request = OcoRequest(
        instrument="BTC-PERP",
        side="buy",
        quantity=Decimal("0.5"),
        price=Decimal("45000"),
        stop_price=Decimal("55000"),
        reduce_only=True,
        **fields,
    )
    legs, created = services.oco_place(account=account, request=request)
    assert created
    return legs


def check(market):
    services.conditional_orders_check(instrument=market["BTC-PERP"])
    services.resting_orders_fill_on_reference(instrument=market["BTC-PERP"])


def fresh(order):
    return Order.objects.get(pk=order.pk)


def position(account):
    return Position.objects.get(account=account, instrument__symbol="BTC-PERP")


def test_a_pair_rests_a_limit_and_arms_a_stop_in_one_group(short):
    limit, stop = exit_pair(short)
    assert (limit.type, limit.status, limit.price) == ("limit", "new", Decimal("45000"))
    assert (stop.type, stop.status, stop.stop_price) == ("stop_market", "new", Decimal("55000"))
    assert limit.oco_group == stop.oco_group is not None
    assert limit in selectors.resting_orders()


def test_the_stop_triggering_cancels_the_take_profit(short, market):
    limit, stop = exit_pair(short)
    move("56000")
    check(market)
    assert fresh(stop).status == Order.Status.FILLED
    assert fresh(limit).status == Order.Status.CANCELED
    assert position(short).quantity == 0
    assert selectors.ledger_problems() == []


def test_the_take_profit_filling_cancels_the_stop(short, market):
    limit, stop = exit_pair(short)
    move("44000")
    check(market)
    assert fresh(limit).status == Order.Status.FILLED
    assert fresh(limit).average_price == Decimal("45000")
    assert fresh(stop).status == Order.Status.CANCELED
    assert position(short).quantity == 0
    # The stop's price is crossed later: nothing more happens.
    move("60000")
    check(market)
    assert fresh(stop).status == Order.Status.CANCELED
    assert position(short).quantity == 0


def test_canceling_one_leg_cancels_the_pair(short):
    limit, stop = exit_pair(short)
    services.order_cancel(account=short, order_id=stop.pk)
    assert fresh(limit).status == fresh(stop).status == Order.Status.CANCELED


def test_a_stop_limit_leg(short):
    _, stop = exit_pair(short, stop_limit_price=Decimal("55500"))
    assert (stop.type, stop.price) == ("stop_limit", Decimal("55500"))


@pytest.mark.parametrize(
    ("price", "stop_price", "code"),
    [
        ("51000", "55000", "post_only_would_take"),  # a buy limit above the price takes
        ("45000", "49000", "would_trigger_immediately"),  # a buy stop below the price
    ],
)
def test_a_pair_on_the_wrong_side_of_the_price_is_refused_and_changes_nothing(
    short, price, stop_price, code
):
    before = Order.objects.count()
    with pytest.raises(OrderRefused) as refusal:
        services.oco_place(
            account=short,
            request=OcoRequest(
                instrument="BTC-PERP",
                side="buy",
                quantity=Decimal("0.5"),
                price=Decimal(price),
                stop_price=Decimal(stop_price),
            ),
        )
    assert refusal.value.code == code
    assert Order.objects.count() == before


def test_the_same_client_order_id_returns_the_same_pair(short):
    request = OcoRequest(
        instrument="BTC-PERP",
        side="buy",
        quantity=Decimal("0.5"),
        price=Decimal("45000"),
        stop_price=Decimal("55000"),
    )
    first, created = services.oco_place(account=short, request=request, client_order_id="x1")
    again, created_again = services.oco_place(account=short, request=request, client_order_id="x1")
    assert created and not created_again
    assert [o.pk for o in again] == [o.pk for o in first]
    with pytest.raises(Conflict):
        services.oco_place(
            account=short,
            request=OcoRequest(
                instrument="BTC-PERP",
                side="buy",
                quantity=Decimal("0.4"),
                price=Decimal("45000"),
                stop_price=Decimal("55000"),
            ),
            client_order_id="x1",
        )


def test_closing_the_position_cancels_its_exits_and_other_reduce_only_orders(short, market):
    limit, stop = exit_pair(short)
    entry, _ = services.order_place(
        account=short,
        request=OrderRequest(
            instrument="BTC-PERP",
            side="sell",
            type="market",
            quantity=Decimal("0.1"),
            stop_loss=Exit(stop_price=Decimal("60000")),
        ),
    )
    attached = entry.attached.get()
    unrelated = services.order_place(
        account=short,
        request=OrderRequest(
            instrument="BTC-PERP", side="buy", type="limit", quantity=Decimal("0.1"),
            price=Decimal("40000"),
        ),
    )[0]  # fmt: skip

    services.position_close(account=short, instrument=market["BTC-PERP"])

    assert position(short).quantity == 0
    for order in (limit, stop, attached):
        assert fresh(order).status == Order.Status.CANCELED
    assert fresh(unrelated).status == Order.Status.NEW  # not reduce-only: it may open anew
