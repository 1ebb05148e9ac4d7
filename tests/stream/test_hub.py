"""The hub's rounds: who subscribes is asked once a round, and unwatched books are not read."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.stream import hub as hub_module
from config.stream.channels import Channel, Kind
from config.stream.hub import hub
from trading import services
from trading.services.orders import OrderRequest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def queued(monkeypatch):
    """The jobs transactions hand to the hub, kept here for the test to run."""
    jobs = []
    monkeypatch.setattr(hub, "submit", lambda batch: jobs.extend(batch))
    return jobs


@pytest.fixture
def interest_lookups(monkeypatch):
    """Each list of groups the hub asks Redis about."""
    asked = []
    wanted = hub.wanted

    def counting(groups):
        groups = list(groups)
        asked.append(groups)
        return wanted(groups)

    monkeypatch.setattr(hub, "wanted", counting)
    return asked


def _place(account, symbol="BTC-PERP"):
    request = OrderRequest(instrument=symbol, side="sell", type="market", quantity=Decimal("0.1"))
    return services.order_place(account=account, request=request)[0]


def test_a_round_asks_once_who_subscribes_and_reads_no_unwatched_book(
    market, account, other_account, queued, interest_lookups
):
    _place(account)
    _place(other_account, symbol="BTC-CFD")
    assert len(queued) >= 8  # Each order's orders, fills, positions, account and book.

    with CaptureQueriesContext(connection) as queries:
        hub.run_jobs(queued)

    assert len(interest_lookups) == 1
    asked = set(interest_lookups[0])
    assert Channel(Kind.ORDERBOOK, "BTC-PERP").group() in asked
    assert Channel(Kind.ORDERS).group(account_id=other_account.pk) in asked
    assert len(queries) == 0  # Nobody subscribes: no job reads anything.


def test_a_watched_book_is_read_and_sent_in_its_round(market, account, queued, monkeypatch):
    group = Channel(Kind.ORDERBOOK, "BTC-PERP").group()
    hub.interest_add([group])
    sent = []
    monkeypatch.setattr(hub_module.Hub, "_send", lambda self, messages: sent.extend(messages))

    order = _place(account)
    hub.run_jobs(queued)

    (book,) = [data for to, channel, data in sent if to == group]
    assert book["symbol"] == "BTC-PERP"
    assert order.instrument.symbol == "BTC-PERP"
