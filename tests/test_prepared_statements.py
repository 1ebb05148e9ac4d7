"""PostgreSQL binds parameters on the server and plans a repeated statement once."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

# The comment makes the statement this test's own: the connection outlives a test, and
# an earlier test's statements may be prepared on it already.
STATEMENT = "SELECT id FROM trading_account WHERE id = %s /* prepared statement test */"


def _prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%prepared statement test */"],
        )
        return [row[0] for row in cursor.fetchall()]


def _run(pk: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(STATEMENT, [pk])


def test_a_statement_run_five_times_is_prepared_once_with_its_parameters_apart():
    for pk in range(1, 5):
        _run(pk)
    assert _prepared() == []

    _run(99)
    _run(100)

    (statement,) = _prepared()
    assert "$1" in statement
    assert "99" not in statement and "100" not in statement
