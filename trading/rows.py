"""Plain SQL for the order path's fixed-shape writes, with the ORM's own values.

Placing an order runs the same few statements every time; building them through
querysets costs more CPU than PostgreSQL spends running them. These functions build
the statements once per process from the models' metadata and convert values with
each field's own converters and preparers, so they read and write exactly what the
ORM would. They bypass ``Model.save()`` and its signals: use them only for models
with neither (``Order``, ``Fill``, ``Position``), and keep it so. A schema change
needs a restart of the processes, as every deploy does. The plain reads
(``JoinedSelect``) are ``config.rows``'s.
"""

from django.db import DatabaseError, transaction

# The UPDATE statements of ``fields_update``, by model, fields and database vendor.
_UPDATE_SQL: dict[tuple, tuple] = {}


def fields_update(instance, names: tuple[str, ...]) -> None:
    """Write the instance's fields as ``save(update_fields=names)`` does, in a plain UPDATE.

    Each fill writes its order and position this way: the values are prepared by their
    fields as the ORM prepares them (an ``auto_now`` field takes the time), without the
    cost of building the update query. Neither model has save signals or a ``save()``
    of its own.
    """
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
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, instance.pk])
        if cursor.rowcount != 1:
            raise DatabaseError("Save with update_fields did not affect any rows.")


# The INSERT statements of ``insert`` and their fields, by model and database vendor.
_INSERT_SQL: dict[tuple, tuple] = {}


def insert(instance, *, skip_conflict_on: tuple[str, ...] | None = None) -> bool:
    """Insert a new instance as ``save(force_insert=True)`` does, in a plain INSERT.

    Every order inserts its row and its fills' this way: the values are prepared by
    their fields as the ORM prepares them (``auto_now`` and ``auto_now_add`` fields
    take the time), without the cost of building the insert query. Neither model has
    save signals or a ``save()`` of its own.

    ``skip_conflict_on`` names the columns of a unique constraint: a row that would
    break it is not inserted (``ON CONFLICT DO NOTHING``, no savepoint needed), and
    False is returned. Otherwise True, with the new primary key on the instance.
    """
    connection = transaction.get_connection()
    model = type(instance)
    key = (model, connection.vendor, skip_conflict_on)
    shape = _INSERT_SQL.get(key)
    if shape is None:
        meta = model._meta
        fields = [f for f in meta.concrete_fields if not f.primary_key]
        quote = connection.ops.quote_name
        sql = (
            f"INSERT INTO {quote(meta.db_table)} "  # noqa: S608 - the model's own columns
            f"({', '.join(quote(f.column) for f in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(fields))})"
        )
        if skip_conflict_on:
            sql += f" ON CONFLICT ({', '.join(map(quote, skip_conflict_on))}) DO NOTHING"
        returning = connection.features.can_return_columns_from_insert
        if returning:
            sql += f" RETURNING {quote(meta.pk.column)}"
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
