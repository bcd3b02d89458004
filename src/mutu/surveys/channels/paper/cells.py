"""One cell at a time: how a date, a service name, an answer, a profile code, an
age and a comment are read and checked. What a value may be is the surveys
core's rule (:mod:`mutu.surveys.rules`, :class:`~mutu.surveys.published.PublishedPeriods`);
this module reads the spreadsheet's spellings (dates typed as text, labels for
codes) and words each problem for the cell it is in. :class:`_Checker` keeps
caches, so a value repeated down the sheet costs a dict lookup, and records each
problem on the :class:`SheetResult`."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from django.utils import formats, translation

from mutu.surveys.channels.paper.layout import COLUMNS
from mutu.surveys.channels.paper.results import RowError, SheetResult, file_error
from mutu.surveys.channels.paper.workbook import Formula
from mutu.surveys.models import Education, Occupation, Sex
from mutu.surveys.published import PublishedPeriods
from mutu.surveys.rules import (
    AGE_RANGE,
    COMMENT_MAX,
    INVALID,
    SubmissionWindow,
    age_value,
    answer_value,
    comment_text,
)


@functools.cache
def _codes(choices: type[Sex] | type[Education] | type[Occupation]) -> dict[str, str]:
    """A profile column's accepted spellings: the code or its Indonesian label."""
    with translation.override("id"):
        labels = {str(label).casefold(): code for code, label in choices.choices}
    return labels | {code.casefold(): code for code in choices.values}


def _written(day: date, lang: str) -> str:
    """*day* as pages write it in *lang* ("2 Okt 2025", "2 Oct 2025"), so an error
    on the import page reads like every other date (issue 10 item 7)."""
    with translation.override(lang):
        return formats.date_format(day)


def _in_words(lang: str, label: Callable[[], str]) -> str:
    with translation.override(lang):
        return label()


def _whole(value: Any) -> Any:
    """A whole-number float as the int it was typed as (calamine reads 5 as 5.0)."""
    if value.__class__ is float and value.is_integer():
        return int(value)
    return value


def _shown(value: Any) -> str:
    text = str(_whole(value))
    if len(text) > 40:
        text = text[:37] + "…"
    return repr(text) if isinstance(value, str) else text


def service_key(name: str) -> str:
    """How a service name is matched: case and spacing do not matter."""
    return " ".join(str(name).split()).casefold()


def _parse_day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
            try:
                return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a date
            except ValueError:
                continue
    return None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class _Checker:
    """Checks rows one by one; keeps caches so repeated values cost a dict lookup."""

    def __init__(
        self,
        *,
        services: Mapping[str, int],
        window: SubmissionWindow,
        max_errors: int,
        result: SheetResult,
        closed: PublishedPeriods,
    ) -> None:
        self.services = services
        self.closed = closed
        self.window = window
        self.max_errors = max_errors
        self.result = result
        self.days: dict[Any, date | RowError] = {}
        self.service_ids: dict[Any, int] = {}

    def error(self, row: int, column: str, message: str, message_en: str) -> None:
        self.result.error_count += 1
        if len(self.result.errors) < self.max_errors:
            self.result.errors.append(RowError(row, column, message, message_en))

    def formulas(self, row: int, values: list[Any]) -> frozenset[int]:
        """Record an error for each formula cell of *values*; blank them in place.

        Returns the positions (in :data:`COLUMNS` order) that held a formula, so
        the caller skips their own checks (a formula date is not also "required").
        """
        found = frozenset(
            i for i, value in enumerate(values) if value.__class__ is Formula
        )
        for i in sorted(found):
            shown = _shown(str(values[i]))
            self.error(
                row,
                COLUMNS[i],
                f"rumus tidak diterima; ketik nilainya (sel ini berisi {shown})",
                f"formulas are not accepted; type the value (this cell holds {shown})",
            )
            values[i] = None
        return found

    def day(self, row: int, value: Any) -> date | None:
        cached = self.days.get(value)
        if cached is None:
            cached = self._day(value)
            self.days[value] = cached
        if isinstance(cached, RowError):
            self.error(row, "tanggal", cached.message, cached.message_en)
            return None
        return cached

    def _day(self, value: Any) -> date | RowError:
        if _blank(value):
            return file_error("wajib diisi", "is required")
        day = _parse_day(value)
        if day is None:
            return file_error(
                f"nilai {_shown(value)} bukan tanggal; tulis seperti 2025-07-14 "
                "atau 14/07/2025",
                f"value {_shown(value)} is not a date; write it like 2025-07-14 or "
                "14/07/2025",
            )
        if not self.window.contains_day(day):
            if day > self.window.latest_day:
                return file_error(
                    f"tanggal {_written(day, 'id')} belum terjadi",
                    f"date {_written(day, 'en')} is in the future",
                )
            oldest = self.window.oldest_day
            return file_error(
                f"tanggal {_written(day, 'id')} terlalu lama (sebelum "
                f"{_written(oldest, 'id')}, batas {self.window.max_age_days} hari); "
                "periksa tahunnya",
                f"date {_written(day, 'en')} is too old (before "
                f"{_written(oldest, 'en')}, the limit is {self.window.max_age_days} "
                "days); check the year",
            )
        period = self.closed.containing(day)
        if period is not None:
            label_id = _in_words("id", lambda: period.label)
            label_en = _in_words("en", lambda: period.label)
            return file_error(
                f"tanggal {_written(day, 'id')} masuk periode {label_id} yang sudah "
                "dipublikasikan; hasilnya tidak dapat diubah lagi",
                f"date {_written(day, 'en')} falls in the published period "
                f"{label_en}; its figures can no longer change",
            )
        return day

    def service(self, row: int, value: Any) -> int | None:
        service_id = self.service_ids.get(value)
        if service_id is not None:
            return service_id
        if _blank(value):
            self.error(row, "layanan", "wajib diisi", "is required")
            return None
        service_id = self.services.get(service_key(_whole(value)))
        if service_id is None:
            self.error(
                row,
                "layanan",
                f"{_shown(value)} bukan layanan aktif unit ini; pilih dari daftar "
                "di templat",
                f"{_shown(value)} is not an active service of this unit; pick one "
                "from the template's list",
            )
            return None
        self.service_ids[value] = service_id
        return service_id

    def answer(self, row: int, column: str, value: Any) -> int | None:
        answer = answer_value(value, spreadsheet=True)
        if answer is not INVALID:
            return answer  # type: ignore[return-value]
        self.error(
            row,
            column,
            f"nilai {_shown(value)} tidak valid; harus 1–4 atau kosong",
            f"value {_shown(value)} is not valid; must be 1–4 or empty",
        )
        return None

    def code(
        self,
        row: int,
        column: str,
        value: Any,
        codes: Mapping[str, str],
        allowed: Sequence[str],
    ) -> str:
        if _blank(value):
            return ""
        code = codes.get(str(value).strip().casefold())
        if code is None:
            choices = ", ".join(allowed)
            self.error(
                row,
                column,
                f"nilai {_shown(value)} tidak valid; harus salah satu dari {choices} "
                "atau kosong",
                f"value {_shown(value)} is not valid; must be one of {choices} or "
                "empty",
            )
            return ""
        return code

    def age(self, row: int, value: Any) -> int | None:
        age = age_value(value)
        if age is INVALID:
            self.error(
                row,
                "usia",
                f"nilai {_shown(value)} tidak valid; harus bilangan bulat "
                f"{AGE_RANGE[0]}–{AGE_RANGE[1]} atau kosong",
                f"value {_shown(value)} is not valid; must be a whole number "
                f"{AGE_RANGE[0]}–{AGE_RANGE[1]} or empty",
            )
            return None
        return age  # type: ignore[return-value]

    def comment(self, row: int, value: Any) -> str:
        text = comment_text(_whole(value))
        if text is INVALID:
            length = len(str(value).strip())
            self.error(
                row,
                "kritik_saran",
                f"terlalu panjang ({length} karakter); paling banyak {COMMENT_MAX}",
                f"too long ({length} characters); at most {COMMENT_MAX}",
            )
            return ""
        return text  # type: ignore[return-value]
