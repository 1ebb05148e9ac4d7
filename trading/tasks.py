"""The risk workers: thin Celery tasks that take ids, load rows and call trading's services.

Every task is safe to run twice or to have delivered twice (``acks_late``, and the
settings reject a message whose worker died): the services lock the instrument's
row, and each charge has an idempotency key per position and period, so a retry
finds the work done. The sequence guard in ``instrument_risk`` only saves work.

Tick reactions (``instruments_risk``, ``instrument_settle``) and the per-instrument
carrying charges go to the queue of their instrument's group (``task_queue``), so
one instrument's book is worked on by one queue while several workers share the
instruments. A tick sends one message per group, naming the group's instruments that
have something a price acts on. Schedules fan out one task per instrument, in batches.

The newest tick handled per instrument is kept in the database
(``InstrumentRiskState``), so a tick that is stale or a repeat changes nothing even
when Redis restarted and forgot it; the cache only keeps two workers from doing the
same tick at once.
"""

import logging
from datetime import date, datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import CharField, Exists, OuterRef, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from config import metrics
from market.models import FundingRate, Instrument
from trading import selectors, services
from trading.models import (
    Account,
    EquitySnapshot,
    InstrumentRiskState,
    JournalEntry,
    Order,
    Position,
)
from trading.services import notifications, snapshots
from trading.services.risk import account_liquidate

logger = logging.getLogger(__name__)

# Tasks that work on one instrument's book: routed by their ``instrument_id``.
INSTRUMENT_TASKS = frozenset(
    {
        "trading.tasks.instrument_risk",
        "trading.tasks.instruments_risk",
        "trading.tasks.instrument_settle",
        "trading.tasks.instrument_funding_apply",
        "trading.tasks.instrument_borrow_interest_charge",
        "trading.tasks.instrument_financing_charge",
    }
)

# A worker that claimed a tick and died frees it after this long (the sweep runs sooner).
RISK_CLAIM_SECONDS = 60
RISK_CLAIM_KEY = "trading:risk:claim:{instrument_id}:{sequence}"
# A funding rate applied is marked here too, for rates that paid nobody (no journal entry).
FUNDING_APPLIED_KEY = "trading:funding:applied:{funding_rate_id}"

# Periodic jobs read the ids they fan out in batches of this many rows.
RISK_SWEEP_BATCH_SIZE = 500
CARRY_BATCH_SIZE = 200
FUNDING_BATCH_SIZE = 200
# A rate sent to be applied is not sent again for this long (its task is on its way).
FUNDING_SENT_SECONDS = 600
FUNDING_SENT_KEY = "trading:funding:sent:{funding_rate_id}"
FUNDING_APPLIED_SECONDS = 2 * 24 * 3600
# Funding rates older than this are not looked at again (a rate is applied within a minute).
FUNDING_LOOKBACK = timedelta(hours=24)
# A sweep's task that waited longer than this is superseded by the next sweep.
RISK_SWEEP_EXPIRES_SECONDS = 30


def task_queue(name, args, kwargs, options, task=None, **_):
    """Route an instrument's tasks to the queue of its group: ``risk-<id % groups>``.

    A Celery router (``CELERY_TASK_ROUTES``); every other task keeps its route.
    """
    if name not in INSTRUMENT_TASKS:
        return None
    kwargs = kwargs or {}
    instrument_id = kwargs.get("instrument_id")
    if instrument_id is None and kwargs.get("instrument_ids"):
        instrument_id = kwargs["instrument_ids"][0]  # A group's message: all in one queue.
    if instrument_id is None and args:
        instrument_id = args[0]
    if instrument_id is None:
        return None
    return {"queue": risk_queue(int(instrument_id))}


def risk_queue(instrument_id: int) -> str:
    """The queue that works on the instrument's book."""
    return f"risk-{instrument_id % settings.RISK_QUEUE_GROUPS}"


# Tick reactions ------------------------------------------------------------------------


@shared_task(acks_late=True, ignore_result=True)
def instrument_risk(instrument_id: int, sequence: int | None = None) -> bool:
    """React to a tick: fire triggers, fill resting orders, liquidate accounts at maintenance.

    ``sequence`` is the underlying's tick number. A tick changes nothing when it is
    stale (its underlying has ticked since: that tick's task follows with the same
    checks at the newer prices), already handled, or being handled by another
    worker. The sweep passes None and always runs. Return whether the checks ran.
    """
    return _instrument_risk(
        instrument_id, sequence, published_at=instrument_risk.request.get("published_at")
    )


@shared_task(acks_late=True, ignore_result=True)
def instruments_risk(instrument_ids: list[int], sequence: int | None = None) -> int:
    """React to a tick on the instruments of one queue group; return how many were checked.

    One message per group and tick: the instruments share the group's queue, so the
    worker that takes it works on them in turn, each as ``instrument_risk`` would.
    """
    published_at = instruments_risk.request.get("published_at")
    return sum(
        _instrument_risk(instrument_id, sequence, published_at=published_at)
        for instrument_id in instrument_ids
    )


def instruments_risk_send(instrument_ids, *, sequence: int | None = None, **options) -> int:
    """Send one ``instruments_risk`` message per queue group; return how many were sent."""
    groups: dict[str, list[int]] = {}
    for instrument_id in instrument_ids:
        groups.setdefault(risk_queue(instrument_id), []).append(instrument_id)
    for ids in groups.values():
        instruments_risk.apply_async(
            kwargs={"instrument_ids": ids, "sequence": sequence}, **options
        )
    return len(groups)


def _instrument_risk(instrument_id: int, sequence: int | None, *, published_at=None) -> bool:
    instrument = Instrument.objects.select_related("underlying").filter(pk=instrument_id).first()
    if instrument is None:
        return False
    if sequence is not None:
        # The checks read the latest prices, so a backlog of ticks collapses into its last.
        if sequence < instrument.underlying.tick_sequence:
            return False
        if not _tick_claim(instrument_id, sequence):
            return False
    instrument_risk_check(instrument)
    _tick_done(instrument_id, sequence)
    if sequence is not None:
        metrics.tick_reaction_observe(published_at=published_at)
    return True


def instruments_at_risk(instruments: QuerySet[Instrument]) -> QuerySet[Instrument]:
    """Narrow ``instruments`` to those a price move can act on: open orders or positions."""
    open_orders = Order.objects.filter(instrument=OuterRef("pk"), status__in=Order.OPEN_STATUSES)
    open_positions = Position.objects.filter(instrument=OuterRef("pk")).exclude(quantity=0)
    return instruments.filter(Exists(open_orders) | Exists(open_positions))


def instrument_risk_check(instrument: Instrument) -> None:
    """Run every check a tick asks for; one that fails is logged and the others still run."""
    for check in (services.conditional_orders_check, services.resting_orders_fill_on_reference):
        try:
            check(instrument=instrument)
        except Exception:
            logger.exception("%s of %s failed", check.__name__, instrument.symbol)
    # One statement values every account in the instrument; only those that may be near
    # the warning level (or were warned) are checked one by one.
    level = max(notifications.margin_warning_level(), notifications.margin_warning_rearm_level())
    try:
        at_risk = selectors.accounts_at_margin_risk(instrument=instrument, level=level)
    except Exception:
        logger.exception("Margin screen of %s failed", instrument.symbol)
        at_risk = selectors.accounts_with_positions(instrument=instrument).values_list(
            "pk", flat=True
        )
    for account in Account.objects.filter(pk__in=list(at_risk)).order_by("pk"):
        try:
            state = selectors.margin_state(account=account)
            if state.liquidatable:
                # The service checks again under the account's lock.
                account_liquidate(account=account)
            else:
                notifications.margin_warning_check(account=account, margin_level=state.margin_level)
        except Exception:
            logger.exception("Margin check of account #%s failed", account.pk)


def _tick_claim(instrument_id: int, sequence: int) -> bool:
    """Whether this worker takes the tick: newer than the last handled, and not taken."""
    handled = InstrumentRiskState.objects.filter(
        instrument_id=instrument_id, last_sequence__gte=sequence
    ).exists()
    if handled:
        return False
    key = RISK_CLAIM_KEY.format(instrument_id=instrument_id, sequence=sequence)
    return cache.add(key, True, RISK_CLAIM_SECONDS)  # Atomic: one of two racing workers wins.


# One statement: the newest tick handled only moves forward, whoever finishes last.
_TICK_DONE_SQL = """
INSERT INTO trading_instrumentriskstate (instrument_id, last_sequence, checked_at)
VALUES (%s, %s, %s)
ON CONFLICT (instrument_id) DO UPDATE SET
    last_sequence = {greatest}(trading_instrumentriskstate.last_sequence, EXCLUDED.last_sequence),
    checked_at = EXCLUDED.checked_at
"""


def _tick_done(instrument_id: int, sequence: int | None) -> None:
    """Record that the checks ran, and the newest tick handled (the sweep passes None)."""
    with connection.cursor() as cursor:
        # SQLite (the quick start's embedded default) calls the larger of two MAX.
        greatest = "GREATEST" if connection.vendor == "postgresql" else "MAX"
        sql = _TICK_DONE_SQL.format(greatest=greatest)
        cursor.execute(sql, [instrument_id, sequence or 0, timezone.now()])


@shared_task(acks_late=True, ignore_result=True)
def instrument_settle(instrument_id: int) -> int:
    """Settle a dated future or option that expired in cash; a second run finds nothing."""
    instrument = Instrument.objects.filter(pk=instrument_id).first()
    if instrument is None:
        return 0
    return services.instrument_settle(instrument=instrument)


# Schedules -------------------------------------------------------------------------


@shared_task(acks_late=True, ignore_result=True)
def risk_sweep() -> int:
    """Check every instrument with open orders or positions, as a tick would; return how many.

    Catches what a lost tick message missed, and settles what a lost settlement
    message left open.
    """
    now = timezone.now()
    at_risk = (
        instruments_at_risk(Instrument.objects.filter(status=Instrument.Status.OPEN))
        .values_list("pk", flat=True)
        .order_by("pk")
    )
    expires = now + timedelta(seconds=RISK_SWEEP_EXPIRES_SECONDS)
    swept, batch = 0, []
    for instrument_id in at_risk.iterator(chunk_size=RISK_SWEEP_BATCH_SIZE):
        batch.append(instrument_id)
        swept += 1
        if len(batch) == RISK_SWEEP_BATCH_SIZE:
            instruments_risk_send(batch, expires=expires)
            batch = []
    instruments_risk_send(batch, expires=expires)
    notifications.margin_warnings_rearm_flat()
    open_positions = Position.objects.filter(instrument=OuterRef("pk")).exclude(quantity=0)
    unsettled = (
        Instrument.objects.filter(status=Instrument.Status.SETTLED)
        .filter(Exists(open_positions))
        .values_list("pk", flat=True)
        .order_by("pk")
    )
    for instrument_id in unsettled.iterator(chunk_size=RISK_SWEEP_BATCH_SIZE):
        instrument_settle.apply_async(kwargs={"instrument_id": instrument_id})
    return swept


@shared_task(acks_late=True, ignore_result=True)
def gtd_orders_expire_due() -> int:
    """Expire the good-till-date orders whose time has passed."""
    return services.gtd_orders_expire(now=timezone.now())


@shared_task(acks_late=True, ignore_result=True)
def funding_apply_due() -> int:
    """Apply each perpetual's funding rates fixed in the last day and not applied yet.

    Return how many rates were sent to be applied. A rate counts as applied when it
    paid someone (its journal entries exist) or the task marked it (it paid nobody).
    """
    now = timezone.now()
    rates = FundingRate.objects.filter(
        instrument__kind=Instrument.Kind.PERPETUAL,
        # A scenario's private replay pays funding on its own, historical clock.
        instrument__underlying__listed=True,
        funding_time__gt=now - FUNDING_LOOKBACK,
        funding_time__lte=now,
    ).order_by("funding_time", "pk")
    sent = 0
    for rate in rates.iterator(chunk_size=FUNDING_BATCH_SIZE):
        if _funding_applied(rate):
            continue
        # Re-running a rate later would charge positions opened after its funding time:
        # send it once, and again only if its task has not applied it in a while.
        if cache.add(FUNDING_SENT_KEY.format(funding_rate_id=rate.pk), True, FUNDING_SENT_SECONDS):
            instrument_funding_apply.apply_async(
                kwargs={"instrument_id": rate.instrument_id, "funding_rate_id": rate.pk}
            )
            sent += 1
    return sent


def _funding_applied(rate: FundingRate) -> bool:
    """Whether the rate was applied: marked by its task, or paid to a position (its key)."""
    if cache.get(FUNDING_APPLIED_KEY.format(funding_rate_id=rate.pk)):
        return True
    # The cache may have lost the mark: look for an entry under carry's key for a position.
    key = Concat(
        Value("funding:"),
        Cast("pk", CharField()),
        Value(f":{rate.funding_time.isoformat()}"),
        output_field=CharField(),
    )
    paid = JournalEntry.objects.filter(idempotency_key=OuterRef("funding_key"))
    return (
        Position.objects.filter(instrument_id=rate.instrument_id)
        .annotate(funding_key=key)
        .filter(Exists(paid))
        .exists()
    )


@shared_task(acks_late=True, ignore_result=True)
def instrument_funding_apply(instrument_id: int, funding_rate_id: int) -> int:
    """Pay one funding rate on the perpetual's open positions; a retry pays nobody twice."""
    rate = FundingRate.objects.select_related("instrument").filter(pk=funding_rate_id).first()
    if rate is None or rate.instrument_id != instrument_id:
        return 0
    paid = services.funding_apply(instrument=rate.instrument, funding_rate=rate)
    cache.set(FUNDING_APPLIED_KEY.format(funding_rate_id=rate.pk), True, FUNDING_APPLIED_SECONDS)
    return paid


@shared_task(acks_late=True, ignore_result=True)
def borrow_interest_charge_due() -> int:
    """Charge the previous whole hour's borrow interest on every spot instrument."""
    hour = timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    return _fan_out(Instrument.Kind.SPOT, instrument_borrow_interest_charge, hour=hour.isoformat())


@shared_task(acks_late=True, ignore_result=True)
def instrument_borrow_interest_charge(instrument_id: int, hour: str) -> int:
    """Charge one hour's borrow interest on the spot instrument's shorts (once per hour)."""
    instrument = Instrument.objects.filter(pk=instrument_id).first()
    if instrument is None:
        return 0
    return services.borrow_interest_charge(instrument=instrument, hour=datetime.fromisoformat(hour))


@shared_task(acks_late=True, ignore_result=True)
def financing_charge_due() -> int:
    """Charge the previous day's overnight financing on every CFD."""
    day = timezone.now().date() - timedelta(days=1)
    return _fan_out(Instrument.Kind.CFD, instrument_financing_charge, day=day.isoformat())


@shared_task(acks_late=True, ignore_result=True)
def instrument_financing_charge(instrument_id: int, day: str) -> int:
    """Charge one night's financing on the CFD's positions (once per day)."""
    instrument = Instrument.objects.filter(pk=instrument_id).first()
    if instrument is None:
        return 0
    return services.financing_charge(instrument=instrument, day=date.fromisoformat(day))


def _fan_out(kind: str, task, **period) -> int:
    """Enqueue ``task`` for every listed instrument of ``kind``; return how many.

    A scenario's instruments (on an unlisted, private replay) are charged by the
    scenario runs as their replayed clock passes each hour and day, not by the wall clock.
    """
    instrument_ids = (
        Instrument.objects.filter(kind=kind, underlying__listed=True)
        .exclude(status=Instrument.Status.SETTLED)
        .values_list("pk", flat=True)
        .order_by("pk")
    )
    sent = 0
    for instrument_id in instrument_ids.iterator(chunk_size=CARRY_BATCH_SIZE):
        task.apply_async(kwargs={"instrument_id": instrument_id, **period})
        sent += 1
    return sent


# Staff and views ---------------------------------------------------------------------


@shared_task(acks_late=True)
def ledger_audit() -> int:
    """Check the ledger; a problem is logged as an error so staff are paged."""
    problems = selectors.ledger_problems()
    for problem in problems:
        logger.error("Ledger problem: %s: %s", problem.what, problem.detail)
    return len(problems)


@shared_task(acks_late=True, ignore_result=True)
def positioning_publish() -> int:
    """Publish users' positioning per traded instrument for the sentiment views."""
    instruments = Instrument.objects.filter(positions__isnull=False).distinct().order_by("pk")
    for instrument in instruments:
        services.positioning_publish(instrument=instrument)
    return len(instruments)


# Equity snapshots --------------------------------------------------------------------


@shared_task(acks_late=True, ignore_result=True)
def equity_snapshots_due(resolution: str) -> int:
    """Snapshot every user's account for the period now begun, in batches; return how many.

    Fans out one ``equity_snapshots_take`` per batch of accounts, each safe to run twice.
    """
    resolution = EquitySnapshot.Resolution(resolution)
    taken_at = snapshots.period_start(timezone.now(), resolution).isoformat()
    batches = snapshots.snapshot_batches()
    for first_id, last_id in batches:
        equity_snapshots_take.apply_async(
            kwargs={
                "resolution": resolution,
                "taken_at": taken_at,
                "first_id": first_id,
                "last_id": last_id,
            }
        )
    return len(batches)


@shared_task(acks_late=True, ignore_result=True)
def equity_snapshots_take(resolution: str, taken_at: str, first_id: int, last_id: int) -> int:
    """Snapshot one batch of accounts for one period (a second run writes nothing)."""
    return snapshots.equity_snapshots_take(
        resolution=EquitySnapshot.Resolution(resolution),
        taken_at=datetime.fromisoformat(taken_at),
        first_id=first_id,
        last_id=last_id,
    )


@shared_task(acks_late=True, ignore_result=True)
def equity_snapshots_prune() -> int:
    """Delete the minute and hourly snapshots past their keeping time."""
    return snapshots.equity_snapshots_prune(now=timezone.now())
