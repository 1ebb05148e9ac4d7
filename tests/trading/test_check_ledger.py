from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F

from trading import selectors
from trading.models import Balance, JournalEntry, JournalLine

pytestmark = pytest.mark.django_db


def test_check_ledger_passes_on_a_sound_ledger(user, other_user, capsys):
    call_command("check_ledger")
    assert "balances" in capsys.readouterr().out


@pytest.mark.parametrize("change", [Decimal("899999"), Decimal("0.00000001")])
def test_check_ledger_fails_on_a_tampered_balance(user, change):
    # Sums are compared to the ledger's eight places: the smallest difference still shows.
    Balance.objects.filter(account__user=user).update(amount=F("amount") + change)
    with pytest.raises(CommandError, match="problem"):
        call_command("check_ledger")
    problems = selectors.ledger_problems()
    assert [p.what for p in problems] == ["balance mismatch"]


@pytest.mark.parametrize("amount", [Decimal("5"), Decimal("0.00000001")])
def test_check_ledger_fails_on_an_unbalanced_entry(user, amount):
    account = selectors.paper_account_for_user(user=user)
    # PostgreSQL refuses an unbalanced entry as its statement ends; check_ledger is the second
    # line of defence, for a ledger damaged behind the database's back.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "ALTER TABLE trading_journalline DISABLE TRIGGER trading_journal_entry_balanced"
        )
    entry = JournalEntry.objects.create(kind=JournalEntry.Kind.FEE)
    JournalLine.objects.create(entry=entry, account=account, asset="USD", amount=amount)
    Balance.objects.filter(account=account).update(amount=F("amount") + amount)
    whats = {p.what for p in selectors.ledger_problems()}
    assert whats == {"unbalanced entry", "nonzero total"}
    with pytest.raises(CommandError):
        call_command("check_ledger")


def test_check_ledger_fails_on_an_empty_entry(user):
    JournalEntry.objects.create(kind=JournalEntry.Kind.FEE)
    assert [p.what for p in selectors.ledger_problems()] == ["empty entry"]


def test_audit_task_counts_problems(user):
    from trading.tasks import ledger_audit

    assert ledger_audit.apply().get() == 0
    Balance.objects.filter(account__user=user).update(amount=Decimal("1"))
    assert ledger_audit.apply().get() == 1
