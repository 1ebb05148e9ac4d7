"""The risk workers: thin Celery tasks that take ids, load rows and call trading's services.

Every task is safe to run twice or to have delivered twice (``acks_late``, and the
settings reject a message whose worker died): the services lock the instrument's
row, and each charge has an idempotency key per position and period, so a retry
finds the work done. The sequence guard in ``instrument_risk`` only saves work.

Tick reactions (``instrument_risk``, ``instrument_settle``) and the per-instrument
carrying charges go to the queue of their instrument's group (``task_queue``), so
one instrument's book is worked on by one queue while several workers share the
instruments. Schedules fan out one task per instrument, in batches.
"""

import logging
from datetime import date, datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db.models import CharField, Exists, OuterRef, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from market.models import FundingRate, Instrument
from trading import selectors, services
from trading.models import JournalEntry, Order, Position
from trading.services.risk import account_liquidate

logger = logging.getLogger(__name__)

# Tasks that work on one instrument's book: routed by their ``instrument_id``.
INSTRUMENT_TASKS = frozenset(
    {
        "trading.tasks.instrument_risk",
        "trading.tasks.instrument_settle",
        "trading.tasks.instrument_funding_apply",
        "trading.tasks.instrument_borrow_interest_charge",
        "trading.tasks.instrument_financing_charge",
    }
)

# How long a tick's sequence marks stay in the cache: far longer than a queue backlog.
RISK_SEQUENCE_SECONDS = 24 * 3600
# A worker that claimed a tick and died frees it after this long (the sweep runs sooner).
RISK_CLAIM_SECONDS = 60
RISK_LAST_KEY = "trading:risk:last:{instrument_id}"
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
    instrument_id = (kwargs or {}).get("instrument_id")
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
    if sequence is not None:
        _tick_done(instrument_id, sequence)
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
    for account in selectors.accounts_with_positions(instrument=instrument):
        try:
            if selectors.margin_state(account=account).liquidatable:
                # The service checks again under the account's lock.
                account_liquidate(account=account)
        except Exception:
            logger.exception("Margin check of account #%s failed", account.pk)


def _tick_claim(instrument_id: int, sequence: int) -> bool:
    """Whether this worker takes the tick: newer than the last handled, and not taken."""
    last = cache.get(RISK_LAST_KEY.format(instrument_id=instrument_id))
    if last is not None and sequence <= last:
        return False
    key = RISK_CLAIM_KEY.format(instrument_id=instrument_id, sequence=sequence)
    return cache.add(key, True, RISK_CLAIM_SECONDS)  # Atomic: one of two racing workers wins.


def _tick_done(instrument_id: int, sequence: int) -> None:
    """Remember the newest tick handled; an older one finishing late does not lower it."""
    key = RISK_LAST_KEY.format(instrument_id=instrument_id)
    if cache.add(key, sequence, RISK_SEQUENCE_SECONDS):
        return
    # Not atomic: losing this race to an older tick costs one redundant run of idempotent
    # checks, never a wrong one.
    last = cache.get(key)
    if last is None or sequence > last:
        cache.set(key, sequence, RISK_SEQUENCE_SECONDS)


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
    swept = 0
    for instrument_id in at_risk.iterator(chunk_size=RISK_SWEEP_BATCH_SIZE):
        instrument_risk.apply_async(
            kwargs={"instrument_id": instrument_id},
            expires=now + timedelta(seconds=RISK_SWEEP_EXPIRES_SECONDS),
        )
        swept += 1
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
    """Enqueue ``task`` for every listed instrument of ``kind``; return how many."""
    instrument_ids = (
        Instrument.objects.filter(kind=kind)
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
