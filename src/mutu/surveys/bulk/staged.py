"""The bulk writer's set-based path (PostgreSQL): rows COPied raw into a staging
table, checked and stored by a few SQL statements.

A file import COPies its cells, as text, into ``mutu_stage`` (a TEMP table, gone at
commit), one column per template column and the source row number. Then:

1. **check, set-wise**: one ``CREATE TABLE … AS SELECT`` keeps the rows whose every
   cell is in the canonical spelling of a valid value: the day joined to a table of
   the days the window allows (minus published periods), the service joined to
   the unit's active service names, answers ``1``–``4``, age inside
   :data:`~mutu.surveys.rules.AGE_RANGE`, profile codes among
   :data:`~mutu.surveys.rules.PROFILE_CHOICES`, a comment of printable ASCII no
   longer than :data:`~mutu.surveys.rules.COMMENT_MAX`, at least one answer (D3).
   When that keeps every non-blank row the file is valid. Otherwise the caller
   runs the row-by-row check, which words every error (and accepts the other
   spellings: labels for codes, dates as 14/07/2025 …): the two paths hold the
   same rules, the SQL one only decides the common case fast;
2. **ids and hashes in SQL**: the UUID5 client id of each row
   (``uuid_generate_v5`` of the uuid-ossp extension, as :func:`uuid.uuid5`) and the content
   hash (the canonical JSON of :func:`mutu.surveys.hashing.response_content_hash`,
   byte for byte: every text is printable ASCII here);
3. **idempotency**: a row whose client id is stored with other content refuses
   the bulk; ``INSERT … SELECT … WHERE NOT EXISTS`` (the key table,
   :mod:`mutu.surveys.partitions`) stores the rest in source order (ids rise in file order);
4. **flags and rollups in the same statement**: the straight-line rule (the same
   look-back as :class:`~mutu.surveys.bulk.straight_lines.StraightLines`:
   earlier rows of the bulk at the same or an older day, then the stored
   responses of the source) and one ``GROUP BY`` of the inserted rows added to
   the rollups (``ON CONFLICT … DO UPDATE``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import IO, Any

from django.conf import settings
from django.db import connection

from mutu.errors import MutuError
from mutu.surveys.integrity import straight_line_flag
from mutu.surveys.models import ELEMENT_FIELDS
from mutu.surveys.rollups import (
    monthly_group_sql,
    monthly_insert_sql,
    revisions_bump_sql,
    rollups_group_sql,
    rollups_insert_sql,
    rollups_jit_off,
)
from mutu.surveys.rules import AGE_RANGE, COMMENT_MAX, PROFILE_CHOICES

STAGE = "mutu_stage"
NORM = "mutu_norm"
CELLS = 16
"""Template columns: day, service, U1…U9, sex, age, education, occupation, comment."""

DAY_SPELLINGS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")
"""The zero-padded spellings of a day the fast check knows (the row check's formats)."""


TEMP_TABLES = (
    STAGE,
    NORM,
    "mutu_days",
    "mutu_services",
    "mutu_before",
    "mutu_window",
    "mutu_flagged",
)


def stage_drop(cursor: Any) -> None:
    """Drop the TEMP tables of a previous bulk still in this transaction (they go
    at commit, but a caller's outer transaction may run several bulks)."""
    cursor.execute(f"DROP TABLE IF EXISTS {', '.join(TEMP_TABLES)}")


def stage_create(cursor: Any) -> None:
    """The TEMP staging table: the source row number and 16 text cells."""
    stage_drop(cursor)
    cells = ", ".join(f"c{i} text" for i in range(CELLS))
    cursor.execute(
        f"CREATE TEMP TABLE {STAGE} (row_number bigint GENERATED ALWAYS AS "
        f"IDENTITY (START WITH 2), {cells}) ON COMMIT DROP"
    )


def stage_copy_csv(
    cursor: Any, handle: IO[bytes], *, positions: Sequence[int], delimiter: str
) -> None:
    """COPY a CSV file (header first) into the staging table.

    *positions* gives, for each column of the file, the template column (0–15)
    it holds. Raises psycopg's errors on a file COPY cannot read (ragged rows,
    bad UTF-8): the caller then checks it row by row.
    """
    columns = ", ".join(f"c{p}" for p in positions)
    forced = ", ".join(f"c{p}" for p in positions)
    with cursor.copy(
        f"COPY {STAGE} ({columns}) FROM STDIN WITH (FORMAT csv, HEADER true, "
        f"DELIMITER '{delimiter}', ENCODING 'UTF8', FORCE_NULL ({forced}))"
    ) as copy:
        while chunk := handle.read(1 << 20):
            copy.write(chunk)


def stage_copy_rows(
    cursor: Any, rows: Iterable[Sequence[Any]], *, order: Sequence[int]
) -> None:
    """COPY spreadsheet rows (without the header) into the staging table.

    *order* gives, for each template column, its index in a row. Values go as
    psycopg writes them (a date as ISO text, 4.0 as ``4.0``).
    """
    columns = ", ".join(f"c{i}" for i in range(CELLS))
    with cursor.copy(f"COPY {STAGE} ({columns}) FROM STDIN") as copy:
        write = copy.write_row
        for row in rows:
            write([row[i] for i in order])


@dataclass(frozen=True)
class StagedRows:
    """What the set-based path needs to check and store the staged rows of one unit.

    *days*: every day a row may carry (inside the window, outside published
    periods); *services*: each accepted spelling of a service name to its id;
    *floats*: cells came from a spreadsheet, where 4 may read ``4.0``;
    *client_id_namespace*/*client_id_prefix*: row *n*'s client id is
    ``uuid5(namespace, prefix + str(n))``; more than *max_rows* non-blank rows
    is left to the row check (which words the refusal).
    """

    days: Sequence[date]
    services: Mapping[str, int]
    floats: bool
    client_id_namespace: uuid.UUID
    client_id_prefix: str
    max_rows: int


@dataclass(frozen=True)
class StagedResult:
    """``valid``: every non-blank row passed the set-based check (else nothing was
    stored); ``total`` rows checked, ``created`` of them new."""

    valid: bool
    total: int = 0
    created: int = 0


def _days_table(cursor: Any, days: Sequence[date]) -> None:
    cursor.execute(
        "CREATE TEMP TABLE mutu_days (spelling text PRIMARY KEY, day date) "
        "ON COMMIT DROP"
    )
    with cursor.copy("COPY mutu_days (spelling, day) FROM STDIN") as copy:
        seen: set[str] = set()
        for day in days:
            for spelling in DAY_SPELLINGS:
                text = day.strftime(spelling)
                if text not in seen:
                    seen.add(text)
                    copy.write_row((text, day))


def _services_table(cursor: Any, services: Mapping[str, int]) -> None:
    cursor.execute(
        "CREATE TEMP TABLE mutu_services (spelling text PRIMARY KEY, id integer) "
        "ON COMMIT DROP"
    )
    with cursor.copy("COPY mutu_services (spelling, id) FROM STDIN") as copy:
        for spelling, service_id in services.items():
            copy.write_row((spelling, service_id))


def _answer_sql(cell: str, floats: bool) -> tuple[str, str]:
    """(condition, value) of an answer cell: empty, or 1–4 (4.0 from a sheet)."""
    spellings = ["1", "2", "3", "4"] + (["1.0", "2.0", "3.0", "4.0"] if floats else [])
    allowed = ", ".join(f"'{s}'" for s in spellings)
    return (
        f"({cell} IS NULL OR {cell} IN ({allowed}))",
        f"left({cell}, 1)::smallint",
    )


def _sql_text(values: Iterable[str]) -> str:
    """Fixed codes as an SQL list (codes are letters, digits and '-')."""
    return ", ".join(f"'{v}'" for v in sorted(values))


def _normalize(
    cursor: Any, staged: StagedRows, unit_id: int, channel: str
) -> tuple[int, int]:
    """Build the table of valid rows, with their client ids, content hashes and
    whether each is a straight line; (non-blank rows staged, rows kept)."""
    cell = [f"NULLIF(s.c{i}, '')" for i in range(CELLS)]
    conditions, answers = [], []
    for i in range(9):
        condition, value = _answer_sql(cell[2 + i], staged.floats)
        conditions.append(condition)
        answers.append(f"{value} AS u{i + 1}")
    conditions.append(
        "(" + " OR ".join(f"{cell[2 + i]} IS NOT NULL" for i in range(9)) + ")"
    )  # D3
    age_pattern = "^[0-9]{1,3}(\\.0)?$" if staged.floats else "^[0-9]{1,3}$"
    conditions.append(
        f"({cell[12]} IS NULL OR ({cell[12]} ~ '{age_pattern}' AND "
        f"split_part({cell[12]}, '.', 1)::integer BETWEEN {AGE_RANGE[0]} "
        f"AND {AGE_RANGE[1]}))"
    )
    for index, name in ((11, "sex"), (13, "education"), (14, "occupation")):
        conditions.append(
            f"({cell[index]} IS NULL OR {cell[index]} IN "
            f"({_sql_text(PROFILE_CHOICES[name])}))"
        )
    # Printable ASCII without spaces at either end: stored as typed (strip is a
    # no-op) and hashed as Python's JSON writer would.
    comment = cell[15]
    number_like = f" AND {comment} !~ '^-?[0-9]+\\.0$'" if staged.floats else ""
    conditions.append(
        f"({comment} IS NULL OR ({comment} ~ '^[!-~]([ -~]*[!-~])?$' AND "
        f"char_length({comment}) <= {COMMENT_MAX}{number_like}))"
    )
    # The planner multiplies the selectivities of the many conditions, expects a
    # handful of rows and would join the days by nested loop (a seq scan of the
    # days per row: 7 s for 20,000 rows); hash joins take 0.1 s.
    cursor.execute("SET LOCAL enable_nestloop = off")
    # uuid_generate_v5 is uuid.uuid5: the same ids as the row-wise path.
    cursor.execute(
        f"CREATE TEMP TABLE {NORM} ON COMMIT DROP AS SELECT n.*, "  # noqa: S608
        "uuid_generate_v5(%s::uuid, %s || n.row::text) AS client_id, "
        f"{_hash_sql(unit_id, channel)} AS content_hash, "
        f"{_straight_sql('n')} AS straight FROM ("
        f"SELECT s.row_number AS row, d.day, v.id AS service_id, "
        f"{', '.join(answers)}, "
        f"COALESCE({cell[11]}, '') AS sex, "
        f"split_part({cell[12]}, '.', 1)::smallint AS age, "
        f"COALESCE({cell[13]}, '') AS education, "
        f"COALESCE({cell[14]}, '') AS occupation, "
        f"COALESCE({comment}, '') AS comment "
        f"FROM {STAGE} s JOIN mutu_days d ON d.spelling = s.c0 "
        f"JOIN mutu_services v ON v.spelling = s.c1 "
        f"WHERE {' AND '.join(conditions)}) n",
        [str(staged.client_id_namespace), staged.client_id_prefix],
    )
    kept = cursor.rowcount
    cursor.execute("SET LOCAL enable_nestloop = on")
    blank = " AND ".join(f"COALESCE(btrim(c{i}), '') = ''" for i in range(CELLS))
    cursor.execute(f"SELECT count(*) FROM {STAGE} WHERE NOT ({blank})")  # noqa: S608
    return int(cursor.fetchone()[0]), kept


def _straight_sql(alias: str) -> str:
    first = f"{alias}.u1"
    same = " AND ".join(f"{alias}.{f} = {first}" for f in ELEMENT_FIELDS[1:])
    # COALESCE: an empty answer makes "=" NULL, and bool_and would skip a NULL.
    return f"COALESCE({first} IS NOT NULL AND {same}, false)"


def _hash_sql(unit_id: int, channel: str) -> str:
    answers = " || ',' || ".join(
        f"'\"U{n}\":' || COALESCE(n.u{n}::text, 'null')" for n in range(1, 10)
    )
    return (
        "encode(sha256(convert_to("
        f'\'{{"answers":{{\' || {answers} || \'}},"channel":"{channel}",'
        '"comment":\' || to_json(n.comment)::text || \',"extra":{},'
        '"point":null,"profile":{"age":\' || COALESCE(n.age::text, \'null\') || '
        "',\"education\":' || to_json(n.education)::text || "
        "',\"occupation\":' || to_json(n.occupation)::text || "
        "',\"sex\":' || to_json(n.sex)::text || '},\"service\":' || "
        f"n.service_id::text || ',\"unit\":{int(unit_id)}}}', 'UTF8')), 'hex')"
    )


def staged_available() -> bool:
    """Whether this database can run the set-based path: PostgreSQL with the
    uuid-ossp extension (``uuid_generate_v5``, created by a migration)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regproc('uuid_generate_v5') IS NOT NULL")
        return bool(cursor.fetchone()[0])


def responses_store_staged(
    *, unit_id: int, channel: str, staged: StagedRows
) -> StagedResult:
    """Check and store the rows in the staging table.

    Not ``valid`` when some non-blank row is not in the canonical form (or there
    are more than ``max_rows``): nothing is stored and the caller checks the rows
    one by one. Call inside the
    caller's transaction, after :func:`stage_create` and a ``stage_copy_*``.
    Raises :class:`MutuError` when a row is already stored with other content.
    """
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor
        _days_table(cursor, staged.days)
        _services_table(cursor, staged.services)
        # TEMP tables are never analysed by autovacuum: without statistics the
        # planner takes the staging table for a few rows and joins by nested loop.
        cursor.execute(f"ANALYZE {STAGE}, mutu_days, mutu_services")
        staged_rows, kept = _normalize(cursor, staged, unit_id, channel)
        if kept != staged_rows or not kept or kept > staged.max_rows:
            return StagedResult(valid=False)
        _refuse_changed(cursor)
        run = settings.MUTU_SURVEY_STRAIGHT_LINE_RUN
        _straight_lines(cursor, unit_id, channel, run)
        flag = straight_line_flag(run)
        created = _insert(cursor, unit_id, channel, flag.rule, flag.reason)
        stage_drop(cursor)
        return StagedResult(valid=True, total=kept, created=created)


def _refuse_changed(cursor: Any) -> None:
    """Refuse a bulk holding a row already stored under its client id with other
    content (a changed file under an old name); a same-content row is skipped.

    As in the row-wise path, the full look-up runs only when the first or the
    last row's id is stored (bulks are stored all or nothing).
    """
    cursor.execute(
        f"SELECT EXISTS (SELECT 1 FROM surveys_responsekey k WHERE k.client_id IN "  # noqa: S608
        f"(SELECT client_id FROM {NORM} WHERE row IN ((SELECT min(row) FROM {NORM}), "
        f"(SELECT max(row) FROM {NORM}))))"
    )
    if not cursor.fetchone()[0]:
        return
    cursor.execute(
        f"SELECT n.row FROM {NORM} n "  # noqa: S608
        "JOIN surveys_responsekey k ON k.client_id = n.client_id "
        "JOIN surveys_response r ON r.id = k.response_id AND r.day = k.day "
        "WHERE r.content_hash <> n.content_hash "
        "ORDER BY n.row LIMIT 1"
    )
    changed = cursor.fetchone()
    if changed is not None:
        raise MutuError(
            f"Baris {changed[0]} sudah tersimpan dengan isi lain.",
            f"Row {changed[0]} is already stored with other content.",
        )


def _straight_lines(cursor: Any, unit_id: int, channel: str, run: int) -> None:
    """The rows the straight-line rule flags, into ``mutu_flagged``.

    For a row, the responses "before" it are the earlier rows of the bulk at the
    same day (same time: noon), newest first, then earlier rows of the bulk at
    older days and the stored responses of the source, by time. So a row with at
    least ``run - 1`` earlier same-day rows is decided by a window over its day
    (one sort for the whole bulk); only each day's first rows look further, one
    correlated look-up each.
    """
    zone = settings.TIME_ZONE
    need = max(run - 1, 0)
    cursor.execute(
        "CREATE TEMP TABLE mutu_flagged (row bigint PRIMARY KEY) ON COMMIT DROP"
    )
    if not need:
        cursor.execute(
            f"INSERT INTO mutu_flagged SELECT row FROM {NORM} WHERE straight"  # noqa: S608
        )
        return
    cursor.execute(
        "CREATE TEMP TABLE mutu_window ON COMMIT DROP AS "  # noqa: S608
        "SELECT row, day, straight, count(*) OVER w AS earlier, "
        "bool_and(straight) OVER w AS all_straight "
        f"FROM {NORM} WINDOW w AS (PARTITION BY day ORDER BY row "
        f"ROWS BETWEEN {need} PRECEDING AND 1 PRECEDING)"
    )
    cursor.execute(
        "INSERT INTO mutu_flagged SELECT row FROM mutu_window "
        "WHERE straight AND earlier = %s AND all_straight",
        [need],
    )
    cursor.execute(
        "SELECT EXISTS (SELECT 1 FROM mutu_window WHERE straight AND earlier < %s)",
        [need],
    )
    if not cursor.fetchone()[0]:
        return
    cursor.execute(f"CREATE INDEX ON {NORM} (day, row)")
    # The stored responses of the source before each day's noon, newest first.
    cursor.execute(
        "CREATE TEMP TABLE mutu_before ON COMMIT DROP AS "  # noqa: S608
        "SELECT d.day, p.submitted_at, p.rank, p.straight FROM "
        "(SELECT DISTINCT day FROM mutu_window WHERE straight AND earlier < %s) d "
        "CROSS JOIN LATERAL (SELECT r.submitted_at, "
        "row_number() OVER (ORDER BY r.submitted_at DESC, r.id DESC) AS rank, "
        f"{_straight_sql('r')} AS straight FROM surveys_response r "
        "WHERE r.unit_id = %s AND r.channel = %s AND r.submitted_at <= "
        "(d.day + time '12:00') AT TIME ZONE %s "
        "ORDER BY r.submitted_at DESC, r.id DESC LIMIT %s) p",
        [need, unit_id, channel, zone, need],
    )
    cursor.execute(
        "INSERT INTO mutu_flagged SELECT k.row FROM mutu_window k "  # noqa: S608
        "WHERE k.straight AND k.earlier < %s "
        "AND (SELECT count(*) = %s AND bool_and(x.straight) FROM ("
        "SELECT straight FROM ("
        "(SELECT j.straight, (j.day + time '12:00') AT TIME ZONE %s AS moment, "
        f"1 AS bulk, j.row AS key FROM {NORM} j WHERE j.day <= k.day "
        "AND j.row < k.row ORDER BY j.day DESC, j.row DESC LIMIT %s) "
        "UNION ALL (SELECT b.straight, b.submitted_at, 0, -b.rank "
        "FROM mutu_before b WHERE b.day = k.day)"
        ") u ORDER BY moment DESC, bulk DESC, key DESC LIMIT %s) x)",
        [need, need, zone, need, need],
    )


def _insert(cursor: Any, unit_id: int, channel: str, rule: str, reason: str) -> int:
    """Insert the new rows, their flags and their rollup counts; how many new."""
    answers = ", ".join(ELEMENT_FIELDS)
    grouped = rollups_group_sql("inserted")
    rollups = rollups_insert_sql("SELECT * FROM grouped", add=True)
    months = monthly_insert_sql(monthly_group_sql("grouped"), add=True)
    revisions = revisions_bump_sql("SELECT unit_id, month FROM months")
    rollups_jit_off(cursor)
    cursor.execute(
        "WITH inserted AS (INSERT INTO surveys_response (unit_id, service_id, "  # noqa: S608
        f"point_id, channel, submitted_at, day, {answers}, sex, age, education, "
        "occupation, comment, extra_answers, client_id, content_hash, device_hash, "
        "is_flagged, is_excluded, integrity_pending) "
        f"SELECT %s, n.service_id, NULL, %s, (n.day + time '12:00') AT TIME ZONE %s, "
        f"n.day, {', '.join('n.' + f for f in ELEMENT_FIELDS)}, n.sex, n.age, "
        "n.education, n.occupation, n.comment, '{}'::jsonb, n.client_id, "
        "n.content_hash, '', f.row IS NOT NULL, false, false "
        f"FROM {NORM} n LEFT JOIN mutu_flagged f ON f.row = n.row "
        # The key table holds every stored client id (the response table is
        # partitioned and cannot: mutu.surveys.partitions).
        "WHERE NOT EXISTS (SELECT 1 FROM surveys_responsekey k "
        "WHERE k.client_id = n.client_id) ORDER BY n.row "
        f"RETURNING id, unit_id, service_id, day, channel, {answers}, sex, age, "
        "education, occupation, extra_answers, is_flagged, is_excluded), "
        "flags AS (INSERT INTO surveys_responseflag (response_id, rule, reason, "
        "created_at) SELECT id, %s, %s, now() FROM inserted WHERE is_flagged "
        f"RETURNING 1), grouped AS ({grouped}), "
        f"rollups AS ({rollups} RETURNING 1), "
        f"months AS ({months} RETURNING unit_id, month), "
        f"revisions AS ({revisions} RETURNING 1) "
        "SELECT (SELECT count(*) FROM inserted), (SELECT count(*) FROM flags), "
        "(SELECT count(*) FROM rollups), (SELECT count(*) FROM revisions)",
        [unit_id, channel, settings.TIME_ZONE, rule, reason],
    )
    return int(cursor.fetchone()[0])


def window_days(oldest: date, latest: date, closed: Any) -> list[date]:
    """Every day from *oldest* to *latest* outside the *closed* (published) periods."""
    days = []
    day = oldest
    while day <= latest:
        if closed.containing(day) is None:
            days.append(day)
        day += timedelta(days=1)
    return days
