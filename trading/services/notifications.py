"""What the platform tells a user: in-app notifications, and an email for what is urgent.

Every notification is written by ``notification_create``, in the caller's
transaction, so it exists exactly when what it reports committed; emails go out
after commit. Margin warnings are a guarded transition on the account's row
(``Account.margin_warned_at``): one warning per fall through the warning level,
however many workers see it, and armed again once the level recovers.
"""

import logging
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from config.errors import NotFound
from market.quotes import to_tick
from trading import events
from trading.models import Account, Liquidation, Notification, Order, Position

logger = logging.getLogger(__name__)

STOP_TYPES = (Order.Type.STOP_MARKET, Order.Type.STOP_LIMIT, Order.Type.TRAILING_STOP)
TAKE_PROFIT_TYPES = (Order.Type.TAKE_PROFIT_MARKET, Order.Type.TAKE_PROFIT_LIMIT)


def notification_create(
    *,
    account: Account,
    kind: str,
    title: str,
    message: str = "",
    data: dict | None = None,
    email: bool = False,
) -> Notification:
    """Tell the account's user something; with ``email`` also by email after commit."""
    notification = Notification.objects.create(
        account=account, kind=kind, title=title[:200], message=message, data=data or {}
    )
    if email:
        transaction.on_commit(lambda: _email(notification))
    events.notifications_created(notifications=[notification])
    return notification


def notifications_create_many(*, notifications: Iterable[Notification]) -> list[Notification]:
    """Write many notifications at once, for a round that touches thousands of accounts."""
    created = Notification.objects.bulk_create(list(notifications), batch_size=1000)
    events.notifications_created(notifications=created)
    return created


def _email(notification: Notification) -> None:
    user = Account.objects.select_related("user").get(pk=notification.account_id).user
    if user is None or not user.email:
        return
    try:
        send_mail(
            subject=f"Shortbook: {notification.title}",
            message=notification.message,
            from_email=None,
            recipient_list=[user.email],
        )
    except Exception:
        # The notification stands in the app; a mail server that is down does not undo it.
        logger.exception("Could not email notification #%s", notification.pk)


@transaction.atomic
def notification_mark_read(*, account: Account, notification_id: int, now=None) -> Notification:
    """Mark one of the account's notifications read (again is harmless)."""
    notification = Notification.objects.filter(account=account, pk=notification_id).first()
    if notification is None:
        raise NotFound("There is no such notification.")
    if notification.read_at is None:
        notification.read_at = now or timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, account: Account, now=None) -> int:
    """Mark every unread notification of the account read; return how many."""
    return Notification.objects.filter(account=account, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )


# Margin ----------------------------------------------------------------------------


def margin_warning_level() -> Decimal:
    return Decimal(str(settings.MARGIN_WARNING_LEVEL))


def margin_warning_rearm_level() -> Decimal:
    return Decimal(str(settings.MARGIN_WARNING_REARM_LEVEL))


@transaction.atomic
def margin_warning_check(
    *, account: Account, margin_level: Decimal | None, now: datetime | None = None
) -> Notification | None:
    """Warn the account once when its margin level falls to the warning level.

    ``margin_level`` is equity over maintenance margin (liquidation at 1), None
    without positions. The warning is armed again once the level is back above
    ``MARGIN_WARNING_REARM_LEVEL``, a little higher than the warning level, so a price
    hovering at the line does not send a warning every tick. Return the warning
    written, if any.
    """
    now = now or timezone.now()
    if margin_level is not None and margin_level <= margin_warning_level():
        # The conditional UPDATE is the guard: of two workers, one changes the row.
        fell = Account.objects.filter(pk=account.pk, margin_warned_at__isnull=True).update(
            margin_warned_at=now
        )
        if not fell:
            return None
        return notification_create(
            account=account,
            kind=Notification.Kind.MARGIN_WARNING,
            title=f"Margin level {margin_level:.2f}: close to liquidation",
            message=(
                f"Your account's equity is {margin_level:.2f} times the maintenance margin "
                f"its positions need. At 1.00 the positions are liquidated. Add funds, "
                f"reduce your positions or set stops to stay clear of it."
            ),
            data={"margin_level": str(margin_level), "warning_level": str(margin_warning_level())},
            email=True,
        )
    if margin_level is None or margin_level > margin_warning_rearm_level():
        Account.objects.filter(pk=account.pk, margin_warned_at__isnull=False).update(
            margin_warned_at=None
        )
    return None


# Events ------------------------------------------------------------------------------


def _describe(order: Order) -> str:
    filled = ""
    if order.filled_quantity:
        price = to_tick(order.average_price, order.instrument.tick_size)
        filled = f", filled {order.filled_quantity.normalize()} at {price:,f}"
    return (
        f"{order.get_side_display()} {order.quantity.normalize()} {order.instrument.symbol} "
        f"{order.get_type_display().lower()}: {order.get_status_display().lower()}{filled}"
        + (f" ({order.reject_reason})" if order.reject_reason else "")
    )


def order_triggered_notify(*, orders: Iterable[Order]) -> list[Notification]:
    """Tell each owner that a stop or take-profit of theirs triggered, and how it ended."""
    written = []
    for order in orders:
        if order.triggered_at is None:
            continue
        if order.type in TAKE_PROFIT_TYPES:
            kind, what = Notification.Kind.TAKE_PROFIT_TRIGGERED, "Take-profit"
        elif order.type in STOP_TYPES:
            kind, what = Notification.Kind.STOP_TRIGGERED, "Stop"
        else:
            continue
        written.append(
            notification_create(
                account=order.account,
                kind=kind,
                title=f"{what} triggered on {order.instrument.symbol}",
                message=_describe(order),
                data={
                    "order_id": order.pk,
                    "instrument": order.instrument.symbol,
                    "status": order.status,
                    "filled_quantity": str(order.filled_quantity),
                    "average_price": None
                    if order.average_price is None
                    else str(order.average_price),
                },
            )
        )
    return written


def liquidation_notify(*, liquidation: Liquidation) -> Notification:
    """Tell the owner that their account was liquidated, by email too."""
    symbols = ", ".join(p["instrument"] for p in liquidation.positions)
    return notification_create(
        account=liquidation.account,
        kind=Notification.Kind.LIQUIDATION,
        title=f"Liquidated: {symbols}",
        message=(
            f"Your equity ({liquidation.equity}) fell to the maintenance margin "
            f"({liquidation.maintenance_margin}) its positions needed, so they were closed "
            f"at the market. The liquidation fee was {liquidation.fee}. Open the "
            f"liquidation's replay to see what led to it."
        ),
        data={"liquidation_id": liquidation.pk, "margin_level": str(liquidation.margin_level)},
        email=True,
    )


def settlement_notification(
    *, account_id: int, symbol: str, amount: Decimal, detail: str
) -> Notification:
    """An unsaved notification of a position settled in cash (paid is positive).

    For ``notifications_create_many``: a settlement closes thousands of positions at
    once. Carrying charges (funding, borrow interest, financing) are not notified:
    the ledger, the position's costs and the stream show them.
    """
    verb = "paid" if amount > 0 else "received"
    return Notification(
        account_id=account_id,
        kind=Notification.Kind.SETTLEMENT,
        title=f"{symbol} settled: {verb} {abs(amount).normalize()}"[:200],
        message=f"{detail}: your position {verb} {abs(amount)}.",
        data={"instrument": symbol, "amount": str(-amount), "detail": detail},
    )


def margin_warnings_rearm_flat() -> int:
    """Arm the warning again on warned accounts that no longer hold any position."""
    open_positions = Position.objects.filter(account=OuterRef("pk")).exclude(quantity=0)
    return (
        Account.objects.filter(margin_warned_at__isnull=False)
        .exclude(Exists(open_positions))
        .update(margin_warned_at=None)
    )
