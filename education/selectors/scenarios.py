"""Reads of scenarios and scenario runs that the pages, the API and the tasks share.

A user sees only their own runs: every read of a run takes the user and answers
``NotFound`` for anyone else's, the same as for a run that does not exist.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import QuerySet, Sum

from config.errors import NotFound
from education import outcomes
from education.models import Scenario, ScenarioPoint, ScenarioRun
from market import history
from market import selectors as market_selectors
from market.models import Instrument
from market.pricing.feeds import Bar
from trading import selectors as trading_selectors
from trading.models import Order, Position

# Historical seconds played per real second that a run may choose, and what they read as.
SPEEDS = {
    600: "10 minutes a second",
    1800: "30 minutes a second",
    3600: "1 hour a second",
    14400: "4 hours a second",
    43200: "12 hours a second",
    86400: "1 day a second",
}
BAR_SECONDS = {Scenario.Interval.HOUR: 3600, Scenario.Interval.DAY: 86400}
MIN_BARS = 12
MAX_BARS = 5000
# The kinds a run trades, in the order the ticket offers them.
SCENARIO_KINDS = (Instrument.Kind.PERPETUAL, Instrument.Kind.SPOT, Instrument.Kind.CFD)
# Points drawn on a run's chart: enough to see every swing, few enough to poll.
CHART_POINTS = 400


def speeds_for(interval: str) -> dict[int, str]:
    """The speeds a scenario of ``interval`` bars can play at: at most one bar a second.

    The replay never skips a bar's high or low, so it cannot show more than one bar's
    four waypoints a second; a faster setting would only look faster.
    """
    return {speed: label for speed, label in SPEEDS.items() if speed <= BAR_SECONDS[interval]}


def scenario_window_errors(
    *, interval: str, start: datetime | None, end: datetime | None, speed: int | None = None
) -> dict[str, str]:
    """Say what is wrong with a stretch of history as a scenario; empty when it can be played."""
    if interval not in BAR_SECONDS:
        return {"interval": "Pick hourly or daily bars."}
    if start is None or end is None:
        return {}  # The form has already said the field is required.
    if end <= start:
        return {"end": "The end must be after the start."}
    bars = history.load_bars(interval)
    first, last = bars[0].time, bars[-1].time
    errors = {}
    if start < first or end > last:
        errors["start"] = (
            f"The {Scenario.Interval(interval).label.lower()} history runs from "
            f"{first:%Y-%m-%d %H:%M} to {last:%Y-%m-%d %H:%M} UTC; pick a stretch inside it."
        )
    else:
        count = len(history.bars_between(bars, start, end))
        if count < MIN_BARS:
            errors["end"] = f"The stretch holds {count} bars; a scenario needs at least {MIN_BARS}."
        elif count > MAX_BARS:
            errors["end"] = f"The stretch holds {count} bars; a scenario plays at most {MAX_BARS}."
    if speed is not None and speed not in speeds_for(interval):
        allowed = ", ".join(str(value) for value in speeds_for(interval))
        errors["default_speed"] = f"Pick one of these speeds: {allowed}."
    return errors


def scenario_list(*, published_only: bool = True) -> QuerySet[Scenario]:
    """The scenarios in their order on the list."""
    scenarios = Scenario.objects.all()
    return scenarios.filter(is_published=True) if published_only else scenarios


def scenario_get(*, slug: str) -> Scenario:
    """Return the published scenario ``slug``, or raise ``NotFound``."""
    scenario = Scenario.objects.filter(slug=slug, is_published=True).first()
    if scenario is None:
        raise NotFound(f"No scenario is called {slug}.")
    return scenario


def scenario_bars(*, scenario: Scenario) -> tuple[Bar, ...]:
    """The bars a scenario replays."""
    return history.bars_between(history.load_bars(scenario.interval), scenario.start, scenario.end)


def scenario_credit(*, scenario: Scenario) -> str:
    """The data credit to show next to a scenario's prices."""
    episode = history.episode_get(
        history.window_key(scenario.interval, scenario.start, scenario.end)
    )
    return episode.credit


def run_list(*, user) -> QuerySet[ScenarioRun]:
    """The user's runs, newest first."""
    return ScenarioRun.objects.filter(user=user).select_related("scenario")


def run_get(*, user, run_id: int) -> ScenarioRun:
    """Return the user's run ``run_id``; another user's run is ``NotFound`` like a missing one."""
    run = (
        ScenarioRun.objects.filter(pk=run_id, user=user)
        .select_related("scenario", "account", "underlying")
        .first()
    )
    if run is None:
        raise NotFound("You have no scenario run with this id.")
    return run


def run_instruments(*, run: ScenarioRun) -> dict[str, Instrument]:
    """The run's private instruments by kind, in the ticket's order."""
    by_kind = {i.kind: i for i in run.underlying.instruments.select_related("underlying")}
    return {kind: by_kind[kind] for kind in SCENARIO_KINDS if kind in by_kind}


def run_instrument(*, run: ScenarioRun, kind: str) -> Instrument:
    """The run's instrument of ``kind``, or ``NotFound``."""
    instrument = run_instruments(run=run).get(kind)
    if instrument is None:
        raise NotFound(f"This scenario does not trade a {kind} instrument.")
    return instrument


def run_open_positions(*, run: ScenarioRun) -> dict[int, Decimal]:
    """The signed quantity of each of the run's open positions, by instrument id."""
    return dict(
        Position.objects.filter(account=run.account)
        .exclude(quantity=0)
        .values_list("instrument_id", "quantity")
    )


@dataclass(frozen=True, slots=True)
class RunCosts:
    """What the run's trading cost: what was paid is positive, what was received negative.

    Funding, borrow interest and financing are charged on the replayed clock, so they
    are what holding the positions through that stretch of history would have cost.
    """

    fees: Decimal
    funding: Decimal
    borrow_interest: Decimal
    financing: Decimal

    @property
    def carrying(self) -> Decimal:
        return self.funding + self.borrow_interest + self.financing

    @property
    def total(self) -> Decimal:
        return self.fees + self.carrying


def run_costs(*, run: ScenarioRun) -> RunCosts:
    """Add up the fees and carrying costs of all the run's positions, open and closed."""
    totals = Position.objects.filter(account=run.account).aggregate(
        fees=Sum("fees_paid"),
        funding=Sum("funding_paid"),
        borrow_interest=Sum("borrow_interest_paid"),
        financing=Sum("financing_paid"),
    )
    return RunCosts(**{name: value or Decimal(0) for name, value in totals.items()})


def run_clock(*, run: ScenarioRun) -> market_selectors.ReplayPosition:
    """Where the run's replay stands in history, as the last tick left it."""
    run.underlying.refresh_from_db(fields=["feed_state", "index_price", "last_tick_at"])
    return market_selectors.replay_position(underlying=run.underlying)


@dataclass(frozen=True, slots=True)
class RunState:
    """Everything the run page and the API show about a run at this moment."""

    run: ScenarioRun
    source_time: datetime
    progress: Decimal
    index_price: Decimal | None
    quotes: dict[str, object]
    summary: trading_selectors.AccountSummary
    total_return: Decimal
    positions: list
    orders: list[Order]
    prices: list[tuple[datetime, Decimal]]
    equity: list[tuple[datetime, Decimal]]
    speeds: dict[int, str]
    credit: str
    costs: RunCosts


def _thin(points: list, limit: int = CHART_POINTS) -> list:
    """Keep at most ``limit`` points, evenly spread, always the last."""
    if len(points) <= limit:
        return points
    step = len(points) / (limit - 1)
    return [points[int(i * step)] for i in range(limit - 1)] + [points[-1]]


def run_state(*, run: ScenarioRun) -> RunState:
    """Read a run's replay, market, account, positions, open orders and charts."""
    scenario = run.scenario
    clock = run_clock(run=run)
    source_time = clock.source_time or scenario.start
    window = scenario.end - scenario.start
    progress = Decimal(min(max((source_time - scenario.start) / window, 0.0), 1.0))
    quotes = {}
    market_quotes: dict = {}
    for kind, instrument in run_instruments(run=run).items():
        if run.underlying.index_price is not None:
            quote = market_selectors.ticker_get(instrument=instrument)
            quotes[kind] = quote
            market_quotes[instrument.pk] = quote.mark_price
    summary = trading_selectors.account_summary(account=run.account, quotes=market_quotes)
    bars = scenario_bars(scenario=scenario)
    seen = [
        (bar.time, bar.close) for bar in bars if bar.time + _bar_length(scenario) <= source_time
    ]
    if clock.index_price is not None:
        seen.append((source_time, clock.index_price))
    equity = list(
        ScenarioPoint.objects.filter(run=run)
        .values_list("source_time", "equity")
        .order_by("source_time")
    )
    return RunState(
        run=run,
        source_time=source_time,
        progress=progress.quantize(Decimal("0.0001")),
        index_price=clock.index_price,
        quotes=quotes,
        summary=summary,
        total_return=outcomes.total_return(
            starting_balance=run.starting_balance,
            final_equity=run.final_equity if run.final_equity is not None else summary.equity,
        ),
        positions=trading_selectors.position_views(account=run.account, quotes=market_quotes),
        orders=list(
            trading_selectors.order_list(account=run.account, status="open").select_related(
                "instrument"
            )
        ),
        prices=_thin(seen),
        equity=_thin(equity),
        speeds=speeds_for(scenario.interval),
        credit=scenario_credit(scenario=scenario),
        costs=run_costs(run=run),
    )


def _bar_length(scenario: Scenario) -> timedelta:
    return timedelta(seconds=BAR_SECONDS[scenario.interval])


@dataclass(frozen=True, slots=True)
class RunResult:
    """What a finished run made, against buy-and-hold and a perfectly timed short."""

    run: ScenarioRun
    final_equity: Decimal
    total_return: Decimal
    profit: Decimal
    max_drawdown: Decimal
    buy_and_hold_return: Decimal
    buy_and_hold_profit: Decimal
    perfect_short: outcomes.PerfectShort | None
    perfect_short_profit: Decimal
    equity: list[tuple[datetime, Decimal]]
    credit: str
    costs: RunCosts


def run_result(*, run: ScenarioRun) -> RunResult:
    """Read a finished run's result; ``Conflict`` while it still plays."""
    from config.errors import Conflict

    if run.status != ScenarioRun.Status.FINISHED:
        raise Conflict("The run has not finished yet.", code="run_not_finished")
    bars = scenario_bars(scenario=run.scenario)
    best = outcomes.perfect_short(outcomes.replay_path(bars))
    balance = run.starting_balance
    cents = Decimal("0.01")
    return RunResult(
        run=run,
        final_equity=run.final_equity,
        total_return=outcomes.total_return(starting_balance=balance, final_equity=run.final_equity),
        profit=(run.final_equity - balance).quantize(cents),
        max_drawdown=run.max_drawdown,
        buy_and_hold_return=run.buy_and_hold_return,
        buy_and_hold_profit=(balance * run.buy_and_hold_return).quantize(cents),
        perfect_short=best,
        perfect_short_profit=(balance * run.perfect_short_return).quantize(cents),
        equity=_thin(
            list(
                ScenarioPoint.objects.filter(run=run)
                .values_list("source_time", "equity")
                .order_by("source_time")
            )
        ),
        credit=scenario_credit(scenario=run.scenario),
        costs=run_costs(run=run),
    )
