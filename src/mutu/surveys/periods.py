"""Survey periods: monthly, quarterly (triwulan), semester or yearly (PermenPANRB 14/2017).

The regulation asks for a survey at least once a year and allows every 3 or 6 months
(docs/regulations.md §1.1); Mutu also offers monthly periods for units that want them.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

MONTHS_ID = (
    _("Januari"), _("Februari"), _("Maret"), _("April"), _("Mei"), _("Juni"),
    _("Juli"), _("Agustus"), _("September"), _("Oktober"), _("November"),
    _("Desember"),
)  # fmt: skip


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Bulanan")
    QUARTER = "quarter", _("Triwulan")
    SEMESTER = "semester", _("Semester")
    YEAR = "year", _("Tahunan")


MONTHS_PER_PERIOD = {
    PeriodKind.MONTH: 1,
    PeriodKind.QUARTER: 3,
    PeriodKind.SEMESTER: 6,
    PeriodKind.YEAR: 12,
}


@dataclass(frozen=True, order=True)
class Period:
    """A closed range of days ``start`` … ``end`` of one kind."""

    start: date
    end: date
    kind: str

    @property
    def key(self) -> str:
        """A URL-safe name: ``2025``, ``2025-S1``, ``2025-Q3``, ``2025-07``."""
        year, month = self.start.year, self.start.month
        if self.kind == PeriodKind.YEAR:
            return f"{year}"
        if self.kind == PeriodKind.SEMESTER:
            return f"{year}-S{(month - 1) // 6 + 1}"
        if self.kind == PeriodKind.QUARTER:
            return f"{year}-Q{(month - 1) // 3 + 1}"
        return f"{year}-{month:02d}"

    @property
    def label(self) -> str:
        """The label people read, in the active language: "Triwulan III 2025",
        "Juli 2025", "Tahun 2025" (English "Q3 2025", "July 2025", "2025").

        The :attr:`key` stays in URLs; pages and link texts show this label.
        """
        year, month = self.start.year, self.start.month
        roman = ("I", "II", "III", "IV")
        if self.kind == PeriodKind.YEAR:
            return gettext("Tahun %(year)s") % {"year": year}
        if self.kind == PeriodKind.SEMESTER:
            number = (month - 1) // 6 + 1
            return gettext("Semester %(roman)s %(year)s") % {
                "roman": roman[number - 1],
                "number": number,
                "year": year,
            }
        if self.kind == PeriodKind.QUARTER:
            number = (month - 1) // 3 + 1
            return gettext("Triwulan %(roman)s %(year)s") % {
                "roman": roman[number - 1],
                "number": number,
                "year": year,
            }
        return f"{MONTHS_ID[month - 1]} {year}"

    def previous(self) -> "Period":
        return period_containing(self.start - timedelta(days=1), self.kind)


def period_containing(day: date, kind: str) -> Period:
    """The period of *kind* that contains *day*."""
    months = MONTHS_PER_PERIOD[PeriodKind(kind)]
    first_month = (day.month - 1) // months * months + 1
    start = date(day.year, first_month, 1)
    next_month = first_month + months
    if next_month > 12:
        end = date(day.year + 1, next_month - 12, 1) - timedelta(days=1)
    else:
        end = date(day.year, next_month, 1) - timedelta(days=1)
    return Period(start, end, kind)


def period_from_key(key: str) -> Period:
    """Parse a :attr:`Period.key`; raises ``ValueError`` for anything else."""
    year_text, _, rest = key.partition("-")
    year = int(year_text)
    if not 2000 <= year <= 2100:
        raise ValueError(key)
    if not rest:
        return period_containing(date(year, 1, 1), PeriodKind.YEAR)
    if rest[0] == "S" and rest[1:] in {"1", "2"}:
        return period_containing(date(year, (int(rest[1:]) - 1) * 6 + 1, 1), "semester")
    if rest[0] == "Q" and rest[1:] in {"1", "2", "3", "4"}:
        return period_containing(date(year, (int(rest[1:]) - 1) * 3 + 1, 1), "quarter")
    if rest.isdigit() and 1 <= int(rest) <= 12 and len(rest) == 2:
        return period_containing(date(year, int(rest), 1), PeriodKind.MONTH)
    raise ValueError(key)
