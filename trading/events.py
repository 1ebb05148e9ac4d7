"""What trading publishes on the live stream: a user's own events, and the order books.

The services call these one-liners where something happens; each queues a job that
runs after the transaction commits (``config.stream.hub.after_commit``), on the
hub's thread, so placing an order never waits for the stream and never fails
because of it. A job reads the committed state, so a message carries the object as
it stands (the same shapes as the REST API's), and is skipped when no one
subscribes to that account's channel.

Private channels are groups of the paper account; a user's other accounts
(historical scenarios) are not streamed.
"""

import functools
import itertools
import logging
import time
from collections.abc import Iterable

from django.conf import settings
from django.dispatch import receiver

from config.stream import hub
from config.stream.channels import Channel, Kind
from market.signals import tick_announced

logger = logging.getLogger(__name__)

SNAPSHOT_ITEMS = 50
ORDERBOOK_DEPTH = 20
_orderbook_sent: dict[int, float] = {}  # Instrument id: when its book last went out (hub thread).
BULK_INTEREST_CHUNK = 10_000  # Groups asked about at once by a bulk job.
_bulk_jobs = itertools.count()  # Tells apart two bulk jobs of one transaction.


# Publishing -------------------------------------------------------------------------


def order_changed(*, order) -> None:
    """An order was placed, amended, triggered, filled or closed."""
    _queue(Kind.ORDERS, order.account_id, order.pk, functools.partial(_order_data, order.pk))
    _queue(Kind.ACCOUNT, order.account_id, None, functools.partial(_account_data, order.account_id))
    _orderbook_queue(order)


def orders_changed(*, order_ids: Iterable[int]) -> None:
    """Orders changed by one bulk update (expired, canceled by self-trade prevention)."""
    from trading.models import Order

    for order in Order.objects.filter(pk__in=list(order_ids)).only("account_id", "instrument_id"):
        order_changed(order=order)


def fill_recorded(*, fill) -> None:
    """An order filled, for the taker or the maker: the fill, the order and the position."""
    _queue(Kind.FILLS, fill.account_id, fill.pk, functools.partial(_fill_data, fill.pk))
    _queue(
        Kind.ORDERS, fill.account_id, fill.order_id, functools.partial(_order_data, fill.order_id)
    )
    position_changed(account_id=fill.account_id, instrument_id=fill.instrument_id)
    _orderbook_queue(fill)


def position_changed(*, account_id: int, instrument_id: int) -> None:
    """A position changed: a fill, its leverage, a carrying charge, a settlement."""
    build = functools.partial(_position_data, account_id, instrument_id)
    _queue(Kind.POSITIONS, account_id, instrument_id, build)
    _queue(Kind.ACCOUNT, account_id, None, functools.partial(_account_data, account_id))


def accounts_changed(*, account_ids: Iterable[int]) -> None:
    """Cash moved in these accounts (a journal entry posted)."""
    for account_id in set(account_ids):
        _queue(Kind.ACCOUNT, account_id, None, functools.partial(_account_data, account_id))


def positions_changed(*, instrument_id: int, account_ids: Iterable[int]) -> None:
    """Many accounts' positions in one instrument changed at once (a carry round).

    One job for the lot, where ``position_changed`` queues one per account: a round
    over 100,000 positions would overflow the hub's queue. After commit the job sends
    each subscribed account what that would have: its position and its account.
    """
    account_ids = sorted(set(account_ids))
    if not account_ids:
        return
    hub.after_commit(
        ("positions_changed", instrument_id, next(_bulk_jobs)),
        functools.partial(_positions_job, instrument_id, account_ids),
    )


def _positions_job(instrument_id, account_ids, outbox: hub.Outbox) -> None:
    kinds = (Kind.POSITIONS, Kind.ACCOUNT)
    groups = {(kind, a): Channel(kind).group(account_id=a) for a in account_ids for kind in kinds}
    names = list(groups.values())
    wanted = set()
    for start in range(0, len(names), BULK_INTEREST_CHUNK):
        wanted |= outbox.wanted(names[start : start + BULK_INTEREST_CHUNK])
    for account_id in account_ids:
        builds = (
            (Kind.POSITIONS, functools.partial(_position_data, account_id, instrument_id)),
            (Kind.ACCOUNT, functools.partial(_account_data, account_id)),
        )
        for kind, build in builds:
            group = groups[(kind, account_id)]
            if group in wanted and (data := build()) is not None:
                outbox.send(group=group, channel=str(kind), data=data)


def notifications_created(*, notifications: Iterable) -> None:
    """Notifications were written; bulk-created ones need their ids (PostgreSQL sets them)."""
    for notification in notifications:
        if notification.pk is not None:
            data = functools.partial(_notification_data, notification)
            _queue(Kind.NOTIFICATIONS, notification.account_id, notification.pk, data)


def _queue(kind: Kind, account_id: int | None, key, build) -> None:
    if account_id is None:
        return
    group = Channel(kind).group(account_id=account_id)

    def job(outbox: hub.Outbox) -> None:
        if group not in outbox.wanted([group]):
            return
        data = build()
        if data is not None:
            outbox.send(group=group, channel=str(kind), data=data)

    hub.after_commit((kind, account_id, key), hub.publishing_to(job, group))


# The order book ------------------------------------------------------------------------


@receiver(tick_announced, dispatch_uid="trading.events.orderbook_publish")
def orderbook_publish(sender, *, underlying, sequence, quotes, settled, **kwargs) -> None:
    """A tick moves the outside liquidity: publish the books someone watches (throttled)."""
    symbols = tuple(quote.symbol for quote in quotes)
    hub.hub.submit([functools.partial(_orderbook_job, symbols=symbols)])


def _orderbook_queue(changed) -> None:
    """Users' resting orders changed the book: publish it after commit (throttled).

    ``changed`` is the order or fill. When its instrument came with it, the job knows
    the book's channel and reads the instrument only if someone watches it.
    """
    job = functools.partial(_orderbook_job, instrument_ids=(changed.instrument_id,))
    if type(changed)._meta.get_field("instrument").is_cached(changed):
        symbol = changed.instrument.symbol
        job = hub.publishing_to(
            functools.partial(job, symbols=(symbol,)), Channel(Kind.ORDERBOOK, symbol).group()
        )
    hub.after_commit(("orderbook", changed.instrument_id), job)


def _orderbook_job(outbox: hub.Outbox, *, symbols=(), instrument_ids=()) -> None:
    from market.models import Instrument

    instruments = Instrument.objects.select_related("underlying")
    if symbols:
        wanted = outbox.wanted(Channel(Kind.ORDERBOOK, symbol).group() for symbol in symbols)
        if not wanted:
            return  # Not even a query built: no one watches these books.
        symbols = [g.rsplit(".", 1)[-1] for g in wanted]
        instruments = instruments.filter(symbol__in=symbols)
    else:
        instruments = instruments.filter(pk__in=instrument_ids)
    interval = settings.STREAM_ORDERBOOK_SECONDS
    for instrument in instruments:
        channel = Channel(Kind.ORDERBOOK, instrument.symbol)
        now = time.monotonic()
        if now - _orderbook_sent.get(instrument.pk, -interval) < interval:
            continue
        if instrument_ids and channel.group() not in outbox.wanted([channel.group()]):
            continue
        data = orderbook_data(instrument)
        if data is not None:
            _orderbook_sent[instrument.pk] = now
            outbox.send(group=channel.group(), channel=channel.name, data=data)


def orderbook_data(instrument) -> dict | None:
    from config.errors import Conflict
    from trading import selectors
    from trading.api.serializers import OrderBookOutputSerializer

    try:
        book = selectors.order_book_depth(instrument=instrument, depth=ORDERBOOK_DEPTH)
    except Conflict:
        return None  # No price yet, so no outside liquidity to show.
    return OrderBookOutputSerializer({"symbol": instrument.symbol, **book}).data


# What a message carries -------------------------------------------------------------------


def _order_data(order_id: int) -> dict | None:
    from trading.api.serializers import order_data
    from trading.models import Order

    order = (
        Order.objects.select_related("instrument")
        .prefetch_related("attached")
        .filter(pk=order_id)
        .first()
    )
    return None if order is None else order_data(order)


def _fill_data(fill_id: int) -> dict | None:
    from trading.api.serializers import FillOutputSerializer
    from trading.models import Fill

    fill = Fill.objects.select_related("instrument").filter(pk=fill_id).first()
    return None if fill is None else FillOutputSerializer(fill).data


def _position_data(account_id: int, instrument_id: int) -> dict | None:
    """The position valued at the mark; a closed one as its symbol and a zero quantity."""
    from trading import selectors
    from trading.api.serializers import PositionOutputSerializer
    from trading.models import Account, Position

    account = Account.objects.get(pk=account_id)
    for view in selectors.position_views(account=account):
        if view.instrument.pk == instrument_id:
            return PositionOutputSerializer(view).data
    position = (
        Position.objects.select_related("instrument")
        .filter(account_id=account_id, instrument_id=instrument_id)
        .first()
    )
    if position is None:
        return None
    closed = dict.fromkeys(PositionOutputSerializer().fields)
    closed.update(instrument=position.instrument.symbol, quantity="0")
    return closed


def _account_data(account_id: int) -> dict:
    from trading import selectors
    from trading.api.serializers import AccountOutputSerializer
    from trading.models import Account

    account = Account.objects.get(pk=account_id)
    return AccountOutputSerializer(selectors.account_summary(account=account)).data


def _notification_data(notification) -> dict:
    return {
        "id": notification.pk,
        "kind": notification.kind,
        "title": notification.title,
        "message": notification.message,
        "data": notification.data,
        "created_at": notification.created_at,
        "read_at": notification.read_at,
    }


# Snapshots ----------------------------------------------------------------------------


def snapshot(channel: Channel, *, account=None, instrument=None):
    """What a new subscriber gets first: the state, or the latest items, as they stand."""
    from trading import selectors
    from trading.api.serializers import (
        AccountOutputSerializer,
        FillOutputSerializer,
        OrderOutputSerializer,
        PositionOutputSerializer,
    )

    if channel.kind == Kind.ORDERBOOK:
        return orderbook_data(instrument)
    if channel.kind == Kind.ORDERS:
        orders = selectors.order_list(account=account, status="open")[:SNAPSHOT_ITEMS]
        return OrderOutputSerializer(orders, many=True).data
    if channel.kind == Kind.FILLS:
        fills = selectors.fill_list(account=account)[:SNAPSHOT_ITEMS]
        return FillOutputSerializer(fills, many=True).data
    if channel.kind == Kind.POSITIONS:
        return PositionOutputSerializer(selectors.position_views(account=account), many=True).data
    if channel.kind == Kind.ACCOUNT:
        return AccountOutputSerializer(selectors.account_summary(account=account)).data
    if channel.kind == Kind.NOTIFICATIONS:
        notifications = selectors.notification_list(account=account)[:SNAPSHOT_ITEMS]
        return [_notification_data(notification) for notification in notifications]
    raise ValueError(f"trading has no snapshot of {channel.name}")
