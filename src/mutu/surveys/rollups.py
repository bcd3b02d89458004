"""Keeping daily rollups equal to the counted responses, and monthly ones equal to
the daily ones.

:func:`rollup_add` runs inside the transaction that stores a response,
:func:`rollup_exclusion_set` inside the one that excludes (or re-includes) it, so a
rollup never disagrees with its responses; :func:`rollups_rebuild` recomputes them
all from the responses and reports any difference (there must be none).

Every write of a daily row writes the same counts into the unit's row of that
month (:class:`~mutu.surveys.models.MonthlyRollup`) in the same transaction: a table
of many units reads whole months from there (issue 15 item 9).
"""

import hashlib
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
    MonthlyRevision,
    MonthlyRollup,
    Response,
    UnitPeriodSummary,
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

MONTH_KEY_FIELDS = ("unit_id", "month")
MonthKey = tuple[int, date]
"""``(unit_id, first day of the month)``: what one monthly rollup row counts."""

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


def _upsert_sql(table: str, keys: Sequence[str]) -> str:
    """``INSERT … VALUES … ON CONFLICT (keys) DO UPDATE`` adding the counts of one
    row (parameters: *keys* then :data:`COUNT_FIELDS`) to the row of its key."""
    marks = ", ".join(["%s"] * (len(keys) + len(COUNT_FIELDS)))
    return _insert_sql(table, keys, f"VALUES ({marks})", add=True)


def revisions_bump_sql(select: str) -> str:
    """Count one more write of each ``(unit_id, month)`` of *select* (distinct
    keys) in :class:`~mutu.surveys.models.MonthlyRevision`: a new key starts at
    1. Every writer of a monthly rollup row runs it for its rows, in the same
    transaction (:mod:`mutu.surveys.summaries` reads the sums). Code, never input.
    """
    table = connection.ops.quote_name(MonthlyRevision._meta.db_table)
    return (
        f"INSERT INTO {table} (unit_id, month) {select} "
        f"ON CONFLICT (unit_id, month) DO UPDATE SET revision = {table}.revision + 1"
    )


# PostgreSQL: the upsert of one row as a function (migration surveys 0013).
# Sent as text, a 228-column upsert is about 14 KB: the driver splits it at each
# of its 232 placeholders and the server parses and plans it again on every
# call, about 2 ms a row; the function's statement is planned once per
# connection and called with the counts as one array (0.6 ms; docs/scaling.md).
# Its name carries a digest of the columns it adds. A migration makes the
# functions from the columns it froze (never from today's COUNT_FIELDS), so code
# whose columns no migration made functions for calls a name that does not
# exist, on a fresh database as on an old one, and the tests fail, instead of a
# new column being left out.


def rollup_function_digest(count_fields: Sequence[str]) -> str:
    """The digest in the names of the functions that add *count_fields*."""
    text = ",".join((*KEY_FIELDS, *MONTH_KEY_FIELDS, *count_fields))
    return hashlib.blake2b(text.encode(), digest_size=4).hexdigest()


def rollup_functions(count_fields: Sequence[str]) -> dict[str, tuple[Any, ...]]:
    """Per kind of rollup row (``day``, ``month``): the name of the function that
    adds *count_fields* to it, its key parameters, their names in its ``SELECT``
    and the key columns they fill."""
    digest = rollup_function_digest(count_fields)
    return {
        "day": (
            f"mutu_rollup_day_add_{digest}",
            "u bigint, s bigint, d date, ch text",
            "u, s, d, ch",
            KEY_FIELDS,
        ),
        "month": (
            f"mutu_rollup_month_add_{digest}",
            "u bigint, m date",
            "u, m",
            MONTH_KEY_FIELDS,
        ),
    }


ROLLUP_FUNCTIONS = rollup_functions(COUNT_FIELDS)
"""The functions today's code calls (:func:`rollup_functions`)."""


def rollup_functions_drop_sql(count_fields: Sequence[str]) -> list[str]:
    """``DROP FUNCTION`` of the functions that add *count_fields*."""
    return [
        f"DROP FUNCTION IF EXISTS {name}({parameters}, c bigint[])"
        for name, parameters, _names, _keys in rollup_functions(count_fields).values()
    ]


def rollup_functions_sql(
    count_fields: Sequence[str], *, revision: bool = True
) -> list[str]:
    """``CREATE OR REPLACE FUNCTION`` of the functions that add *count_fields*
    (a migration's frozen list): :func:`_upsert_sql`'s statement with the key and
    one ``bigint[]`` of the counts, in that order, as parameters. With *revision*
    the monthly one counts the month's revision up too (:func:`revisions_bump_sql`;
    from migration surveys 0014 on, which made the revisions)."""
    tables = {"day": _table(), "month": _monthly_table()}
    picks = ", ".join(f"c[{i}]" for i in range(1, len(count_fields) + 1))
    out = []
    for kind, (name, parameters, names, keys) in rollup_functions(count_fields).items():
        body = _insert_sql(
            tables[kind],
            keys,
            f"SELECT {names}, {picks}",
            add=True,
            count_fields=count_fields,
        )
        if revision and kind == "month":
            body += "; " + revisions_bump_sql(f"SELECT {names}")
        out.append(
            f"CREATE OR REPLACE FUNCTION {name}({parameters}, c bigint[]) "
            f"RETURNS void LANGUAGE plpgsql AS $mutu$ BEGIN {body}; END $mutu$"
        )
    return out


def _rows_add(kind: str, counts_by_key: Mapping[Any, Sequence[int]]) -> None:
    """Add each of *counts_by_key* to its rollup row of *kind* (``day`` or
    ``month``): through its function on PostgreSQL, :func:`_upsert_sql` elsewhere.
    In key order, so two bulks touching the same rows lock them in the same
    order and cannot deadlock each other."""
    name, _parameters, _names, keys = ROLLUP_FUNCTIONS[kind]
    ordered = sorted(counts_by_key.items())
    if connection.vendor == "postgresql":
        marks = ", ".join(["%s"] * len(keys))
        sql = f"SELECT {name}({marks}, %s::bigint[])"
        rows: list[Sequence[Any]] = [
            (*key, "{" + ",".join(map(str, counts)) + "}") for key, counts in ordered
        ]
    else:
        table = _table() if kind == "day" else _monthly_table()
        sql = _upsert_sql(table, keys)
        rows = [(*key, *counts) for key, counts in ordered]
    with connection.cursor() as cursor:
        if len(rows) == 1:
            cursor.execute(sql, rows[0])
        else:
            cursor.executemany(sql, rows)
        if kind == "month" and connection.vendor != "postgresql":
            # (On PostgreSQL the month's function counts its revision.)
            keys_only = [key for key, _counts in ordered]
            cursor.executemany(revisions_bump_sql("VALUES (%s, %s)"), keys_only)


def month_of(day: date) -> date:
    """The first day of *day*'s month: the key of its monthly rollup."""
    return day.replace(day=1)


def rollups_upsert(counts_by_key: Mapping[RollupKey, Sequence[int]]) -> None:
    """Add counts to their daily rollup rows and to their units' monthly rows,
    creating the rows that do not exist yet.

    One ``INSERT … ON CONFLICT … DO UPDATE`` per row (PostgreSQL and SQLite
    ≥ 3.24; run as one batch for many rows): it creates the row or increments it
    atomically, so two writers never race. Every writer locks daily rows before
    monthly ones, each kind in key order, so writers cannot deadlock. Call inside
    the writing transaction.
    """
    if not counts_by_key:
        return
    monthly: dict[MonthKey, list[int]] = {}
    for (unit_id, _service, day, _channel), counts in counts_by_key.items():
        total = monthly.setdefault((unit_id, month_of(day)), rollup_counts_new())
        for position, value in enumerate(counts):
            total[position] += value
    # Two statements, daily first: one statement with a writing WITH would leave
    # the order of its row locks to PostgreSQL (it runs an unreferenced WITH after
    # the main insert), against every other writer's daily-then-monthly order.
    _rows_add("day", counts_by_key)
    _rows_add("month", monthly)


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
    """Add *delta* to the daily row of *key* and to its unit's monthly row (both
    exist: the response was counted into them when it was stored)."""
    changes = {
        name: F(name) + change
        for name, change in zip(COUNT_FIELDS, delta, strict=True)
        if change
    }
    if changes:
        DailyRollup.objects.filter(**dict(zip(KEY_FIELDS, key, strict=True))).update(
            **changes
        )
        month = {"unit_id": key[0], "month": month_of(key[2])}
        MonthlyRollup.objects.filter(**month).update(**changes)
        MonthlyRevision.objects.filter(**month).update(revision=F("revision") + 1)


@dataclass(frozen=True)
class RebuildReport:
    rows: int
    differences: list[str]

    @property
    def ok(self) -> bool:
        return not self.differences


def _table() -> str:
    return connection.ops.quote_name(DailyRollup._meta.db_table)


def _monthly_table() -> str:
    return connection.ops.quote_name(MonthlyRollup._meta.db_table)


def _summary_table() -> str:
    return connection.ops.quote_name(UnitPeriodSummary._meta.db_table)


def _differences_sql(expected: str, table: str, keys: Sequence[str]) -> str:
    """The keys whose stored row in *table* differs from the rows of *expected* (a
    ``SELECT`` with the same named columns): key, then the responses counted as
    stored and as expected (0 when no row).

    One hash join on the key (not a comparison of whole rows both ways): stored
    rows whose numbers are all 0 count as missing rows (nothing to count).
    """
    nonzero = " OR ".join(f"{name} <> 0" for name in COUNT_FIELDS)
    columns = ", ".join((*keys, *COUNT_FIELDS))
    stored = f"SELECT {columns} FROM {table} WHERE {nonzero}"  # noqa: S608
    same_key = " AND ".join(f"e.{k} = s.{k}" for k in keys)
    differ = " OR ".join(f"e.{n} <> s.{n}" for n in COUNT_FIELDS)
    key_values = ", ".join(f"COALESCE(e.{k}, s.{k})" for k in keys)
    return (
        f"SELECT {key_values}, COALESCE(s.responses, 0), "  # noqa: S608
        f"COALESCE(e.responses, 0) FROM ({expected}) AS e "
        f"FULL OUTER JOIN ({stored}) AS s ON {same_key} "
        f"WHERE e.unit_id IS NULL OR s.unit_id IS NULL OR {differ}"
    )


def rollups_rebuild(*, check_only: bool = False) -> RebuildReport:
    """Recompute every rollup from the responses, set-wise in SQL.

    With *check_only* nothing is written: one query compares what the responses
    say (:func:`rollups_group_sql`) with the stored daily rows, joined on the key,
    another the monthly rows with the daily ones (:func:`monthly_group_sql`), and
    the report lists each rollup that differs (there must be none). Otherwise the
    rollups are replaced in one transaction by one ``INSERT … SELECT … GROUP BY``
    each (``TRUNCATE`` first on PostgreSQL: readers of the rollups wait for the
    rebuild's commit); the report gives the daily rows written. Every month's
    revision is counted up once more (:func:`monthly_rollups_fill`), so no unit's
    fingerprint (:mod:`mutu.surveys.summaries`) comes back to a value it had, and
    the summaries are emptied with the rollups.
    """
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Hold off writers for the rebuild: a response committed between the
                # read below and the delete would otherwise drop out of the rollups.
                cursor.execute("LOCK TABLE surveys_response IN SHARE MODE")
            rollups_jit_off(cursor)
            response_table = connection.ops.quote_name(Response._meta.db_table)
            if check_only:
                cursor.execute(
                    _differences_sql(
                        rollups_group_sql(response_table), _table(), KEY_FIELDS
                    )
                )
                differences = _describe(cursor.fetchall())
                cursor.execute(
                    _differences_sql(
                        monthly_group_sql(_table()), _monthly_table(), MONTH_KEY_FIELDS
                    )
                )
                differences += _describe_months(cursor.fetchall())
                differences += _months_without_revision(cursor)
                cursor.execute(f"SELECT count(*) FROM {_table()}")  # noqa: S608
                total = int(cursor.fetchone()[0])
                return RebuildReport(rows=total, differences=differences)
            if connection.vendor == "postgresql":
                # TRUNCATE refuses a table with deferred checks still pending (rows
                # written earlier in the caller's transaction): run them now.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(
                    f"TRUNCATE {_table()}, {_monthly_table()}, {_summary_table()}"
                )
                skipping = _skip_row_triggers(cursor)
                restore = _indexes_drop(cursor)
                cursor.execute(rollups_insert_sql(rollups_group_sql(response_table)))
                total = cursor.rowcount
                for statement in restore:
                    cursor.execute(statement)
                monthly_rollups_fill(cursor)
                if skipping:
                    cursor.execute("SET LOCAL session_replication_role = origin")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            else:
                cursor.execute(f"DELETE FROM {_table()}")  # noqa: S608
                cursor.execute(f"DELETE FROM {_monthly_table()}")  # noqa: S608
                cursor.execute(f"DELETE FROM {_summary_table()}")  # noqa: S608
                cursor.execute(rollups_insert_sql(rollups_group_sql(response_table)))
                total = cursor.rowcount
                monthly_rollups_fill(cursor)
    return RebuildReport(rows=total, differences=[])


def monthly_rollups_fill(cursor: Any) -> None:
    """Write the monthly rollups of every daily row (into an empty monthly table:
    after a rebuild, or after the synthetic generator wrote the daily rows), and
    count each month's revision up (a new month starts at 1)."""
    cursor.execute(monthly_insert_sql(monthly_group_sql(_table())))
    cursor.execute(revisions_bump_sql(_every_month_sql()))


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


def _describe_months(rows: Sequence[Sequence[Any]]) -> list[str]:
    """One line per month whose monthly rollup differs from the sum of its days."""
    return [
        f"unit={unit} month={str(month)[:7]}: monthly stored {have}, "
        f"daily rollups {want}" + (" (other figures differ)" if have == want else "")
        for unit, month, have, want in sorted(rows, key=str)
    ]


def _months_without_revision(cursor: Any) -> list[str]:
    """One line per monthly rollup row with no revision, and per revision with no
    monthly row (every writer keeps the two together: a month without its
    revision is not seen by its unit's summaries; a revision without its month
    keeps them from ever matching). ``revisions_count_up`` repairs both."""
    revisions = connection.ops.quote_name(MonthlyRevision._meta.db_table)
    cursor.execute(
        f"SELECT COALESCE(m.unit_id, r.unit_id), COALESCE(m.month, r.month), "  # noqa: S608
        f"m.unit_id IS NULL FROM {_monthly_table()} AS m FULL OUTER JOIN "
        f"{revisions} AS r ON r.unit_id = m.unit_id AND r.month = m.month "
        "WHERE r.unit_id IS NULL OR m.unit_id IS NULL ORDER BY 1, 2"
    )
    return [
        f"unit={unit} month={str(month)[:7]}: "
        + (
            "revision without a monthly rollup"
            if orphan
            else "monthly rollup without a revision"
        )
        for unit, month, orphan in cursor.fetchall()
    ]


def _every_month_sql() -> str:
    """``SELECT`` of the key of every monthly rollup row. Its ``WHERE``: SQLite
    reads an upsert's ``INSERT … SELECT`` only with one (its "parsing
    ambiguity")."""
    return f"SELECT unit_id, month FROM {_monthly_table()} WHERE 1 = 1"  # noqa: S608


def revisions_count_up() -> int:
    """Count every month's revision up once, making the missing ones, and drop the
    revisions of months that have no rollup row; return the months counted.

    For the deploy that follows a change of the rollup writers: a process of the
    older version still running after ``migrate`` (a worker not restarted) may
    have written months without counting them, and their stored summaries would
    still match. Counting every month up makes every summary be computed again
    (``mutu surveys summaries --revise`` does it first). One transaction.
    """
    revisions = connection.ops.quote_name(MonthlyRevision._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {revisions} WHERE NOT EXISTS (SELECT 1 FROM "  # noqa: S608
            f"{_monthly_table()} AS m WHERE m.unit_id = {revisions}.unit_id "
            f"AND m.month = {revisions}.month)"
        )
        cursor.execute(revisions_bump_sql(_every_month_sql()))
        return cursor.rowcount


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


def rollups_group_sql(source: str) -> str:
    """``SELECT`` of the rollup rows of the responses in *source*, grouped in SQL.

    The same rule as :func:`rollup_counts_add`, as one ``GROUP BY unit, service,
    day, channel`` with one aggregate per :data:`COUNT_FIELDS` column; its
    columns are :data:`KEY_FIELDS` then :data:`COUNT_FIELDS`, named so. *source*
    is a table (or a sub-query) with the response columns (excluded responses
    included: they count in ``excluded`` only). Used by the paths that write rows
    set-wise (the synthetic generator, the PostgreSQL file import, the rebuild).
    Code, never input.
    """
    named = ", ".join(
        f"{sql} AS {name}"
        for sql, name in zip(_figure_sql(), COUNT_FIELDS, strict=True)
    )
    return (
        f"SELECT unit_id, service_id, day, channel, {named} "  # noqa: S608
        f"FROM {source} GROUP BY unit_id, service_id, day, channel"
    )


def month_sql(column: str) -> str:
    """The first day of the month of the date *column*, in SQL."""
    if connection.vendor == "postgresql":
        return f"date_trunc('month', {column}::timestamp)::date"
    return f"date({column}, 'start of month')"


def monthly_group_sql(source: str) -> str:
    """``SELECT`` of the monthly rollup rows of the daily rows in *source* (the
    daily table, or a named sub-query of :func:`rollups_group_sql`): the sums per
    unit and month, with columns :data:`MONTH_KEY_FIELDS` then
    :data:`COUNT_FIELDS`. Code, never input."""
    month = month_sql("day")
    sums = ", ".join(f"SUM({name}) AS {name}" for name in COUNT_FIELDS)
    return (
        f"SELECT unit_id, {month} AS month, {sums} "  # noqa: S608
        f"FROM {source} GROUP BY unit_id, {month}"
    )


def monthly_insert_sql(select: str, *, add: bool = False) -> str:
    """``INSERT`` of the rows of *select* (:func:`monthly_group_sql`) into the
    monthly rollups; with *add*, added to a row that exists, as
    :func:`rollups_insert_sql` does for the daily ones. The caller counts the
    months' revisions up (:func:`revisions_bump_sql`)."""
    return _insert_sql(_monthly_table(), MONTH_KEY_FIELDS, select, add=add)


def _insert_sql(
    table: str,
    keys: Sequence[str],
    select: str,
    *,
    add: bool,
    count_fields: Sequence[str] = COUNT_FIELDS,
) -> str:
    """``INSERT`` of *select*'s rows (*keys* then *count_fields*) into *table*;
    with *add*, added to the row of a key that has one."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in (*keys, *count_fields))
    sql = f"INSERT INTO {table} ({columns}) {select}"
    if add:
        increments = ", ".join(
            f"{quote(n)} = {table}.{quote(n)} + EXCLUDED.{quote(n)}"
            for n in count_fields
        )
        sql += f" ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {increments}"
    return sql


def rollups_insert_sql(select: str, *, add: bool = False) -> str:
    """``INSERT`` of the rows of *select* (:func:`rollups_group_sql`) into the
    daily rollups.

    With *add*, a key that already has a row gets the counts added to it
    (``ON CONFLICT … DO UPDATE``), as :func:`rollups_upsert` does. The caller
    writes the same rows' months too (:func:`monthly_insert_sql`).
    """
    return _insert_sql(_table(), KEY_FIELDS, select, add=add)
