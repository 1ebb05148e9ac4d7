"""Equity snapshots: one per account and period, valued as the dashboard values it."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories.market import btc_market, move
from tests.trading.test_tasks import eager, place  # noqa: F401
from trading import selectors, services, tasks
from trading.models import EquitySnapshot
from trading.services import snapshots

pytestmark = pytest.mark.django_db

Resolution = EquitySnapshot.Resolution


@pytest.fixture
def market(db):
    return btc_market()


@pytest.fixture
def accounts(user_factory, market):
    made = [selectors.paper_account_for_user(user=user_factory()) for _ in range(3)]
    place(made[0], quantity="0.5")  # A short.
    place(made[1], symbol="BTC-CFD", side="buy", quantity="0.3")  # A long.
    move("49000")
    return made


def test_a_snapshot_values_each_account_as_its_summary_does(accounts):
    now = timezone.now()
    first, last = accounts[0].pk, accounts[-1].pk

    assert (
        services.equity_snapshots_take(
            resolution=Resolution.MINUTE, taken_at=now, first_id=first, last_id=last
        )
        == 3
    )

    for account in accounts:
        snapshot = EquitySnapshot.objects.get(account=account)
        summary = selectors.account_summary(account=account)
        assert snapshot.taken_at == snapshots.period_start(now, Resolution.MINUTE)
        assert snapshot.equity == summary.equity
        assert snapshot.cash == summary.cash
        views = selectors.position_views(account=account)
        assert snapshot.unrealized_pnl == sum(
            (v.unrealized_pnl for v in views), Decimal(0)
        ).quantize(Decimal("1e-8"))
        assert snapshot.margin_used == sum((v.initial_margin for v in views), Decimal(0))
    assert EquitySnapshot.objects.get(account=accounts[0]).unrealized_pnl > 0  # Short, fell.


@pytest.mark.usefixtures("eager")
def test_a_batch_run_twice_writes_one_snapshot_per_account(accounts):
    assert tasks.equity_snapshots_due.apply(args=("hour",)).get() == 1
    tasks.equity_snapshots_due.apply(args=("hour",))  # A retry, or beat sending it twice.

    assert EquitySnapshot.objects.filter(resolution=Resolution.HOUR).count() == 3
    assert {s.taken_at.minute for s in EquitySnapshot.objects.all()} == {0}


def test_accounts_are_snapshot_in_batches(accounts):
    batches = snapshots.snapshot_batches(batch_size=2)
    assert batches == [(accounts[0].pk, accounts[1].pk), (accounts[2].pk, accounts[2].pk)]
    for first, last in batches:
        services.equity_snapshots_take(
            resolution=Resolution.DAY, taken_at=timezone.now(), first_id=first, last_id=last
        )
    assert EquitySnapshot.objects.filter(resolution=Resolution.DAY).count() == 3


@pytest.mark.usefixtures("eager")
def test_pruning_keeps_a_day_of_minutes_a_month_of_hours_and_every_day(accounts):
    now = timezone.now()
    account = accounts[0]
    ages = {
        Resolution.MINUTE: [timedelta(hours=2), timedelta(days=2)],
        Resolution.HOUR: [timedelta(days=2), timedelta(days=40)],
        Resolution.DAY: [timedelta(days=400)],
    }
    for resolution, spans in ages.items():
        for span in spans:
            EquitySnapshot.objects.create(
                account=account,
                resolution=resolution,
                taken_at=snapshots.period_start(now - span, resolution),
                equity=1,
                cash=1,
            )

    assert tasks.equity_snapshots_prune.apply().get() == 2

    kept = {(s.resolution, (now - s.taken_at).days) for s in EquitySnapshot.objects.all()}
    assert kept == {(Resolution.MINUTE, 0), (Resolution.HOUR, 2), (Resolution.DAY, 400)}


def snapshot(account, resolution, ago, equity):
    now = timezone.now()
    return EquitySnapshot.objects.create(
        account=account,
        resolution=resolution,
        taken_at=snapshots.period_start(now - ago, resolution),
        equity=Decimal(equity),
        cash=Decimal(equity),
    )


def test_the_equity_curve_reads_the_ranges_resolution(accounts):
    account = accounts[0]
    snapshot(account, Resolution.MINUTE, timedelta(minutes=2), "100")
    snapshot(account, Resolution.MINUTE, timedelta(minutes=1), "101")
    snapshot(account, Resolution.MINUTE, timedelta(days=2), "90")  # Outside the day.
    snapshot(account, Resolution.HOUR, timedelta(hours=3), "99")
    snapshot(account, Resolution.DAY, timedelta(days=3), "95")
    snapshot(accounts[1], Resolution.MINUTE, timedelta(minutes=1), "5")  # Someone else's.

    day = selectors.equity_curve(account=account, range="1d")
    assert [p.equity for p in day] == [Decimal(100), Decimal(101)]
    assert [p.equity for p in selectors.equity_curve(account=account, range="1m")] == [99]
    assert [p.equity for p in selectors.equity_curve(account=account, range="all")] == [95]


def test_the_leaderboard_ranks_by_return_since_a_day(accounts):
    a, b, c = accounts
    for account, start, latest in ((a, "100", "150"), (b, "100", "90"), (c, "100", "120")):
        snapshot(account, Resolution.DAY, timedelta(days=1), start)
        snapshot(account, Resolution.HOUR, timedelta(hours=1), latest)

    board = list(selectors.equity_leaderboard(since=timezone.now() - timedelta(days=2)))

    assert [row.pk for row in board] == [a.pk, c.pk, b.pk]
    assert board[0].return_ratio == Decimal("0.5")


def test_the_equity_api_shows_your_curve_only(user, user_client, other_user, market):
    mine = selectors.paper_account_for_user(user=user)
    theirs = selectors.paper_account_for_user(user=other_user)
    snapshot(mine, Resolution.HOUR, timedelta(hours=2), "100000")
    snapshot(theirs, Resolution.HOUR, timedelta(hours=2), "5")

    body = user_client.get("/api/v1/account/equity", {"range": "1m"}).json()

    assert body["range"] == "1m"
    assert body["resolution"] == "hour"
    assert [Decimal(p["equity"]) for p in body["points"]] == [Decimal(100000)]
    assert user_client.get("/api/v1/account/equity").json()["resolution"] == "minute"


def test_an_unknown_range_is_a_400(user_client):
    response = user_client.get("/api/v1/account/equity", {"range": "1y"})
    assert response.status_code == 400
    assert "range" in response.json()["error"]["fields"]
