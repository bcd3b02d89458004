"""Working days for complaint deadlines (docs/regulations.md D9).

A working day is Monday–Friday, minus Indonesia's national holidays and collective
leave (cuti bersama), as the ``holidays`` package lists them for country ``ID`` in
its categories ``public`` and ``government``. Decrees move those dates every year,
so the national admin can add a non-working date or take one off the list; the
app passes those adjustments in (:class:`WorkingCalendar`), nothing here reads a
database.

Counting (D9): the filing day is not counted; the due date is the n-th working day
after the filing date, whatever the hour or weekday of filing (a complaint filed
on a Friday and one filed on the Saturday after both count the next Monday, if it
is a working day, as day 1). The deadline ends at the close of that day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import holidays as holiday_data

from mutu.measures.errors import MeasureInputError

__all__ = [
    "WorkingCalendar",
    "national_holidays",
    "working_day_add",
    "working_days_between",
]

COUNTRY = "ID"
CATEGORIES = ("public", "government")
"""National holidays (libur nasional) and collective leave (cuti bersama)."""

MAX_DAYS = 400
"""The largest count :func:`working_day_add` takes (D9's longest limit is 60)."""


@lru_cache(maxsize=64)
def _year_holidays(year: int) -> frozenset[date]:
    listed = holiday_data.country_holidays(COUNTRY, years=year, categories=CATEGORIES)
    return frozenset(listed.keys())


def national_holidays(years: Iterable[int]) -> frozenset[date]:
    """Indonesia's national holidays and collective leave of *years*."""
    found: set[date] = set()
    for year in years:
        found |= _year_holidays(year)
    return frozenset(found)


@dataclass(frozen=True, slots=True)
class WorkingCalendar:
    """Which days are working days: Monday–Friday minus the package's holidays.

    ``added`` are dates the national admin declared non-working (a new decree of
    cuti bersama); ``removed`` are holidays the admin took off the list (a holiday
    moved by decree), which count as working again if they fall Monday–Friday.
    """

    added: frozenset[date] = field(default_factory=frozenset)
    removed: frozenset[date] = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        """Whether *day* is a working day."""
        if day.weekday() >= 5 or day in self.added:
            return False
        return day in self.removed or day not in _year_holidays(day.year)


def working_day_add(start: date, days: int, calendar: WorkingCalendar) -> date:
    """The *days*-th working day after *start* (*start* itself never counts, D9).

    Raises :class:`MeasureInputError` for a count below 1 or above
    :data:`MAX_DAYS`.
    """
    if not 1 <= days <= MAX_DAYS:
        raise MeasureInputError(
            f"Jumlah hari kerja harus 1–{MAX_DAYS}, bukan {days}",
            f"The number of working days must be 1–{MAX_DAYS}, not {days}",
            column="days",
        )
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            counted += 1
    return day


def working_days_between(start: date, end: date, calendar: WorkingCalendar) -> int:
    """Working days after *start* up to and including *end* (0 when *end* ≤ *start*).

    So ``working_days_between(d, working_day_add(d, n, c), c) == n``: the number of
    working days a complaint filed on *start* took when it was done on *end*.
    """
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            count += 1
    return count
