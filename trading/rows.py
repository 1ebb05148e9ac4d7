"""Plain SQL for the order path's fixed-shape statements, with the ORM's own values.

Placing an order runs the same few statements every time; building them through
querysets costs more CPU than PostgreSQL spends running them. These functions build
the statements once per process from the models' metadata and convert values with
each field's own converters and preparers, so they read and write exactly what the
ORM would. They bypass ``Model.save()`` and its signals: use them only for models
with neither (``Order``, ``Fill``, ``Position``), and keep it so. A schema change
needs a restart of the processes, as every deploy does.
"""

from django.db import DatabaseError, connection, transaction


def joined_columns(tables) -> tuple[str, list[list]]:
    """The select list of the tables' concrete columns, and each table's columns.

    ``tables`` pairs each table's alias in a statement with its model. Each table's
    columns are ``(column, converters)``, the converters the ORM applies to the values
    the database returns (``SQLCompiler.get_converters``), so that a plain statement
    builds the same instances as a queryset would.
    """
    quote = connection.ops.quote_name
    names, columns = [], []
    for alias, model in tables:
        model_columns = []
        for model_field in model._meta.concrete_fields:
            column = model_field.get_col(alias)
            converters = [
                *connection.ops.get_db_converters(column),
                *column.get_db_converters(connection),
            ]
            model_columns.append((column, converters))
            names.append(f"{alias}.{quote(model_field.column)}")
        columns.append(model_columns)
    return ", ".join(names), columns


def joined_models(row, models, columns: list[list]) -> list:
    """Build one instance per model from a row of ``joined_columns``' select list."""
    instances, start = [], 0
    for model, model_columns in zip(models, columns, strict=True):
        values = []
        for (column, converters), value in zip(
            model_columns, row[start : start + len(model_columns)], strict=True
        ):
            for converter in converters:
                value = converter(value, column, connection)
            values.append(value)
        start += len(model_columns)
        instances.append(model.from_db(connection.alias, None, values))
    return instances


class JoinedSelect:
    """A plain SELECT of whole model rows joined side by side, built once per database.

    ``tables`` pairs each table's alias in ``body`` (the statement from its FROM on)
    with its model; ``lock`` names the alias to lock (``FOR UPDATE OF``) where the
    database can. ``fetch`` returns one list of instances, in the tables' order, a row.
    """

    def __init__(self, tables, body: str, *, lock: str | None = None) -> None:
        self.tables = tuple(tables)
        self.models = tuple(model for _, model in self.tables)
        self.body = body
        self.lock = lock
        self._built: dict[str, tuple] = {}

    def fetch(self, params) -> list[list]:
        connection = transaction.get_connection()
        built = self._built.get(connection.vendor)
        if built is None:
            select, columns = joined_columns(self.tables)
            sql = f"SELECT {select} {self.body}"
            if self.lock and connection.features.has_select_for_update:
                sql += f" FOR UPDATE OF {self.lock}"
            built = self._built[connection.vendor] = (sql, columns)
        sql, columns = built
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        return [joined_models(row, self.models, columns) for row in fetched]


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


def insert(instance) -> None:
    """Insert a new instance as ``save(force_insert=True)`` does, in a plain INSERT.

    Every order inserts its row and its fills' this way: the values are prepared by
    their fields as the ORM prepares them (``auto_now`` and ``auto_now_add`` fields
    take the time), without the cost of building the insert query. Neither model has
    save signals or a ``save()`` of its own.
    """
    connection = transaction.get_connection()
    model = type(instance)
    key = (model, connection.vendor)
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
        returning = connection.features.can_return_columns_from_insert
        if returning:
            sql += f" RETURNING {quote(meta.pk.column)}"
        shape = _INSERT_SQL[key] = (sql, fields, returning)
    sql, fields, returning = shape
    params = [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        instance.pk = cursor.fetchone()[0] if returning else cursor.lastrowid
    instance._state.adding = False
    instance._state.db = connection.alias
