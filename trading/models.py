"""Paper accounts and the double-entry ledger.

A journal entry's lines sum to zero per asset; a balance is the sum of its account's
lines. ``Balance`` caches that sum and is only ever changed by ``trading.services``
in the transaction that appends the lines, so ``check_ledger`` can prove it.
"""

from django.conf import settings
from django.db import models

AMOUNT_DIGITS = 28
AMOUNT_PLACES = 8


def amount_field(**kwargs) -> models.DecimalField:
    return models.DecimalField(max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_PLACES, **kwargs)


class Account(models.Model):
    """A ledger account: a user's paper account or one of the platform's own."""

    class Kind(models.TextChoices):
        PAPER = "paper", "Paper account"
        SYSTEM = "system", "Platform account"

    class SystemCode(models.TextChoices):
        EQUITY = "equity", "Platform equity (funds paper accounts)"
        FEES = "fees", "Fees collected"
        MARKET = "market", "Simulated market counterparty"
        INSURANCE = "insurance", "Insurance fund"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trading_accounts",
    )
    system_code = models.CharField(
        max_length=16, choices=SystemCode.choices, null=True, blank=True, unique=True
    )
    currency = models.CharField(max_length=12, default="USD")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="paper", user__isnull=False, system_code__isnull=True)
                    | models.Q(kind="system", user__isnull=True, system_code__isnull=False)
                ),
                name="trading_account_owner_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(kind="paper"),
                name="trading_account_one_paper_per_user",
            ),
        ]

    def __str__(self):
        if self.kind == self.Kind.SYSTEM:
            return f"Platform: {self.get_system_code_display()}"
        return f"Paper account #{self.pk} ({self.user})"


class Balance(models.Model):
    """The cached sum of an account's ledger lines in one asset."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="balances")
    asset = models.CharField(max_length=12)
    amount = amount_field(default=0)

    class Meta:
        ordering = ["account_id", "asset"]
        constraints = [
            models.UniqueConstraint(fields=["account", "asset"], name="trading_balance_unique"),
        ]

    def __str__(self):
        return f"{self.amount} {self.asset}"


class JournalEntry(models.Model):
    """One balanced movement of money: its lines sum to zero in every asset."""

    class Kind(models.TextChoices):
        DEPOSIT = "deposit", "Opening deposit"
        GRANT = "grant", "Staff grant or removal"
        RESET = "reset", "Paper account reset"
        TRANSFER = "transfer", "Transfer"
        FEE = "fee", "Trading fee"
        REALISED_PNL = "realised_pnl", "Realised profit and loss"
        BORROW_INTEREST = "borrow_interest", "Borrow interest"
        FUNDING = "funding", "Funding payment"
        FINANCING = "financing", "Overnight financing"
        PREMIUM = "premium", "Option premium"
        LIQUIDATION_FEE = "liquidation_fee", "Liquidation fee"
        SETTLEMENT = "settlement", "Settlement"

    kind = models.CharField(max_length=32, choices=Kind.choices)
    memo = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The staff member or user who asked for this entry, if a person did.",
    )
    idempotency_key = models.CharField(max_length=128, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "journal entries"

    def __str__(self):
        return f"#{self.pk} {self.get_kind_display()}"


class JournalLine(models.Model):
    """One side of a journal entry: a signed amount of one asset on one account."""

    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="lines")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lines")
    asset = models.CharField(max_length=12)
    amount = amount_field()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(amount=0), name="trading_journalline_nonzero"
            ),
        ]
        indexes = [models.Index(fields=["account", "asset", "entry"])]

    def __str__(self):
        return f"{self.amount} {self.asset} on {self.account_id}"
