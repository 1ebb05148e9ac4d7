"""Plain statements build the same instances as the ORM's querysets."""

from decimal import Decimal

import pytest

from config.rows import model_rows
from market.models import MarginTier
from tests.factories.market import btc_market, margin_tiers_add
from trading import selectors, services
from trading.models import Order
from trading.services.orders import OrderRequest

pytestmark = pytest.mark.django_db


def _values(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def test_model_rows_gives_what_a_raw_queryset_gives(user):
    market = btc_market()
    margin_tiers_add(market["BTC-PERP"])
    account = selectors.paper_account_for_user(user=user)
    for price in ("49000", "49500.5"):
        request = OrderRequest(
            instrument="BTC-PERP",
            side="buy",
            type="limit",
            quantity=Decimal("0.01"),
            price=Decimal(price),
        )
        services.order_place(account=account, request=request)

    body = "FROM trading_order o WHERE o.account_id = %s ORDER BY o.id"
    mine = model_rows(Order, "o", body, [account.pk])
    theirs = list(Order.objects.raw("SELECT * " + body, [account.pk]))
    assert len(mine) == 2
    assert [_values(o) for o in mine] == [_values(o) for o in theirs]
    assert mine[1].price == Decimal("49500.5") and isinstance(mine[1].price, Decimal)
    assert mine[0].created_at.tzinfo is not None
    assert not mine[0]._state.adding

    tiers = model_rows(MarginTier, "t", "FROM market_margintier t ORDER BY t.id", [])
    assert [_values(t) for t in tiers] == [_values(t) for t in MarginTier.objects.order_by("id")]
    assert tiers


def test_a_fills_write_is_refused_whole_when_its_position_is_gone(user):
    from django.db import DatabaseError, transaction

    from trading.models import Fill, Position
    from trading.services.orders import _fill_write

    market = btc_market()
    account = selectors.paper_account_for_user(user=user)
    request = OrderRequest(
        instrument="BTC-PERP", side="buy", type="limit", quantity=Decimal("0.01"),
        price=Decimal("49000"),
    )  # fmt: skip
    order, _ = services.order_place(account=account, request=request)
    position = Position.objects.get(account=account, instrument=market["BTC-PERP"])
    position.pk = 10**9  # A row that is not there.
    fill = Fill(
        order=order, account_id=account.pk, instrument=market["BTC-PERP"], side="buy",
        price=Decimal("49000"), quantity=Decimal("0.01"), fee=Decimal(0),
        liquidity=Fill.Liquidity.MAKER, counterparty=Fill.Counterparty.MARKET,
        realized_pnl=Decimal(0),
    )  # fmt: skip

    with pytest.raises(DatabaseError), transaction.atomic():
        _fill_write(fill, position, order)

    assert not Fill.objects.filter(order=order).exists()
    order.refresh_from_db()
    assert order.filled_quantity == 0
