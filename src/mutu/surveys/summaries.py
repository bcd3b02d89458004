"""Each unit's league figures per period, kept beside the rollups (issue 15 item 9).

A league table needs of every unit only its counted responses, converted IKM and
the IKM's standard error (D10, D12). Computing them means reading the two hundred
sums of the unit's monthly rollups: for a nation of 25,000 units and a quarter,
75,000 wide rows, most of a second. :class:`~mutu.surveys.models.UnitPeriodSummary`
keeps the three figures per unit and period, with the fingerprint of the rollups
they came from: the sum of the revisions of the unit's months
(:class:`~mutu.surveys.models.MonthlyRevision`), which grows with every write of
any of them and never comes back to a value it had.

A reader (:func:`unit_summaries`) reads each unit's fingerprint from the narrow
revisions and its stored summary; the units whose summary is missing or behind
are computed from their rollups, in one statement that also reads their
fingerprint (so figures and fingerprint always belong together), and stored for
the next reader. A submission writes only its month's revision more, and a figure
is never older than the rollups it is read with. docs/scaling.md "Unit
summaries".
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, router, transaction
from django.db.models import Model

from mutu.lookups import IdArray, among_sql
from mutu.measures.errors import MeasureInputError
from mutu.measures.skm import skm_result
from mutu.measures.uncertainty import skm_uncertainty
from mutu.surveys.models import MonthlyRevision, MonthlyRollup, UnitPeriodSummary
from mutu.surveys.periods import Period
from mutu.surveys.selectors import (
    TALLY_FIELDS,
    month_split,
    tally_from_sums,
    tally_sums_map,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class UnitSummary:
    """What a league table needs of one unit for a period: its counted responses,
    converted IKM (``None``: none can be computed) and the IKM's standard error
    (infinite when unknown, so the unit never differs significantly)."""

    responses: int
    ikm: Fraction | None
    se: float


NO_SUMMARY = UnitSummary(0, None, math.inf)


def summary_compute(sums: Sequence[int]) -> UnitSummary:
    """The :class:`UnitSummary` of one unit's summed :data:`TALLY_FIELDS` rollup
    columns (:func:`mutu.surveys.selectors.tally_sums_map`)."""
    tally = tally_from_sums(sums)
    try:
        result = skm_result(tally)
    except MeasureInputError:
        return UnitSummary(tally.responses, None, math.inf)
    return UnitSummary(
        tally.responses, result.ikm_converted, skm_uncertainty(result).se_converted
    )


def unit_summaries(
    unit_ids: Iterable[int], start: date, end: date
) -> dict[int, UnitSummary]:
    """Each unit's :class:`UnitSummary` for the days start…end; units without
    counted responses there are absent (as in ``tally_sums_map``).

    A period of whole months (every period kind) reads the stored summaries and
    computes only the missing or outdated ones (module docstring); other ranges
    are computed from the rollups each time.
    """
    ids = sorted(set(unit_ids))
    if not ids:
        return {}
    months, edges = month_split(start, end)
    if edges or months is None:
        return {
            unit_id: summary_compute(sums)
            for unit_id, sums in tally_sums_map(ids, start, end).items()
        }
    first, last = months
    found, stale = _stored(ids, first, last)
    if stale:
        found.update(_refresh(stale, first, last))
    return {unit_id: s for unit_id, s in sorted(found.items()) if s.responses}


def summaries_refresh(
    unit_ids: Iterable[int],
    periods: Sequence[Period],
    *,
    batch: int = 2_000,
    progress: Callable[[Period, int, int], None] | None = None,
) -> int:
    """Bring the stored summaries of *unit_ids* for *periods* up to date, *batch*
    units at a time, and return how many were computed: what the first reader
    after a rebuild or a deploy would otherwise compute in its request (a nation's
    dashboard: 37 s for its quarter and the three before). Idempotent: a
    second run computes nothing. *progress* is called after each batch with the
    period, the units done and the units in all.
    """
    ids = sorted(set(unit_ids))
    computed = 0
    for period in periods:
        months, edges = month_split(period.start, period.end)
        if edges or months is None:
            continue  # not stored (unit_summaries computes such ranges each time)
        for offset in range(0, len(ids), batch):
            chunk = ids[offset : offset + batch]
            _found, stale = _stored(chunk, *months)
            if stale:
                computed += len(_refresh(stale, *months))
            if progress:
                progress(period, offset + len(chunk), len(ids))
    return computed


def _refresh(ids: list[int], first: date, last: date) -> dict[int, UnitSummary]:
    """Compute the summaries of *ids* over the months first…last and store them."""
    fresh = _computed(ids, first, last)
    _store(fresh, first, last)
    return {unit_id: summary for unit_id, (_revision, summary) in fresh.items()}


def _stored(
    ids: list[int], first: date, last: date
) -> tuple[dict[int, UnitSummary], list[int]]:
    """The stored summaries of *ids* over the months first…last that match their
    units' rollups, and the units with monthly rows whose summary is missing or
    behind. Two queries, joined here: each unit's fingerprint from the narrow
    revisions, and its stored row. (In one statement the planner, without
    statistics of a new summary table, chose a nested loop: 27 s for a nation.)
    Raw SQL: the ORM spent 75 ms building 25,000 rows."""
    array = IdArray(ids)  # checked and joined once for both reads
    fingerprints = _read(
        MonthlyRevision,
        "SELECT unit_id, CAST(SUM(revision) AS BIGINT) FROM {table} "
        "WHERE {units} AND month >= %s AND month <= %s GROUP BY unit_id",
        array,
        [first, last],
    )
    stored = {
        unit_id: rest
        for unit_id, *rest in _read(
            UnitPeriodSummary,
            "SELECT unit_id, revision, responses, ikm, se FROM {table} "
            "WHERE {units} AND first_month = %s AND last_month = %s",
            array,
            [first, last],
        )
    }
    found: dict[int, UnitSummary] = {}
    stale: list[int] = []
    for unit_id, revision in fingerprints:
        row = stored.get(unit_id)
        if row is None or row[0] != revision:
            stale.append(unit_id)
            continue
        _revision, responses, ikm, se = row
        found[unit_id] = UnitSummary(
            responses, _fraction(ikm), math.inf if se is None else se
        )
    return found, stale


def _read(
    model: type[Model], sql: str, ids: list[int] | IdArray, params: list[Any]
) -> list[tuple[Any, ...]]:
    """The rows of *sql* (``{table}``: *model*'s; ``{revisions}``: the monthly
    revisions'; ``{units}``: ``unit_id`` is one of *ids*), read where the router
    reads *model* (a replica for a ``@replica_reads`` view)."""
    connection = connections[router.db_for_read(model)]
    quote = connection.ops.quote_name
    units, unit_params = among_sql("unit_id", ids, connection.vendor)
    text = sql.format(
        table=quote(model._meta.db_table),
        revisions=quote(MonthlyRevision._meta.db_table),
        units=units,
    )
    with connection.cursor() as cursor:
        cursor.execute(text, [*unit_params, *params])
        return cursor.fetchall()


def _fraction(text: str) -> Fraction | None:
    if not text:
        return None
    numerator, _slash, denominator = text.partition("/")
    return Fraction(int(numerator), int(denominator or 1))


def _computed(
    ids: list[int], first: date, last: date
) -> dict[int, tuple[int, UnitSummary]]:
    """Each unit's fingerprint and summary computed from its monthly rollups over
    first…last, both from one statement (they belong together: one snapshot)."""
    sums = ", ".join(f"COALESCE(SUM(m.{name}), 0)" for name in TALLY_FIELDS)
    rows = _read(
        MonthlyRollup,
        f"SELECT m.unit_id, {sums}, CAST(SUM(r.revision) AS BIGINT) "  # noqa: S608
        "FROM {table} AS m JOIN {revisions} AS r "
        "ON r.unit_id = m.unit_id AND r.month = m.month "
        "WHERE m.{units} AND m.month >= %s AND m.month <= %s GROUP BY m.unit_id",
        ids,
        [first, last],
    )
    return {row[0]: (row[-1], summary_compute(row[1:-1])) for row in rows}


STORE_BATCH = 2_000
"""Summaries per ``INSERT`` (7 parameters each: within SQLite's limit)."""


def _store(fresh: dict[int, tuple[int, UnitSummary]], first: date, last: date) -> None:
    """Keep *fresh* for the next reader, on the primary (a page read on a replica
    stores there too). A stored row is replaced only by one of a higher
    fingerprint: a reader on a lagging replica, whose rollups are older, never
    overwrites what a reader of the primary stored. A summary is a copy: when it
    cannot be written (a database that refuses writes) the page goes on with the
    figures it computed, and the next reader computes them again."""
    rows = [
        (
            unit_id,
            first,
            last,
            revision,
            summary.responses,
            "" if summary.ikm is None else str(summary.ikm),
            None if math.isinf(summary.se) else summary.se,
        )
        for unit_id, (revision, summary) in sorted(fresh.items())
    ]
    connection = connections[DEFAULT_DB_ALIAS]
    table = connection.ops.quote_name(UnitPeriodSummary._meta.db_table)
    try:
        # Units in order, so two readers storing the same rows cannot deadlock.
        with transaction.atomic(using=DEFAULT_DB_ALIAS), connection.cursor() as cursor:
            for offset in range(0, len(rows), STORE_BATCH):
                batch = rows[offset : offset + STORE_BATCH]
                cursor.execute(
                    _store_sql(table, len(batch)),
                    [value for row in batch for value in row],
                )
    except DatabaseError:
        logger.warning("unit summaries not stored", exc_info=True)


def _store_sql(table: str, count: int) -> str:
    """The upsert of *count* summaries that replaces a stored one only by one of
    a higher fingerprint."""
    marks = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * count)
    return (
        f"INSERT INTO {table} (unit_id, first_month, last_month, "  # noqa: S608
        f"revision, responses, ikm, se) VALUES {marks} "
        "ON CONFLICT (first_month, last_month, unit_id) DO UPDATE SET "
        "revision = EXCLUDED.revision, responses = EXCLUDED.responses, "
        "ikm = EXCLUDED.ikm, se = EXCLUDED.se "
        f"WHERE EXCLUDED.revision > {table}.revision"
    )
