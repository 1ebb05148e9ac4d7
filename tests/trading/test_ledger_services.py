import re
from decimal import Decimal

import pytest
from django.db import IntegrityError

from trading import selectors, services
from trading.errors import InsufficientFunds, InvalidAmount, LedgerImbalance
from trading.models import Account, Balance, JournalEntry, JournalLine
from trading.services import Posting

pytestmark = pytest.mark.django_db

START = Decimal("100000")


def cash(account):
    return selectors.account_cash(account=account)


def platform_total():
    return sum(JournalLine.objects.values_list("amount", flat=True), Decimal(0))


def test_new_user_gets_funded_paper_account_through_the_ledger(user):
    account = Account.objects.get(user=user, kind=Account.Kind.PAPER)
    assert cash(account) == START
    line = JournalLine.objects.get(account=account)
    assert line.entry.kind == JournalEntry.Kind.DEPOSIT
    assert line.amount == START
    equity = Account.objects.get(system_code=Account.SystemCode.EQUITY)
    assert cash(equity) == -START
    assert platform_total() == 0


def test_opening_twice_keeps_one_account_and_one_deposit(user):
    again = services.paper_account_open(user=user)
    assert Account.objects.filter(user=user, kind=Account.Kind.PAPER).count() == 1
    assert again.pk == selectors.paper_account_for_user(user=user).pk
    assert JournalEntry.objects.filter(kind=JournalEntry.Kind.DEPOSIT).count() == 1


def test_starting_balance_follows_the_setting(settings, user_factory):
    settings.SHORTBOOK_STARTING_BALANCE = Decimal("2500.50")
    account = selectors.paper_account_for_user(user=user_factory())
    assert cash(account) == Decimal("2500.50")


def test_grant_and_removal_record_staff_and_reason(user, admin_user):
    account = selectors.paper_account_for_user(user=user)
    entry = services.funds_grant(
        account=account, amount=Decimal("1234.5"), reason="contest prize", granted_by=admin_user
    )
    assert entry.created_by == admin_user
    assert entry.memo == "contest prize"
    assert cash(account) == START + Decimal("1234.5")
    services.funds_grant(
        account=account, amount=Decimal("-234.5"), reason="correction", granted_by=admin_user
    )
    assert cash(account) == START + 1000
    assert platform_total() == 0


@pytest.mark.parametrize(
    ("amount", "reason", "error"),
    [
        (Decimal("0"), "x", InvalidAmount),
        (Decimal("NaN"), "x", InvalidAmount),
        (Decimal("Infinity"), "x", InvalidAmount),
        (Decimal("1e30"), "x", InvalidAmount),
        (Decimal("0.000000001"), "x", InvalidAmount),
        (Decimal("10"), "   ", InvalidAmount),
        (-(START + 1), "too much", InsufficientFunds),
    ],
)
def test_bad_grants_change_nothing(user, amount, reason, error):
    account = selectors.paper_account_for_user(user=user)
    entries = JournalEntry.objects.count()
    with pytest.raises(error):
        services.funds_grant(account=account, amount=amount, reason=reason, granted_by=None)
    assert cash(account) == START
    assert JournalEntry.objects.count() == entries


def test_transfer_cannot_overdraw_a_paper_account(user, other_user):
    source = selectors.paper_account_for_user(user=user)
    destination = selectors.paper_account_for_user(user=other_user)
    services.funds_transfer(source=source, destination=destination, amount=Decimal("40000"))
    with pytest.raises(InsufficientFunds):
        services.funds_transfer(source=source, destination=destination, amount=Decimal("60000.01"))
    assert cash(source) == Decimal("60000")
    assert cash(destination) == Decimal("140000")
    assert platform_total() == 0


def test_transfer_refuses_negative_and_self(user):
    account = selectors.paper_account_for_user(user=user)
    with pytest.raises(InvalidAmount):
        services.funds_transfer(source=account, destination=account, amount=Decimal("1"))
    other = services._system_account(Account.SystemCode.FEES)
    with pytest.raises(InvalidAmount):
        services.funds_transfer(source=account, destination=other, amount=Decimal("-1"))


def test_unbalanced_entry_is_a_crash_and_writes_nothing(user):
    account = selectors.paper_account_for_user(user=user)
    entries = JournalEntry.objects.count()
    with pytest.raises(LedgerImbalance):
        services.journal_post(
            kind=JournalEntry.Kind.FEE, postings=[Posting(account=account, amount=Decimal("-1"))]
        )
    with pytest.raises(LedgerImbalance):
        services.journal_post(kind=JournalEntry.Kind.FEE, postings=[])
    assert JournalEntry.objects.count() == entries
    assert cash(account) == START


def test_idempotency_key_posts_once(user):
    account = selectors.paper_account_for_user(user=user)
    fees = services._system_account(Account.SystemCode.FEES)
    first = services.funds_transfer(
        source=account, destination=fees, amount=Decimal("5"), idempotency_key="fee:order:1"
    )
    retry = services.funds_transfer(
        source=account, destination=fees, amount=Decimal("5"), idempotency_key="fee:order:1"
    )
    assert first.pk == retry.pk
    assert cash(account) == START - 5
    assert cash(fees) == 5


def test_reset_restores_starting_balance_and_keeps_history(user, other_user):
    account = selectors.paper_account_for_user(user=user)
    other = selectors.paper_account_for_user(user=other_user)
    services.funds_transfer(source=account, destination=other, amount=Decimal("777.77"))
    entry = services.account_reset(account=account, requested_by=user)
    assert entry.kind == JournalEntry.Kind.RESET
    assert entry.created_by == user
    assert cash(account) == START
    assert cash(other) == START + Decimal("777.77")
    assert JournalLine.objects.filter(account=account).count() == 3
    assert services.account_reset(account=account) is None
    assert platform_total() == 0


def test_reset_zeroes_other_assets(user):
    account = selectors.paper_account_for_user(user=user)
    market = services._system_account(Account.SystemCode.MARKET)
    services.journal_post(
        kind=JournalEntry.Kind.TRANSFER,
        postings=[
            Posting(account=market, amount=Decimal("-0.5"), asset="BTC"),
            Posting(account=account, amount=Decimal("0.5"), asset="BTC"),
        ],
    )
    services.account_reset(account=account)
    assert selectors.account_cash(account=account, asset="BTC") == 0
    assert cash(account) == START
    assert selectors.ledger_problems() == []


def test_summary_of_a_fresh_account(user):
    summary = selectors.account_summary(account=selectors.paper_account_for_user(user=user))
    assert summary.cash == summary.equity == summary.available == START
    assert summary.margin_used == 0
    assert summary.currency == "USD"


def test_database_refuses_a_second_paper_account(user):
    with pytest.raises(IntegrityError):
        Account.objects.create(user=user, kind=Account.Kind.PAPER)


def test_database_refuses_zero_lines(user):
    account = selectors.paper_account_for_user(user=user)
    entry = JournalEntry.objects.create(kind=JournalEntry.Kind.FEE)
    with pytest.raises(IntegrityError):
        JournalLine.objects.create(entry=entry, account=account, asset="USD", amount=0)


def test_balance_rows_exist_only_for_touched_assets(user):
    account = selectors.paper_account_for_user(user=user)
    assert list(Balance.objects.filter(account=account).values_list("asset", flat=True)) == ["USD"]


def test_an_entrys_lines_are_written_in_one_statement(user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from trading.services.ledger import _system_account

    account = selectors.paper_account_for_user(user=user)
    equity = _system_account(Account.SystemCode.EQUITY)
    amounts = [Decimal("1.5"), Decimal("2"), Decimal("0.25"), Decimal("7")]
    postings = [Posting(account=account, amount=amount) for amount in amounts]
    postings.append(Posting(account=equity, amount=-sum(amounts)))

    with CaptureQueriesContext(connection) as queries:
        entry = services.journal_post(kind=JournalEntry.Kind.GRANT, postings=postings, memo="m")

    # PostgreSQL checks that each statement's entries balance: the lines go together.
    inserts = [q for q in queries if re.search(r'INSERT INTO "?trading_journalline\b', q["sql"])]
    assert len(inserts) == 1
    lines = entry.lines.order_by("pk")
    assert [line.amount for line in lines] == [*amounts, -sum(amounts)]
    assert [line.account_id for line in lines] == [account.pk] * 4 + [equity.pk]
    assert cash(account) == START + sum(amounts)
    assert platform_total() == 0
