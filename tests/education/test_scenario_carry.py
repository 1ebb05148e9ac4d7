"""Scenario runs pay funding, borrow interest and financing on the replayed clock."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum

from config.celery import app as celery_app
from education.models import Scenario, ScenarioRun
from education.selectors import scenarios as selectors
from education.services import scenarios as services
from market import services as market_services
from market.models import FundingRate
from tests.factories.market import btc_market
from trading import selectors as trading_selectors
from trading import services as trading_services
from trading import tasks as trading_tasks
from trading.models import JournalEntry, JournalLine, Position
from trading.services.orders import OrderRequest

pytestmark = pytest.mark.django_db

NOW = datetime(2030, 1, 1, 12, tzinfo=UTC)
START = datetime(2019, 4, 2, 0, tzinfo=UTC)
KINDS = {
    "funding": JournalEntry.Kind.FUNDING,
    "borrow": JournalEntry.Kind.BORROW_INTEREST,
    "financing": JournalEntry.Kind.FINANCING,
}


@pytest.fixture
def two_days(db):
    """A day and a half of the April 2019 squeeze, hourly bars, an hour a second."""
    return Scenario.objects.create(
        slug="test-two-days",
        title="Test two days",
        summary="The April 2019 squeeze, hour by hour.",
        interval="1h",
        start=START,
        end=datetime(2019, 4, 3, 12, tzinfo=UTC),
        default_speed=3600,
    )


@pytest.fixture
def eager(settings):
    """Run every enqueued task at once in this process, errors raised, as a worker would."""
    conf = celery_app.conf
    before = (conf.task_always_eager, conf.task_eager_propagates)
    settings.CELERY_TASK_ALWAYS_EAGER = True
    conf.task_always_eager = conf.task_eager_propagates = True
    yield
    conf.task_always_eager, conf.task_eager_propagates = before


def tick(when: datetime) -> datetime:
    when += timedelta(seconds=1)
    market_services.feeds_tick(now=when)
    return when


def play_until(run, target: datetime, *, since: datetime) -> datetime:
    """Tick the market (without the scenario sweep) until the replay reaches ``target``."""
    when = since
    for _ in range(1000):
        if selectors.run_clock(run=run).source_time >= target:
            return when
        when = tick(when)
    raise AssertionError(f"The replay did not reach {target}.")


def short_everything(run, quantity="1"):
    for kind in ("perpetual", "spot", "cfd"):
        services.scenario_order_place(
            run=run, kind=kind, side="sell", type="market", quantity=Decimal(quantity), now=NOW
        )


def charged(run, prefix: str) -> list[str]:
    """The periods charged to the run's positions under carry's key ``prefix``, in order."""
    periods = []
    for position in Position.objects.filter(account=run.account):
        keys = JournalEntry.objects.filter(
            idempotency_key__startswith=f"{prefix}:{position.pk}:"
        ).values_list("idempotency_key", flat=True)
        periods += [key.split(":", 2)[2] for key in keys]
    return sorted(periods)


def hours_between(first: datetime, until: datetime) -> list[str]:
    """Every whole hour from ``first`` that has ended by ``until``, as carry names it."""
    hours, hour = [], first
    while hour + timedelta(hours=1) <= until:
        hours.append(hour.isoformat())
        hour += timedelta(hours=1)
    return hours


def ledger_total(run, kind: str) -> Decimal:
    lines = JournalLine.objects.filter(account=run.account, entry__kind=kind)
    return lines.aggregate(total=Sum("amount"))["total"] or Decimal(0)


def test_a_run_pays_each_replayed_boundary_once_even_when_the_sweep_falls_behind(user, two_days):
    btc_market()
    run = services.scenario_run_start(user=user, scenario=two_days, now=NOW)
    short_everything(run)

    # A day and an hour of history go by before the sweep runs again.
    when = play_until(run, datetime(2019, 4, 3, 1, tzinfo=UTC), since=NOW)
    assert charged(run, "funding") == []
    services.scenario_runs_advance(now=when)

    reached = selectors.run_clock(run=run).source_time
    run.refresh_from_db()
    assert run.carried_through == reached
    # Three funding times of 2019 passed: 08:00, 16:00 and midnight, each paid once.
    assert charged(run, "funding") == [
        "2019-04-02T08:00:00+00:00",
        "2019-04-02T16:00:00+00:00",
        "2019-04-03T00:00:00+00:00",
    ]
    # Every replayed hour since the short opened, and the night of 2 April.
    assert charged(run, "borrow") == hours_between(START, reached)
    assert len(charged(run, "borrow")) >= 25
    assert charged(run, "financing") == ["2019-04-02"]
    memos = JournalEntry.objects.filter(kind=JournalEntry.Kind.FUNDING).values_list(
        "memo", flat=True
    )
    for funding_time in charged(run, "funding"):
        assert sum(funding_time in memo for memo in memos) == 1

    # Each position's cost field is what the ledger moved, and the ledger balances.
    positions = {p.instrument.kind: p for p in Position.objects.filter(account=run.account)}
    assert ledger_total(run, KINDS["funding"]) == -positions["perpetual"].funding_paid
    assert ledger_total(run, KINDS["borrow"]) == -positions["spot"].borrow_interest_paid
    assert ledger_total(run, KINDS["financing"]) == -positions["cfd"].financing_paid
    assert positions["spot"].borrow_interest_paid > 0
    assert positions["cfd"].financing_paid > 0
    assert positions["perpetual"].funding_paid != 0
    assert trading_selectors.ledger_problems() == []


def test_a_retried_sweep_charges_nothing_twice(user, two_days):
    btc_market()
    run = services.scenario_run_start(user=user, scenario=two_days, now=NOW)
    short_everything(run)
    when = play_until(run, datetime(2019, 4, 2, 17, tzinfo=UTC), since=NOW)
    services.scenario_runs_advance(now=when)
    before = {prefix: charged(run, prefix) for prefix in ("funding", "borrow", "financing")}
    entries = JournalEntry.objects.count()
    assert len(before["funding"]) == 2

    # The same sweep delivered again.
    services.scenario_runs_advance(now=when)
    # Even had the run forgotten how far it charged, the carry keys name each period.
    ScenarioRun.objects.filter(pk=run.pk).update(carried_through=None)
    services.scenario_runs_advance(now=when)

    assert JournalEntry.objects.count() == entries
    assert {prefix: charged(run, prefix) for prefix in before} == before
    # Paying one of the historical funding times straight through trading changes nothing.
    perpetual = selectors.run_instrument(run=run, kind="perpetual")
    rate = FundingRate(
        instrument=perpetual,
        funding_time=datetime(2019, 4, 2, 8, tzinfo=UTC),
        rate=Decimal("0.0001"),
        mark_price=Decimal("4000"),
        index_price=Decimal("4000"),
    )
    assert trading_services.funding_apply(instrument=perpetual, funding_rate=rate) == 0
    assert trading_selectors.ledger_problems() == []


def test_a_paused_run_pays_nothing_and_resumes_from_where_it_stood(user, two_days):
    btc_market()
    run = services.scenario_run_start(user=user, scenario=two_days, now=NOW)
    short_everything(run)
    when = play_until(run, datetime(2019, 4, 2, 9, tzinfo=UTC), since=NOW)

    run = services.scenario_run_pause(run=run, now=when)
    paused_at = selectors.run_clock(run=run).source_time
    # Pausing settles what the replay had passed before it stopped.
    assert charged(run, "funding") == ["2019-04-02T08:00:00+00:00"]
    assert charged(run, "borrow") == hours_between(START, paused_at)
    entries = JournalEntry.objects.count()

    for _ in range(60):  # A minute of wall time, an hour a second were it playing.
        when = tick(when)
        services.scenario_runs_advance(now=when)
    assert selectors.run_clock(run=run).source_time == paused_at
    assert JournalEntry.objects.count() == entries

    services.scenario_run_resume(run=run, now=when)
    when = play_until(run, datetime(2019, 4, 2, 17, tzinfo=UTC), since=when)
    services.scenario_runs_advance(now=when)
    assert charged(run, "funding") == [
        "2019-04-02T08:00:00+00:00",
        "2019-04-02T16:00:00+00:00",
    ]
    assert charged(run, "borrow") == hours_between(START, selectors.run_clock(run=run).source_time)
    assert trading_selectors.ledger_problems() == []


def test_a_position_closed_between_sweeps_pays_for_the_boundaries_it_was_held_through(
    user, two_days
):
    btc_market()
    run = services.scenario_run_start(user=user, scenario=two_days, now=NOW)
    services.scenario_order_place(
        run=run, kind="perpetual", side="sell", type="market", quantity=Decimal("2"), now=NOW
    )
    when = play_until(run, datetime(2019, 4, 2, 8, 30, tzinfo=UTC), since=NOW)

    services.scenario_position_close(run=run, kind="perpetual", now=when)

    assert charged(run, "funding") == ["2019-04-02T08:00:00+00:00"]
    # Flat now: later boundaries charge nobody.
    when = play_until(run, datetime(2019, 4, 2, 17, tzinfo=UTC), since=when)
    services.scenario_runs_advance(now=when)
    assert charged(run, "funding") == ["2019-04-02T08:00:00+00:00"]


def test_longs_pay_no_borrow_interest_and_no_position_pays_nothing(user, two_days):
    btc_market()
    run = services.scenario_run_start(user=user, scenario=two_days, now=NOW)
    services.scenario_order_place(
        run=run, kind="spot", side="buy", type="market", quantity=Decimal("1"), now=NOW
    )
    when = play_until(run, datetime(2019, 4, 2, 18, tzinfo=UTC), since=NOW)
    services.scenario_runs_advance(now=when)

    assert charged(run, "borrow") == []
    assert charged(run, "funding") == []
    assert charged(run, "financing") == []
    run.refresh_from_db()
    assert run.carried_through == selectors.run_clock(run=run).source_time


def test_the_wall_clock_schedules_leave_scenario_instruments_alone(user, two_days, eager):
    market = btc_market()
    run = services.scenario_run_start(user=user, scenario=two_days, now=NOW)
    short_everything(run)
    paper = trading_selectors.paper_account_for_user(user=user)
    for symbol in ("BTC-USD", "BTC-CFD"):
        trading_services.order_place(
            account=paper,
            request=OrderRequest(
                instrument=symbol, side="sell", type="market", quantity=Decimal("1")
            ),
        )

    # One spot and one CFD listing are charged: the platform's, not the scenario's.
    assert trading_tasks.borrow_interest_charge_due.apply().get() == 1
    assert trading_tasks.financing_charge_due.apply().get() == 1
    assert JournalEntry.objects.filter(kind=JournalEntry.Kind.BORROW_INTEREST).count() == 1
    assert JournalEntry.objects.filter(kind=JournalEntry.Kind.FINANCING).count() == 1
    assert charged(run, "borrow") == charged(run, "financing") == []
    # A funding rate the replay's ticks fixed at a wall-clock time is not paid either.
    perpetual = selectors.run_instrument(run=run, kind="perpetual")
    perpetual.funding_rates.create(
        funding_time=datetime.now(UTC) - timedelta(minutes=5),
        rate=Decimal("0.0001"),
        mark_price=Decimal("4000"),
        index_price=Decimal("4000"),
    )
    market["BTC-PERP"].funding_rates.create(
        funding_time=datetime.now(UTC) - timedelta(minutes=5),
        rate=Decimal("0.0001"),
        mark_price=Decimal("50000"),
        index_price=Decimal("50000"),
    )
    assert trading_tasks.funding_apply_due.apply().get() == 1
    assert charged(run, "funding") == []


def test_carry_boundaries_count_from_midnight_utc():
    boundaries = services.carry_boundaries(
        since=datetime(2019, 4, 2, 7, 30, tzinfo=UTC),
        until=datetime(2019, 4, 2, 10, tzinfo=UTC),
        every=timedelta(hours=1),
    )
    assert boundaries == [datetime(2019, 4, 2, hour, tzinfo=UTC) for hour in (8, 9, 10)]
    days = services.carry_boundaries(
        since=datetime(2019, 4, 2, 0, tzinfo=UTC),
        until=datetime(2019, 4, 4, 23, tzinfo=UTC),
        every=timedelta(days=1),
    )
    assert [(end - timedelta(days=1)).date() for end in days] == [
        date(2019, 4, 2),
        date(2019, 4, 3),
    ]


def test_the_result_shows_what_holding_cost_in_the_api_and_on_the_page(user, user_client, two_days):
    btc_market()
    run = services.scenario_run_start(user=user, scenario=two_days, now=NOW)
    short_everything(run)
    when = play_until(run, datetime(2019, 4, 3, 1, tzinfo=UTC), since=NOW)
    # Ending the run charges what the replay passed since the last sweep, then closes.
    services.scenario_run_finish(run=run, now=when)

    assert len(charged(run, "funding")) == 3
    assert charged(run, "financing") == ["2019-04-02"]
    positions = Position.objects.filter(account=run.account)
    assert not positions.exclude(quantity=0).exists()
    costs = user_client.get(f"/api/v1/scenario-runs/{run.pk}/result").json()["costs"]
    assert Decimal(costs["funding"]) == -ledger_total(run, KINDS["funding"])
    assert Decimal(costs["borrow_interest"]) == -ledger_total(run, KINDS["borrow"])
    assert Decimal(costs["financing"]) == -ledger_total(run, KINDS["financing"])
    assert Decimal(costs["financing"]) > 0
    assert Decimal(costs["fees"]) == sum(p.fees_paid for p in positions) > 0
    assert Decimal(costs["total"]) == sum(
        Decimal(costs[name]) for name in ("fees", "funding", "borrow_interest", "financing")
    )
    page = user_client.get(f"/scenarios/runs/{run.pk}/result/")
    assert page.status_code == 200
    financing = f"{Decimal(costs['financing']):,.2f}"
    assert f'data-testid="cost-financing">{financing}<' in page.content.decode()
    assert trading_selectors.ledger_problems() == []
