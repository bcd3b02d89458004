"""Rollups recounted from the responses by the Python rule, for tests of every
writer: what the stored rows must equal, independently of the SQL rule."""

from collections import defaultdict

from mutu.surveys.models import ELEMENT_FIELDS, DailyRollup, Response
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
    """The stored rollup rows with any number other than 0."""
    return {
        tuple(row[:4]): list(row[4:])
        for row in DailyRollup.objects.values_list(*KEY_FIELDS, *COUNT_FIELDS)
        if any(row[4:])
    }
