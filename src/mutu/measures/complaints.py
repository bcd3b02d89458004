"""Complaint-handling figures of a unit over a period (docs/regulations.md D9, D13).

The app describes each complaint as :class:`ComplaintFacts` (what happened and
whether each D9 deadline was kept); :func:`complaint_figures_compute` turns them
into the figures the dashboards, the quarterly recap and the PEKPPP feeds Q25–Q28
read. Shares are exact fractions (``None`` when nothing is measurable yet).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

__all__ = [
    "ANSWER_DAYS",
    "CHANNEL_GROUPS",
    "COUNTER_GROUP",
    "INSPECTION_DAYS",
    "RESOLVE_DAYS",
    "VERIFY_DAYS",
    "ComplaintFacts",
    "ComplaintFigures",
    "complaint_figures_compute",
]

VERIFY_DAYS = 3
ANSWER_DAYS = 5
RESOLVE_DAYS = 14
INSPECTION_DAYS = 60
"""D9: verification ≤ 3, first follow-up ≤ 5, resolution ≤ 14 (≤ 60 with a field
inspection) working days; a service standard may set shorter ones."""

COUNTER_GROUP = "loket"
CHANNEL_GROUPS = {
    "counter": COUNTER_GROUP,
    "web": "daring",
    "api": "daring",
    "sms": "SMS/WhatsApp",
    "whatsapp": "SMS/WhatsApp",
    "phone": "telepon",
    "letter": "surat",
}
"""Media for D13: the face-to-face counter, and the other media that reach every
group of citizens (online, SMS/WhatsApp, phone, letter)."""


@dataclass(frozen=True, slots=True)
class ComplaintFacts:
    """One complaint as the figures see it.

    ``verified_in_time``/``answered_in_time``: the milestone came by its due date
    (True), came late or is overdue (False), or is not due yet (None).
    ``close_days``: working days from filing to closing (None while open).
    """

    kind: str
    channel: str
    status: str
    verified_in_time: bool | None
    answered_in_time: bool | None
    close_days: int | None
    rating: int | None
    reopened: bool
    solved: bool | None
    follow_up: bool


@dataclass(frozen=True, slots=True)
class ComplaintFigures:
    """The figures of a set of complaints; see :func:`complaint_figures_compute`."""

    total: int
    by_kind: dict[str, int]
    by_channel: dict[str, int]
    handled: int
    verified_in_time: int
    verified_measured: int
    answered_in_time: int
    answered_measured: int
    closed: int
    closed_with_follow_up: int
    median_close_days: Fraction | None
    ratings: dict[int, int]
    reopened: int
    solved_yes: int
    solved_no: int

    @staticmethod
    def _share(part: int, whole: int) -> Fraction | None:
        return Fraction(part, whole) if whole else None

    @property
    def verified_share(self) -> Fraction | None:
        return self._share(self.verified_in_time, self.verified_measured)

    @property
    def answered_share(self) -> Fraction | None:
        return self._share(self.answered_in_time, self.answered_measured)

    @property
    def reopened_share(self) -> Fraction | None:
        return self._share(self.reopened, self.handled)

    @property
    def solved_share(self) -> Fraction | None:
        return self._share(self.solved_yes, self.solved_yes + self.solved_no)

    @property
    def closed_share(self) -> Fraction | None:
        return self._share(self.closed, self.handled)

    @property
    def mean_rating(self) -> Fraction | None:
        count = sum(self.ratings.values())
        total = sum(score * n for score, n in self.ratings.items())
        return self._share(total, count) if count else None

    @property
    def media_groups(self) -> frozenset[str]:
        """The D13 media groups the complaints came through."""
        return frozenset(
            CHANNEL_GROUPS[c]
            for c, n in self.by_channel.items()
            if n and c in CHANNEL_GROUPS
        )


def _median(values: Sequence[int]) -> Fraction | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return Fraction(ordered[middle])
    return Fraction(ordered[middle - 1] + ordered[middle], 2)


def complaint_figures_compute(facts: Sequence[ComplaintFacts]) -> ComplaintFigures:
    """The figures of *facts*: counts by kind and channel; shares of verifications
    and first answers within their D9 deadline (of those due or done); closed and
    closed with a linked follow-up; the median working days to close; the ratings
    1–4; reopened; the citizens' "solved?" answers. Archived complaints count in
    the totals but not as handled."""
    handled = [f for f in facts if f.status != "archived"]
    closed = [f for f in handled if f.status == "closed"]
    verified = [f.verified_in_time for f in handled if f.verified_in_time is not None]
    answered = [f.answered_in_time for f in handled if f.answered_in_time is not None]
    ratings = Counter(f.rating for f in facts if f.rating is not None)
    return ComplaintFigures(
        total=len(facts),
        by_kind=dict(Counter(f.kind for f in facts)),
        by_channel=dict(Counter(f.channel for f in facts)),
        handled=len(handled),
        verified_in_time=sum(verified),
        verified_measured=len(verified),
        answered_in_time=sum(answered),
        answered_measured=len(answered),
        closed=len(closed),
        closed_with_follow_up=sum(f.follow_up for f in closed),
        median_close_days=_median(
            [f.close_days for f in closed if f.close_days is not None]
        ),
        ratings={score: ratings.get(score, 0) for score in (1, 2, 3, 4)},
        reopened=sum(f.reopened for f in handled),
        solved_yes=sum(f.solved is True for f in facts),
        solved_no=sum(f.solved is False for f in facts),
    )
