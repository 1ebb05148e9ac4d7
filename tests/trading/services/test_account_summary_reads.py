"""The margin check's plain reads agree with the ORM's view of the same positions."""

from decimal import Decimal

import pytest

from market.models import MarginTier
from tests.factories.accounts import UserFactory
from tests.factories.market import btc_market, margin_tiers_add, move
from trading import selectors, services
from trading.services.orders import OrderRequest

pytestmark = pytest.mark.django_db


def test_account_summary_agrees_with_position_views_with_tiers():
    market = btc_market()
    margin_tiers_add(market["BTC-PERP"])
    account = selectors.paper_account_for_user(user=UserFactory())
    # At 40x the tier's 5% initial rate, not the leverage, sets the perpetual's margin.
    services.leverage_set(account=account, instrument=market["BTC-PERP"], leverage=Decimal(40))
    for quantity, side, symbol in [("1", "sell", "BTC-PERP"), ("0.5", "buy", "BTC-CFD")]:
        services.order_place(
            account=account,
            request=OrderRequest(
                instrument=symbol, side=side, type="market", quantity=Decimal(quantity)
            ),
        )
    move("53000")

    summary = selectors.account_summary(account=account)

    views = selectors.position_views(account=account)
    assert [view.instrument.symbol for view in views] == ["BTC-CFD", "BTC-PERP"]
    initial = sum((view.initial_margin for view in views), Decimal(0))
    equity = summary.cash + sum((view.value for view in views), Decimal(0))
    margin_used = initial + selectors.open_orders_margin(account=account)
    assert summary.equity == selectors._money(equity)
    assert summary.margin_used == selectors._money(margin_used)
    assert summary.available == selectors._money(equity - margin_used)
    # The tiered perpetual's notional lies in its second tier.
    perp = next(view for view in views if view.instrument.symbol == "BTC-PERP")
    assert perp.initial_margin == perp.notional * Decimal("0.05")


def test_positions_read_builds_the_rows_the_orm_loads():
    market = btc_market()
    margin_tiers_add(market["BTC-PERP"])
    account = selectors.paper_account_for_user(user=UserFactory())
    services.order_place(
        account=account,
        request=OrderRequest(
            instrument="BTC-PERP", side="sell", type="market", quantity=Decimal("0.3")
        ),
    )

    read = {p.pk: p for p in selectors._positions_with_instruments(account.pk)}
    loaded = account.positions.select_related("instrument", "instrument__underlying")
    assert set(read) == {p.pk for p in loaded}
    for position in loaded:
        mine = read[position.pk]
        for model_field in type(position)._meta.concrete_fields:
            name = model_field.attname
            assert getattr(mine, name) == getattr(position, name), name
        for model_field in type(position.instrument)._meta.concrete_fields:
            name = model_field.attname
            assert getattr(mine.instrument, name) == getattr(position.instrument, name), name
        underlying = position.instrument.underlying
        for model_field in type(underlying)._meta.concrete_fields:
            name = model_field.attname
            assert getattr(mine.instrument.underlying, name) == getattr(underlying, name), name
    tiers = selectors._tiers_read([p.instrument for p in read.values()])
    for position in read.values():
        assert tiers[position.instrument_id] == list(
            MarginTier.objects.filter(instrument=position.instrument)
        )
    assert len(tiers[market["BTC-PERP"].pk]) == 3


def test_instrument_lock_builds_the_rows_the_orm_loads():
    from market.models import Instrument
    from trading.services.orders import _lock_instrument_by_symbol

    btc_market()
    loaded = Instrument.objects.select_related("underlying").get(symbol="BTC-PERP")
    locked = _lock_instrument_by_symbol("BTC-PERP")
    for instance, expected in [(locked, loaded), (locked.underlying, loaded.underlying)]:
        for model_field in type(expected)._meta.concrete_fields:
            name = model_field.attname
            assert getattr(instance, name) == getattr(expected, name), name
    assert _lock_instrument_by_symbol("NOPE-PERP") is None
