"""``benchdata_generate``: one synthetic database, registry to evaluation cycle."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import connection, transaction
from django.utils import timezone

from mutu.benchdata.plan import Plan
from mutu.benchdata.registry import Registry, registry_generate
from mutu.benchdata.responses import RESPONSE_COLUMNS, responses_rows
from mutu.benchdata.tables import next_id, rows_write, sequence_reset
from mutu.errors import MutuError
from mutu.evaluations.models import Answer, Assignment, Cycle
from mutu.measures.instrument import DEFAULT_PEKPPP_INSTRUMENT, load_instrument
from mutu.registry.models import Region, ServiceUnit
from mutu.surveys.models import DailyRollup, Response, ResponseFlag
from mutu.surveys.partitions import partitions_months
from mutu.surveys.rollups import (
    monthly_rollups_fill,
    rollups_group_sql,
    rollups_insert_sql,
    rollups_jit_off,
)


@dataclass
class GenerateReport:
    """What was written, and how fast (seconds per stage)."""

    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    @property
    def responses_per_second(self) -> float:
        spent = self.seconds.get("responses", 0.0)
        return self.counts.get("responses", 0) / spent if spent else 0.0


def benchdata_generate(
    *,
    plan: Plan,
    now: datetime | None = None,
    on_stage: Callable[[str, int, float], None] | None = None,
) -> GenerateReport:
    """Fill an empty database with the synthetic data of *plan*; return the report.

    Refuses (``MutuError``) a database that already holds regions or units: ids
    are assigned here, so that one seed always gives the same rows. Everything is
    written in one transaction. *now* stamps ``created_at`` columns (default: the
    clock; the generated responses never depend on it). *on_stage* is called with
    each stage's name, rows and seconds as it ends.
    """
    if Region.objects.exists() or ServiceUnit.objects.exists():
        raise MutuError(
            "Basis data sudah berisi wilayah atau unit; data sintetis hanya diisi ke "
            "basis data kosong (yang sudah dimigrasi).",
            "The database already holds regions or units; synthetic data only goes "
            "into an empty (migrated) database.",
        )
    if plan.units < 1 or plan.responses < 0:
        raise MutuError(
            "Jumlah unit minimal 1 dan jumlah respons tidak boleh negatif.",
            "At least one unit, and a non-negative number of responses.",
        )
    stamp = now or timezone.now()
    rng = random.Random(plan.seed)  # noqa: S311 (synthetic data, seeded on purpose)
    report = GenerateReport()

    def stage(name: str, rows: int, started: float) -> None:
        seconds = time.perf_counter() - started
        report.counts[name] = rows
        report.seconds[name] = seconds
        if on_stage is not None:
            on_stage(name, rows, seconds)

    with transaction.atomic():
        _skip_row_triggers()
        started = time.perf_counter()
        registry = registry_generate(plan, rng, stamp)
        stage("registry", sum(registry.counts.values()), started)

        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # the year's monthly partitions
                partitions_months(cursor, date(plan.year, 1, 1), date(plan.year, 12, 1))
        started = time.perf_counter()
        first = next_id(Response._meta.db_table)
        rows, flags = responses_rows(
            registry.units, plan.responses, plan.year, rng, first
        )
        rebuild = plain_indexes_drop(Response._meta.db_table)
        written = rows_write(Response._meta.db_table, RESPONSE_COLUMNS, rows)
        indexes_build(rebuild)
        sequence_reset(Response._meta.db_table)
        stage("responses", written, started)

        started = time.perf_counter()
        flag_id = next_id(ResponseFlag._meta.db_table)
        written = rows_write(
            ResponseFlag._meta.db_table,
            ("id", "response_id", "rule", "reason", "created_at"),
            (
                (flag_id + index, response_id, rule, reason, stamp)
                for index, (response_id, rule, reason) in enumerate(flags.rows)
            ),
        )
        sequence_reset(ResponseFlag._meta.db_table)
        stage("flags", written, started)

        started = time.perf_counter()
        with connection.cursor() as cursor:
            rollups_jit_off(cursor)
            cursor.execute(
                rollups_insert_sql(
                    rollups_group_sql(
                        connection.ops.quote_name(Response._meta.db_table)
                    )
                )
            )
            monthly_rollups_fill(cursor)
        stage("rollups", DailyRollup.objects.count(), started)

        started = time.perf_counter()
        stage("evaluation", _cycle_generate(plan, registry, rng, stamp), started)
    if connection.vendor == "postgresql":
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        stage("analyze", 0, started)
    return report


def plain_indexes_drop(table: str) -> list[str]:
    """On PostgreSQL: drop *table*'s indexes that back no constraint (on a
    partitioned table, with its partitions' own); return the statements that
    build them again.

    The response table's secondary indexes (device, time, service, comments …)
    take random keys: maintained row by row during a COPY of 10,000,000 rows
    they made it four times slower than the COPY itself (the index pages no
    longer fit in memory). One sort per index afterwards is the usual bulk load.
    The primary key and unique constraints stay, so the COPY still checks them.
    Elsewhere (SQLite): nothing is dropped.
    """
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
            "FROM pg_index i WHERE i.indrelid = %s::regclass AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
            "ORDER BY 1",
            [table],
        )
        found = cursor.fetchall()
        for name, _definition in found:
            cursor.execute(f"DROP INDEX {name}")
    # A partitioned table's index definition reads "ON ONLY": built without
    # ONLY, it is built on every partition too.
    return [definition.replace(" ON ONLY ", " ON ", 1) for _n, definition in found]


def indexes_build(statements: list[str]) -> None:
    """Run the statements of :func:`plain_indexes_drop`, with the memory an
    index build of a large table needs for its sort (for this transaction)."""
    if not statements:
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for statement in statements:
            cursor.execute(statement)


def _skip_row_triggers() -> None:
    """On PostgreSQL as a superuser: no foreign-key trigger per row in this
    transaction (``session_replication_role = replica``).

    The generator writes parents before children with ids it assigned itself, so
    the checks would find nothing; they cost about half of the COPY time. Without
    the privilege the checks simply run.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
        if row and row[0]:
            cursor.execute("SET LOCAL session_replication_role = replica")


def _cycle_generate(
    plan: Plan, registry: Registry, rng: random.Random, now: datetime
) -> int:
    """One national evaluation cycle of the plan's year over a sample of units:
    assignments in every stage but final, with self-assessment levels for the
    submitted ones. Returns the rows written."""
    instrument = load_instrument(DEFAULT_PEKPPP_INSTRUMENT)
    cycle_id = next_id(Cycle._meta.db_table)
    rows_write(
        Cycle._meta.db_table,
        (
            "id",
            "year",
            "name",
            "scheme",
            "instrument_id",
            "instrument_version",
            "region_id",
            "status",
            "self_assessment_due",
            "verification_due",
            "revision_days",
            "opened_by_id",
            "published_at",
            "issuing_authority",
            "signatory_name",
            "signatory_title",
            "signing_place",
            "created_at",
            "data_from",
            "data_to",
        ),
        [
            (
                cycle_id,
                plan.year,
                f"PEKPPP {plan.year} (data sintetis)",
                Cycle.Scheme.NATIONAL.value,
                instrument.id,
                instrument.version,
                registry.national_region_id,
                Cycle.Status.OPEN.value,
                date(plan.year, 9, 30),
                date(plan.year, 11, 30),
                7,
                None,
                None,
                "",
                "",
                "",
                "",
                now,
                date(plan.year, 1, 1),  # the feeds' data window: the year (D16)
                date(plan.year, 12, 31),
            )
        ],
    )
    units = registry.units
    step = max(1, len(units) // max(plan.assignments, 1))
    chosen = units[::step][: plan.assignments]
    assignment_id = next_id(Assignment._meta.db_table)
    answer_id = next_id(Answer._meta.db_table)
    assignment_rows, answer_rows = [], []
    stages = ("draft", "submitted", "revision")
    for info in chosen:
        stage = stages[rng.randrange(len(stages))]
        assignment_rows.append(
            (
                assignment_id,
                cycle_id,
                info.id,
                stage,
                now if stage != "draft" else None,
                None,
                "",
                0,
            )
        )
        for indicator in instrument.indicators:
            level = rng.randrange(6) if stage != "draft" else None
            answer_rows.append(
                (
                    answer_id,
                    assignment_id,
                    indicator.number,
                    level,
                    "",
                    None,
                    "",
                    "{}",
                    now,
                    "",  # self_reason, score_reason: synthetic levels give none
                    "",
                )
            )
            answer_id += 1
        assignment_id += 1
    count = 1
    count += rows_write(
        Assignment._meta.db_table,
        (
            "id",
            "cycle_id",
            "unit_id",
            "stage",
            "submitted_at",
            "revision_due",
            "revision_note",
            "revisions_used",
        ),
        assignment_rows,
    )
    count += rows_write(
        Answer._meta.db_table,
        (
            "id",
            "assignment_id",
            "indicator",
            "self_level",
            "self_note",
            "score",
            "score_note",
            "feed",
            "updated_at",
            "self_reason",
            "score_reason",
        ),
        answer_rows,
    )
    for model in (Cycle, Assignment, Answer):
        sequence_reset(model._meta.db_table)
    return count
