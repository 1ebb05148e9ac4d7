"""Paper accounts and the double-entry ledger.

A journal entry's lines sum to zero per asset; a balance is the sum of its account's
lines. ``Balance`` caches that sum and is only ever changed by ``trading.services``
in the transaction that appends the lines, so ``check_ledger`` can prove it.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models

AMOUNT_DIGITS = 28
AMOUNT_PLACES = 8


def amount_field(**kwargs) -> models.DecimalField:
    return models.DecimalField(max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_PLACES, **kwargs)


class Account(models.Model):
    """A ledger account: a user's paper account, a user's scenario account, or the platform's.

    A scenario account holds one historical scenario run's virtual money; it trades only
    that run's private instruments.
    """

    class Kind(models.TextChoices):
        PAPER = "paper", "Paper account"
        SCENARIO = "scenario", "Scenario account"
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
    # Set when the margin level fell through the warning level and the user was told;
    # cleared when it recovers, so the next fall warns again.
    margin_warned_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        kind__in=["paper", "scenario"], user__isnull=False, system_code__isnull=True
                    )
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
        return f"{self.get_kind_display()} #{self.pk} ({self.user})"

    @property
    def is_users(self) -> bool:
        """Whether a user owns the account (paper or scenario): it has a cached balance."""
        return self.kind in USER_KINDS


# The kinds a user owns: each keeps a cached balance and can never go below zero.
USER_KINDS = (Account.Kind.PAPER, Account.Kind.SCENARIO)


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
        INSURANCE_COVER = "insurance_cover", "Insurance fund cover"
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
        db_index=False,  # Indexed where set only: see Meta.
    )
    # NULL for an entry without a key: unlike "", NULLs never collide in the unique constraint.
    idempotency_key = models.CharField(max_length=128, null=True, blank=True)  # noqa: DJ001
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "journal entries"
        # The key is looked up whole, never by prefix in a query that must be fast: a
        # unique constraint, unlike ``unique=True``, adds no second (LIKE) index that
        # every entry written would update. Most entries (every carry charge) are
        # nobody's request, so only those with a ``created_by`` are indexed by it.
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key"], name="trading_journalentry_idempotency_key"
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_by"],
                condition=models.Q(created_by__isnull=False),
                name="trading_journalentry_by_idx",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.get_kind_display()}"


class JournalLine(models.Model):
    """One side of a journal entry: a signed amount of one asset on one account."""

    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="lines")
    # Found through the (account, asset, entry) index below, which starts with it.
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="lines", db_index=False
    )
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


class Order(models.Model):
    """An order a user placed: resting in the book, waiting for its trigger, or done."""

    class Side(models.TextChoices):
        BUY = "buy", "Buy"
        SELL = "sell", "Sell"

    class Type(models.TextChoices):
        MARKET = "market", "Market"
        LIMIT = "limit", "Limit"
        STOP_MARKET = "stop_market", "Stop market"
        STOP_LIMIT = "stop_limit", "Stop limit"
        TAKE_PROFIT_MARKET = "take_profit_market", "Take-profit market"
        TAKE_PROFIT_LIMIT = "take_profit_limit", "Take-profit limit"
        TRAILING_STOP = "trailing_stop", "Trailing stop"

    class TimeInForce(models.TextChoices):
        GTC = "gtc", "Good till canceled"
        IOC = "ioc", "Immediate or cancel"
        FOK = "fok", "Fill or kill"
        GTD = "gtd", "Good till date"

    class TriggerBy(models.TextChoices):
        MARK = "mark", "Mark price"
        INDEX = "index", "Index price"
        LAST = "last", "Last price"

    class Status(models.TextChoices):
        NEW = "new", "New"
        PARTIALLY_FILLED = "partially_filled", "Partially filled"
        FILLED = "filled", "Filled"
        CANCELED = "canceled", "Canceled"
        REJECTED = "rejected", "Rejected"
        EXPIRED = "expired", "Expired"
        TRIGGERED = "triggered", "Triggered"

    class Role(models.TextChoices):
        ENTRY = "entry", "Entry"
        STOP_LOSS = "stop_loss", "Attached stop-loss"
        TAKE_PROFIT = "take_profit", "Attached take-profit"

    OPEN_STATUSES = (Status.NEW, Status.PARTIALLY_FILLED, Status.TRIGGERED)

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="orders")
    instrument = models.ForeignKey(
        "market.Instrument", on_delete=models.PROTECT, related_name="orders"
    )
    # NULL, not "", when absent: the unique constraint then ignores orders without one.
    client_order_id = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    request_fingerprint = models.CharField(max_length=64, blank=True)
    side = models.CharField(max_length=4, choices=Side.choices)
    type = models.CharField(max_length=24, choices=Type.choices)
    quantity = amount_field()
    price = amount_field(null=True, blank=True)
    stop_price = amount_field(null=True, blank=True)
    trailing_amount = amount_field(null=True, blank=True)
    trailing_percent = models.DecimalField(max_digits=8, decimal_places=4, null=True, blank=True)
    trailing_best_price = amount_field(null=True, blank=True)
    trigger_by = models.CharField(max_length=8, choices=TriggerBy.choices, default=TriggerBy.MARK)
    time_in_force = models.CharField(
        max_length=4, choices=TimeInForce.choices, default=TimeInForce.GTC
    )
    expire_at = models.DateTimeField(null=True, blank=True)
    post_only = models.BooleanField(default=False)
    reduce_only = models.BooleanField(default=False)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.ENTRY)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="attached"
    )
    # The two legs of a one-cancels-the-other pair share this; NULL for other orders.
    oco_group = models.UUIDField(null=True, blank=True, db_index=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    # Time priority in the instrument's book; an amend that loses priority takes a new one.
    sequence = models.BigIntegerField(default=0)
    reject_reason = models.CharField(max_length=64, blank=True)
    filled_quantity = amount_field(default=0)
    average_price = amount_field(null=True, blank=True)
    fees = amount_field(default=0)
    triggered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "client_order_id"], name="trading_order_client_id_unique"
            ),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="trading_order_qty"),
            models.CheckConstraint(
                condition=models.Q(filled_quantity__gte=0)
                & models.Q(filled_quantity__lte=models.F("quantity")),
                name="trading_order_filled_within_quantity",
            ),
        ]
        indexes = [
            models.Index(fields=["instrument", "status"], name="trading_order_book_idx"),
            models.Index(fields=["instrument", "sequence"], name="trading_order_sequence_idx"),
            models.Index(fields=["account", "status"], name="trading_order_account_idx"),
            # The stops, take-profits and trailing stops still waiting for their price, by
            # side, type and stop price: a tick looks up only those its prices could
            # trigger (``triggers._may_trigger`` names the side in every branch).
            models.Index(
                fields=["instrument", "side", "type", "stop_price"],
                name="trading_order_waiting_idx",
                # OPEN_STATUSES, spelled out: Meta cannot see the class's own names.
                condition=models.Q(
                    triggered_at__isnull=True, status__in=["new", "partially_filled", "triggered"]
                ),
            ),
            # The book of users' resting orders (``selectors.resting_orders``) in time
            # priority, without reading the stops that wait beside it.
            models.Index(
                fields=["instrument", "sequence"],
                name="trading_order_resting_idx",
                condition=(models.Q(type="limit") | models.Q(triggered_at__isnull=False))
                & models.Q(
                    status__in=["new", "partially_filled", "triggered"], price__isnull=False
                ),
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.side} {self.quantity} {self.instrument_id} {self.type}"

    # Set by the order services on the instance they return; not stored.
    insurance_covered = Decimal(0)

    @property
    def remaining_quantity(self):
        return self.quantity - self.filled_quantity

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class Fill(models.Model):
    """One execution of an order, at one price, against a user or the outside market."""

    class Liquidity(models.TextChoices):
        MAKER = "maker", "Maker"
        TAKER = "taker", "Taker"

    class Counterparty(models.TextChoices):
        USER = "user", "Another user's order"
        MARKET = "market", "Outside liquidity"

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="fills")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="fills")
    instrument = models.ForeignKey(
        "market.Instrument", on_delete=models.PROTECT, related_name="fills"
    )
    side = models.CharField(max_length=4, choices=Order.Side.choices)
    price = amount_field()
    quantity = amount_field()
    fee = amount_field(default=0)
    liquidity = models.CharField(max_length=8, choices=Liquidity.choices)
    counterparty = models.CharField(max_length=8, choices=Counterparty.choices)
    realized_pnl = amount_field(default=0)
    journal_entry = models.ForeignKey(
        JournalEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["account", "created_at"], name="trading_fill_account_idx"),
            models.Index(fields=["instrument", "created_at"], name="trading_fill_instr_idx"),
        ]

    def __str__(self):
        return f"{self.side} {self.quantity} @ {self.price}"


class Position(models.Model):
    """An account's net position in one instrument, and what it has earned and cost.

    ``quantity`` is signed: positive long, negative short, zero flat (the row stays,
    with the account's leverage and margin mode for the instrument).
    """

    class MarginMode(models.TextChoices):
        CROSS = "cross", "Cross"
        ISOLATED = "isolated", "Isolated"

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="positions")
    instrument = models.ForeignKey(
        "market.Instrument", on_delete=models.PROTECT, related_name="positions"
    )
    quantity = amount_field(default=0)
    entry_price = amount_field(default=0)
    leverage = models.DecimalField(max_digits=6, decimal_places=2)
    margin_mode = models.CharField(
        max_length=8, choices=MarginMode.choices, default=MarginMode.CROSS
    )
    isolated_margin = amount_field(default=0)
    realized_pnl = amount_field(default=0)
    fees_paid = amount_field(default=0)
    funding_paid = amount_field(default=0)
    borrow_interest_paid = amount_field(default=0)
    financing_paid = amount_field(default=0)
    premium_paid = amount_field(default=0)
    opened_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["instrument_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "instrument"], name="trading_position_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(leverage__gte=1), name="trading_position_leverage_min"
            ),
        ]

    def __str__(self):
        return f"{self.quantity} {self.instrument_id} @ {self.entry_price}"

    @property
    def side(self) -> str | None:
        if self.quantity > 0:
            return "long"
        if self.quantity < 0:
            return "short"
        return None


class Liquidation(models.Model):
    """An account closed out because its equity fell to its maintenance margin.

    Keeps what led to it and what it did, so the user can replay it: the prices,
    the margin level, the orders canceled, the closing orders and their fills.
    """

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="liquidations")
    equity = amount_field()
    maintenance_margin = amount_field()
    margin_level = models.DecimalField(max_digits=20, decimal_places=8)
    marks = models.JSONField(help_text="Mark price per instrument at the liquidation.")
    positions = models.JSONField(help_text="The positions before the liquidation.")
    canceled_orders = models.ManyToManyField(Order, related_name="+", blank=True)
    closing_orders = models.ManyToManyField(Order, related_name="liquidation", blank=True)
    fee = amount_field(default=0)
    insurance_covered = amount_field(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Liquidation #{self.pk} of account {self.account_id}"


class CarryBatch(models.Model):
    """A share of a carry round's positions, fixed when the round opened, posted once.

    A round charges one period's funding, borrow interest or financing on an
    instrument's open positions. It opens under the instrument's lock: the positions'
    quantities, the mark and the rate are written down in batches of a few thousand.
    Each batch then posts in a transaction of its own (``trading.tasks.
    carry_batch_post``), several at once on several workers while orders go on, and
    every position pays on what it held when the round opened. A round that opens
    again finds its batches; a batch posted again finds ``posted_at`` set.
    """

    instrument = models.ForeignKey(
        "market.Instrument", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    kind = models.CharField(max_length=32, choices=JournalEntry.Kind.choices)
    period = models.CharField(
        max_length=40, help_text="The period charged: a funding time, an hour or a day."
    )
    number = models.PositiveIntegerField(help_text="The batch's place in its round, from 0.")
    mark_price = models.DecimalField(max_digits=28, decimal_places=12)
    rate = models.DecimalField(max_digits=20, decimal_places=12)
    positions = models.JSONField(
        default=list,
        help_text="[position id, account id, quantity] of each position to charge; "
        "emptied once posted (the journal holds what each paid).",
    )
    charged = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    posted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["instrument", "kind", "period", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "kind", "period", "number"],
                name="trading_carrybatch_unique",
            ),
        ]
        indexes = [
            # The sweep's look for batches whose message was lost.
            models.Index(
                fields=["created_at"],
                condition=models.Q(posted_at__isnull=True),
                name="trading_carrybatch_open_idx",
            ),
        ]

    def __str__(self):
        kind = self.get_kind_display()
        return f"{kind} {self.period} on #{self.instrument_id}, batch {self.number}"


class InstrumentRiskState(models.Model):
    """The newest tick whose risk checks ran on an instrument, kept where a restart cannot lose it.

    The risk task locks this row and compares sequences before it acts, so a stale or
    repeated tick changes nothing whatever the cache remembers.
    """

    instrument = models.OneToOneField(
        "market.Instrument", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    last_sequence = models.BigIntegerField(default=0)
    checked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Risk of instrument #{self.instrument_id} at tick {self.last_sequence}"


class Notification(models.Model):
    """Something the platform tells a user about their account."""

    class Kind(models.TextChoices):
        MARGIN_WARNING = "margin_warning", "Margin warning"
        STOP_TRIGGERED = "stop_triggered", "Stop triggered"
        TAKE_PROFIT_TRIGGERED = "take_profit_triggered", "Take-profit triggered"
        ORDER_FILLED = "order_filled", "Order filled"
        LIQUIDATION = "liquidation", "Liquidation"
        FUNDING = "funding", "Funding"
        SETTLEMENT = "settlement", "Settlement"

    # Found through the (account, -created_at) index below, which starts with it.
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="notifications", db_index=False
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    title = models.CharField(max_length=200)
    message = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["account", "-created_at"], name="trading_notification_acct_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"


class EquitySnapshot(models.Model):
    """An account's equity at the start of a minute, an hour or a day, for its equity curve."""

    class Resolution(models.TextChoices):
        MINUTE = "minute", "Minute"
        HOUR = "hour", "Hour"
        DAY = "day", "Day"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="equity_snapshots")
    resolution = models.CharField(max_length=8, choices=Resolution.choices)
    taken_at = models.DateTimeField(help_text="The start of the period the snapshot stands for.")
    equity = amount_field()
    cash = amount_field()
    margin_used = amount_field(default=0)
    unrealized_pnl = amount_field(default=0)

    class Meta:
        ordering = ["account_id", "resolution", "taken_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "resolution", "taken_at"], name="trading_equity_snapshot_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["resolution", "taken_at"], name="trading_equity_snap_time_idx"),
        ]

    def __str__(self):
        return f"{self.equity} at {self.taken_at:%Y-%m-%d %H:%M} ({self.resolution})"
