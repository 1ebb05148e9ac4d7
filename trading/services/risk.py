"""Liquidation: close an account out when its equity falls to its maintenance margin.

The account's open orders are canceled and every position is closed at the market
through the book, so the liquidation pays real slippage. Isolated positions stand
apart: a cross-margin liquidation leaves them alone, and an isolated position whose
margin plus PnL reaches its maintenance margin is closed by itself, losing at most
its margin (the insurance fund pays the rest). A liquidation fee goes to
the insurance fund, and where the account's cash cannot cover a loss the insurance
fund does, so a paper account never ends below zero. Everything that led to it is
recorded in a ``Liquidation`` row the user can replay.
"""

from decimal import Decimal

from django.utils import timezone

from trading import events, selectors
from trading.models import Account, JournalEntry, Liquidation, Order, Position
from trading.services.ledger import Posting, _lock_accounts, _system_account, journal_post
from trading.services.notifications import liquidation_notify
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
        Position.objects.filter(account=account)
        .exclude(quantity=0)
        .values_list("instrument_id", flat=True)
    )
    for instrument_id in instrument_ids:  # The fixed order: instruments, then the account.
        _lock_instrument(instrument_id)
    _lock_accounts([account.pk])
    state = selectors.margin_state(account=account)
    if not state.liquidatable:
        return None
    if state.cross_liquidatable:
        targets = [v for v in state.views if not selectors.is_isolated(v)]
        isolated_ids = {v.instrument.pk for v in state.views if selectors.is_isolated(v)}
        open_orders = Order.objects.filter(account=account, status__in=Order.OPEN_STATUSES)
        open_orders = open_orders.exclude(instrument_id__in=isolated_ids)
    else:
        targets = state.isolated_breaches
        level = (targets[0].position.isolated_margin + targets[0].unrealized_pnl) / (
            targets[0].maintenance_margin
        )
        open_orders = Order.objects.filter(
            account=account,
            status__in=Order.OPEN_STATUSES,
            instrument_id__in=[v.instrument.pk for v in targets],
        )
    liquidation = Liquidation.objects.create(
        account=account,
        equity=(
            state.equity
            if state.cross_liquidatable
            else targets[0].position.isolated_margin + targets[0].unrealized_pnl
        ).quantize(MONEY),
        maintenance_margin=(
            state.maintenance_margin if state.cross_liquidatable else targets[0].maintenance_margin
        ).quantize(MONEY),
        margin_level=(state.margin_level if state.cross_liquidatable else level.quantize(MONEY)),
        marks={v.instrument.symbol: str(v.mark_price) for v in state.views},
        positions=[
            {
                "instrument": v.instrument.symbol,
                "side": v.side,
                "quantity": str(v.quantity),
                "entry_price": str(v.position.entry_price),
                "mark_price": str(v.mark_price),
                "unrealized_pnl": str(v.unrealized_pnl.quantize(MONEY)),
                "margin_mode": v.position.margin_mode,
                "isolated_margin": str(v.position.isolated_margin),
                "maintenance_margin": str(v.maintenance_margin.quantize(MONEY)),
                "liquidated": any(v is target for target in targets),
            }
            for v in state.views
        ],
    )
    canceled = list(open_orders.select_for_update().order_by("pk"))
    for order in canceled:
        order.status = Order.Status.CANCELED
        order.save(update_fields=["status", "updated_at"])
        events.order_changed(order=order)
    liquidation.canceled_orders.set(canceled)

    notional = covered = Decimal(0)
    for view in targets:
        isolated = selectors.is_isolated(view)
        realized_before = view.position.realized_pnl
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
        if isolated:
            covered += _isolated_loss_cover(
                account, view, realized_before, order, liquidation=liquidation
            )

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
    liquidation_notify(liquidation=liquidation)
    return liquidation


def _isolated_loss_cover(account, view, realized_before, order, *, liquidation) -> Decimal:
    """Pay back what an isolated position lost beyond its margin, from the insurance fund.

    The closing order's PnL entry already took the loss from the account's cash (and
    the fund covered any part the cash could not); the rest above the margin set aside
    comes back here, so an isolated position never costs more than its margin.
    """
    position = Position.objects.get(pk=view.position.pk)
    loss = -(position.realized_pnl - realized_before)
    excess = loss - view.position.isolated_margin - order.insurance_covered
    if excess <= 0:
        return Decimal(0)
    excess = excess.quantize(MONEY)
    journal_post(
        kind=JournalEntry.Kind.INSURANCE_COVER,
        postings=[
            Posting(account=_system_account(Account.SystemCode.INSURANCE), amount=-excess),
            Posting(account=account, amount=excess),
        ],
        memo=f"Liquidation #{liquidation.pk}: isolated {view.instrument.symbol} loss beyond "
        f"its margin of {view.position.isolated_margin}",
        idempotency_key=f"isolated-cover:{liquidation.pk}:{view.instrument.pk}",
    )
    return excess
