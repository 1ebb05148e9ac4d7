"""Plain SQL for the order path's fixed-shape writes, with the ORM's own values.

Placing an order runs the same few statements every time; building them through
querysets costs more CPU than PostgreSQL spends running them. These functions build
the statements once per process from the models' metadata and convert values with
each field's own converters and preparers, so they read and write exactly what the
ORM would. They bypass ``Model.save()`` and its signals: use them only for models
with neither (``Order``, ``Fill``, ``Position``, and the ledger's ``JournalEntry``,
``JournalLine`` and ``Balance``), and keep it so. A schema change
needs a restart of the processes, as every deploy does. The plain reads
(``JoinedSelect``) are ``config.rows``'s.
"""

from django.db import DatabaseError, transaction

# The UPDATE statements of ``fields_update``, by model, fields and database vendor.
_UPDATE_SQL: dict[tuple, tuple] = {}


def fields_update(instance, names: tuple[str, ...]) -> None:
    """Write the instance's fields as ``save(update_fields=names)`` does, in a plain UPDATE.

    Each fill writes its order and position this way, and each journal entry its
    balances: the values are prepared by their fields as the ORM prepares them (an
    ``auto_now`` field takes the time), without the cost of building the update query.
    """
    sql, params = update_step(instance, names)
    with transaction.get_connection().cursor() as cursor:
        cursor.execute(sql, params)
        if cursor.rowcount != 1:
            raise DatabaseError("Save with update_fields did not affect any rows.")


def update_step(instance, names: tuple[str, ...]) -> tuple[str, list]:
    """``fields_update``'s UPDATE and its parameters, to run alone or in a larger statement."""
    connection = transaction.get_connection()
    model = type(instance)
    key = (model, names, connection.vendor)
    shape = _UPDATE_SQL.get(key)
    if shape is None:
        fields = [model._meta.get_field(name) for name in names]
        quote = connection.ops.quote_name
        assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
        sql = (
            f"UPDATE {quote(model._meta.db_table)} SET {assignments} "  # noqa: S608 - the model's own columns
            f"WHERE {quote(model._meta.pk.column)} = %s"
        )
        shape = _UPDATE_SQL[key] = (sql, fields)
    sql, fields = shape
    params = [f.get_db_prep_save(f.pre_save(instance, False), connection) for f in fields]
    return sql, [*params, instance.pk]


# The INSERT statements of ``insert`` and their fields, by model and database vendor.
_INSERT_SQL: dict[tuple, tuple] = {}


def insert(instance, *, skip_conflict_on: tuple[str, ...] | None = None) -> bool:
    """Insert a new instance as ``save(force_insert=True)`` does, in a plain INSERT.

    Every order inserts its row, its fills' and its journal entry this way: the values
    are prepared by their fields as the ORM prepares them (``auto_now`` and
    ``auto_now_add`` fields take the time), without the cost of building the insert
    query.

    ``skip_conflict_on`` names the columns of a unique constraint: a row that would
    break it is not inserted (``ON CONFLICT DO NOTHING``, no savepoint needed), and
    False is returned. Otherwise True, with the new primary key on the instance.
    """
    connection = transaction.get_connection()
    model = type(instance)
    key = (model, connection.vendor, skip_conflict_on)
    shape = _INSERT_SQL.get(key)
    if shape is None:
        head, fields = _insert_shape(model, connection)
        sql = head + f"({', '.join(['%s'] * len(fields))})"
        quote = connection.ops.quote_name
        if skip_conflict_on:
            sql += f" ON CONFLICT ({', '.join(map(quote, skip_conflict_on))}) DO NOTHING"
        returning = connection.features.can_return_columns_from_insert
        if returning:
            sql += f" RETURNING {quote(model._meta.pk.column)}"
        shape = _INSERT_SQL[key] = (sql, fields, returning)
    sql, fields, returning = shape
    params = [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if returning:
            row = cursor.fetchone()
            if row is None:
                return False
            instance.pk = row[0]
        elif cursor.rowcount == 0:
            return False
        else:
            instance.pk = cursor.lastrowid
    instance._state.adding = False
    instance._state.db = connection.alias
    return True


# The INSERT heads of ``insert_then``, by model.
_INSERT_THEN_SQL: dict = {}


def insert_then(
    instance, then: str, params: list, *, step_rows: dict[str, int] | None = None
) -> None:
    """Insert a new instance as ``insert`` does, and run ``then`` in the same statement.

    PostgreSQL only. ``then`` continues a WITH clause after the insert, which is named
    ``new``: data-modifying steps such as ``, lines AS (INSERT ... SELECT new.id ...)``
    that read the new row's primary key as ``new.id``; ``params`` are theirs. One
    round trip and one statement for what would take several.

    ``step_rows`` names steps (ending ``RETURNING 1``) and how many rows each must write:
    another count raises ``DatabaseError``, which rolls the transaction back, as
    ``fields_update`` does when its row is gone.
    """
    connection = transaction.get_connection()
    model = type(instance)
    shape = _INSERT_THEN_SQL.get(model)
    if shape is None:
        head, fields = _insert_shape(model, connection)
        pk = connection.ops.quote_name(model._meta.pk.column)
        insert = f"{head}({', '.join(['%s'] * len(fields))}) RETURNING {pk}"
        shape = _INSERT_THEN_SQL[model] = (insert, pk, fields)
    insert, pk, fields = shape
    values = [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]
    step_rows = step_rows or {}
    counts = "".join(f", (SELECT count(*) FROM {step})" for step in step_rows)  # noqa: S608
    with connection.cursor() as cursor:
        sql = f"WITH new AS ({insert}){then} SELECT {pk}{counts} FROM new"  # noqa: S608 - the caller's constant SQL
        cursor.execute(sql, [*values, *params])
        instance.pk, *written = cursor.fetchone()
    if written != list(step_rows.values()):
        raise DatabaseError(f"The steps wrote {written} rows, not {list(step_rows.values())}.")
    instance._state.adding = False
    instance._state.db = connection.alias


def _insert_shape(model, connection) -> tuple[str, list]:
    """The INSERT's head and the fields of its values, without the primary key."""
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    head = (
        f"INSERT INTO {quote(meta.db_table)} "  # noqa: S608 - the model's own columns
        f"({', '.join(quote(f.column) for f in fields)}) VALUES "
    )
    return head, fields


# The multi-row INSERT statements of ``insert_many``, by model, vendor and row count.
_INSERT_MANY_SQL: dict[tuple, tuple] = {}


def insert_many(instances: list) -> None:
    """Insert new instances of one model as ``bulk_create`` does, in one plain INSERT.

    Each journal entry writes its lines this way, all in one statement: PostgreSQL
    checks at the end of each statement that the entries it wrote balance. The new
    rows' primary keys are not read back: the instances keep none.
    """
    if not instances:
        return
    connection = transaction.get_connection()
    model = type(instances[0])
    key = (model, connection.vendor, len(instances))
    shape = _INSERT_MANY_SQL.get(key)
    if shape is None:
        head, fields = _insert_shape(model, connection)
        row = f"({', '.join(['%s'] * len(fields))})"
        shape = _INSERT_MANY_SQL[key] = (head + ", ".join([row] * len(instances)), fields)
    sql, fields = shape
    params = [
        f.get_db_prep_save(f.pre_save(instance, True), connection)
        for instance in instances
        for f in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
