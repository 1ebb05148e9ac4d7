"""Fewer indexes for every journal entry, line and notification written to update.

A carry round writes an entry and two lines per position; each index on those tables
is one more insertion per row. Dropped, with what still serves their queries:

- ``JournalLine.account``'s own index: the (account, asset, entry) index starts with
  the account, and serves an account's lines, its cash and the PROTECT check when an
  account is deleted.
- ``Notification.account``'s own index: (account, -created_at) starts with it.
- ``JournalEntry.idempotency_key``'s second, ``varchar_pattern_ops`` index, which
  ``unique=True`` adds for LIKE queries; none needs it. The key stays unique: the new
  constraint is added before the old one goes, so there is no moment without it.
- ``JournalEntry.created_by``'s index over every entry, replaced by one over the
  entries a person asked for: the rest (every carry charge, fill and fee) have none.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Each foreign key's own index, as Django named it: (index, table, column).
FOREIGN_KEY_INDEXES = (
    ("trading_journalentry_created_by_id_009caeaf", "trading_journalentry", "created_by_id"),
    ("trading_journalline_account_id_cbb0e60f", "trading_journalline", "account_id"),
    ("trading_notification_account_id_9aa1c252", "trading_notification", "account_id"),
)


class Migration(migrations.Migration):
    dependencies = [
        ("trading", "0011_journal_check_and_round_fillfactor"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="journalentry",
            constraint=models.UniqueConstraint(
                fields=("idempotency_key",), name="trading_journalentry_idempotency_key"
            ),
        ),
        migrations.AlterField(
            model_name="journalentry",
            name="idempotency_key",
            field=models.CharField(blank=True, max_length=128, null=True),
        ),
        migrations.AddIndex(
            model_name="journalentry",
            index=models.Index(
                condition=models.Q(("created_by__isnull", False)),
                fields=["created_by"],
                name="trading_journalentry_by_idx",
            ),
        ),
        # The foreign keys stay as they are: only their own indexes go (AlterField
        # would drop and validate each constraint again, reading the whole table).
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="journalentry",
                    name="created_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        help_text="The staff member or user who asked for this entry, if a person did.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="journalline",
                    name="account",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="lines",
                        to="trading.account",
                    ),
                ),
                migrations.AlterField(
                    model_name="notification",
                    name="account",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notifications",
                        to="trading.account",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {name}", f"CREATE INDEX {name} ON {table} ({column})"
                )
                for name, table, column in FOREIGN_KEY_INDEXES
            ],
        ),
    ]
