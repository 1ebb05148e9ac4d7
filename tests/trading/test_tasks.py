"""The risk workers' tasks, run through Celery's own code path (``.apply()``, eager fan-out)."""

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from config.celery import app as celery_app
from market import services as market_services
from market.models import FundingRate
from tests.factories.market import btc_market, move
from trading import selectors, services, tasks
from trading.models import CarryBatch, JournalEntry, Liquidation, Order, Position
from trading.services.orders import Exit, OrderRequest

pytestmark = pytest.mark.django_db

MONEY = Decimal("0.00000001")


@pytest.fixture
def eager(settings):
    """Run every enqueued task at once in this process, errors raised, as a worker would."""
    conf = celery_app.conf
    before = (conf.task_always_eager, conf.task_eager_propagates)  # Read before the change.
    settings.CELERY_TASK_ALWAYS_EAGER = True
    conf.task_always_eager = conf.task_eager_propagates = True
    yield
    conf.task_always_eager, conf.task_eager_propagates = before


@pytest.fixture
def market(db):
    return btc_market()


@pytest.fixture
def make_account(user_factory):
    def make():
        return selectors.paper_account_for_user(user=user_factory())

    return make


@pytest.fixture
def account(make_account):
    return make_account()


def place(account, symbol="BTC-PERP", side="sell", type="market", quantity="0.1", **fields):
    request = OrderRequest(
        instrument=symbol, side=side, type=type, quantity=Decimal(quantity), **fields
    )
    order, _ = services.order_place(account=account, request=request)
    return order


def cash(account):
    return selectors.account_cash(account=account)


def stop_of(entry):
    return entry.attached.get(role=Order.Role.STOP_LOSS)


def last_tick(instrument):
    """The sequence of the latest tick of the instrument's underlying."""
    instrument.underlying.refresh_from_db()
    return instrument.underlying.tick_sequence


def risk(instrument, sequence=None):
    kwargs = {"instrument_id": instrument.pk}
    if sequence is not None:
        kwargs["sequence"] = sequence
    return tasks.instrument_risk.apply(kwargs=kwargs).get()


# instrument_risk ---------------------------------------------------------------------


def test_the_risk_task_fires_a_crossed_stop(market, account):
    entry = place(account, stop_loss=Exit(stop_price=Decimal("52500")))
    move("53000")

    assert risk(market["BTC-PERP"], sequence=last_tick(market["BTC-PERP"])) is True

    stop = stop_of(entry)
    assert stop.status == Order.Status.FILLED
    assert Position.objects.get(account=account).quantity == 0
    assert selectors.ledger_problems() == []


def test_a_duplicate_or_stale_tick_changes_nothing(market, account):
    entry = place(account, stop_loss=Exit(stop_price=Decimal("52500")))
    perp = market["BTC-PERP"]
    assert risk(perp, sequence=5) is True
    move("53000")  # Crosses the stop, but the ticks below are ones already handled.

    assert risk(perp, sequence=5) is False
    assert risk(perp, sequence=4) is False
    assert stop_of(entry).status == Order.Status.NEW
    assert Position.objects.get(account=account).quantity == Decimal("-0.1")

    assert risk(perp, sequence=6) is True
    assert stop_of(entry).status == Order.Status.FILLED


def test_a_tick_the_underlying_has_moved_past_is_left_to_the_newer_one(market, account):
    entry = place(account, stop_loss=Exit(stop_price=Decimal("52500")))
    perp = market["BTC-PERP"]
    stale = last_tick(perp)
    move("53000")

    assert risk(perp, sequence=stale) is False  # Nothing in the cache: the database says so.
    assert stop_of(entry).status == Order.Status.NEW

    assert risk(perp, sequence=last_tick(perp)) is True
    assert stop_of(entry).status == Order.Status.FILLED


def test_a_tick_another_worker_is_handling_is_skipped(market, account):
    perp = market["BTC-PERP"]
    cache.add(tasks.RISK_CLAIM_KEY.format(instrument_id=perp.pk, sequence=7), True, 60)

    assert risk(perp, sequence=7) is False
    assert risk(perp, sequence=8) is True


def test_the_risk_task_fills_a_resting_limit_the_price_traded_through(market, account):
    resting = place(account, type="limit", price=Decimal("51000"))
    move("51500")

    assert risk(market["BTC-PERP"], sequence=last_tick(market["BTC-PERP"])) is True

    resting.refresh_from_db()
    assert resting.status == Order.Status.FILLED
    assert Position.objects.get(account=account).quantity == Decimal("-0.1")


@pytest.fixture
def squeezed(account, market):
    """A 50x short of 40 BTC-PERP, the price moved past its liquidation price."""
    services.leverage_set(account=account, instrument=market["BTC-PERP"], leverage=Decimal(50))
    place(account, quantity="40")
    liquidation_price = selectors.margin_state(account=account).views[0].liquidation_price
    move(liquidation_price + 50)
    return account


def test_the_risk_task_liquidates_an_account_at_maintenance_once(squeezed, make_account, market):
    bystander = make_account()
    place(bystander, quantity="0.1")

    risk(market["BTC-PERP"])
    after_one = cash(squeezed)
    risk(market["BTC-PERP"])  # A retry, as the sweep would send.

    liquidation = Liquidation.objects.get()
    assert liquidation.account == squeezed
    assert Position.objects.get(account=squeezed).quantity == 0
    assert Position.objects.get(account=bystander).quantity == Decimal("-0.1")
    assert cash(squeezed) == after_one
    assert cash(squeezed) >= 0
    assert selectors.ledger_problems() == []


def test_a_missing_instrument_is_nothing_to_do(db):
    gone = {"instrument_id": 999999, "sequence": 1}
    assert tasks.instrument_risk.apply(kwargs=gone).get() is False
    assert tasks.instrument_settle.apply(kwargs={"instrument_id": 999999}).get() == 0


# Routing ---------------------------------------------------------------------------


@pytest.mark.parametrize(("instrument_id", "queue"), [(4, "risk-0"), (7, "risk-1"), (10, "risk-0")])
def test_instrument_work_is_routed_to_its_groups_queue(instrument_id, queue):
    router = celery_app.amqp.router
    for name, kwargs in [
        ("trading.tasks.instrument_risk", {"instrument_id": instrument_id, "sequence": 3}),
        ("trading.tasks.instrument_settle", {"instrument_id": instrument_id}),
    ]:
        route = router.route({}, name, args=(), kwargs=kwargs)
        assert route["queue"].name == queue


def test_other_tasks_keep_their_queues():
    router = celery_app.amqp.router
    assert router.route({}, "market.tasks.feeds_tick")["queue"].name == "feed"
    assert router.route({}, "trading.tasks.risk_sweep")["queue"].name == "celery"


def test_the_number_of_groups_is_a_setting(settings):
    settings.RISK_QUEUE_GROUPS = 3
    assert tasks.task_queue("trading.tasks.instrument_risk", (), {"instrument_id": 5}, {}) == {
        "queue": "risk-2"
    }


# The sweep ---------------------------------------------------------------------------


def test_the_sweep_fires_a_stop_no_tick_message_reached(market, account, eager):
    # The tick's announcement runs after commit, which this test's transaction never does:
    # the receiver is never called, as if the message had been lost.
    entry = place(account, stop_loss=Exit(stop_price=Decimal("52500")))
    move("53000")
    assert stop_of(entry).status == Order.Status.NEW

    swept = tasks.risk_sweep.apply().get()

    assert swept == 1  # BTC-PERP, the only instrument with orders or positions.
    assert stop_of(entry).status == Order.Status.FILLED
    assert Position.objects.get(account=account).quantity == 0
    assert selectors.ledger_problems() == []


def test_the_sweep_settles_what_a_lost_message_left_open(market, account, eager):
    place(account, symbol="BTC-FUT", quantity="0.2")
    expiry = market["BTC-FUT"].expiry
    market_services.index_move(symbol="BTC", price=Decimal("48000"), now=expiry)

    tasks.risk_sweep.apply()

    assert Position.objects.get(account=account, instrument=market["BTC-FUT"]).quantity == 0
    assert JournalEntry.objects.filter(kind=JournalEntry.Kind.SETTLEMENT).count() == 1
    assert selectors.ledger_problems() == []


# Funding, borrow interest, financing, expiry -------------------------------------------


def fixed_rate(instrument, *, ago=timedelta(minutes=5), rate="0.0001"):
    return FundingRate.objects.create(
        instrument=instrument,
        funding_time=(timezone.now() - ago).replace(microsecond=0),
        rate=Decimal(rate),
        mark_price=Decimal("50000"),
        index_price=Decimal("50000"),
    )


def test_funding_is_applied_once_however_often_the_schedule_runs(market, make_account, eager):
    short, long = make_account(), make_account()
    place(short, side="sell")
    place(long, side="buy")
    before = {short.pk: cash(short), long.pk: cash(long)}
    fixed_rate(market["BTC-PERP"])

    assert tasks.funding_apply_due.apply().get() == 1
    assert tasks.funding_apply_due.apply().get() == 0

    payment = (Decimal("0.1") * Decimal("50000") * Decimal("0.0001")).quantize(MONEY)
    assert cash(short) == before[short.pk] + payment
    assert cash(long) == before[long.pk] - payment
    assert JournalEntry.objects.filter(kind=JournalEntry.Kind.FUNDING).count() == 2
    assert selectors.ledger_problems() == []


def test_funding_is_not_applied_again_when_the_cache_forgot_it(market, make_account, eager):
    short = make_account()
    place(short)
    fixed_rate(market["BTC-PERP"])
    tasks.funding_apply_due.apply()
    latecomer = make_account()
    place(latecomer)  # Opened after the funding time: owes nothing for it.
    before = cash(latecomer)

    cache.clear()
    assert tasks.funding_apply_due.apply().get() == 0

    assert cash(latecomer) == before
    assert JournalEntry.objects.filter(kind=JournalEntry.Kind.FUNDING).count() == 1


def test_a_rate_that_paid_nobody_is_not_sent_again(market, eager):
    fixed_rate(market["BTC-PERP"])

    assert tasks.funding_apply_due.apply().get() == 1
    assert tasks.funding_apply_due.apply().get() == 0


def test_old_and_future_rates_are_left_alone(market, account, eager):
    place(account)
    fixed_rate(market["BTC-PERP"], ago=timedelta(days=2))
    fixed_rate(market["BTC-PERP"], ago=-timedelta(hours=1))

    assert tasks.funding_apply_due.apply().get() == 0
    assert not JournalEntry.objects.filter(kind=JournalEntry.Kind.FUNDING).exists()


def test_the_sweep_posts_a_batch_whose_message_was_lost(market, account, eager):
    place(account, symbol="BTC-USD")
    hour = timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    (batch_id,) = services.borrow_interest_round_open(instrument=market["BTC-USD"], hour=hour)
    assert tasks.risk_sweep.apply() and not CarryBatch.objects.get(pk=batch_id).posted_at  # Young.

    CarryBatch.objects.filter(pk=batch_id).update(
        created_at=timezone.now() - timedelta(seconds=tasks.CARRY_BATCH_RESEND_SECONDS + 1)
    )
    tasks.risk_sweep.apply()

    batch = CarryBatch.objects.get(pk=batch_id)
    assert batch.posted_at is not None
    assert batch.charged == 1
    assert Position.objects.get(account=account).borrow_interest_paid > 0
    assert JournalEntry.objects.filter(kind=JournalEntry.Kind.BORROW_INTEREST).count() == 1


def test_borrow_interest_is_charged_once_per_hour(market, account, eager):
    place(account, symbol="BTC-USD")
    before = cash(account)

    assert tasks.borrow_interest_charge_due.apply().get() == 1  # one spot instrument
    tasks.borrow_interest_charge_due.apply()

    entry = JournalEntry.objects.get(kind=JournalEntry.Kind.BORROW_INTEREST)
    hour = timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    assert entry.idempotency_key.endswith(f":{hour.isoformat()}")
    paid = Position.objects.get(account=account).borrow_interest_paid
    assert paid > 0
    assert cash(account) == before - paid
    assert selectors.ledger_problems() == []


def test_financing_is_charged_once_per_day(market, account, eager):
    place(account, symbol="BTC-CFD")
    before = cash(account)

    assert tasks.financing_charge_due.apply().get() == 1  # one CFD
    tasks.financing_charge_due.apply()

    entry = JournalEntry.objects.get(kind=JournalEntry.Kind.FINANCING)
    day = timezone.now().date() - timedelta(days=1)
    assert entry.idempotency_key.endswith(f":{day.isoformat()}")
    financing = (Decimal("5000") * Decimal("0.1") / 365).quantize(MONEY)
    assert cash(account) == before - financing
    assert selectors.ledger_problems() == []


def test_gtd_orders_expire_when_their_time_passed(market, account):
    gtd = place(
        account,
        type="limit",
        price=Decimal("55000"),
        time_in_force=Order.TimeInForce.GTD,
        expire_at=timezone.now() + timedelta(seconds=1),
    )
    gtc = place(account, type="limit", price=Decimal("56000"))
    assert tasks.gtd_orders_expire_due.apply().get() == 0

    time.sleep(1.1)
    assert tasks.gtd_orders_expire_due.apply().get() == 1
    assert tasks.gtd_orders_expire_due.apply().get() == 0

    gtd.refresh_from_db()
    gtc.refresh_from_db()
    assert gtd.status == Order.Status.EXPIRED
    assert gtc.status == Order.Status.NEW


# Retries -----------------------------------------------------------------------------


def test_a_retried_round_moves_money_once(market, make_account, eager):
    """Every task of a round run twice, as a redelivered message would: one round's cash."""
    stopped, funded = make_account(), make_account()
    entry = place(stopped, stop_loss=Exit(stop_price=Decimal("52500")))
    place(funded, symbol="BTC-CFD")
    place(funded, symbol="BTC-USD")
    fixed_rate(market["BTC-PERP"])
    move("53000")

    def round_():
        tasks.risk_sweep.apply()
        tasks.funding_apply_due.apply()
        tasks.borrow_interest_charge_due.apply()
        tasks.financing_charge_due.apply()

    round_()
    once = {stopped.pk: cash(stopped), funded.pk: cash(funded)}
    entries = JournalEntry.objects.count()
    cache.clear()  # A retry may also find the cache empty.
    round_()

    assert stop_of(entry).status == Order.Status.FILLED
    assert {stopped.pk: cash(stopped), funded.pk: cash(funded)} == once
    assert JournalEntry.objects.count() == entries
    assert selectors.ledger_problems() == []
