"""Equity snapshots: each account's equity at the start of every minute, hour and day.

The dashboard's equity curve and the leaderboards read them. Rules of this module:

- A snapshot stands for a period (its ``taken_at`` is the period's start), and there
  is one per account, resolution and period (a unique constraint): a batch run
  twice, by a retry or a redelivered message, writes nothing the second time.
- Accounts are valued in batches of primary keys, one SQL statement per batch
  (``selectors.account_valuations``), each batch its own transaction; only the few
  accounts that wrote options are valued one by one, for their margin.
- Minute snapshots are kept a day, hourly ones a month, daily ones for ever; pruning
  deletes in batches so it never holds a long lock.
"""

from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction

from trading import selectors
from trading.models import USER_KINDS, Account, EquitySnapshot

SNAPSHOT_BATCH_SIZE = 1000
PRUNE_BATCH_SIZE = 5000
MONEY = Decimal("0.00000001")

Resolution = EquitySnapshot.Resolution

KEEP = {
    Resolution.MINUTE: timedelta(days=1),
    Resolution.HOUR: timedelta(days=31),
    Resolution.DAY: None,
}


def period_start(at: datetime, resolution: str) -> datetime:
    """The start of the minute, hour or day ``at`` falls in."""
    at = at.replace(second=0, microsecond=0)
    if resolution in (Resolution.HOUR, Resolution.DAY):
        at = at.replace(minute=0)
    if resolution == Resolution.DAY:
        at = at.replace(hour=0)
    return at


def snapshot_batches(*, batch_size: int = SNAPSHOT_BATCH_SIZE) -> list[tuple[int, int]]:
    """The users' accounts as [first, last] primary-key ranges of ``batch_size`` accounts."""
    ids = (
        Account.objects.filter(kind__in=USER_KINDS)
        .order_by("pk")
        .values_list("pk", flat=True)
        .iterator(chunk_size=10 * batch_size)
    )
    batches, batch = [], []
    for account_id in ids:
        batch.append(account_id)
        if len(batch) == batch_size:
            batches.append((batch[0], batch[-1]))
            batch = []
    if batch:
        batches.append((batch[0], batch[-1]))
    return batches


@transaction.atomic
def equity_snapshots_take(
    *, resolution: str, taken_at: datetime, first_id: int, last_id: int
) -> int:
    """Snapshot the users' accounts with primary keys in [first_id, last_id].

    Return how many accounts were valued; one already snapshot for the period keeps
    the snapshot it has.
    """
    taken_at = period_start(taken_at, resolution)
    marks = selectors.marks_for_open_positions()
    snapshots = []
    for valuation in selectors.account_valuations(marks=marks, account_ids=(first_id, last_id)):
        margin_used = valuation.initial_margin
        if valuation.short_options:
            # Options' margin is not set-based: value this account through its positions.
            views = selectors.position_views(
                account=Account.objects.get(pk=valuation.account_id), quotes=dict(marks)
            )
            margin_used = sum((v.initial_margin for v in views), Decimal(0))
        snapshots.append(
            EquitySnapshot(
                account_id=valuation.account_id,
                resolution=resolution,
                taken_at=taken_at,
                equity=valuation.equity.quantize(MONEY),
                cash=valuation.cash.quantize(MONEY),
                margin_used=margin_used.quantize(MONEY),
                unrealized_pnl=valuation.unrealized_pnl.quantize(MONEY),
            )
        )
    created = EquitySnapshot.objects.bulk_create(
        snapshots, batch_size=SNAPSHOT_BATCH_SIZE, ignore_conflicts=True
    )
    return len(created)


def equity_snapshots_prune(*, now: datetime, batch_size: int = PRUNE_BATCH_SIZE) -> int:
    """Delete minute snapshots older than a day and hourly ones older than a month."""
    deleted = 0
    for resolution, keep in KEEP.items():
        if keep is None:
            continue
        old = EquitySnapshot.objects.filter(resolution=resolution, taken_at__lt=now - keep)
        while True:
            with transaction.atomic():
                ids = list(old.order_by("pk").values_list("pk", flat=True)[:batch_size])
                if not ids:
                    break
                count, _ = EquitySnapshot.objects.filter(pk__in=ids).delete()
            deleted += count
    return deleted
