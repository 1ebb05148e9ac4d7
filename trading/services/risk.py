"""Liquidation: close an account out when its equity falls to its maintenance margin.

The account's open orders are canceled and every position is closed at the market
through the book, so the liquidation pays real slippage. A liquidation fee goes to
the insurance fund, and where the account's cash cannot cover a loss the insurance
fund does, so a paper account never ends below zero. Everything that led to it is
recorded in a ``Liquidation`` row the user can replay.
"""

from decimal import Decimal

from django.utils import timezone

from trading import selectors
from trading.models import Account, JournalEntry, Liquidation, Order, Position
from trading.services.ledger import Posting, _lock_accounts, _system_account, journal_post
from trading.services.orders import (
    MONEY,
    OrderRequest,
    _lock_instrument,
    _order_place,
    _retrying_deadlocks,
)

LIQUIDATION_FEE_RATE = Decimal("0.005")


def account_liquidate(*, account: Account, now=None) -> Liquidation | None:
    """Liquidate the account if it is still below maintenance; None when it is not."""
    return _retrying_deadlocks(lambda: _account_liquidate(account=account, now=now))


def _account_liquidate(*, account: Account, now) -> Liquidation | None:
    now = now or timezone.now()
    instrument_ids = sorted(
        Position.objects.filter(account=account).exclude(quantity=0).values_list(
            "instrument_id", flat=True
        )
    )
    for instrument_id in instrument_ids:  # The fixed order: instruments, then the account.
        _lock_instrument(instrument_id)
    _lock_accounts([account.pk])
    state = selectors.margin_state(account=account)
    if not state.liquidatable:
        return None
    liquidation = Liquidation.objects.create(
        account=account,
        equity=state.equity.quantize(MONEY),
        maintenance_margin=state.maintenance_margin.quantize(MONEY),
        margin_level=state.margin_level,
        marks={v.instrument.symbol: str(v.mark_price) for v in state.views},
        positions=[
            {
                "instrument": v.instrument.symbol,
                "side": v.side,
                "quantity": str(v.quantity),
                "entry_price": str(v.position.entry_price),
                "mark_price": str(v.mark_price),
                "unrealized_pnl": str(v.unrealized_pnl.quantize(MONEY)),
            }
            for v in state.views
        ],
    )
    canceled = list(
        Order.objects.select_for_update().filter(account=account, status__in=Order.OPEN_STATUSES)
    )
    for order in canceled:
        order.status = Order.Status.CANCELED
        order.save(update_fields=["status", "updated_at"])
    liquidation.canceled_orders.set(canceled)

    notional = covered = Decimal(0)
    for view in state.views:
        request = OrderRequest(
            instrument=view.instrument.symbol,
            side=Order.Side.SELL if view.position.quantity > 0 else Order.Side.BUY,
            type=Order.Type.MARKET,
            quantity=view.quantity,
            time_in_force=Order.TimeInForce.IOC,
            reduce_only=True,
        )
        order, _ = _order_place(
            account=account, request=request, client_order_id=None, now=now, halted_ok=True
        )
        liquidation.closing_orders.add(order)
        notional += order.filled_quantity * (order.average_price or Decimal(0))
        covered += order.insurance_covered

    fee = (notional * LIQUIDATION_FEE_RATE).quantize(MONEY)
    cash = selectors.account_cash(account=account)
    charged = min(fee, max(cash, Decimal(0)))
    if charged > 0:
        journal_post(
            kind=JournalEntry.Kind.LIQUIDATION_FEE,
            postings=[
                Posting(account=account, amount=-charged),
                Posting(account=_system_account(Account.SystemCode.INSURANCE), amount=charged),
            ],
            memo=f"Liquidation #{liquidation.pk}: fee {LIQUIDATION_FEE_RATE:%} of {notional}",
            idempotency_key=f"liquidation-fee:{liquidation.pk}",
        )
    liquidation.fee = charged
    liquidation.insurance_covered = covered
    liquidation.save(update_fields=["fee", "insurance_covered"])
    return liquidation
