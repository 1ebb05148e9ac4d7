"""Reads of paper accounts and the ledger that views, serializers and tasks share."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet, Sum

from trading import services
from trading.models import Account, Balance, JournalEntry, JournalLine


@dataclass(frozen=True, slots=True)
class AccountSummary:
    account_id: int
    currency: str
    cash: Decimal
    equity: Decimal
    margin_used: Decimal
    available: Decimal


def paper_account_for_user(*, user) -> Account:
    """Return the user's paper account, opening it if the user has none yet."""
    account = Account.objects.filter(user=user, kind=Account.Kind.PAPER).first()
    return account if account is not None else services.paper_account_open(user=user)


def account_cash(*, account: Account, asset: str | None = None) -> Decimal:
    balance = (
        Balance.objects.filter(account=account, asset=asset or account.currency)
        .values_list("amount", flat=True)
        .first()
    )
    return balance if balance is not None else Decimal(0)


def account_summary(*, account: Account) -> AccountSummary:
    """Cash, equity, margin in use and what is available for new positions.

    With no open positions equity equals cash and no margin is in use.
    """
    cash = account_cash(account=account)
    margin_used = Decimal(0)
    equity = cash
    return AccountSummary(
        account_id=account.pk,
        currency=account.currency,
        cash=cash,
        equity=equity,
        margin_used=margin_used,
        available=equity - margin_used,
    )


def ledger_line_list(
    *, account: Account, kind: str | None = None, since=None, until=None, asset: str | None = None
) -> QuerySet[JournalLine]:
    """The account's ledger lines, newest first, with their entries."""
    lines = JournalLine.objects.filter(account=account).select_related("entry")
    if kind:
        lines = lines.filter(entry__kind=kind)
    if asset:
        lines = lines.filter(asset=asset)
    if since:
        lines = lines.filter(entry__created_at__gte=since)
    if until:
        lines = lines.filter(entry__created_at__lt=until)
    return lines.order_by("-entry__created_at", "-pk")


@dataclass(frozen=True, slots=True)
class LedgerProblem:
    what: str
    detail: str


def ledger_problems() -> list[LedgerProblem]:
    """Every way the ledger disagrees with itself; empty when it is sound."""
    problems = []
    unbalanced = (
        JournalLine.objects.values("entry_id", "asset")
        .annotate(total=Sum("amount"))
        .exclude(total=0)
        .order_by("entry_id")
    )
    for row in unbalanced:
        problems.append(
            LedgerProblem(
                "unbalanced entry",
                f"entry #{row['entry_id']} sums to {row['total']} {row['asset']}",
            )
        )
    empty = JournalEntry.objects.filter(lines__isnull=True).values_list("pk", flat=True)
    for entry_id in empty:
        problems.append(LedgerProblem("empty entry", f"entry #{entry_id} has no lines"))

    sums = {
        (row["account_id"], row["asset"]): row["total"]
        for row in JournalLine.objects.values("account_id", "asset").annotate(total=Sum("amount"))
    }
    cached = {(b.account_id, b.asset): b.amount for b in Balance.objects.all()}
    for key in sorted(set(sums) | set(cached)):
        ledger_total = sums.get(key, Decimal(0))
        cached_total = cached.get(key, Decimal(0))
        if ledger_total != cached_total:
            problems.append(
                LedgerProblem(
                    "balance mismatch",
                    f"account #{key[0]} {key[1]}: cached {cached_total}, ledger {ledger_total}",
                )
            )
    totals = JournalLine.objects.values("asset").annotate(total=Sum("amount")).exclude(total=0)
    for row in totals:
        problems.append(
            LedgerProblem("nonzero total", f"all accounts sum to {row['total']} {row['asset']}")
        )
    return problems
