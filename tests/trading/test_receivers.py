"""Trading reacts to market's tick: each quoted instrument's risk checks are enqueued."""

from decimal import Decimal
from queue import Empty

import pytest
from django.conf import settings

from config.celery import app as celery_app
from market import services as market_services
from market.models import Instrument
from tests.factories.market import btc_market
from tests.trading.test_tasks import eager, place, stop_of  # noqa: F401  (eager: a fixture)
from trading import selectors, services, tasks
from trading.models import JournalEntry, Liquidation, Order, Position
from trading.services.orders import Exit

pytestmark = pytest.mark.django_db


@pytest.fixture
def market(db):
    return btc_market()


@pytest.fixture
def account(user):
    return selectors.paper_account_for_user(user=user)


@pytest.fixture
def tick(django_capture_on_commit_callbacks):
    """Move BTC and run what waits for the tick's commit: market's announcement."""

    def run(price, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            market_services.index_move(symbol="BTC", price=Decimal(price), **kwargs)

    return run


@pytest.mark.usefixtures("eager")
def test_a_tick_through_a_shorts_stop_loss_closes_it(market, account, tick):
    entry = place(account, stop_loss=Exit(stop_price=Decimal("52500")))
    tick("52000")
    assert stop_of(entry).status == Order.Status.NEW

    tick("53000")

    stop = stop_of(entry)
    assert stop.status == Order.Status.FILLED
    assert stop.average_price > Decimal("52500")
    assert Position.objects.get(account=account).quantity == 0
    assert selectors.ledger_problems() == []


@pytest.mark.usefixtures("eager")
def test_a_tick_that_squeezes_a_50x_short_liquidates_it(market, account, tick):
    services.leverage_set(account=account, instrument=market["BTC-PERP"], leverage=Decimal(50))
    place(account, quantity="40")
    liquidation_price = selectors.margin_state(account=account).views[0].liquidation_price
    tick(liquidation_price - 200)
    assert not Liquidation.objects.exists()

    tick(liquidation_price + 50)

    liquidation = Liquidation.objects.get(account=account)
    assert liquidation.margin_level <= 1
    assert Position.objects.get(account=account).quantity == 0
    assert selectors.account_cash(account=account) >= 0
    assert selectors.ledger_problems() == []


@pytest.mark.usefixtures("eager")
def test_the_tick_at_expiry_settles_a_future(market, account, tick):
    place(account, symbol="BTC-FUT", quantity="0.2")

    tick("48000", now=market["BTC-FUT"].expiry)

    assert Position.objects.get(account=account, instrument=market["BTC-FUT"]).quantity == 0
    assert JournalEntry.objects.filter(kind=JournalEntry.Kind.SETTLEMENT).count() == 1
    assert selectors.ledger_problems() == []


def drain(queue_name):
    """Take every message off a queue of the broker (Redis); return (task, kwargs) pairs."""
    taken = []
    with celery_app.connection_for_read() as connection:
        queue = connection.SimpleQueue(queue_name, no_ack=True)
        try:
            while True:
                try:
                    message = queue.get(block=False)
                except Empty:
                    break
                _, kwargs, _ = message.decode()
                taken.append((message.headers["task"], kwargs))
        finally:
            queue.close()
    return taken


def test_a_tick_sends_one_risk_message_per_queue_group(market, account, tick):
    place(account, symbol="BTC-PERP")  # A position.
    place(account, symbol="BTC-FUT", side="buy", type="limit", price=Decimal("40000"))
    place(account, symbol="BTC-CFD", side="buy", type="limit", price=Decimal("40000"))
    for queue in settings.RISK_QUEUES:
        drain(queue)  # What earlier tests' ticks left there.

    tick("51000")

    sequence = Instrument.objects.get(symbol="BTC-PERP").underlying.tick_sequence
    sent = {queue: drain(queue) for queue in settings.RISK_QUEUES}
    expected = {queue: [] for queue in settings.RISK_QUEUES}
    # Spot and the option have nothing a price could act on: they are not named.
    at_risk = [market[symbol] for symbol in ("BTC-PERP", "BTC-FUT", "BTC-CFD")]
    groups: dict[str, list[int]] = {}
    for instrument in sorted(at_risk, key=lambda i: i.pk):
        groups.setdefault(tasks.risk_queue(instrument.pk), []).append(instrument.pk)
    for queue, ids in groups.items():
        expected[queue].append(
            ("trading.tasks.instruments_risk", {"instrument_ids": ids, "sequence": sequence})
        )
    assert sent == expected
    assert sum(len(messages) for messages in sent.values()) == len(groups) <= len(at_risk)
