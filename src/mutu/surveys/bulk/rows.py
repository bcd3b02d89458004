"""What a bulk stores per response: a checked row, dated by its day."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import NamedTuple

from django.utils import timezone


class BulkRow(NamedTuple):
    """One checked response of a bulk. ``row`` is its place in the source (the
    Excel row number of a paper form); answers are None or 1–4, already checked
    against :mod:`mutu.surveys.rules`."""

    row: int
    day: date
    service_id: int
    u1: int | None
    u2: int | None
    u3: int | None
    u4: int | None
    u5: int | None
    u6: int | None
    u7: int | None
    u8: int | None
    u9: int | None
    sex: str
    age: int | None
    education: str
    occupation: str
    comment: str

    # U1…U9 are row[3:12]; loops over a million rows index the tuple directly.


def day_noon(day: date) -> datetime:
    """The time a response dated only by its day is stored at: noon of that day in
    local time (WIB), so it falls in that day whatever the time zone of a reader."""
    return datetime.combine(day, time(12), tzinfo=timezone.get_default_timezone())
