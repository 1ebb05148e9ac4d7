"""Concurrent spends on separate connections never overdraw an account."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from rest_framework.test import APIClient

from trading import selectors, services
from trading.errors import InsufficientFunds
from trading.models import JournalEntry

pytestmark = pytest.mark.django_db(transaction=True)


def run_concurrently(workers):
    """Start every worker at once on its own thread and database connection."""
    barrier = threading.Barrier(len(workers))
    results = [None] * len(workers)

    def run(index, work):
        try:
            barrier.wait()
            results[index] = work()
        except Exception as error:  # The test inspects what each worker got.
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_debits_of_the_same_funds_cannot_both_succeed(user_factory):
    payer, first, second = (
        selectors.paper_account_for_user(user=user_factory()) for _ in range(3)
    )
    amount = Decimal("60000")
    results = run_concurrently(
        [
            lambda: services.funds_transfer(source=payer, destination=first, amount=amount),
            lambda: services.funds_transfer(source=payer, destination=second, amount=amount),
        ]
    )
    assert sum(isinstance(r, JournalEntry) for r in results) == 1
    assert sum(isinstance(r, InsufficientFunds) for r in results) == 1
    assert selectors.account_cash(account=payer) == Decimal("40000")
    assert selectors.ledger_problems() == []


def test_opposite_transfers_do_not_deadlock(user_factory):
    a, b = (selectors.paper_account_for_user(user=user_factory()) for _ in range(2))
    workers = []
    for _ in range(4):
        workers.append(lambda: services.funds_transfer(source=a, destination=b, amount=Decimal(1)))
        workers.append(lambda: services.funds_transfer(source=b, destination=a, amount=Decimal(1)))
    results = run_concurrently(workers)
    assert all(isinstance(r, JournalEntry) for r in results), results
    assert selectors.account_cash(account=a) == selectors.account_cash(account=b) == 100000
    assert selectors.ledger_problems() == []


def test_parallel_reset_requests_restore_the_balance_once(user_factory):
    user = user_factory()
    account = selectors.paper_account_for_user(user=user)
    services.funds_grant(account=account, amount=Decimal("-500"), reason="loss", granted_by=None)

    def reset_by_api():
        client = APIClient()
        client.force_authenticate(user)
        return client.post("/api/v1/account/reset", {"confirm": True}, format="json").status_code

    results = run_concurrently([reset_by_api] * 6)
    assert results == [200] * 6
    assert selectors.account_cash(account=account) == Decimal("100000")
    assert JournalEntry.objects.filter(kind=JournalEntry.Kind.RESET).count() == 1
    assert selectors.ledger_problems() == []


def test_parallel_signups_each_get_one_funded_account(user_factory):
    users = [user_factory(paper_account=False) for _ in range(1)]
    user = users[0]
    results = run_concurrently([lambda: services.paper_account_open(user=user)] * 5)
    assert len({r.pk for r in results}) == 1, results
    assert selectors.account_cash(account=results[0]) == Decimal("100000")
    assert JournalEntry.objects.filter(kind=JournalEntry.Kind.DEPOSIT).count() == 1


def test_database_refuses_to_commit_an_unbalanced_entry(user):
    from django.db import IntegrityError, transaction

    from trading.models import JournalLine

    account = selectors.paper_account_for_user(user=user)
    with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
        entry = JournalEntry.objects.create(kind=JournalEntry.Kind.FEE)
        JournalLine.objects.create(entry=entry, account=account, asset="USD", amount=5)
    assert not JournalEntry.objects.filter(kind=JournalEntry.Kind.FEE).exists()


def test_database_refuses_to_rewrite_journal_lines(user):
    from django.db import IntegrityError

    from trading.models import JournalLine

    line = JournalLine.objects.get(account__user=user)
    with pytest.raises(IntegrityError, match="append-only"):
        JournalLine.objects.filter(pk=line.pk).update(amount=Decimal("1"))
    with pytest.raises(IntegrityError, match="append-only"):
        JournalLine.objects.filter(pk=line.pk).delete()
    assert JournalLine.objects.get(pk=line.pk).amount == Decimal("100000")


def test_concurrent_retries_of_one_client_order_id_place_one_order(user):
    """Eight retries at once, over two instruments: one order, and each retry gets it.

    A retry on the other instrument waits only for the account's lock, so the order
    placed meanwhile is found by its insert, not by the lock's read.
    """
    from tests.factories.market import btc_market
    from trading.models import Order
    from trading.services.orders import OrderRequest

    btc_market()
    account = selectors.paper_account_for_user(user=user)

    def retry(symbol):
        request = OrderRequest(
            instrument=symbol, side="sell", type="market", quantity=Decimal("0.01")
        )
        return lambda: services.order_place(
            account=account, request=request, client_order_id="retry-1"
        )

    # The same id on another instrument is another body: those retries get a 409.
    results = run_concurrently([retry("BTC-PERP") for _ in range(6)] + [retry("BTC-CFD")] * 2)

    orders = Order.objects.filter(account=account, client_order_id="retry-1")
    assert orders.count() == 1
    placed = orders.get()
    answers = [r for r in results if isinstance(r, tuple)]
    refusals = [r for r in results if not isinstance(r, tuple)]
    assert [created for _, created in answers].count(True) == 1
    assert all(order.pk == placed.pk for order, _ in answers)
    assert all(getattr(r, "code", None) == "duplicate_client_order_id" for r in refusals), refusals
    expected_refusals = 2 if placed.instrument.symbol == "BTC-PERP" else 6
    assert len(refusals) == expected_refusals
    assert selectors.ledger_problems() == []
