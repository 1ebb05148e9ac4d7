"""Check that journal entries balance once per statement, not once per line at commit.

The deferred row trigger of 0002 ran one query per journal line at commit: a funding
round over 100,000 positions writes 200,000 lines and spent seconds there. Every
writer (``ledger.journal_post`` and the carry rounds) inserts all the lines of an
entry in one statement, so a statement-level trigger sees whole entries: it checks
the entries the statement touched, all at once, as the statement ends. An entry
written across two statements would be refused at the first; none is.
"""

from django.db import migrations

FORWARD = """
DROP TRIGGER IF EXISTS trading_journal_entry_balanced ON trading_journalline;
DROP FUNCTION IF EXISTS trading_journal_entry_balanced();

CREATE FUNCTION trading_journal_entries_balanced() RETURNS trigger AS $$
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

CREATE TRIGGER trading_journal_entry_balanced
    AFTER INSERT ON trading_journalline
    REFERENCING NEW TABLE AS new_lines
    FOR EACH STATEMENT EXECUTE FUNCTION trading_journal_entries_balanced();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS trading_journal_entry_balanced ON trading_journalline;
DROP FUNCTION IF EXISTS trading_journal_entries_balanced();

CREATE FUNCTION trading_journal_entry_balanced() RETURNS trigger AS $$
DECLARE
    unbalanced record;
BEGIN
    SELECT asset, SUM(amount) AS total INTO unbalanced
    FROM trading_journalline
    WHERE entry_id = NEW.entry_id
    GROUP BY asset
    HAVING SUM(amount) <> 0
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'journal entry % does not balance: % %',
            NEW.entry_id, unbalanced.total, unbalanced.asset
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER trading_journal_entry_balanced
    AFTER INSERT ON trading_journalline
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION trading_journal_entry_balanced();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("trading", "0009_order_resting_index")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
