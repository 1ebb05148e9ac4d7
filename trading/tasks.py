"""The risk workers: thin Celery tasks that take ids, load rows and call trading's services.

Every task is safe to run twice or to have delivered twice (``acks_late``, and the
settings reject a message whose worker died): the services lock the instrument's
row, and each charge has an idempotency key per position and period, so a retry
finds the work done. The sequence guard in ``instrument_risk`` only saves work.

Tick reactions (``instruments_risk``, ``instrument_settle``) and the per-instrument
carrying charges go to the queue of their instrument's group (``task_queue``), so
one instrument's book is worked on by one queue while several workers share the
instruments. A tick sends one message per group, naming the group's instruments that
have something a price acts on. Schedules fan out one task per instrument, in batches;
a carrying charge's task opens the instrument's round, sends its batches of positions
but the first (``carry_batch_post``) to its own queue, where the queue's workers post
them in parallel, and posts the first itself.

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
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from config import metrics
from market.models import FundingRate, Instrument
from trading import selectors, services
from trading.models import (
    Account,
    CarryBatch,
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
# A carry batch not posted this long after its round opened is sent again by the sweep
# (a round's batch posts in a second or two), at most once in as long.
CARRY_BATCH_RESEND_SECONDS = 120
CARRY_BATCH_RESENT_KEY = "trading:carry:resent:{batch_id}"
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
    published_at = instrument_risk.request.get("published_at")
    return _instruments_risk([instrument_id], sequence, published_at=published_at) == 1


@shared_task(acks_late=True, ignore_result=True)
def instruments_risk(instrument_ids: list[int], sequence: int | None = None) -> int:
    """React to a tick on the instruments of one queue group; return how many were checked.

    One message per group and tick: the instruments share the group's queue, so the
    worker that takes it checks them together, each tick as ``instrument_risk`` would.
    """
    published_at = instruments_risk.request.get("published_at")
    return _instruments_risk(instrument_ids, sequence, published_at=published_at)


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


def _instruments_risk(instrument_ids, sequence: int | None, *, published_at=None) -> int:
    instruments = list(
        Instrument.objects.select_related("underlying").filter(pk__in=instrument_ids).order_by("pk")
    )
    if sequence is not None:
        # The checks read the latest prices, so a backlog of ticks collapses into its last.
        instruments = _ticks_claim(
            [i for i in instruments if sequence >= i.underlying.tick_sequence], sequence
        )
    if not instruments:
        return 0
    instruments_risk_check(instruments)
    _ticks_done([instrument.pk for instrument in instruments], sequence)
    if sequence is not None:
        for _ in instruments:
            metrics.tick_reaction_observe(published_at=published_at)
    return len(instruments)


def instruments_at_risk(instruments: QuerySet[Instrument]) -> QuerySet[Instrument]:
    """Narrow ``instruments`` to those a price move can act on: open orders or positions."""
    open_orders = Order.objects.filter(instrument=OuterRef("pk"), status__in=Order.OPEN_STATUSES)
    open_positions = Position.objects.filter(instrument=OuterRef("pk")).exclude(quantity=0)
    return instruments.filter(Exists(open_orders) | Exists(open_positions))


def instruments_risk_check(instruments: list[Instrument]) -> None:
    """Run every check a tick asks for; one that fails is logged and the others still run.

    The instruments are screened together first (``services.instruments_due``, and one
    margin statement), and each check runs where the screen found work.
    """
    try:
        stops, fills = services.instruments_due(instruments=instruments)
    except Exception:
        logger.exception("Screen of %s failed", ", ".join(i.symbol for i in instruments))
        stops = fills = {instrument.pk for instrument in instruments}
    for instrument in instruments:
        for check, due in (
            (services.conditional_orders_check, stops),
            (services.resting_orders_fill_on_reference, fills),
        ):
            if instrument.pk not in due:
                continue
            try:
                check(instrument=instrument)
            except Exception:
                logger.exception("%s of %s failed", check.__name__, instrument.symbol)
    # One statement values every account in the instruments; only those that may be near
    # the warning level (or were warned) are checked one by one.
    level = max(notifications.margin_warning_level(), notifications.margin_warning_rearm_level())
    try:
        at_risk = selectors.accounts_at_margin_risk(instruments=instruments, level=level)
    except Exception:
        logger.exception("Margin screen of %s failed", ", ".join(i.symbol for i in instruments))
        at_risk = [
            pk
            for instrument in instruments
            for pk in selectors.accounts_with_positions(instrument=instrument).values_list(
                "pk", flat=True
            )
        ]
    for account in Account.objects.filter(pk__in=at_risk).order_by("pk"):
        try:
            state = selectors.margin_state(account=account)
            if state.liquidatable:
                # The service checks again under the account's lock.
                account_liquidate(account=account)
            else:
                notifications.margin_warning_check(account=account, margin_level=state.margin_level)
        except Exception:
            logger.exception("Margin check of account #%s failed", account.pk)


def _ticks_claim(instruments: list[Instrument], sequence: int) -> list[Instrument]:
    """The instruments whose tick this worker takes: newer than the last handled, not taken."""
    handled = set(
        InstrumentRiskState.objects.filter(
            instrument_id__in=[instrument.pk for instrument in instruments],
            last_sequence__gte=sequence,
        ).values_list("instrument_id", flat=True)
    )
    return [
        instrument
        for instrument in instruments
        if instrument.pk not in handled
        # Atomic: one of two racing workers wins.
        and cache.add(
            RISK_CLAIM_KEY.format(instrument_id=instrument.pk, sequence=sequence),
            True,
            RISK_CLAIM_SECONDS,
        )
    ]


# One statement: the newest tick handled only moves forward, whoever finishes last.
_TICK_DONE_SQL = """
INSERT INTO trading_instrumentriskstate (instrument_id, last_sequence, checked_at)
VALUES {values}
ON CONFLICT (instrument_id) DO UPDATE SET
    last_sequence = {greatest}(trading_instrumentriskstate.last_sequence, EXCLUDED.last_sequence),
    checked_at = EXCLUDED.checked_at
"""


def _ticks_done(instrument_ids: list[int], sequence: int | None) -> None:
    """Record that the checks ran, and the newest tick handled (the sweep passes None)."""
    now = timezone.now()
    with connection.cursor() as cursor:
        # SQLite (the quick start's embedded default) calls the larger of two MAX.
        greatest = "GREATEST" if connection.vendor == "postgresql" else "MAX"
        values = ", ".join(["(%s, %s, %s)"] * len(instrument_ids))
        sql = _TICK_DONE_SQL.format(values=values, greatest=greatest)
        params = [value for pk in instrument_ids for value in (pk, sequence or 0, now)]
        cursor.execute(sql, params)


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

    Catches what a lost tick message missed, settles what a lost settlement message
    left open, and posts a carry round's batches whose messages were lost.
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
    _carry_batches_resend(now)
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
    """Whether the rate was applied: marked by its task, or its round opened (its batches)."""
    if cache.get(FUNDING_APPLIED_KEY.format(funding_rate_id=rate.pk)):
        return True
    # The cache may have lost the mark; the round's batches say it opened, and the
    # sweep sends again a batch whose message was lost.
    return CarryBatch.objects.filter(
        instrument_id=rate.instrument_id,
        kind=JournalEntry.Kind.FUNDING,
        period=rate.funding_time.isoformat(),
    ).exists()


@shared_task(bind=True, acks_late=True, ignore_result=True)
def instrument_funding_apply(self, instrument_id: int, funding_rate_id: int) -> int:
    """Open the funding round of a rate and post its batches; return how many there were.

    The round's positions are those open when it opens; opening it again (a retry)
    finds them and sends only the batches not posted yet.
    """
    rate = FundingRate.objects.select_related("instrument").filter(pk=funding_rate_id).first()
    if rate is None or rate.instrument_id != instrument_id:
        return 0
    batch_ids = services.funding_round_open(instrument=rate.instrument, funding_rate=rate)
    cache.set(FUNDING_APPLIED_KEY.format(funding_rate_id=rate.pk), True, FUNDING_APPLIED_SECONDS)
    return _round_post(self, batch_ids)


@shared_task(acks_late=True, ignore_result=True)
def borrow_interest_charge_due() -> int:
    """Charge the previous whole hour's borrow interest on every spot instrument."""
    hour = timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    return _fan_out(Instrument.Kind.SPOT, instrument_borrow_interest_charge, hour=hour.isoformat())


@shared_task(bind=True, acks_late=True, ignore_result=True)
def instrument_borrow_interest_charge(self, instrument_id: int, hour: str) -> int:
    """Open an hour's borrow-interest round on the spot instrument's shorts; post its batches."""
    instrument = Instrument.objects.filter(pk=instrument_id).first()
    if instrument is None:
        return 0
    batch_ids = services.borrow_interest_round_open(
        instrument=instrument, hour=datetime.fromisoformat(hour)
    )
    return _round_post(self, batch_ids)


@shared_task(acks_late=True, ignore_result=True)
def financing_charge_due() -> int:
    """Charge the previous day's overnight financing on every CFD."""
    day = timezone.now().date() - timedelta(days=1)
    return _fan_out(Instrument.Kind.CFD, instrument_financing_charge, day=day.isoformat())


@shared_task(bind=True, acks_late=True, ignore_result=True)
def instrument_financing_charge(self, instrument_id: int, day: str) -> int:
    """Open a night's financing round on the CFD's positions; post its batches."""
    instrument = Instrument.objects.filter(pk=instrument_id).first()
    if instrument is None:
        return 0
    batch_ids = services.financing_round_open(instrument=instrument, day=date.fromisoformat(day))
    return _round_post(self, batch_ids)


@shared_task(acks_late=True, ignore_result=True)
def carry_batch_post(batch_id: int) -> int:
    """Charge the positions of one batch of a carry round; a batch posted already charges nobody."""
    return services.carry_batch_post(batch_id=batch_id)


def _round_post(task, batch_ids: list[int]) -> int:
    """Send a round's batches but the first to the task's queue, post the first here.

    Return how many batches the round had to post. A round of one batch (most of
    them) costs no message more than the task; a larger one is posted by every free
    worker of the queue at once, this one included.
    """
    carry_batches_send(batch_ids[1:], queue=_delivered_on(task))
    if batch_ids:
        services.carry_batch_post(batch_id=batch_ids[0])
    return len(batch_ids)


def carry_batches_send(batch_ids: list[int], *, queue: str | None = None) -> int:
    """Send each batch to be posted, on ``queue`` or the default route; return how many.

    The batches of a round post in parallel on every worker of the queue.
    """
    options = {"queue": queue} if queue else {}
    for batch_id in batch_ids:
        carry_batch_post.apply_async(kwargs={"batch_id": batch_id}, **options)
    return len(batch_ids)


def _delivered_on(task) -> str | None:
    """The queue a task's message came from (none when run in the caller's process).

    A round's batches go where its task went: the workers of the instrument's group.
    """
    return (task.request.delivery_info or {}).get("routing_key")


def _carry_batches_resend(now) -> int:
    """Send again the batches not posted long after their round opened; return how many."""
    waiting = (
        CarryBatch.objects.filter(
            posted_at__isnull=True,
            created_at__lt=now - timedelta(seconds=CARRY_BATCH_RESEND_SECONDS),
        )
        .values_list("pk", "instrument_id")
        .order_by("pk")
    )
    sent = 0
    for batch_id, instrument_id in waiting.iterator(chunk_size=RISK_SWEEP_BATCH_SIZE):
        key = CARRY_BATCH_RESENT_KEY.format(batch_id=batch_id)
        if cache.add(key, True, CARRY_BATCH_RESEND_SECONDS):
            sent += carry_batches_send([batch_id], queue=risk_queue(instrument_id))
    return sent


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
