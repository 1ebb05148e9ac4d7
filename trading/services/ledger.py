"""Paper accounts and the double-entry ledger.

Rows are locked through ``_lock_accounts`` in primary-key order, so two concurrent
calls touching the same accounts queue up instead of deadlocking, and a balance read
under the lock cannot change before the entry that spends it is written.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction

from config.rows import model_rows
from trading import events, rows
from trading.errors import InsufficientFunds, InvalidAmount, LedgerImbalance
from trading.models import AMOUNT_DIGITS, AMOUNT_PLACES, Account, Balance, JournalEntry, JournalLine

QUANTUM = Decimal(1).scaleb(-AMOUNT_PLACES)
MAX_AMOUNT = Decimal(10) ** (AMOUNT_DIGITS - AMOUNT_PLACES) - QUANTUM


@dataclass(frozen=True, slots=True)
class Posting:
    """One line to post: a signed amount of an asset on an account."""

    account: Account
    amount: Decimal
    asset: str = "USD"


def _check_amount(amount: Decimal) -> Decimal:
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise InvalidAmount("The amount must be a finite decimal number.")
    if abs(amount) > MAX_AMOUNT:
        raise InvalidAmount("The amount is too large.")
    if amount != amount.quantize(QUANTUM):
        raise InvalidAmount(f"The amount has more than {AMOUNT_PLACES} decimal places.")
    if amount == 0:
        raise InvalidAmount("The amount must not be zero.")
    return amount


def _lock_accounts(account_ids: Iterable[int]) -> dict[int, Account]:
    """Lock accounts in primary-key order, the one order every service uses."""
    ids = sorted(set(account_ids))
    return {a.pk: a for a in Account.objects.filter(pk__in=ids).order_by("pk").select_for_update()}


def _system_account(code: str) -> Account:
    """Return one of the platform's own accounts, creating it on first use."""
    account = Account.objects.filter(system_code=code).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            return Account.objects.create(system_code=code, kind=Account.Kind.SYSTEM)
    except IntegrityError:
        return Account.objects.get(system_code=code)


def _system_accounts(*codes: str) -> dict[str, Account]:
    """Return several of the platform's own accounts in one query, creating missing ones."""
    accounts = {a.system_code: a for a in Account.objects.filter(system_code__in=codes)}
    for code in codes:
        if code not in accounts:
            accounts[code] = _system_account(code)
    return accounts


@transaction.atomic
def journal_post(
    *,
    kind: str,
    postings: list[Posting],
    memo: str = "",
    created_by=None,
    idempotency_key: str | None = None,
) -> JournalEntry:
    """Append one balanced journal entry and update the cached balances.

    A paper account may not go below zero in any asset. With an
    ``idempotency_key`` a retry returns the entry already written instead of
    posting twice.
    """
    if idempotency_key is not None:
        existing = JournalEntry.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    deltas = _paper_deltas(kind, postings)
    # Only paper accounts carry a cached balance and can be overdrawn, so only they
    # are locked: the platform's own accounts would otherwise be one hot row that
    # every trade on every instrument waits for. Their balances are sums of lines.
    _lock_accounts(account_id for account_id, _ in deltas)
    return _journal_write(
        kind=kind,
        postings=postings,
        deltas=deltas,
        balances=_paper_balances(account_id for account_id, _ in deltas),
        memo=memo,
        created_by=created_by,
        idempotency_key=idempotency_key,
    )


def _journal_post_locked(
    *, kind: str, postings: list[Posting], memo: str, balances: dict[tuple[int, str], Balance]
) -> JournalEntry:
    """Append one balanced entry inside a service that already holds its accounts' locks.

    For the order path: the caller's transaction has locked every paper account in
    ``postings`` (in primary-key order) and read their ``balances`` with
    ``_paper_balances`` under those locks; the rows in ``balances`` are updated in
    place. A refusal raises and the caller's transaction rolls back, so no savepoint
    is spent here.
    """
    return _journal_write(
        kind=kind,
        postings=postings,
        deltas=_paper_deltas(kind, postings),
        balances=balances,
        memo=memo,
    )


def _paper_deltas(kind: str, postings: list[Posting]) -> dict[tuple[int, str], Decimal]:
    """Check that the postings balance; return what they move on each paper account."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for posting in postings:
        _check_amount(posting.amount)
        totals[posting.asset] += posting.amount
    if not postings or any(total != 0 for total in totals.values()):
        raise LedgerImbalance(f"Journal entry of kind {kind} does not balance: {dict(totals)}")
    deltas: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    for posting in postings:
        if posting.account.is_users:
            deltas[(posting.account.pk, posting.asset)] += posting.amount
    return deltas


# A plain statement: every order that fills reads its account's balances.
_PAPER_BALANCES_FROM = "FROM trading_balance b WHERE b.account_id IN ({ids})"


def _paper_balances(account_ids: Iterable[int]) -> dict[tuple[int, str], Balance]:
    """The cached balances of paper accounts, by (account id, asset), in one query."""
    ids = sorted(set(account_ids))
    if not ids:
        return {}
    body = _PAPER_BALANCES_FROM.format(ids=", ".join(["%s"] * len(ids)))
    return {
        (balance.account_id, balance.asset): balance
        for balance in model_rows(Balance, "b", body, ids)
    }


# After the entry's INSERT (``new``), in the same statement: its lines in the postings'
# order, and the paper accounts' new balances. PostgreSQL checks at the end of the
# statement that the entry balances.
_ENTRY_THEN_SQL = """,
lines AS (
    INSERT INTO trading_journalline (entry_id, account_id, asset, amount)
    SELECT new.id, line.account_id, line.asset, line.amount
    FROM new, unnest(%s::bigint[], %s::varchar[], %s::numeric[])
        WITH ORDINALITY AS line(account_id, asset, amount, n)
    ORDER BY line.n
),
moved AS (
    UPDATE trading_balance b SET amount = moved.amount
    FROM unnest(%s::bigint[], %s::numeric[]) AS moved(id, amount)
    WHERE b.id = moved.id
    RETURNING 1
)"""


def _journal_write(
    *,
    kind: str,
    postings: list[Posting],
    deltas: dict[tuple[int, str], Decimal],
    balances: dict[tuple[int, str], Balance],
    memo: str,
    created_by=None,
    idempotency_key: str | None = None,
) -> JournalEntry:
    """Write a checked entry, its lines and the new balances (the caller holds the locks)."""
    changed = []
    for (account_id, asset), delta in sorted(deltas.items()):
        balance = balances.get((account_id, asset))
        if balance is None:
            balance, _ = Balance.objects.get_or_create(account_id=account_id, asset=asset)
            balances[(account_id, asset)] = balance
        new_amount = balance.amount + delta
        if delta < 0 and new_amount < 0:
            raise InsufficientFunds(
                f"The account has {balance.amount} {asset}; this needs {-delta} {asset}."
            )
        changed.append((balance, new_amount))

    fields = {"kind": kind, "memo": memo[:255], "created_by": created_by}
    at_once = idempotency_key is None and transaction.get_connection().vendor == "postgresql"
    if at_once:
        # Every order that fills writes one: the entry, its lines and its balances in
        # one statement, the values as the ORM would write them.
        entry = JournalEntry(**fields)
        rows.insert_then(
            entry,
            _ENTRY_THEN_SQL,
            [
                [p.account.pk for p in postings],
                [p.asset for p in postings],
                [p.amount for p in postings],
                [balance.pk for balance, _ in changed],
                [new_amount for _, new_amount in changed],
            ],
            step_rows={"moved": len(changed)},
        )
    else:
        if idempotency_key is None:
            entry = JournalEntry(**fields)
            rows.insert(entry)
        else:
            try:
                with transaction.atomic():
                    entry = JournalEntry.objects.create(**fields, idempotency_key=idempotency_key)
            except IntegrityError:
                # A concurrent retry wrote the same entry first.
                return JournalEntry.objects.get(idempotency_key=idempotency_key)
        rows.insert_many(
            [
                JournalLine(entry=entry, account_id=p.account.pk, asset=p.asset, amount=p.amount)
                for p in postings
            ]
        )
    for balance, new_amount in changed:
        balance.amount = new_amount
        if not at_once:
            rows.fields_update(balance, ("amount",))
    events.accounts_changed(account_ids=[account_id for account_id, _ in deltas])
    return entry


@transaction.atomic
def paper_account_open(*, user) -> Account:
    """Open the user's paper account funded with the starting balance, once."""
    existing = Account.objects.filter(user=user, kind=Account.Kind.PAPER).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            account = Account.objects.create(user=user, kind=Account.Kind.PAPER)
    except IntegrityError:
        return Account.objects.get(user=user, kind=Account.Kind.PAPER)
    amount = settings.SHORTBOOK_STARTING_BALANCE
    journal_post(
        kind=JournalEntry.Kind.DEPOSIT,
        postings=[
            Posting(account=_system_account(Account.SystemCode.EQUITY), amount=-amount),
            Posting(account=account, amount=amount),
        ],
        memo="Opening deposit of virtual funds",
        idempotency_key=f"paper-account-open:{account.pk}",
    )
    return account


@transaction.atomic
def scenario_account_open(*, user, amount: Decimal, memo: str, idempotency_key: str) -> Account:
    """Open a scenario account for the user, funded with ``amount`` from platform equity.

    Each scenario run trades in its own account, apart from the user's paper account.
    A retry with the same ``idempotency_key`` returns the account opened the first time.
    """
    _check_amount(amount)
    if amount < 0:
        raise InvalidAmount("A scenario starts with a positive balance.")
    existing = JournalEntry.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing.lines.get(account__kind=Account.Kind.SCENARIO).account
    account = Account.objects.create(user=user, kind=Account.Kind.SCENARIO)
    journal_post(
        kind=JournalEntry.Kind.DEPOSIT,
        postings=[
            Posting(account=_system_account(Account.SystemCode.EQUITY), amount=-amount),
            Posting(account=account, amount=amount),
        ],
        memo=memo,
        idempotency_key=idempotency_key,
    )
    return account


@transaction.atomic
def funds_grant(*, account: Account, amount: Decimal, reason: str, granted_by) -> JournalEntry:
    """Grant virtual funds to a paper account (or remove them with a negative amount)."""
    _check_amount(amount)
    if account.kind != Account.Kind.PAPER:
        raise InvalidAmount("Funds can only be granted to paper accounts.")
    reason = reason.strip()
    if not reason:
        raise InvalidAmount("Say why the funds are granted.", fields={"reason": ["Required."]})
    return journal_post(
        kind=JournalEntry.Kind.GRANT,
        postings=[
            Posting(account=_system_account(Account.SystemCode.EQUITY), amount=-amount),
            Posting(account=account, amount=amount),
        ],
        memo=reason,
        created_by=granted_by,
    )


@transaction.atomic
def funds_transfer(
    *,
    source: Account,
    destination: Account,
    amount: Decimal,
    kind: str = JournalEntry.Kind.TRANSFER,
    asset: str = "USD",
    memo: str = "",
    idempotency_key: str | None = None,
) -> JournalEntry:
    """Move a positive amount from one account to another."""
    _check_amount(amount)
    if amount < 0:
        raise InvalidAmount("A transfer moves a positive amount.")
    if source.pk == destination.pk:
        raise InvalidAmount("A transfer needs two different accounts.")
    return journal_post(
        kind=kind,
        postings=[
            Posting(account=source, amount=-amount, asset=asset),
            Posting(account=destination, amount=amount, asset=asset),
        ],
        memo=memo,
        idempotency_key=idempotency_key,
    )


@transaction.atomic
def balance_restore(*, account: Account, requested_by=None) -> JournalEntry | None:
    """Restore a paper account's balances to the starting balance; its history stays.

    The difference is posted against platform equity, so the restore is itself a
    balanced entry in the account's history. Returns None when nothing changed.
    ``account_reset`` calls it once orders are canceled and positions closed.
    """
    if account.kind != Account.Kind.PAPER:
        raise InvalidAmount("Only paper accounts can be reset.")
    _lock_accounts([account.pk])
    starting = settings.SHORTBOOK_STARTING_BALANCE
    targets = {balance.asset: balance.amount for balance in Balance.objects.filter(account=account)}
    targets.setdefault(account.currency, Decimal(0))
    equity = _system_account(Account.SystemCode.EQUITY)
    postings = []
    for asset, amount in sorted(targets.items()):
        delta = (starting if asset == account.currency else Decimal(0)) - amount
        if delta:
            postings += [
                Posting(account=account, amount=delta, asset=asset),
                Posting(account=equity, amount=-delta, asset=asset),
            ]
    if not postings:
        return None
    return journal_post(
        kind=JournalEntry.Kind.RESET,
        postings=postings,
        memo="Paper account reset to the starting balance",
        created_by=requested_by,
    )
