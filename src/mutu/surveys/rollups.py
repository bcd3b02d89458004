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
from django.db.models import F

from mutu.surveys.models import (
    AGE_BANDS,
    ELEMENT_FIELDS,
    ROLLUP_AGE_FIELDS,
    ROLLUP_COUNT_FIELDS,
    ROLLUP_EXTRA_FIELDS,
    ROLLUP_PAIR_FIELDS,
    ROLLUP_PAIRS,
    ROLLUP_PROFILE_VALUES,
    DailyRollup,
    Response,
)

KEY_FIELDS = ("unit_id", "service_id", "day", "channel")
COUNT_FIELDS = (
    "responses",
    *ROLLUP_COUNT_FIELDS,
    *ROLLUP_PAIR_FIELDS,
    *(column for _field, _value, column in ROLLUP_PROFILE_VALUES),
    *ROLLUP_AGE_FIELDS,
    *ROLLUP_EXTRA_FIELDS,
    "flagged",
    "excluded",
)
"""The numbers of a rollup row, in the order of a counts list."""

RollupKey = tuple[int, int, date, str]
"""``(unit_id, service_id, day, channel)``: what one rollup row counts."""

Profile = tuple[str, int | None, str, str]
"""``(sex, age, education, occupation)`` of a response, as stored."""

NO_PROFILE: Profile = ("", None, "", "")

_INDEX = {name: position for position, name in enumerate(COUNT_FIELDS)}
_PAIR_INDEX = {
    (ELEMENT_FIELDS.index(a), ELEMENT_FIELDS.index(b)): _INDEX[f"{a}{b}_n"]
    for a, b in ROLLUP_PAIRS
}
_PROFILE_INDEX = {
    (field, value): _INDEX[column] for field, value, column in ROLLUP_PROFILE_VALUES
}
_AGE_INDEX = {
    age: _INDEX[f"age_{low}"] for low, high in AGE_BANDS for age in range(low, high + 1)
}
_AGE_BLANK = _INDEX["age_blank"]
_EXTRA_INDEX = {
    (f"X{n}", value): _INDEX[f"x{n}_{value}"]
    for n in range(1, 6)
    for value in range(1, 5)
}
_FLAGGED, _EXCLUDED = _INDEX["flagged"], _INDEX["excluded"]


def rollup_counts_add(
    counts: list[int],
    answers: Sequence[int | None],
    sign: int = 1,
    *,
    profile: Profile = NO_PROFILE,
    extra: Mapping[str, Any] | None = None,
    flagged: bool = False,
    excluded: bool = False,
) -> None:
    """Count one response into *counts* (laid out as :data:`COUNT_FIELDS`).

    The one rule of what a response adds to its rollup, for one response and for
    a bulk alike (:func:`rollups_group_sql` is the same rule in SQL). *answers*
    are U1…U9 (None or 1–4), *profile* ``(sex, age, education, occupation)``,
    *extra* the answers to the unit's own questions (``{"X1": 3}``). Every
    response counts in ``flagged`` when flagged and in ``excluded`` when
    excluded; only a counted (not excluded) one adds the rest: the number of
    responses, per element the answers 1–4, per pair of elements answered both
    the co-answer sums (n, Σ a, Σ b, Σ a·b: :class:`mutu.measures.tally.PairSums`),
    the profile counts (each choice, the age band, or blank) and the extra
    answers 1–4. An element's sum and sum of squares need no column: they follow
    from its counts of 1–4 (``ElementTally.total``, ``ElementTally.sum_squares``).
    *sign* −1 takes the response out again.
    """
    if flagged:
        counts[_FLAGGED] += sign
    if excluded:
        counts[_EXCLUDED] += sign
        return
    counts[0] += sign
    present = [(i, v) for i, v in enumerate(answers) if v is not None]
    for position, value in present:
        counts[4 * position + value] += sign
    for x, (i, a) in enumerate(present):
        for j, b in present[x + 1 :]:
            k = _PAIR_INDEX[(i, j)]
            counts[k] += sign
            counts[k + 1] += sign * a
            counts[k + 2] += sign * b
            counts[k + 3] += sign * a * b
    sex, age, education, occupation = profile
    for field, choice in (
        ("sex", sex),
        ("education", education),
        ("occupation", occupation),
    ):
        place = _PROFILE_INDEX.get((field, choice or ""))
        if place is not None:
            counts[place] += sign
    place = _AGE_BLANK if age is None else _AGE_INDEX.get(age)
    if place is not None:
        counts[place] += sign
    for code, answer in (extra or {}).items():
        place = _EXTRA_INDEX.get((code, answer))
        if place is not None:
            counts[place] += sign


def rollup_counts_new() -> list[int]:
    return [0] * len(COUNT_FIELDS)


def _answers(response: Response) -> list[int | None]:
    return [getattr(response, field) for field in ELEMENT_FIELDS]


def _key(response: Response) -> RollupKey:
    return (response.unit_id, response.service_id, response.day, response.channel)


def _counts(response: Response, *, excluded: bool, sign: int = 1) -> list[int]:
    counts = rollup_counts_new()
    rollup_counts_add(
        counts,
        _answers(response),
        sign,
        profile=(response.sex, response.age, response.education, response.occupation),
        extra=response.extra_answers,
        flagged=response.is_flagged,
        excluded=excluded,
    )
    return counts


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
    """Count *response* into its day's rollup (call inside the writing transaction).

    As stored: excluded or not, flagged or not (``is_excluded``, ``is_flagged``).
    """
    rollups_upsert({_key(response): _counts(response, excluded=response.is_excluded)})


def rollup_exclusion_set(response: Response, *, excluded: bool) -> None:
    """Move *response* between the counted and the excluded ones of its rollup.

    One ``UPDATE`` of the row (it exists: the response was counted into it when it
    was stored): the response's counts come out and ``excluded`` goes up, or the
    reverse. Call inside the transaction that changes ``is_excluded``.
    """
    delta = [
        after - before
        for after, before in zip(
            _counts(response, excluded=excluded),
            _counts(response, excluded=not excluded),
            strict=True,
        )
    ]
    _rollup_update(_key(response), delta)


def rollup_flags_add(responses: Sequence[Response]) -> None:
    """Count *responses*, newly flagged, in the ``flagged`` column of their rollups.

    For responses already counted in their rollup (stored before their flags
    were raised); one upsert per rollup row. Call inside the flagging transaction.
    """
    counts: dict[RollupKey, list[int]] = {}
    for response in responses:
        row = counts.setdefault(_key(response), rollup_counts_new())
        row[_FLAGGED] += 1
    rollups_upsert(counts)


def _rollup_update(key: RollupKey, delta: Sequence[int]) -> None:
    changes = {
        name: F(name) + change
        for name, change in zip(COUNT_FIELDS, delta, strict=True)
        if change
    }
    if changes:
        DailyRollup.objects.filter(**dict(zip(KEY_FIELDS, key, strict=True))).update(
            **changes
        )


@dataclass(frozen=True)
class RebuildReport:
    rows: int
    differences: list[str]

    @property
    def ok(self) -> bool:
        return not self.differences


def _table() -> str:
    return connection.ops.quote_name(DailyRollup._meta.db_table)


def _differences_sql() -> str:
    """The keys whose stored rollup differs from what the responses say: key, then
    the responses counted as stored and as the responses say (0 when no row).

    One hash join on the key (not a comparison of whole rows both ways): stored
    rows whose numbers are all 0 count as missing rows (nothing to count).
    """
    table = _table()
    response_table = connection.ops.quote_name(Response._meta.db_table)
    nonzero = " OR ".join(f"{name} <> 0" for name in COUNT_FIELDS)
    columns = ", ".join((*KEY_FIELDS, *COUNT_FIELDS))
    stored = f"SELECT {columns} FROM {table} WHERE {nonzero}"  # noqa: S608
    same_key = " AND ".join(f"e.{k} = s.{k}" for k in KEY_FIELDS)
    differ = " OR ".join(f"e.{n} <> s.{n}" for n in COUNT_FIELDS)
    keys = ", ".join(f"COALESCE(e.{k}, s.{k})" for k in KEY_FIELDS)
    return (
        f"SELECT {keys}, COALESCE(s.responses, 0), COALESCE(e.responses, 0) "  # noqa: S608
        f"FROM ({_expected_select(response_table)}) AS e "
        f"FULL OUTER JOIN ({stored}) AS s ON {same_key} "
        f"WHERE e.unit_id IS NULL OR s.unit_id IS NULL OR {differ}"
    )


def rollups_rebuild(*, check_only: bool = False) -> RebuildReport:
    """Recompute every rollup from the responses, set-wise in SQL.

    With *check_only* nothing is written: one query compares what the responses
    say (:func:`rollups_group_sql`) with the stored rows, joined on the key, and the
    report lists each rollup that differs (there must be none). Otherwise the
    rollups are replaced in one transaction by one ``INSERT … SELECT … GROUP BY``
    (``TRUNCATE`` first on PostgreSQL: readers of the rollups wait for the
    rebuild's commit); the report gives the rows written.
    """
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Hold off writers for the rebuild: a response committed between the
                # read below and the delete would otherwise drop out of the rollups.
                cursor.execute("LOCK TABLE surveys_response IN SHARE MODE")
            rollups_jit_off(cursor)
            if check_only:
                cursor.execute(_differences_sql())
                rows = cursor.fetchall()
                cursor.execute(f"SELECT count(*) FROM {_table()}")  # noqa: S608
                total = int(cursor.fetchone()[0])
                return RebuildReport(rows=total, differences=_describe(rows))
            response_table = connection.ops.quote_name(Response._meta.db_table)
            if connection.vendor == "postgresql":
                # TRUNCATE refuses a table with deferred checks still pending (rows
                # written earlier in the caller's transaction): run them now.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"TRUNCATE {_table()}")
                skipping = _skip_row_triggers(cursor)
                restore = _indexes_drop(cursor)
                cursor.execute(rollups_insert_sql(rollups_group_sql(response_table)))
                total = cursor.rowcount
                for statement in restore:
                    cursor.execute(statement)
                if skipping:
                    cursor.execute("SET LOCAL session_replication_role = origin")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            else:
                cursor.execute(f"DELETE FROM {_table()}")  # noqa: S608
                cursor.execute(rollups_insert_sql(rollups_group_sql(response_table)))
                total = cursor.rowcount
    return RebuildReport(rows=total, differences=[])


def _indexes_drop(cursor: Any) -> list[str]:
    """Drop the rollup table's indexes and key constraints (PostgreSQL); return
    the statements that make them again.

    Called on the emptied table under the rebuild's exclusive lock: building an
    index once from the finished rows (a sort) is cheaper than maintaining four
    of them row by row. A failure rolls the whole rebuild back, indexes included.
    """
    cursor.execute(
        "SELECT quote_ident(ci.relname), pg_get_indexdef(i.indexrelid), "
        "quote_ident(c.conname), pg_get_constraintdef(c.oid) "
        "FROM pg_index i JOIN pg_class ci ON ci.oid = i.indexrelid "
        "LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid "
        "AND c.conrelid = i.indrelid WHERE i.indrelid = %s::regclass "
        "ORDER BY c.contype NULLS LAST",
        [DailyRollup._meta.db_table],
    )
    table = _table()
    restore = []
    for index, index_sql, constraint, constraint_sql in cursor.fetchall():
        if constraint:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {constraint}")
            restore.append(
                f"ALTER TABLE {table} ADD CONSTRAINT {constraint} {constraint_sql}"
            )
        else:
            cursor.execute(f"DROP INDEX {index}")
            restore.append(index_sql)
    return restore


def _skip_row_triggers(cursor: Any) -> bool:
    """As a superuser: no foreign-key trigger per rebuilt row (PostgreSQL's
    ``session_replication_role = replica``, for this transaction's next statement).

    Every key of a rebuilt row is the key of a stored response, whose own foreign
    keys hold: the checks would find nothing. Without the privilege they run.
    """
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    row = cursor.fetchone()
    if not (row and row[0]):
        return False
    cursor.execute("SET LOCAL session_replication_role = replica")
    return True


def _describe(rows: Sequence[Sequence[Any]]) -> list[str]:
    """One line per differing key: the responses stored and the responses counted."""
    lines = []
    for unit, service, day, channel, have, want in sorted(rows, key=str):
        lines.append(
            f"unit={unit} service={service} day={day} channel={channel}: "
            f"stored {have}, responses {want}"
            + (" (other figures differ)" if have == want else "")
        )
    return lines


def _extra_sql(code: str, value: int) -> str:
    if connection.vendor == "postgresql":
        return f"extra_answers -> '{code}' = '{value}'"
    return f"json_extract(extra_answers, '$.{code}') = {value}"


def _figure_sql() -> list[str]:
    """One aggregate per :data:`COUNT_FIELDS` column: the rule of
    :func:`rollup_counts_add` in SQL."""
    counted = "NOT is_excluded"

    def count(condition: str) -> str:
        return f"COUNT(*) FILTER (WHERE {counted} AND {condition})"

    columns = [f"COUNT(*) FILTER (WHERE {counted})"]
    columns += [
        count(f"{name.rsplit('_', 1)[0]} = {name.rsplit('_', 1)[1]}")
        for name in ROLLUP_COUNT_FIELDS
    ]
    for a, b in ROLLUP_PAIRS:
        # Arithmetic with NULL is NULL: a product (or a + 0·b) exists only when
        # both elements were answered, and aggregates skip NULLs.
        columns += [
            f"COUNT({a} * {b}) FILTER (WHERE {counted})",
            f"COALESCE(SUM({a} + 0 * {b}) FILTER (WHERE {counted}), 0)",
            f"COALESCE(SUM({b} + 0 * {a}) FILTER (WHERE {counted}), 0)",
            f"COALESCE(SUM({a} * {b}) FILTER (WHERE {counted}), 0)",
        ]
    columns += [
        count(f"{field} = '{value}'") for field, value, _c in ROLLUP_PROFILE_VALUES
    ]
    columns += [count(f"age BETWEEN {low} AND {high}") for low, high in AGE_BANDS]
    columns.append(count("age IS NULL"))
    columns += [
        count(_extra_sql(f"X{n}", value)) for n in range(1, 6) for value in range(1, 5)
    ]
    columns += [
        "COUNT(*) FILTER (WHERE is_flagged)",
        "COUNT(*) FILTER (WHERE is_excluded)",
    ]
    return columns


def rollups_jit_off(cursor: Any) -> None:
    """In this transaction, no JIT compilation (PostgreSQL): compiling the two
    hundred aggregates of :func:`rollups_group_sql` costs seconds and saves less."""
    if connection.vendor == "postgresql":
        cursor.execute("SET LOCAL jit = off")


def _expected_select(source: str) -> str:
    """:func:`rollups_group_sql` with each number named after its column."""
    named = ", ".join(
        f"{sql} AS {name}"
        for sql, name in zip(_figure_sql(), COUNT_FIELDS, strict=True)
    )
    return (
        f"SELECT unit_id, service_id, day, channel, {named} "  # noqa: S608
        f"FROM {source} GROUP BY unit_id, service_id, day, channel"
    )


def rollups_group_sql(source: str) -> str:
    """``SELECT`` of the rollup rows of the responses in *source*, grouped in SQL.

    The same rule as :func:`rollup_counts_add`, as one ``GROUP BY unit, service,
    day, channel`` with one aggregate per :data:`COUNT_FIELDS` column; its
    columns are :data:`KEY_FIELDS` then :data:`COUNT_FIELDS`. *source* is a table
    (or a sub-query) with the response columns (excluded responses included:
    they count in ``excluded`` only). Used by the paths that write rows set-wise
    (the synthetic generator, the PostgreSQL file import, the rebuild). Code,
    never input.
    """
    return (
        f"SELECT unit_id, service_id, day, channel, "  # noqa: S608
        f"{', '.join(_figure_sql())} "
        f"FROM {source} GROUP BY unit_id, service_id, day, channel"
    )


def rollups_insert_sql(select: str, *, add: bool = False) -> str:
    """``INSERT`` of the rows of *select* (:func:`rollups_group_sql`) into the rollups.

    With *add*, a key that already has a row gets the counts added to it
    (``ON CONFLICT … DO UPDATE``), as :func:`rollups_upsert` does.
    """
    quote = connection.ops.quote_name
    table = _table()
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
