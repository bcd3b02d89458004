"""The rules that decide what a stored SKM response may hold, written once.

Every channel stores responses through the surveys core: one at a time with
:func:`mutu.surveys.services.response_submit`, many at once with
:func:`mutu.surveys.bulk.store.responses_store_bulk` (the paper import). Both, and
the channels that check input before it reaches them (the paper row check, the
kiosk's clock policy), read the rules here, so a rule cannot drift between paths.

Each value rule returns the cleaned value, or :data:`INVALID`; the caller words the
error for its channel (a form field, an API path, a spreadsheet cell), because what
the citizen or the operator must fix is named differently on each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Final

from django.conf import settings
from django.utils import timezone

from mutu.surveys.models import Education, Occupation, Sex

AGE_RANGE: Final = (15, 100)
"""Respondents' ages the SKM template allows (docs/regulations.md §1.5)."""

COMMENT_MAX: Final = 2000
"""Longest comment (kritik dan saran) stored, in characters."""

PROFILE_CHOICES: Final = {
    "sex": frozenset(Sex.values),
    "education": frozenset(Education.values),
    "occupation": frozenset(Occupation.values),
}
"""The profile codes of the SKM template (docs/regulations.md §1.5)."""


class _Invalid:
    """The one value a rule returns for input it refuses."""

    def __repr__(self) -> str:
        return "INVALID"


INVALID: Final = _Invalid()

_ANSWERS: Final[dict[Any, int]] = {1: 1, 2: 2, 3: 3, 4: 4} | {
    str(n): n for n in (1, 2, 3, 4)
}
# 4.0 == 4 and hashes alike, so a spreadsheet's float finds its integer here too.


def answer_value(value: Any, *, spreadsheet: bool = False) -> int | _Invalid | None:
    """An answer on the 1–4 scale (D3): ``None`` when left empty, else 1–4.

    Takes a whole number or its text; ``True`` is not 1. A *spreadsheet* cell may
    also hold the number as a float (Excel stores 4 as 4.0) and counts as empty
    when it holds only spaces. Anything else is :data:`INVALID`.
    """
    if value.__class__ is int:  # the common case first: a paper import asks 9M times
        return value if 1 <= value <= 4 else INVALID
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None if spreadsheet else INVALID
    elif isinstance(value, bool) or (isinstance(value, float) and not spreadsheet):
        return INVALID
    try:
        return _ANSWERS.get(value, INVALID)
    except TypeError:  # unhashable: a list or an object
        return INVALID


def age_value(value: Any) -> int | _Invalid | None:
    """An age in :data:`AGE_RANGE` (whole years), ``None`` when not given."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return INVALID
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdecimal():
        value = int(value.strip())
    if not isinstance(value, int) or not AGE_RANGE[0] <= value <= AGE_RANGE[1]:
        return INVALID
    return value


def profile_code(name: str, value: Any) -> str | _Invalid:
    """A profile code of *name* (``sex``, ``education``, ``occupation``); "" if none."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return INVALID
    code = value.strip()
    if code and code not in PROFILE_CHOICES[name]:
        return INVALID
    return code


def comment_text(value: Any) -> str | _Invalid:
    """The comment as stored: stripped, at most :data:`COMMENT_MAX` characters."""
    if value is None:
        return ""
    text = str(value).strip()
    return INVALID if len(text) > COMMENT_MAX else text


@dataclass(frozen=True)
class SubmissionWindow:
    """The times a response may carry: not older than the oldest accepted age, not
    further ahead of the server's clock than the largest accepted skew.

    One window for every channel (settings ``MUTU_SURVEY_MAX_AGE_DAYS`` and
    ``MUTU_SURVEY_MAX_SKEW_MINUTES``); what happens to a time outside it is each
    channel's policy: the kiosk files it at the time of receipt (a tablet's clock
    may be wrong), the API and the paper import refuse it.
    """

    oldest: datetime
    latest: datetime
    now: datetime
    max_age_days: int

    def contains(self, moment: datetime) -> bool:
        return self.oldest <= moment <= self.latest

    def contains_day(self, day: date) -> bool:
        """Whether a response dated only by *day* (a paper form) is inside: from the
        oldest accepted day to today (a day is never "ahead" by a few minutes)."""
        return self.oldest_day <= day <= self.latest_day

    @property
    def oldest_day(self) -> date:
        return timezone.localdate(self.oldest)

    @property
    def latest_day(self) -> date:
        return timezone.localdate(self.now)


def submission_window(
    *,
    now: datetime | None = None,
    max_age_days: int | None = None,
    max_skew_minutes: int | None = None,
) -> SubmissionWindow:
    """The :class:`SubmissionWindow` around *now* (default: the server's clock)."""
    now = now or timezone.now()
    days = settings.MUTU_SURVEY_MAX_AGE_DAYS if max_age_days is None else max_age_days
    skew = (
        settings.MUTU_SURVEY_MAX_SKEW_MINUTES
        if max_skew_minutes is None
        else max_skew_minutes
    )
    return SubmissionWindow(
        oldest=now - timedelta(days=days),
        latest=now + timedelta(minutes=skew),
        now=now,
        max_age_days=days,
    )
