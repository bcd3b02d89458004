"""Rollups recounted from the responses by the Python rule, for tests of every
writer: what the stored rows must equal, independently of the SQL rule."""

from collections import defaultdict

from mutu.surveys.models import ELEMENT_FIELDS, DailyRollup, MonthlyRollup, Response
from mutu.surveys.rollups import (
    COUNT_FIELDS,
    KEY_FIELDS,
    rollup_counts_add,
    rollup_counts_new,
)


def rollups_by_python_rule() -> dict[tuple, list[int]]:
    """Every response counted by :func:`rollup_counts_add`, row by row."""
    rows: dict[tuple, list[int]] = defaultdict(rollup_counts_new)
    for r in Response.objects.iterator():
        rollup_counts_add(
            rows[(r.unit_id, r.service_id, r.day, r.channel)],
            [getattr(r, f) for f in ELEMENT_FIELDS],
            profile=(r.sex, r.age, r.education, r.occupation),
            extra=r.extra_answers,
            flagged=r.is_flagged,
            excluded=r.is_excluded,
        )
    return dict(rows)


def rollups_stored() -> dict[tuple, list[int]]:
    """The stored daily rollup rows with any number other than 0, after checking
    that the stored monthly rows are their sums (every writer keeps both)."""
    daily = {
        tuple(row[:4]): list(row[4:])
        for row in DailyRollup.objects.values_list(*KEY_FIELDS, *COUNT_FIELDS)
        if any(row[4:])
    }
    assert monthly_stored() == months_of(daily)
    return daily


def months_of(daily: dict[tuple, list[int]]) -> dict[tuple, list[int]]:
    """*daily* rows summed per unit and month, in Python."""
    months: dict[tuple, list[int]] = defaultdict(rollup_counts_new)
    for (unit_id, _service, day, _channel), counts in daily.items():
        total = months[(unit_id, day.replace(day=1))]
        for position, value in enumerate(counts):
            total[position] += value
    return dict(months)


def monthly_stored() -> dict[tuple, list[int]]:
    """The stored monthly rollup rows with any number other than 0."""
    return {
        tuple(row[:2]): list(row[2:])
        for row in MonthlyRollup.objects.values_list("unit_id", "month", *COUNT_FIELDS)
        if any(row[2:])
    }
