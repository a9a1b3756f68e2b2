"""Bulk inserts with PostgreSQL COPY: tens of thousands of rows a second, no ORM per row.

Rows are dicts of column values by attribute name (`organisation_id`, not `organisation`).
Columns left out get the model field's default, so a field added later (with a default)
does not break the seeder. Primary keys are reserved up front from the table's sequence,
so related rows can point at them before anything is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.apps import apps
from django.db import connection, models
from django.utils import timezone
from psycopg.types.json import Jsonb


def model(name: str) -> type[models.Model]:
    """The model called `name`, whichever app holds it (models move between apps)."""
    found = [m for m in apps.get_models() if m.__name__ == name]
    if len(found) != 1:
        raise LookupError(f"expected one model named {name}, found {len(found)}")
    return found[0]


def reserve_ids(model_: type[models.Model], count: int) -> list[int]:
    """`count` fresh primary keys for `model_`, taken from its sequence in one statement."""
    if count == 0:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(seq, nextval(seq) + %s - 1)"
            " FROM (SELECT pg_get_serial_sequence(%s, 'id')::regclass AS seq) s",
            [count, model_._meta.db_table],
        )
        end = cursor.fetchone()[0]
    return list(range(end - count + 1, end + 1))


def _default(field: models.Field, now: dt.datetime):
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now if isinstance(field, models.DateTimeField) else now.date()
    if field.has_default():
        return field.get_default()
    if field.null:
        return None
    if isinstance(field, models.CharField | models.TextField):
        return ""
    raise ValueError(f"{field.model.__name__}.{field.name} needs a value")


def copy_rows(model_: type[models.Model], rows: Iterable[dict]) -> int:
    """COPY `rows` into `model_`'s table; returns how many were written."""
    rows = list(rows)
    pk = model_._meta.pk.attname
    if rows and pk not in rows[0]:
        for row, new_id in zip(rows, reserve_ids(model_, len(rows)), strict=True):
            row[pk] = new_id
    fields = list(model_._meta.concrete_fields)
    now = timezone.now()
    defaults = {}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"COPY {connection.ops.quote_name(model_._meta.db_table)} ({columns}) FROM STDIN"
    written = 0
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            values = []
            for f in fields:
                if f.attname in row:
                    value = row[f.attname]
                else:
                    if f.attname not in defaults:
                        defaults[f.attname] = _default(f, now)
                    value = defaults[f.attname]
                if isinstance(f, models.JSONField) and value is not None:
                    value = Jsonb(value)
                values.append(value)
            copy.write_row(values)
            written += 1
    return written
