"""Scenario runs: a private replay, a scenario account, pause and speed, trading, the result."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from config.errors import Conflict, DomainError, NotFound
from education.models import Scenario, ScenarioRun
from education.selectors import scenarios as selectors
from education.services import scenarios as services
from market import history
from market import selectors as market_selectors
from market import services as market_services
from tests.factories.market import btc_market
from trading import selectors as trading_selectors
from trading import services as trading_services
from trading.models import Account, JournalEntry, Position
from trading.services.orders import OrderRefused, OrderRequest

pytestmark = pytest.mark.django_db

NOW = datetime(2030, 1, 1, 12, tzinfo=UTC)
SHIPPED = {
    "december-2017-peak",
    "china-ico-ban-2017",
    "tesla-2021",
    "short-squeeze-july-2021",
    "april-fools-squeeze-2019",
}


@pytest.fixture
def squeeze(db):
    """Twelve hours of the April 2019 squeeze, hourly bars."""
    return Scenario.objects.create(
        slug="test-squeeze",
        title="Test squeeze",
        summary="Two hours of the April 2019 squeeze.",
        interval="1h",
        start=datetime(2019, 4, 2, 0, tzinfo=UTC),
        end=datetime(2019, 4, 2, 11, tzinfo=UTC),
        default_speed=3600,
    )


def tick(seconds: float, *, since=NOW) -> datetime:
    when = since + timedelta(seconds=seconds)
    market_services.feeds_tick(now=when)
    return when


def test_shipped_scenarios_lie_inside_the_history_and_can_be_played():
    scenarios = {s.slug: s for s in selectors.scenario_list()}
    assert set(scenarios) >= SHIPPED
    for scenario in scenarios.values():
        assert (
            selectors.scenario_window_errors(
                interval=scenario.interval,
                start=scenario.start,
                end=scenario.end,
                speed=scenario.default_speed,
            )
            == {}
        )
        bars = selectors.scenario_bars(scenario=scenario)
        assert bars[0].time == scenario.start
        assert bars[-1].time == scenario.end
    squeeze = selectors.scenario_bars(scenario=scenarios["short-squeeze-july-2021"])
    night = [bar for bar in squeeze if bar.time == datetime(2021, 7, 26, 1, tzinfo=UTC)]
    assert night[0].high == Decimal("39850")  # The squeeze's hour, as the summary says.


def test_staff_cannot_save_a_scenario_outside_the_history_or_too_short(squeeze):
    squeeze.start = datetime(2012, 1, 1, tzinfo=UTC)
    with pytest.raises(ValidationError) as outside:
        squeeze.full_clean()
    assert "start" in outside.value.message_dict
    squeeze.start = datetime(2019, 4, 2, 0, tzinfo=UTC)
    squeeze.end = datetime(2019, 4, 2, 5, tzinfo=UTC)
    with pytest.raises(ValidationError) as short:
        squeeze.full_clean()
    assert "at least" in short.value.message_dict["end"][0]
    squeeze.end = datetime(2019, 4, 2, 11, tzinfo=UTC)
    squeeze.default_speed = 86400  # Faster than one hourly bar a second.
    with pytest.raises(ValidationError) as fast:
        squeeze.full_clean()
    assert "default_speed" in fast.value.message_dict
    squeeze.default_speed = 1800
    squeeze.full_clean()


def test_a_run_trades_a_private_replay_in_its_own_scenario_account(user, squeeze):
    market = btc_market()
    run = services.scenario_run_start(user=user, scenario=squeeze, now=NOW)

    assert run.account.kind == Account.Kind.SCENARIO
    assert run.account.user == user
    assert trading_selectors.account_cash(account=run.account) == Decimal("100000")
    assert run.underlying.listed is False
    assert run.underlying.index_price == Decimal("4133.93")  # The 00:00 open.
    instruments = selectors.run_instruments(run=run)
    assert set(instruments) == {"perpetual", "spot", "cfd"}
    # Each copies the platform's listing of its kind.
    assert instruments["perpetual"].taker_fee_rate == market["BTC-PERP"].taker_fee_rate
    assert instruments["spot"].borrow_rate == market["BTC-USD"].borrow_rate
    # Hidden from the public markets.
    listed = set(market_selectors.instrument_list().values_list("symbol", flat=True))
    assert not listed & {i.symbol for i in instruments.values()}
    with pytest.raises(NotFound):
        market_selectors.instrument_get(symbol=instruments["perpetual"].symbol)
    # The user's paper account is untouched.
    paper = trading_selectors.paper_account_for_user(user=user)
    assert trading_selectors.account_cash(account=paper) == Decimal("100000")


def test_paper_and_scenario_accounts_stay_in_their_own_markets(user, other_user, squeeze):
    btc_market()
    run = services.scenario_run_start(user=user, scenario=squeeze, now=NOW)
    perpetual = selectors.run_instrument(run=run, kind="perpetual")
    request = OrderRequest(
        instrument=perpetual.symbol, side="sell", type="market", quantity=Decimal("0.1")
    )
    for someone in (user, other_user):
        paper = trading_selectors.paper_account_for_user(user=someone)
        with pytest.raises(OrderRefused) as refused:
            trading_services.order_place(account=paper, request=request)
        assert refused.value.code == "unknown_instrument"
    listed = OrderRequest(
        instrument="BTC-PERP", side="sell", type="market", quantity=Decimal("0.1")
    )
    with pytest.raises(OrderRefused) as refused:
        trading_services.order_place(account=run.account, request=listed)
    assert refused.value.code == "scenario_instrument_only"


def test_the_replay_moves_at_the_chosen_speed_and_stands_still_when_paused(user, squeeze):
    run = services.scenario_run_start(user=user, scenario=squeeze, speed=600, now=NOW)
    tick(1)
    first = selectors.run_clock(run=run).source_time
    assert first == squeeze.start + timedelta(minutes=10)

    services.scenario_run_pause(run=run, now=NOW + timedelta(seconds=1))
    tick(30)
    assert selectors.run_clock(run=run).source_time == first
    run.refresh_from_db()
    assert run.status == ScenarioRun.Status.PAUSED

    # Resumed, one real second is ten historical minutes again, from where it stood.
    services.scenario_run_resume(run=run, now=NOW + timedelta(seconds=60))
    tick(61)
    assert selectors.run_clock(run=run).source_time == squeeze.start + timedelta(minutes=20)

    # Faster: thirty minutes a second, but the replay stops at the bar's high at 00:40
    # rather than skip it.
    services.scenario_run_speed_set(run=run, speed=1800, now=NOW + timedelta(seconds=61))
    run.refresh_from_db()
    assert run.speed == 1800
    tick(62)
    clock = selectors.run_clock(run=run)
    assert clock.source_time == squeeze.start + timedelta(minutes=40)
    assert clock.index_price == Decimal("4164.10")  # The 00:00 bar's high.
    with pytest.raises(DomainError) as refused:
        services.scenario_run_speed_set(run=run, speed=86400)
    assert refused.value.code == "invalid_speed"


def test_a_short_through_the_squeeze_loses_and_the_result_compares_it(user, squeeze):
    run = services.scenario_run_start(user=user, scenario=squeeze, now=NOW)
    order = services.scenario_order_place(
        run=run,
        kind="perpetual",
        side="sell",
        type="market",
        quantity=Decimal("5"),
        leverage=Decimal(5),
        now=NOW,
    )
    assert order.account_id == run.account.pk
    position = Position.objects.get(account=run.account)
    assert position.quantity == Decimal("-5")

    when = NOW
    for _ in range(200):  # Four waypoints per bar, twelve bars.
        when = tick(1, since=when)
        services.scenario_runs_advance(now=when)
        run.refresh_from_db()
        if run.status == ScenarioRun.Status.FINISHED:
            break
    assert run.status == ScenarioRun.Status.FINISHED
    assert run.end_reason == ScenarioRun.EndReason.WINDOW_END
    assert Position.objects.get(account=run.account).quantity == 0
    assert run.final_equity == trading_selectors.account_cash(account=run.account)
    # Short 5 BTC from about 4,134 into a close near 4,779: a loss of about $3,200.
    assert Decimal("-3600") < run.final_equity - run.starting_balance < Decimal("-2900")
    result = selectors.run_result(run=run)
    assert result.total_return < 0
    assert result.max_drawdown > Decimal("0.03")  # The 05:00 high at 5,080.
    bars = selectors.scenario_bars(scenario=squeeze)
    assert result.buy_and_hold_return == (bars[-1].close / bars[0].open - 1).quantize(
        Decimal("0.00000001")
    )
    assert result.perfect_short.sell.price == Decimal("5080")
    assert result.perfect_short_profit > 0
    # The instruments are closed for trading and the replay no longer ticks.
    assert all(i.status == "halted" for i in selectors.run_instruments(run=run).values())
    assert run.underlying.__class__.objects.get(pk=run.underlying.pk).replay_paused
    with pytest.raises(Conflict):
        services.scenario_order_place(
            run=run, kind="perpetual", side="sell", type="market", quantity=Decimal("1")
        )
    # Finishing again changes nothing; the ledger still balances.
    assert services.scenario_run_finish(run=run).final_equity == run.final_equity
    assert trading_selectors.ledger_problems() == []


def test_ending_early_closes_positions_at_the_replayed_price(user, squeeze):
    run = services.scenario_run_start(user=user, scenario=squeeze, now=NOW)
    services.scenario_order_place(
        run=run, kind="spot", side="sell", type="market", quantity=Decimal("1"), now=NOW
    )
    services.scenario_order_place(
        run=run,
        kind="cfd",
        side="buy",
        type="limit",
        quantity=Decimal("1"),
        price=Decimal("3000"),
        now=NOW,
    )
    services.scenario_run_finish(run=run, now=NOW + timedelta(seconds=1))
    run.refresh_from_db()
    assert run.end_reason == ScenarioRun.EndReason.USER
    assert trading_selectors.order_list(account=run.account, status="open").count() == 0
    assert not Position.objects.filter(account=run.account).exclude(quantity=0).exists()
    kinds = set(
        JournalEntry.objects.filter(lines__account=run.account).values_list("kind", flat=True)
    )
    assert {"deposit", "fee"} <= kinds


def test_one_user_cannot_read_or_control_another_users_run(user, other_user, squeeze):
    run = services.scenario_run_start(user=user, scenario=squeeze, now=NOW)
    assert selectors.run_get(user=user, run_id=run.pk) == run
    with pytest.raises(NotFound):
        selectors.run_get(user=other_user, run_id=run.pk)
    assert list(selectors.run_list(user=other_user)) == []


def test_a_user_has_at_most_three_runs_going(user, squeeze):
    for _ in range(services.MAX_ACTIVE_RUNS):
        services.scenario_run_start(user=user, scenario=squeeze, now=NOW)
    with pytest.raises(Conflict) as refused:
        services.scenario_run_start(user=user, scenario=squeeze, now=NOW)
    assert refused.value.code == "too_many_runs"


def test_window_keys_name_any_stretch_of_history():
    key = history.window_key(
        "1h", datetime(2017, 8, 25, tzinfo=UTC), datetime(2017, 9, 30, tzinfo=UTC)
    )
    assert key == "1h:2017-08-25T00/2017-09-30T00"
    assert len(key) <= 32  # Fits Underlying.replay_episode.
    episode = history.episode_get(key)
    assert episode.start == datetime(2017, 8, 25, tzinfo=UTC)
    assert episode.exchange == "Coinbase"
    assert history.episode_bars(key)[0].time == episode.start
    for bad in ("nonsense", "1h:2017-09-30T00/2017-08-25T00", "5m:2017-08-25T00/2017-09-30T00"):
        with pytest.raises(KeyError):
            history.episode_get(bad)
