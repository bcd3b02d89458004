"""Keeping daily rollups equal to the counted responses.

:func:`rollup_add` runs inside the transaction that stores (or re-includes) a
response, :func:`rollup_subtract` inside the one that excludes it, so a rollup never
disagrees with its responses; :func:`rollups_rebuild` recomputes them all from the
responses and reports any difference (there must be none).
"""

from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q

from mutu.surveys.models import (
    ELEMENT_FIELDS,
    ROLLUP_COUNT_FIELDS,
    DailyRollup,
    Response,
)

KEY_FIELDS = ("unit_id", "service_id", "day", "channel")


def _deltas(response: Response, sign: int) -> dict[str, int]:
    deltas = {"responses": sign}
    for field in ELEMENT_FIELDS:
        value = getattr(response, field)
        if value is not None:
            deltas[f"{field}_{value}"] = sign
    return deltas


def _upsert(response: Response, deltas: dict[str, int]) -> None:
    """Add *deltas* to the response's rollup row in one statement.

    ``INSERT … ON CONFLICT … DO UPDATE`` (PostgreSQL and SQLite ≥ 3.24) creates the
    row or increments it atomically: one round trip, no race between two writers.
    """
    quote = connection.ops.quote_name
    table = quote(DailyRollup._meta.db_table)
    counts = ["responses", *ROLLUP_COUNT_FIELDS]
    columns = ["unit_id", "service_id", "day", "channel", *counts]
    names = list(deltas)
    increments = ", ".join(f"{quote(n)} = {table}.{quote(n)} + %s" for n in names)
    # Only model column names are interpolated; every value is a parameter.
    sql = (
        f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT (unit_id, service_id, day, channel) DO UPDATE SET {increments}"
    )
    key = [getattr(response, field) for field in KEY_FIELDS]
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [*key, *(deltas.get(n, 0) for n in counts), *(deltas[n] for n in names)],
        )


def _apply(response: Response, sign: int) -> None:
    deltas = _deltas(response, sign)
    if sign > 0:
        _upsert(response, deltas)
        return
    key = {field: getattr(response, field) for field in KEY_FIELDS}
    updates = {name: F(name) + delta for name, delta in deltas.items()}
    if DailyRollup.objects.filter(**key).update(**updates):
        return
    try:
        with transaction.atomic():
            DailyRollup.objects.create(
                **key, **{n: max(d, 0) for n, d in deltas.items()}
            )
    except IntegrityError:
        # Another transaction created the row between our UPDATE and INSERT.
        DailyRollup.objects.filter(**key).update(**updates)


def rollup_add(response: Response) -> None:
    """Count *response* into its day's rollup (call inside the writing transaction)."""
    _apply(response, +1)


def rollup_subtract(response: Response) -> None:
    """Take *response* out of its day's rollup (when it is excluded)."""
    _apply(response, -1)


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
        numbers = ("responses", *ROLLUP_COUNT_FIELDS)
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
