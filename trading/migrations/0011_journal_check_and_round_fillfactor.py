"""Cheaper writes for the carry rounds: the balance check and the rows they update.

- Journal lines are checked for balance among the statement's own lines. 0010's
  trigger summed every line of each entry the statement touched, an index lookup per
  entry: a carry round's statement of 10,000 entries spent 60 to 200 ms there. The
  lines already in the table balance per entry and asset, since every statement that
  wrote them was checked as it ended and lines are append-only (0002); so an entry
  and asset balance after the statement exactly when the statement's own lines for
  them do, and the transition table alone decides.
- Positions and cached balances keep half of each page free (fillfactor 50). A round
  updates every position in an instrument and the balance of every account holding
  one; with room on the page each new row version is a heap-only tuple, written
  without a new entry in each of the table's indexes (none of the columns a round or
  a fill updates is indexed). The tables are small, one row per account and
  instrument or asset, so twice the pages costs little. Rows written before this
  migration move to roomier pages as they are updated.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION trading_journal_entries_balanced() RETURNS trigger AS $$
DECLARE
    unbalanced record;
BEGIN
    SELECT new_lines.entry_id, new_lines.asset, SUM(new_lines.amount) AS total INTO unbalanced
    FROM new_lines
    GROUP BY new_lines.entry_id, new_lines.asset
    HAVING SUM(new_lines.amount) <> 0
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'journal entry % does not balance: % %',
            unbalanced.entry_id, unbalanced.total, unbalanced.asset
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

BACKWARD = """
CREATE OR REPLACE FUNCTION trading_journal_entries_balanced() RETURNS trigger AS $$
DECLARE
    unbalanced record;
BEGIN
    SELECT line.entry_id, line.asset, SUM(line.amount) AS total INTO unbalanced
    FROM trading_journalline line
    WHERE line.entry_id IN (SELECT DISTINCT entry_id FROM new_lines)
    GROUP BY line.entry_id, line.asset
    HAVING SUM(line.amount) <> 0
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'journal entry % does not balance: % %',
            unbalanced.entry_id, unbalanced.total, unbalanced.asset
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


ROOMY_TABLES = ("trading_position", "trading_balance")
ROOMY_FILLFACTOR = 50


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)
        for table in ROOMY_TABLES:
            schema_editor.execute(
                f"ALTER TABLE {table} SET (fillfactor = {ROOMY_FILLFACTOR})", params=None
            )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)
        for table in ROOMY_TABLES:
            schema_editor.execute(f"ALTER TABLE {table} RESET (fillfactor)", params=None)


class Migration(migrations.Migration):
    dependencies = [("trading", "0010_journal_balance_per_statement")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
