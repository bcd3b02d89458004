"""The response table's monthly partitions on PostgreSQL (issue 14 item 5;
``docs/scaling.md`` "Partitions and indexes").

On PostgreSQL ``surveys_response`` is partitioned by ``RANGE (day)``, one partition
per calendar month (``surveys_response_y2026m01`` …) and a ``DEFAULT`` partition
(``surveys_response_default``), so no row is ever refused for lack of a
partition. SQLite keeps one plain table; every function here is a no-op there.

A unique key of a partitioned table must include the partition key, so:

- the primary key is ``(id, day)`` (ids still come from one sequence, so ``id``
  alone stays unique in practice and Django keeps using it as the pk);
- ``client_id`` uniqueness, which must hold across periods (idempotency), lives in
  ``surveys_responsekey`` (:class:`~mutu.surveys.models.ResponseKey`: ``client_id``
  primary key, ``response_id``, ``day``), written by a statement-level ``AFTER
  INSERT`` trigger on the response table (one set-based ``INSERT … SELECT`` from the
  statement's transition table: cheaper than a row trigger), at the end of the
  same statement as the rows, whatever writes them (the ORM, ``COPY``, the staged
  import's ``INSERT … SELECT``, the generator). A duplicate ``client_id`` therefore
  raises the same ``IntegrityError`` as the former unique index did, in any period,
  and nothing of the statement stays. The trigger is ``ENABLE ALWAYS``, so it also
  fires under ``session_replication_role = replica`` (the generator);
- ``surveys_responseflag.response_id`` can no longer reference ``id`` alone: its
  foreign key is kept by triggers: a deferred constraint trigger refuses a flag
  whose response does not exist (checked at commit, as Django's deferred foreign
  key was), and deleting a response deletes its flags and its key.

A response's ``day`` and ``client_id`` never change (a trigger refuses it): a
change of ``day`` would move the row to another partition.

New partitions are created ahead of time by :func:`partitions_ensure` (the
command ``mutu surveys partitions --ahead 3`` and the task
:func:`mutu.surveys.tasks.partitions_ensure_ahead`); rows that fell into
``DEFAULT`` meanwhile are moved into their month's partition when it is made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

TABLE = "surveys_response"
DEFAULT_PARTITION = f"{TABLE}_default"
KEY_TABLE = "surveys_responsekey"
FLAG_TABLE = "surveys_responseflag"
SEQUENCE = f"{TABLE}_id_seq"
LOCK_KEY = 14_050_001
"""Advisory lock held while partitions are created (command and task may overlap)."""

MOVE_SETTING = "mutu.partition_move"
"""Set (``SET LOCAL``) while rows move from DEFAULT into a new partition: the delete
trigger then leaves the keys and flags alone (the rows keep id, day and client id;
their insert goes into a table not attached yet, so no key is written twice)."""

TRIGGERS_SQL = (  # module constants only, no input
    f"""CREATE OR REPLACE FUNCTION surveys_response_key_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {KEY_TABLE} (client_id, response_id, day)
    SELECT client_id, id, day FROM inserted;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION surveys_response_key_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('{MOVE_SETTING}', true) = 'on' THEN
        RETURN OLD;
    END IF;
    DELETE FROM {FLAG_TABLE} WHERE response_id = OLD.id;
    DELETE FROM {KEY_TABLE} WHERE client_id = OLD.client_id;
    RETURN OLD;
END $$;

CREATE OR REPLACE FUNCTION surveys_response_key_fixed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.client_id <> OLD.client_id OR NEW.day <> OLD.day OR NEW.id <> OLD.id THEN
        RAISE EXCEPTION 'a response''s id, day and client_id do not change'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION surveys_responseflag_response() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Checked at commit: a flag deleted (or moved) since needs no response.
    IF NOT EXISTS (SELECT 1 FROM {FLAG_TABLE}
                   WHERE id = NEW.id AND response_id = NEW.response_id) THEN
        RETURN NULL;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM {TABLE} WHERE id = NEW.response_id) THEN
        RAISE EXCEPTION 'response % of a flag does not exist', NEW.response_id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER surveys_response_key_insert AFTER INSERT ON {TABLE}
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION surveys_response_key_insert();
CREATE TRIGGER surveys_response_key_delete BEFORE DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION surveys_response_key_delete();
CREATE TRIGGER surveys_response_key_fixed BEFORE UPDATE OF client_id, day, id
    ON {TABLE} FOR EACH ROW EXECUTE FUNCTION surveys_response_key_fixed();
ALTER TABLE {TABLE} ENABLE ALWAYS TRIGGER surveys_response_key_insert;
ALTER TABLE {TABLE} ENABLE ALWAYS TRIGGER surveys_response_key_delete;
CREATE CONSTRAINT TRIGGER surveys_responseflag_response
    AFTER INSERT OR UPDATE OF response_id ON {FLAG_TABLE}
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION surveys_responseflag_response();
"""  # noqa: S608
)

DROP_TRIGGERS_SQL = f"""
DROP TRIGGER IF EXISTS surveys_responseflag_response ON {FLAG_TABLE};
DROP FUNCTION IF EXISTS surveys_responseflag_response();
DROP FUNCTION IF EXISTS surveys_response_key_insert() CASCADE;
DROP FUNCTION IF EXISTS surveys_response_key_delete() CASCADE;
DROP FUNCTION IF EXISTS surveys_response_key_fixed() CASCADE;
"""


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_add(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def partition_name(month: date) -> str:
    """``surveys_response_y2026m01`` for January 2026."""
    return f"{TABLE}_y{month.year}m{month.month:02d}"


def is_partitioned(cursor) -> bool:
    """Whether ``surveys_response`` is a partitioned table (PostgreSQL only)."""
    cursor.execute(
        "SELECT relkind = 'p' FROM pg_class WHERE oid = to_regclass(%s)", [TABLE]
    )
    row = cursor.fetchone()
    return bool(row and row[0])


def partitions_list(cursor) -> list[tuple[str, str]]:
    """The partitions as (name, bound), by name (the months sort in order)."""
    cursor.execute(
        "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
        "JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = to_regclass(%s) ORDER BY c.relname",
        [TABLE],
    )
    return [(name, bound) for name, bound in cursor.fetchall()]


def default_create(cursor) -> bool:
    """Create the DEFAULT partition if missing; whether it was created."""
    cursor.execute("SELECT to_regclass(%s) IS NULL", [DEFAULT_PARTITION])
    if not cursor.fetchone()[0]:
        return False
    cursor.execute(f"CREATE TABLE {DEFAULT_PARTITION} PARTITION OF {TABLE} DEFAULT")
    return True


def partition_create(cursor, month: date) -> int | None:
    """Create the partition of *month* (a first day); ``None`` if it exists, else
    how many rows it took over from DEFAULT.

    The table is made standalone, the month's rows (if any) move into it from
    DEFAULT, a CHECK of its range lets ``ATTACH PARTITION`` skip the validation
    scan, and the attach brings the indexes, keys and triggers of the parent.
    ``ATTACH`` locks the parent only in SHARE UPDATE EXCLUSIVE mode: reads and
    writes of other months go on meanwhile.
    """
    name = partition_name(month)
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
    if cursor.fetchone()[0]:
        return None
    low, high = month.isoformat(), month_add(month, 1).isoformat()
    cursor.execute(
        f"CREATE TABLE {name} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
        "INCLUDING STORAGE)"
    )
    moved = 0
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [DEFAULT_PARTITION])
    if cursor.fetchone()[0]:
        cursor.execute(f"SET LOCAL {MOVE_SETTING} = 'on'")
        cursor.execute(
            f"WITH moved AS (DELETE FROM {DEFAULT_PARTITION} "  # noqa: S608
            "WHERE day >= %s AND day < %s RETURNING *) "
            f"INSERT INTO {name} SELECT * FROM moved",
            [low, high],
        )
        moved = cursor.rowcount
        cursor.execute(f"SET LOCAL {MOVE_SETTING} = 'off'")
    cursor.execute(
        f"ALTER TABLE {name} ADD CONSTRAINT {name}_range "
        f"CHECK (day >= '{low}' AND day < '{high}')"
    )
    cursor.execute(
        f"ALTER TABLE {TABLE} ATTACH PARTITION {name} "
        f"FOR VALUES FROM ('{low}') TO ('{high}')"
    )
    cursor.execute(f"ALTER TABLE {name} DROP CONSTRAINT {name}_range")
    return moved


def partitions_months(cursor, first: date, last: date) -> list[str]:
    """The partitions of every month from *first* to *last* (inclusive), plus
    DEFAULT, if the table is partitioned; the names created (the generator makes
    its year's before writing it)."""
    if not is_partitioned(cursor):
        return []
    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
    default_create(cursor)
    created = []
    month = month_start(first)
    while month <= last:
        if partition_create(cursor, month) is not None:
            created.append(partition_name(month))
        month = month_add(month, 1)
    return created


@dataclass
class PartitionsReport:
    created: list[str] = field(default_factory=list)
    moved: int = 0
    default_rows: int = 0


def partitions_ensure(cursor, *, today: date, ahead: int) -> PartitionsReport:
    """The partitions of the month of *today* and the *ahead* next months, plus one
    for every month that has rows in DEFAULT (moved there); idempotent.

    Call inside a transaction (the command and the task do); a transaction-level
    advisory lock makes concurrent runs wait for each other.
    """
    report = PartitionsReport()
    if not is_partitioned(cursor):
        return report
    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
    default_create(cursor)
    first = month_start(today)
    months = {month_add(first, n) for n in range(ahead + 1)}
    cursor.execute(
        f"SELECT DISTINCT date_trunc('month', day)::date FROM {DEFAULT_PARTITION}"  # noqa: S608
    )
    months.update(row[0] for row in cursor.fetchall())
    for month in sorted(months):
        moved = partition_create(cursor, month)
        if moved is not None:
            report.created.append(partition_name(month))
            report.moved += moved
    cursor.execute(f"SELECT count(*) FROM {DEFAULT_PARTITION}")  # noqa: S608
    report.default_rows = cursor.fetchone()[0]
    return report
