"""The row check: the header matched by column name (any order), then every data
row checked cell by cell; the file is either wholly valid or refused with the
full list of errors (capped, the rest counted)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from openpyxl.utils import get_column_letter

from mutu.measures.rounding import format_en, format_id
from mutu.surveys.bulk.rows import BulkRow
from mutu.surveys.channels.paper.cells import _blank, _Checker, _codes, _shown
from mutu.surveys.channels.paper.layout import COLUMNS, ELEMENT_COLUMNS
from mutu.surveys.channels.paper.results import RowError, SheetResult, file_error
from mutu.surveys.channels.paper.workbook import Formula
from mutu.surveys.models import Education, Occupation, Sex
from mutu.surveys.published import PublishedPeriods
from mutu.surveys.rules import SubmissionWindow

_NONE: frozenset[int] = frozenset()


def _header_positions(
    header: Sequence[Any], result: SheetResult
) -> dict[str, int] | None:
    positions: dict[str, int] = {}
    wanted = {name.casefold(): name for name in COLUMNS}
    for index, value in enumerate(header):
        if _blank(value):
            continue
        name = wanted.get(str(value).strip().casefold())
        if name is None:
            result.errors.append(
                RowError(
                    1,
                    get_column_letter(index + 1),
                    f"judul kolom {_shown(value)} tidak dikenal; gunakan templat",
                    f"column title {_shown(value)} is unknown; use the template",
                )
            )
        elif name in positions:
            result.errors.append(
                RowError(1, name, "judul kolom ganda", "duplicate column title")
            )
        else:
            positions[name] = index
    for name in COLUMNS:
        if name not in positions:
            result.errors.append(
                RowError(
                    1,
                    name,
                    "kolom tidak ada; gunakan judul kolom dari templat",
                    "column missing; use the template's column titles",
                )
            )
    result.error_count = len(result.errors)
    return None if result.errors else positions


def rows_check(
    rows: Iterable[Sequence[Any]],
    *,
    services: Mapping[str, int],
    window: SubmissionWindow,
    max_rows: int,
    max_errors: int = 1000,
    on_progress: Callable[[int], None] | None = None,
    progress_every: int = 1000,
    closed: PublishedPeriods | None = None,
) -> SheetResult:
    """Check every row of the data sheet (header first); collect all errors.

    *services* maps :func:`service_key` of each active service name to its id.
    Empty rows are skipped. The first *max_errors* errors are kept, the rest
    counted. More than *max_rows* data rows refuses the file at once.
    *on_progress* is called with the number of rows checked every
    *progress_every* rows. A row dated outside *window* (the submission window of
    every channel) or inside one of the unit's *closed* (published) periods is an
    error. When the result has errors, ``rows`` is emptied.
    """
    result = SheetResult()
    iterator = iter(rows)
    header = next(iterator, None)
    if header is None:
        result.errors.append(
            file_error("Lembar data kosong.", "The data sheet is empty.")
        )
        result.error_count = 1
        return result
    positions = _header_positions(header, result)
    if positions is None:
        return result
    check = _Checker(
        services=services,
        window=window,
        max_errors=max_errors,
        result=result,
        closed=closed or PublishedPeriods(()),
    )
    sexes, educations, occupations = Sex.values, Education.values, Occupation.values
    sex_codes = _codes(Sex)
    education_codes = _codes(Education)
    occupation_codes = _codes(Occupation)
    order = [positions[name] for name in COLUMNS]
    width = max(order) + 1
    element_columns = list(enumerate(ELEMENT_COLUMNS))
    stored = result.rows
    total = 0
    next_report = progress_every
    for row_number, raw in enumerate(iterator, 2):
        if len(raw) < width:
            raw = (*raw, *(None,) * (width - len(raw)))
        values = [raw[i] for i in order]
        if all(_blank(v) for v in values):
            continue
        total += 1
        if total > max_rows:
            result.errors = [
                file_error(
                    f"Berkas berisi lebih dari {format_id(max_rows, 0, group=True)} "
                    "baris data. Bagi menjadi beberapa berkas.",
                    f"The file holds more than {format_en(max_rows, 0, group=True)} "
                    "data rows. Split it into several files.",
                )
            ]
            result.error_count = 1
            result.rows = []
            result.total = total
            return result
        errors_before = result.error_count
        # A formula is an error of its cell (its cached value is not what was
        # on the paper form); the row's other cells are still checked.
        for value in values:  # a plain loop: this runs for every row
            if value.__class__ is Formula:
                formulas = check.formulas(row_number, values)
                break
        else:
            formulas = _NONE
        day = None if 0 in formulas else check.day(row_number, values[0])
        service_id = None if 1 in formulas else check.service(row_number, values[1])
        answers = [
            check.answer(row_number, code, values[2 + i]) for i, code in element_columns
        ]
        sex = check.code(row_number, "jenis_kelamin", values[11], sex_codes, sexes)
        age = check.age(row_number, values[12])
        education = check.code(
            row_number, "pendidikan", values[13], education_codes, educations
        )
        occupation = check.code(
            row_number, "pekerjaan", values[14], occupation_codes, occupations
        )
        comment = check.comment(row_number, values[15])
        if all(a is None for a in answers) and result.error_count == errors_before:
            check.error(
                row_number,
                "U1–U9",
                "isi paling sedikit satu jawaban unsur",
                "answer at least one element",
            )
        if result.error_count == errors_before and not result.error_count:
            # No error on this row, so day and service_id are set.
            stored.append(
                BulkRow._make(
                    (
                        row_number,
                        day,
                        service_id,
                        *answers,
                        sex,
                        age,
                        education,
                        occupation,
                        comment,
                    )
                )
            )
        elif stored:
            stored.clear()
        if on_progress is not None and total >= next_report:
            on_progress(total)
            next_report += progress_every
    result.total = total
    if not total and not result.error_count:
        result.errors.append(
            file_error(
                "Berkas tidak berisi baris data. Isi lembar \u201cRespons\u201d mulai "
                "baris 2.",
                "The file holds no data rows. Fill the \u201cRespons\u201d sheet from "
                "row 2.",
            )
        )
        result.error_count = 1
    if result.error_count:
        result.rows = []
    return result
