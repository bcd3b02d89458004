"""Writing generated rows into a table: ``COPY`` on PostgreSQL, ``executemany`` elsewhere."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from typing import Any

from django.db import connection

BATCH = 5000


def rows_write(
    table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Write *rows* (tuples in *columns* order) into *table*; return how many.

    On PostgreSQL one ``COPY … FROM STDIN`` through psycopg 3's ``write_row``
    (formatted in C by psycopg's binary build); elsewhere ``executemany`` in
    batches of :data:`BATCH`. Table and column names come from the models, never
    from input.
    """
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor
        if connection.vendor == "postgresql" and hasattr(raw, "copy"):
            with raw.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        sql = (
            f"INSERT INTO {quote(table)} ({names}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(columns))})"
        )
        batch: list[Sequence[Any]] = []
        for row in rows:
            batch.append([_adapt(value) for value in row])
            if len(batch) == BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def _adapt(value: Any) -> Any:
    """A value as Django would hand it to a database without COPY (SQLite)."""
    if isinstance(value, uuid.UUID):
        return value.hex  # Django's UUIDField without a native type: 32 hex digits
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, time):
        return connection.ops.adapt_timefield_value(value)
    if isinstance(value, date):
        return connection.ops.adapt_datefield_value(value)
    return value


def next_id(table: str) -> int:
    """The first free id of *table* (ids are assigned by the generator)."""
    with connection.cursor() as cursor:
        quoted = connection.ops.quote_name(table)
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {quoted}")  # noqa: S608
        return int(cursor.fetchone()[0])


def sequence_reset(table: str) -> None:
    """After rows with explicit ids: the id sequence goes past them (PostgreSQL).

    SQLite's rowids follow the largest id by themselves.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        quoted = connection.ops.quote_name(table)
        sql = (
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), "  # noqa: S608
            f"COALESCE((SELECT MAX(id) FROM {quoted}), 0) + 1, false)"
        )
        cursor.execute(sql, [table])
