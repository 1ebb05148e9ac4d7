"""The set-based account valuation agrees with the per-account selectors it stands for."""

from decimal import Decimal

import pytest

from tests.factories.accounts import UserFactory
from tests.factories.market import btc_market, margin_tiers_add, move
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
    assert (
        rows(
            _account_valuations_one_by_one(
                marks=marks, instrument_ids=None, account_ids=None, at_risk_level=None
            )
        )
        == expected
    )


def test_sql_and_one_by_one_agree_on_who_is_at_risk_with_tiers():
    """Tiers, isolated positions, warned and flat accounts, with and without a level."""
    from django.utils import timezone

    from trading.models import Account, Position

    market = btc_market()
    perp = market["BTC-PERP"]
    margin_tiers_add(perp)
    accounts = []
    for quantity, side, symbol in [
        ("0.3", "sell", "BTC-PERP"),  # first tier
        ("1", "buy", "BTC-PERP"),  # second tier
        ("3", "sell", "BTC-PERP"),  # past the last tier's max_notional: the last tier
        ("2", "sell", "BTC-CFD"),
    ]:
        account = selectors.paper_account_for_user(user=UserFactory())
        services.order_place(
            account=account,
            request=OrderRequest(
                instrument=symbol, side=side, type="market", quantity=Decimal(quantity)
            ),
        )
        accounts.append(account)
    Position.objects.filter(account=accounts[1]).update(margin_mode=Position.MarginMode.ISOLATED)
    Account.objects.filter(pk=accounts[3].pk).update(margin_warned_at=timezone.now())
    selectors.paper_account_for_user(user=UserFactory())  # flat: cash only
    move("53000")
    marks = selectors.marks_for_open_positions()

    for options in [
        {},
        {"instrument_ids": [perp.pk]},
        {"instrument_ids": [perp.pk, market["BTC-CFD"].pk]},
        {"at_risk_level": Decimal("1000")},
        {"at_risk_level": Decimal("1.5")},
        {"instrument_ids": [perp.pk], "at_risk_level": Decimal("1000")},
        {"account_ids": (accounts[1].pk, accounts[2].pk), "at_risk_level": Decimal("1000")},
    ]:
        expected = _account_valuations_one_by_one(
            marks=marks,
            instrument_ids=options.get("instrument_ids"),
            account_ids=options.get("account_ids"),
            at_risk_level=options.get("at_risk_level"),
        )
        assert _rounded(account_valuations(marks=marks, **options)) == _rounded(expected), options
    # Far from maintenance, only the isolated position and the warned account come through.
    at_risk = selectors.accounts_at_margin_risk(instruments=[perp], level=Decimal("1.5"))
    assert at_risk == [accounts[1].pk]


def _rounded(valuations):
    """The figures to four places: the two paths divide to different precisions.

    Initial margin is left out: the per-account views leave an isolated position's out
    of the account's, the statement counts it.
    """
    places = Decimal("0.0001")
    return [
        (
            v.account_id,
            v.cash,
            v.equity.quantize(places),
            v.unrealized_pnl.quantize(places),
            v.maintenance_margin.quantize(places),
            v.short_options,
            v.margin_warned,
        )
        for v in valuations
    ]
