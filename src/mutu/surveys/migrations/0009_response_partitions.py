"""Monthly partitions of ``surveys_response`` on PostgreSQL (issue 14 item 5).

On PostgreSQL: the populated (or empty) table is renamed, a table partitioned by
``RANGE (day)`` takes its name with a partition per month that has rows, the
current month and the three next, and a DEFAULT partition; the rows are copied,
the key table filled, the old table dropped; then the primary key ``(id, day)``,
the same indexes and foreign keys (same names), the id sequence and the key and
flag triggers are created (:mod:`mutu.surveys.partitions`). SQLite: only the
(unused) key table is created; the response table stays as it was.

Reversible: backwards, the rows go back into one plain table with its identity
id, ``UNIQUE (client_id)`` and the flags' foreign key as Django made them.
"""

from django.db import migrations, models
from django.utils import timezone

from mutu.surveys import partitions as p

OLD = "surveys_response_unpartitioned"


def _indexes(cursor, table: str) -> list[str]:
    """``CREATE INDEX`` statements of the indexes not backing a constraint."""
    cursor.execute(
        "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = to_regclass(%s) AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
        "ORDER BY i.indexrelid::regclass::text",
        [table],
    )
    # A partitioned parent's index reads "ON ONLY table": the plain form builds it
    # on every partition (forwards) or on the plain table (backwards).
    return [row[0].replace(" ON ONLY ", " ON ", 1) for row in cursor.fetchall()]


def _foreign_keys(cursor, table: str) -> list[tuple[str, str]]:
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = to_regclass(%s) AND contype = 'f' ORDER BY conname",
        [table],
    )
    return list(cursor.fetchall())


def _referencing(cursor, table: str) -> list[tuple[str, str]]:
    cursor.execute(
        "SELECT conrelid::regclass::text, conname FROM pg_constraint "
        "WHERE confrelid = to_regclass(%s) AND contype = 'f'",
        [table],
    )
    return list(cursor.fetchall())


def _sequence_value(cursor, table: str) -> int:
    cursor.execute(
        "SELECT pg_get_serial_sequence(%s, 'id')",
        [table],
    )
    sequence = cursor.fetchone()[0]
    cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")  # noqa: S608
    highest = cursor.fetchone()[0]
    if sequence:
        cursor.execute(f"SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM {sequence}")  # noqa: S608
        highest = max(highest, cursor.fetchone()[0])
    return highest


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        if p.is_partitioned(cursor):
            return
        cursor.execute(f"LOCK TABLE {p.TABLE} IN ACCESS EXCLUSIVE MODE")
        indexes = _indexes(cursor, p.TABLE)
        foreign_keys = _foreign_keys(cursor, p.TABLE)
        referencing = _referencing(cursor, p.TABLE)
        unexpected = [r for r in referencing if r[0] != p.FLAG_TABLE]
        if unexpected:
            raise RuntimeError(f"foreign keys to {p.TABLE} not handled: {unexpected}")
        highest = _sequence_value(cursor, p.TABLE)
        cursor.execute(f"ALTER TABLE {p.TABLE} RENAME TO {OLD}")
        cursor.execute(
            f"CREATE TABLE {p.TABLE} (LIKE {OLD} INCLUDING DEFAULTS "
            "INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMMENTS) "
            "PARTITION BY RANGE (day)"
        )
        cursor.execute(
            f"SELECT DISTINCT date_trunc('month', day)::date FROM {OLD}"  # noqa: S608
        )
        months = {row[0] for row in cursor.fetchall()}
        this_month = p.month_start(timezone.localdate())
        months.update(p.month_add(this_month, n) for n in range(4))
        for month in sorted(months):
            cursor.execute(
                f"CREATE TABLE {p.partition_name(month)} PARTITION OF {p.TABLE} "
                f"FOR VALUES FROM ('{month}') TO ('{p.month_add(month, 1)}')"
            )
        p.default_create(cursor)
        cursor.execute(f"INSERT INTO {p.TABLE} SELECT * FROM {OLD}")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {p.KEY_TABLE} (client_id, response_id, day) "  # noqa: S608
            f"SELECT client_id, id, day FROM {OLD}"
        )
        for table, name in referencing:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        cursor.execute(f"DROP TABLE {OLD}")
        cursor.execute(
            f"ALTER TABLE {p.TABLE} ADD CONSTRAINT {p.TABLE}_pkey PRIMARY KEY (id, day)"
        )
        for statement in indexes:
            cursor.execute(statement)
        for name, definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {p.TABLE} ADD CONSTRAINT {name} {definition}")
        cursor.execute(f"CREATE SEQUENCE {p.SEQUENCE} OWNED BY {p.TABLE}.id")
        if highest:
            cursor.execute("SELECT setval(%s, %s)", [p.SEQUENCE, highest])
        cursor.execute(
            f"ALTER TABLE {p.TABLE} ALTER COLUMN id SET DEFAULT nextval('{p.SEQUENCE}')"
        )
        cursor.execute(p.TRIGGERS_SQL)
        cursor.execute(f"ANALYZE {p.TABLE}")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        if not p.is_partitioned(cursor):
            return
        cursor.execute(f"LOCK TABLE {p.TABLE} IN ACCESS EXCLUSIVE MODE")
        indexes = _indexes(cursor, p.TABLE)
        foreign_keys = _foreign_keys(cursor, p.TABLE)
        highest = _sequence_value(cursor, p.TABLE)
        cursor.execute(p.DROP_TRIGGERS_SQL)
        cursor.execute(f"ALTER TABLE {p.TABLE} RENAME TO {OLD}")
        cursor.execute(
            f"CREATE TABLE {p.TABLE} (LIKE {OLD} INCLUDING CONSTRAINTS "
            "INCLUDING STORAGE INCLUDING COMMENTS)"
        )
        cursor.execute(f"INSERT INTO {p.TABLE} SELECT * FROM {OLD}")  # noqa: S608
        cursor.execute(f"DROP TABLE {OLD}")  # its partitions and sequence with it
        cursor.execute(
            f"ALTER TABLE {p.TABLE} ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY"
        )
        if highest:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                [p.TABLE, highest],
            )
        cursor.execute(
            f"ALTER TABLE {p.TABLE} ADD CONSTRAINT {p.TABLE}_pkey PRIMARY KEY (id)"
        )
        cursor.execute(
            f"ALTER TABLE {p.TABLE} ADD CONSTRAINT {p.TABLE}_client_id_key "
            "UNIQUE (client_id)"
        )
        for statement in indexes:
            cursor.execute(statement)
        for name, definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {p.TABLE} ADD CONSTRAINT {name} {definition}")
    flag = apps.get_model("surveys", "ResponseFlag")
    schema_editor.execute(
        schema_editor._create_fk_sql(
            flag, flag._meta.get_field("response"), "_fk_%(to_table)s_%(to_column)s"
        )
    )


class Migration(migrations.Migration):
    dependencies = [("surveys", "0008_uuid_ossp")]

    operations = [
        migrations.CreateModel(
            name="ResponseKey",
            fields=[
                (
                    "client_id",
                    models.UUIDField(
                        primary_key=True, serialize=False, verbose_name="id klien"
                    ),
                ),
                ("response_id", models.BigIntegerField()),
                ("day", models.DateField()),
            ],
            options={
                "verbose_name": "kunci idempotensi respons",
                "verbose_name_plural": "kunci idempotensi respons",
            },
        ),
        migrations.RunPython(forward, backward, elidable=False),
    ]
