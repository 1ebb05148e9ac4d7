"""Plain SELECTs of whole model rows, built once per process from the models' metadata.

A queryset compiles its SQL on every call, which for a fixed-shape read on a hot path
costs more CPU than the database spends running it. These build the statement once and
convert each value with its field's own converters, so they return exactly the
instances a queryset would (``Model.from_db``). Reads only: ``trading.rows`` has the
order path's plain writes. A schema change needs a restart of the processes, as every
deploy does.
"""

from django.db import connection, transaction


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
    database can. ``related`` names the foreign keys the statement joins, as
    (alias, field, alias of the row it points to): each row's instance gets the other
    as ``select_related`` would give it. ``fetch`` returns one list of instances, in
    the tables' order, a row.
    """

    def __init__(self, tables, body: str, *, lock: str | None = None, related=()) -> None:
        self.tables = tuple(tables)
        self.models = tuple(model for _, model in self.tables)
        self.body = body
        self.lock = lock
        aliases = [alias for alias, _ in self.tables]
        self.related = tuple(
            (aliases.index(source), self.models[aliases.index(source)]._meta.get_field(name),
             aliases.index(target))
            for source, name, target in related
        )  # fmt: skip
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
        rows = _fetch_models(connection, sql, params, self.models, columns)
        for instances in rows:
            for source, field, target in self.related:
                field.set_cached_value(instances[source], instances[target])
        return rows


# The select list and columns of ``model_rows``, by model, alias and database vendor.
_MODEL_COLUMNS: dict[tuple, tuple] = {}


def model_rows(model, alias: str, body: str, params) -> list:
    """Whole rows of ``model`` as instances, from a plain statement of any conditions.

    ``body`` is the statement from its FROM on, the model's table aliased ``alias``.
    What ``Model.objects.raw("SELECT * " + body)`` returns, without the raw
    queryset's work of matching the columns to fields and finding their converters on
    every call: the select list and converters are built once.
    """
    connection = transaction.get_connection()
    key = (model, alias, connection.vendor)
    built = _MODEL_COLUMNS.get(key)
    if built is None:
        built = _MODEL_COLUMNS[key] = joined_columns(((alias, model),))
    select, columns = built
    return [
        row[0]
        for row in _fetch_models(connection, f"SELECT {select} {body}", params, (model,), columns)
    ]


def _fetch_models(connection, sql: str, params, models, columns) -> list[list]:
    """Run a statement of ``joined_columns``' select list: one list of instances a row."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    return [joined_models(row, models, columns) for row in fetched]


_FIELD_CONVERTERS: dict[tuple, tuple] = {}


def field_value(model, name: str, value):
    """``value``, read from the database in a plain statement, as the ORM reads the field.

    PostgreSQL hands back a ``numeric`` as a Decimal already; SQLite (the embedded
    default) a float, which the ORM rounds to the field's decimal places.
    """
    key = (model, name, connection.vendor)
    found = _FIELD_CONVERTERS.get(key)
    if found is None:
        column = model._meta.get_field(name).get_col(model._meta.db_table)
        converters = [
            *connection.ops.get_db_converters(column),
            *column.get_db_converters(connection),
        ]
        found = _FIELD_CONVERTERS[key] = (column, converters)
    column, converters = found
    for converter in converters:
        value = converter(value, column, connection)
    return value
