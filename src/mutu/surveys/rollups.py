"""Keeping daily rollups equal to the counted responses.

:func:`rollup_add` runs inside the transaction that stores (or re-includes) a
response, :func:`rollup_subtract` inside the one that excludes it, so a rollup never
disagrees with its responses; :func:`rollups_rebuild` recomputes them all from the
responses and reports any difference (there must be none).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, Q

from mutu.surveys.models import (
    ELEMENT_FIELDS,
    ROLLUP_COUNT_FIELDS,
    DailyRollup,
    Response,
)

KEY_FIELDS = ("unit_id", "service_id", "day", "channel")
COUNT_FIELDS = ("responses", *ROLLUP_COUNT_FIELDS)
"""The numbers of a rollup row, in the order of a counts list."""

RollupKey = tuple[int, int, date, str]
"""``(unit_id, service_id, day, channel)``: what one rollup row counts."""


def rollup_counts_add(
    counts: list[int], answers: Sequence[int | None], sign: int = 1
) -> None:
    """Count one response with *answers* (U1…U9, None or 1–4) into *counts*.

    *counts* is laid out as :data:`COUNT_FIELDS`: the number of responses, then
    for each element the number of answers 1, 2, 3 and 4. The one rule of what a
    response adds to its rollup, for one response and for a bulk alike.
    """
    counts[0] += sign
    for position, value in enumerate(answers):
        if value is not None:
            counts[4 * position + value] += sign


def rollup_counts_new() -> list[int]:
    return [0] * len(COUNT_FIELDS)


def _answers(response: Response) -> list[int | None]:
    return [getattr(response, field) for field in ELEMENT_FIELDS]


def _key(response: Response) -> RollupKey:
    return (response.unit_id, response.service_id, response.day, response.channel)


def rollups_upsert(counts_by_key: Mapping[RollupKey, Sequence[int]]) -> None:
    """Add counts to their rollup rows, creating the rows that do not exist yet.

    One ``INSERT … ON CONFLICT … DO UPDATE`` per row (PostgreSQL and SQLite
    ≥ 3.24; run as one batch for many rows): it creates the row or increments it
    atomically, so two writers never race. Call inside the writing transaction.
    """
    if not counts_by_key:
        return
    quote = connection.ops.quote_name
    table = quote(DailyRollup._meta.db_table)
    columns = [*KEY_FIELDS, *COUNT_FIELDS]
    increments = ", ".join(
        f"{quote(n)} = {table}.{quote(n)} + EXCLUDED.{quote(n)}" for n in COUNT_FIELDS
    )
    # Only model column names are interpolated; every value is a parameter.
    sql = (
        f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT (unit_id, service_id, day, channel) DO UPDATE SET {increments}"
    )
    # In key order, so two bulks touching the same rows lock them in the same
    # order and cannot deadlock each other.
    rows: list[Sequence[Any]] = [
        (*key, *counts) for key, counts in sorted(counts_by_key.items())
    ]
    with connection.cursor() as cursor:
        if len(rows) == 1:
            cursor.execute(sql, rows[0])
        else:
            cursor.executemany(sql, rows)


def rollup_add(response: Response) -> None:
    """Count *response* into its day's rollup (call inside the writing transaction)."""
    counts = rollup_counts_new()
    rollup_counts_add(counts, _answers(response))
    rollups_upsert({_key(response): counts})


def rollup_subtract(response: Response) -> None:
    """Take *response* out of its day's rollup (when it is excluded).

    The row exists: the response was counted into it when it was stored.
    """
    counts = rollup_counts_new()
    rollup_counts_add(counts, _answers(response), sign=-1)
    key = dict(zip(KEY_FIELDS, _key(response), strict=True))
    DailyRollup.objects.filter(**key).update(
        **{
            name: F(name) + delta
            for name, delta in zip(COUNT_FIELDS, counts, strict=True)
            if delta
        }
    )


@dataclass(frozen=True)
class RebuildReport:
    rows: int
    differences: list[str]

    @property
    def ok(self) -> bool:
        return not self.differences


def _expected_rollups() -> dict[tuple, dict[str, int]]:
    aggregates = {"responses": Count("id")}
    for name in ROLLUP_COUNT_FIELDS:
        field, value = name.rsplit("_", 1)
        aggregates[name] = Count("id", filter=Q(**{field: int(value)}))
    rows = (
        Response.objects.filter(is_excluded=False)
        .values(*KEY_FIELDS)
        .annotate(**aggregates)
        .order_by()
    )
    return {tuple(row[k] for k in KEY_FIELDS): row for row in rows}


def _stored_rollups() -> dict[tuple, dict[str, int]]:
    rows = DailyRollup.objects.values(*KEY_FIELDS, "responses", *ROLLUP_COUNT_FIELDS)
    return {tuple(row[k] for k in KEY_FIELDS): row for row in rows if row["responses"]}


def rollups_rebuild(*, check_only: bool = False) -> RebuildReport:
    """Recompute every rollup from the counted responses.

    With *check_only* nothing is written; the report lists each rollup that differs
    from what the responses say. Otherwise the rollups are replaced in one
    transaction and the report still lists what was wrong before.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Hold off writers for the rebuild: a response committed between the
            # read below and the delete would otherwise drop out of the rollups.
            with connection.cursor() as cursor:
                cursor.execute("LOCK TABLE surveys_response IN SHARE MODE")
        expected = _expected_rollups()
        stored = _stored_rollups()
        numbers = COUNT_FIELDS
        differences = []
        for key in sorted(set(expected) | set(stored), key=str):
            want, have = expected.get(key), stored.get(key)
            if want is None or have is None or any(want[n] != have[n] for n in numbers):
                differences.append(
                    f"unit={key[0]} service={key[1]} day={key[2]} channel={key[3]}: "
                    f"stored {have['responses'] if have else 0}, "
                    f"responses {want['responses'] if want else 0}"
                )
        if not check_only:
            DailyRollup.objects.all().delete()
            DailyRollup.objects.bulk_create(
                DailyRollup(**{k: row[k] for k in (*KEY_FIELDS, *numbers)})
                for row in expected.values()
            )
    return RebuildReport(rows=len(expected), differences=differences)


def rollups_group_sql(source: str, *, where: str = "") -> str:
    """``SELECT`` of the rollup rows of the responses in *source*, grouped in SQL.

    The same rule as :func:`rollup_counts_add`, as one ``GROUP BY unit, service,
    day, channel`` with a ``SUM(CASE …)`` per element and value; its columns are
    :data:`KEY_FIELDS` then :data:`COUNT_FIELDS`. *source* is a table (or a
    sub-query) with the response columns; *where* an optional condition (e.g.
    ``is_excluded = false``). Used by the bulk paths that write rows set-wise (the
    synthetic generator, the PostgreSQL file import). Both are code, never input.
    """
    sums = ", ".join(
        f"SUM(CASE WHEN {name.rsplit('_', 1)[0]} = {name.rsplit('_', 1)[1]} "
        "THEN 1 ELSE 0 END)"
        for name in ROLLUP_COUNT_FIELDS
    )
    condition = f" WHERE {where}" if where else ""
    return (
        f"SELECT unit_id, service_id, day, channel, COUNT(*), {sums} "  # noqa: S608
        f"FROM {source}{condition} GROUP BY unit_id, service_id, day, channel"
    )


def rollups_insert_sql(select: str, *, add: bool = False) -> str:
    """``INSERT`` of the rows of *select* (:func:`rollups_group_sql`) into the rollups.

    With *add*, a key that already has a row gets the counts added to it
    (``ON CONFLICT … DO UPDATE``), as :func:`rollups_upsert` does.
    """
    quote = connection.ops.quote_name
    table = quote(DailyRollup._meta.db_table)
    columns = ", ".join(quote(c) for c in (*KEY_FIELDS, *COUNT_FIELDS))
    sql = f"INSERT INTO {table} ({columns}) {select}"
    if add:
        increments = ", ".join(
            f"{quote(n)} = {table}.{quote(n)} + EXCLUDED.{quote(n)}"
            for n in COUNT_FIELDS
        )
        sql += (
            " ON CONFLICT (unit_id, service_id, day, channel) "
            f"DO UPDATE SET {increments}"
        )
    return sql
