"""Start, control, trade and finish scenario runs: real history replayed on a private market.

A run gets its own replay underlying (unlisted, so only the run sees it) with a
perpetual, spot on margin and a CFD copied from the platform's BTC listings, and its
own scenario account funded through trading's ledger. The market's feed moves the
replay every tick at the run's speed; pausing and changing speed go through market's
services, orders through trading's. Education writes only its own rows: the run, its
equity points and its result.

Carrying costs follow the replayed clock, not the wall clock: the run charges a
funding payment at every funding time of history the replay passes (every 8 replayed
hours), borrow interest at every replayed hour and CFD financing at every replayed
midnight UTC, through trading's carry services with the historical period as the
period. Their idempotency keys name the position and the period, and the run keeps how
far it has charged (``carried_through``), so a retried advance charges nothing twice; a
paused replay stands still, so it passes no boundary and pays nothing. The platform's
wall-clock schedules leave these instruments alone (they are on an unlisted underlying).
Boundaries are charged before anything that changes the run's positions, so a position
closed between two sweeps still pays for the boundaries it was held through.

Locks: a run's row is locked first, then the services it calls take theirs
(instrument, then accounts), so two requests on one run queue up.
"""

import logging
import secrets
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from config.errors import Conflict, DomainError
from education import outcomes
from education.models import Scenario, ScenarioPoint, ScenarioRun
from education.selectors import scenarios as selectors
from market import demo as market_demo
from market import history
from market import selectors as market_selectors
from market import services as market_services
from market.models import FundingRate, Instrument, Underlying
from market.quotes import EPOCH, next_funding_time
from market.services import INSTRUMENT_FIELDS
from trading import selectors as trading_selectors
from trading import services as trading_services
from trading.services.orders import Exit, OrderRequest

logger = logging.getLogger(__name__)

# Unfinished runs a user may have at once: each ticks every second until it ends.
MAX_ACTIVE_RUNS = 3
# Fields a scenario instrument copies from the platform's own listing of its kind.
COPIED_FIELDS = INSTRUMENT_FIELDS - {
    "underlying",
    "expiry",
    "strike",
    "option_type",
    "basis_rate",
    "kind",
}
FALLBACK_LISTINGS = {
    Instrument.Kind.PERPETUAL: {**market_demo.PERPETUAL_MARGIN, **market_demo.BTC_TICK},
    Instrument.Kind.SPOT: {**market_demo.SPOT_MARGIN, **market_demo.BTC_TICK},
    Instrument.Kind.CFD: {**market_demo.CFD_MARGIN, **market_demo.BTC_TICK},
}
FALLBACK_SIZES = {key: value for key, value in market_demo.BTC_SIZES.items() if key != "underlying"}
BORROW_PERIOD = timedelta(hours=1)
FINANCING_PERIOD = timedelta(days=1)
SYMBOL_SUFFIX = {
    Instrument.Kind.PERPETUAL: "PERP",
    Instrument.Kind.SPOT: "USD",
    Instrument.Kind.CFD: "CFD",
}


class RunFinished(Conflict):
    code = "run_finished"
    default_message = "The scenario run has finished."


def _listing(kind: str) -> dict:
    """The platform's BTC listing of ``kind`` as instrument fields, or the demo's."""
    model = market_selectors.instrument_list(underlying="BTC", kind=kind).first()
    if model is None:
        return {**FALLBACK_LISTINGS[kind], **FALLBACK_SIZES}
    fields = {name: getattr(model, name) for name in COPIED_FIELDS}
    return {**fields, "kind": kind}


def _check_speed(scenario: Scenario, speed: int) -> int:
    allowed = selectors.speeds_for(scenario.interval)
    if speed not in allowed:
        raise DomainError(
            f"Pick one of these speeds: {', '.join(str(s) for s in allowed)}.",
            code="invalid_speed",
            fields={"speed": ["Not an allowed speed."]},
        )
    return speed


def _lock_run(run: ScenarioRun) -> ScenarioRun:
    return (
        ScenarioRun.objects.select_for_update(of=("self",))
        .select_related("scenario", "account", "underlying")
        .get(pk=run.pk)
    )


@transaction.atomic
def scenario_run_start(
    *, user, scenario: Scenario, speed: int | None = None, now: datetime | None = None
) -> ScenarioRun:
    """Start a run of ``scenario`` for ``user``: a private replay, its instruments, an account."""
    now = now or timezone.now()
    speed = _check_speed(scenario, speed or scenario.default_speed)
    active = ScenarioRun.objects.select_for_update().filter(
        user=user, status__in=ScenarioRun.ACTIVE_STATUSES
    )
    if len(active) >= MAX_ACTIVE_RUNS:
        raise Conflict(
            f"You already have {MAX_ACTIVE_RUNS} scenario runs going; end one first.",
            code="too_many_runs",
        )
    bars = selectors.scenario_bars(scenario=scenario)
    if not bars:
        raise Conflict("The scenario's stretch of history holds no prices.", code="no_history")
    token = secrets.token_hex(4).upper()
    symbol = f"SCN{token}"
    underlying = market_services.underlying_upsert(
        symbol=symbol,
        name=f"BTC replay: {scenario.title}"[:64],
        feed_source=Underlying.FeedSource.REPLAY,
        replay_episode=history.window_key(scenario.interval, scenario.start, scenario.end),
        replay_speed=Decimal(speed),
        initial_price=bars[0].open,
        lists_derivatives=False,
        listed=False,
    )
    for kind in selectors.SCENARIO_KINDS:
        market_services.instrument_upsert(
            symbol=f"{symbol}-{SYMBOL_SUFFIX[kind]}", underlying=underlying, **_listing(kind)
        )
    account = trading_services.scenario_account_open(
        user=user,
        amount=scenario.starting_balance,
        memo=f"Scenario: {scenario.title}"[:255],
        idempotency_key=f"scenario-run-open:{symbol}",
    )
    run = ScenarioRun.objects.create(
        user=user,
        scenario=scenario,
        account=account,
        underlying=underlying,
        speed=speed,
        starting_balance=scenario.starting_balance,
        started_at=now,
    )
    market_services.underlying_tick(underlying=underlying, now=now)
    _record_point(run)
    return run


@transaction.atomic
def scenario_run_pause(*, run: ScenarioRun, now: datetime | None = None) -> ScenarioRun:
    """Stop the replay where it stands; orders can still be placed at the frozen prices."""
    run = _active(run)
    if run.status == ScenarioRun.Status.PAUSED:
        return run
    market_services.underlying_replay_control(
        underlying=run.underlying, now=now or timezone.now(), paused=True
    )
    _carry(run)
    _record_point(run)
    run.status = ScenarioRun.Status.PAUSED
    run.save(update_fields=["status"])
    return run


@transaction.atomic
def scenario_run_resume(*, run: ScenarioRun, now: datetime | None = None) -> ScenarioRun:
    """Carry on replaying from where the run was paused."""
    run = _active(run)
    if run.status == ScenarioRun.Status.RUNNING:
        return run
    market_services.underlying_replay_control(
        underlying=run.underlying, now=now or timezone.now(), paused=False
    )
    run.status = ScenarioRun.Status.RUNNING
    run.save(update_fields=["status"])
    return run


@transaction.atomic
def scenario_run_speed_set(
    *, run: ScenarioRun, speed: int, now: datetime | None = None
) -> ScenarioRun:
    """Play the rest of the run at ``speed`` historical seconds a second."""
    run = _active(run)
    speed = _check_speed(run.scenario, speed)
    market_services.underlying_replay_control(
        underlying=run.underlying, now=now or timezone.now(), speed=Decimal(speed)
    )
    run.speed = speed
    run.save(update_fields=["speed"])
    return run


def _active(run: ScenarioRun) -> ScenarioRun:
    run = _lock_run(run)
    if not run.is_active:
        raise RunFinished()
    return run


@transaction.atomic
def scenario_order_place(
    *,
    run: ScenarioRun,
    kind: str,
    side: str,
    type: str,
    quantity: Decimal,
    price: Decimal | None = None,
    stop_loss: Decimal | None = None,
    take_profit: Decimal | None = None,
    leverage: Decimal | None = None,
    now: datetime | None = None,
):
    """Place an order on one of the run's instruments, in the run's scenario account."""
    run = _active(run)
    instrument = selectors.run_instrument(run=run, kind=kind)
    _carry(run)
    if leverage is not None:
        trading_services.leverage_set(account=run.account, instrument=instrument, leverage=leverage)
    request = OrderRequest(
        instrument=instrument.symbol,
        side=side,
        type=type,
        quantity=quantity,
        price=price,
        stop_loss=Exit(stop_price=stop_loss) if stop_loss is not None else None,
        take_profit=Exit(stop_price=take_profit) if take_profit is not None else None,
    )
    order, _ = trading_services.order_place(account=run.account, request=request, now=now)
    _record_point(run)
    return order


@transaction.atomic
def scenario_order_cancel(*, run: ScenarioRun, order_id: int):
    """Cancel one of the run's open orders."""
    run = _active(run)
    return trading_services.order_cancel(account=run.account, order_id=order_id)


@transaction.atomic
def scenario_position_close(*, run: ScenarioRun, kind: str, now: datetime | None = None):
    """Close the run's whole position in its instrument of ``kind`` at the market."""
    run = _active(run)
    instrument = selectors.run_instrument(run=run, kind=kind)
    _carry(run)
    order = trading_services.position_close(account=run.account, instrument=instrument, now=now)
    _record_point(run)
    return order


def _carry(run: ScenarioRun) -> None:
    """Charge the carrying costs of every replayed boundary passed since the last charge.

    Each missed boundary is charged once, at its own historical time, at the latest
    prices (the replay keeps no quote per past moment). The caller holds the run's lock.
    """
    clock = selectors.run_clock(run=run)
    if clock.source_time is None:
        return
    since = run.carried_through or run.scenario.start
    until = clock.source_time
    if until <= since:
        return
    held = selectors.run_open_positions(run=run)
    for kind, instrument in selectors.run_instruments(run=run).items():
        quantity = held.get(instrument.pk)
        if quantity is None:
            continue
        if kind == Instrument.Kind.PERPETUAL:
            _funding_charge(instrument, since=since, until=until)
        elif kind == Instrument.Kind.SPOT and quantity < 0:
            for end in carry_boundaries(since=since, until=until, every=BORROW_PERIOD):
                trading_services.borrow_interest_charge(
                    instrument=instrument, hour=end - BORROW_PERIOD
                )
        elif kind == Instrument.Kind.CFD:
            for end in carry_boundaries(since=since, until=until, every=FINANCING_PERIOD):
                trading_services.financing_charge(
                    instrument=instrument, day=(end - FINANCING_PERIOD).date()
                )
    run.carried_through = until
    run.save(update_fields=["carried_through"])


def _funding_charge(instrument: Instrument, *, since: datetime, until: datetime) -> None:
    """Pay each funding time of history in (since, until] at the perpetual's current rate.

    The rate is the one the market quotes for the replay now (its premium over the
    index, by the platform's funding formula); it is not stored as one of the market's
    fixed rates, whose times are the wall clock's.
    """
    quote = market_selectors.ticker_get(instrument=instrument)
    if quote.funding_rate is None:
        return
    funding_time = next_funding_time(instrument, since)
    while funding_time <= until:
        trading_services.funding_apply(
            instrument=instrument,
            funding_rate=FundingRate(
                instrument=instrument,
                funding_time=funding_time,
                rate=quote.funding_rate,
                mark_price=quote.mark_price,
                index_price=quote.index_price,
            ),
        )
        funding_time = next_funding_time(instrument, funding_time)


def carry_boundaries(*, since: datetime, until: datetime, every: timedelta) -> list[datetime]:
    """The ends of the periods of length ``every``, counted from midnight UTC, in (since, until].

    Hours end on the hour and days at midnight UTC, as the wall-clock schedules charge them.
    """
    end = EPOCH + ((since - EPOCH) // every + 1) * every
    ends = []
    while end <= until:
        ends.append(end)
        end += every
    return ends


def _record_point(run: ScenarioRun) -> ScenarioPoint | None:
    """Record the run's equity at the historical time its replay has reached."""
    clock = selectors.run_clock(run=run)
    if clock.source_time is None or clock.index_price is None:
        return None
    equity = trading_selectors.account_summary(account=run.account).equity
    point, created = ScenarioPoint.objects.get_or_create(
        run=run,
        source_time=clock.source_time,
        defaults={"index_price": clock.index_price, "equity": equity},
    )
    if not created and point.equity != equity:
        # A trade at a paused moment changes equity without moving time: keep the latest.
        point.equity = equity
        point.save(update_fields=["equity"])
    return point


@transaction.atomic
def scenario_run_record(*, run: ScenarioRun, now: datetime | None = None) -> ScenarioRun:
    """Record a running run's equity now, and finish it when its replay has reached the end."""
    run = _lock_run(run)
    if run.status != ScenarioRun.Status.RUNNING:
        return run
    _carry(run)
    _record_point(run)
    if selectors.run_clock(run=run).finished:
        return _finish(run, reason=ScenarioRun.EndReason.WINDOW_END, now=now)
    return run


@transaction.atomic
def scenario_run_finish(
    *, run: ScenarioRun, reason: str = ScenarioRun.EndReason.USER, now: datetime | None = None
) -> ScenarioRun:
    """End a run: cancel its orders, close its positions, stop its replay, keep its result.

    Finishing twice changes nothing the second time.
    """
    run = _lock_run(run)
    if run.status == ScenarioRun.Status.FINISHED:
        return run
    return _finish(run, reason=reason, now=now)


def _finish(run: ScenarioRun, *, reason: str, now: datetime | None) -> ScenarioRun:
    now = now or timezone.now()
    _carry(run)
    trading_services.order_cancel_all(account=run.account)
    for view in trading_selectors.position_views(account=run.account):
        if view.instrument.status == Instrument.Status.OPEN:
            trading_services.position_close(
                account=run.account, instrument=view.instrument, now=now
            )
    point = _record_point(run)
    market_services.underlying_replay_control(underlying=run.underlying, now=now, paused=True)
    for instrument in selectors.run_instruments(run=run).values():
        market_services.instrument_set_status(
            instrument=instrument, status=Instrument.Status.HALTED
        )
    bars = selectors.scenario_bars(scenario=run.scenario)
    best = outcomes.perfect_short(outcomes.replay_path(bars))
    equities = ScenarioPoint.objects.filter(run=run).order_by("source_time")
    run.final_equity = (
        point.equity
        if point is not None
        else trading_selectors.account_summary(account=run.account).equity
    )
    run.max_drawdown = _rate(outcomes.max_drawdown(equities.values_list("equity", flat=True)))
    run.buy_and_hold_return = _rate(outcomes.buy_and_hold_return(bars))
    run.perfect_short_return = _rate(best.fraction if best is not None else Decimal(0))
    run.status = ScenarioRun.Status.FINISHED
    run.end_reason = reason
    run.finished_at = now
    run.save()
    return run


def _rate(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.00000001"))


def scenario_runs_advance(*, now: datetime | None = None) -> int:
    """Record every running run's equity and finish those whose replay ended; return how many.

    Each run is its own transaction, so one failing run does not hold up the others.
    """
    now = now or timezone.now()
    count = 0
    for run in ScenarioRun.objects.filter(status=ScenarioRun.Status.RUNNING).order_by("pk"):
        try:
            scenario_run_record(run=run, now=now)
        except IntegrityError:
            continue  # A concurrent request recorded the same moment first.
        except Exception:
            # One broken run must not stop the others; the next sweep tries it again.
            logger.exception("Recording scenario run %s failed", run.pk)
            continue
        count += 1
    return count
