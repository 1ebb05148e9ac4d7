from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from trading import selectors
from trading.models import Balance, JournalEntry, JournalLine

pytestmark = pytest.mark.django_db


def test_check_ledger_passes_on_a_sound_ledger(user, other_user, capsys):
    call_command("check_ledger")
    assert "balances" in capsys.readouterr().out


def test_check_ledger_fails_on_a_tampered_balance(user):
    Balance.objects.filter(account__user=user).update(amount=Decimal("999999"))
    with pytest.raises(CommandError, match="problem"):
        call_command("check_ledger")
    problems = selectors.ledger_problems()
    assert [p.what for p in problems] == ["balance mismatch"]


def test_check_ledger_fails_on_an_unbalanced_entry(user):
    account = selectors.paper_account_for_user(user=user)
    # PostgreSQL refuses an unbalanced entry at commit; check_ledger is the second
    # line of defence, for a ledger damaged behind the database's back.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "ALTER TABLE trading_journalline DISABLE TRIGGER trading_journal_entry_balanced"
        )
    entry = JournalEntry.objects.create(kind=JournalEntry.Kind.FEE)
    JournalLine.objects.create(entry=entry, account=account, asset="USD", amount=Decimal("5"))
    Balance.objects.filter(account=account).update(amount=Decimal("100005"))
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
