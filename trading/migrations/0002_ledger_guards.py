"""Let PostgreSQL itself refuse a journal that does not balance or is rewritten.

A deferred constraint trigger checks, at commit, that each touched entry's lines sum
to zero per asset; a row trigger makes journal lines append-only. SQLite (the
embedded quick-start default) relies on the services and ``check_ledger`` alone.
"""

from django.db import migrations

FORWARD = """
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

CREATE FUNCTION trading_journal_line_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'journal lines are append-only; post a correcting entry instead'
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER trading_journal_line_append_only
    BEFORE UPDATE OR DELETE ON trading_journalline
    FOR EACH ROW EXECUTE FUNCTION trading_journal_line_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS trading_journal_line_append_only ON trading_journalline;
DROP FUNCTION IF EXISTS trading_journal_line_append_only();
DROP TRIGGER IF EXISTS trading_journal_entry_balanced ON trading_journalline;
DROP FUNCTION IF EXISTS trading_journal_entry_balanced();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("trading", "0001_initial")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
