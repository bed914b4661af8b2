"""Inserting many rows of a model fast, for the bulk paths (an import of hundreds of thousands of documents).

``QuerySet.bulk_create`` prepares every value of every row through the generic compiler machinery
(``pre_save``, ``get_db_prep_save``, ``field_as_sql`` per value): measured on a batch of 1 000 documents
it spent about ten times longer preparing the statement than the database spent running it.
``insert_rows`` decides once per FIELD how its values are adapted (dates and datetimes through the
backend's adapters, JSON through the field, choices and lazy text as plain strings, everything else as it
is) and sends them with ``insert_values``: one ``INSERT … SELECT FROM unnest(…) RETURNING id`` per batch on
PostgreSQL, multi-row ``VALUES`` on SQLite. Same
rows as ``bulk_create``: ``auto_now``/``auto_now_add`` fields are filled, primary keys are set on the
objects. No signals, no ``save()`` (like ``bulk_create``). Works on PostgreSQL and SQLite 3.35+.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from django.db import connection, models
from django.utils import timezone

# SQLite allows 32 766 parameters per statement (since 3.32), PostgreSQL 65 535.
MAX_PARAMS = 32_000


def _adapter(field: models.Field) -> Callable:
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    if isinstance(field, models.JSONField):
        return lambda value: field.get_db_prep_save(value, connection)
    if isinstance(field, models.CharField | models.TextField):
        return lambda value: value if value is None or type(value) is str else str(value)
    return lambda value: value


def insert_values(table: str, columns: Sequence[tuple[str, str]], rows: Sequence[Sequence], *, suffix: str = "",
                  returning: str = "", batch_size: int = 1000) -> list[tuple]:
    """Insert ``rows`` (tuples of adapted values, in the order of ``columns``: (column, database type)) into
    ``table``; returns the ``RETURNING`` rows when ``returning`` names columns. ``suffix`` goes after the
    values (e.g. "ON CONFLICT DO NOTHING").

    PostgreSQL: one ``INSERT … SELECT … FROM unnest(%s::type[], …)`` per batch, one array parameter per
    column (psycopg's client-side binding parses every placeholder of the statement: a multi-row VALUES of
    7 000 placeholders spent more time there than the database spent inserting). SQLite: multi-row
    ``VALUES`` within its parameter limit."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c, _t in columns)
    tail = (f" {suffix}" if suffix else "") + (f" RETURNING {returning}" if returning else "")
    result: list[tuple] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{'text' if t == 'jsonb' else t}[]" for _c, t in columns)
            picks = ", ".join(f"x.c{i}::jsonb" if t == "jsonb" else f"x.c{i}" for i, (_c, t) in enumerate(columns))
            aliases = ", ".join(f"c{i}" for i in range(len(columns)))
            sql = f"INSERT INTO {quote(table)} ({names}) SELECT {picks} FROM unnest({arrays}) AS x({aliases}){tail}"
            for start in range(0, len(rows), batch_size):
                chunk = rows[start:start + batch_size]
                cursor.execute(sql, [list(col) for col in zip(*chunk, strict=True)])
                if returning:
                    result += cursor.fetchall()
            return result
        row_marks = "(" + ", ".join(["%s"] * len(columns)) + ")"
        per_statement = max(1, min(batch_size, MAX_PARAMS // len(columns)))
        for start in range(0, len(rows), per_statement):
            chunk = rows[start:start + per_statement]
            cursor.execute(f"INSERT INTO {quote(table)} ({names}) VALUES {', '.join([row_marks] * len(chunk))}{tail}",
                           [v for row in chunk for v in row])
            if returning:
                result += cursor.fetchall()
    return result


def _json_text(field: models.JSONField) -> Callable:
    """JSON values as text: the array parameter on PostgreSQL is text[], cast to jsonb in the statement."""
    def adapt(value):
        prepared = field.get_db_prep_save(value, connection)
        if connection.vendor != "postgresql":
            return prepared
        return None if value is None else json.dumps(value, cls=field.encoder)
    return adapt


def insert_rows(model: type[models.Model], objs: Sequence[models.Model], *, batch_size: int = 1000) -> None:
    """Insert ``objs`` (unsaved instances of ``model``); an auto primary key is set on each object, any
    other primary key (a one-to-one parent, say) is inserted as given."""
    if not objs:
        return
    meta = model._meta
    pk = meta.pk
    auto = isinstance(pk, models.AutoField | models.BigAutoField)
    fields = [f for f in meta.concrete_fields if not (auto and f is pk) and not getattr(f, "generated", False)]
    now = timezone.now()
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            for obj in objs:
                setattr(obj, f.attname, now)
    adapters = [(f.attname, _json_text(f) if isinstance(f, models.JSONField) else _adapter(f)) for f in fields]
    columns = [(f.column, _array_type(f)) for f in fields]
    rows = [tuple(adapt(getattr(obj, attname)) for attname, adapt in adapters) for obj in objs]
    returning = connection.ops.quote_name(pk.column) if auto else ""
    returned = insert_values(meta.db_table, columns, rows, returning=returning, batch_size=batch_size)
    if auto:
        # The rows come back in the order given (Django's bulk_create relies on it too).
        for obj, (new_id,) in zip(objs, returned, strict=True):
            obj.pk = new_id
            obj._state.adding = False
            obj._state.db = connection.alias


def _array_type(field: models.Field) -> str:
    """The element type of the column's array parameter on PostgreSQL ("varchar(80)", "date", "jsonb"…)."""
    if isinstance(field, models.ForeignKey):
        field = field.target_field
    db_type = field.rel_db_type(connection) if field.primary_key else field.db_type(connection)
    db_type = (db_type or "text").split(" CHECK")[0].split(" check")[0]
    return {"serial": "integer", "bigserial": "bigint", "smallserial": "smallint"}.get(db_type, db_type)
