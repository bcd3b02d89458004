"""Published periods are closed: no response may enter or leave their figures.

Published figures never change (DESIGN.md "Security and privacy"): once a unit
head publishes a period's result, a response dated inside it is refused on every
write path (``response_submit``, the bulk store, the paper row check) and no
response in it can be excluded or included again. This module is the one place
that rule is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mutu.errors import MutuError
from mutu.surveys.models import Publication
from mutu.surveys.periods import Period, period_from_key


@dataclass(frozen=True)
class PublishedPeriods:
    """The periods one unit has published, loaded once (one query)."""

    periods: tuple[Period, ...]

    @classmethod
    def of_unit(cls, unit_id: int) -> PublishedPeriods:
        keys = Publication.objects.filter(unit_id=unit_id).values_list(
            "period_key", flat=True
        )
        periods = []
        for key in keys:
            try:
                periods.append(period_from_key(key))
            except ValueError:
                continue  # a key of a kind Mutu no longer offers closes nothing
        return cls(tuple(periods))

    def containing(self, day: date) -> Period | None:
        """The published period *day* falls in, if any."""
        for period in self.periods:
            if period.start <= day <= period.end:
                return period
        return None


def published_period_refuse(unit_id: int, day: date) -> None:
    """Raise :class:`MutuError` when *day* lies in a period the unit published."""
    if PublishedPeriods.of_unit(unit_id).containing(day) is not None:
        raise MutuError(
            "Periode ini sudah dipublikasikan; hasilnya tidak dapat diubah lagi.",
            "This period was published; its figures can no longer change.",
            field="submitted_at",
        )
