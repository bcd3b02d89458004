"""Paper SKM forms typed into an XLSX sheet: the template, the file check, the row check.

PermenPANRB 14/2017 lets a unit run its survey on paper; the forms are typed later
into the template built here (one row per form: the date, the service, U1…U9 and the
respondent profile of REGULATIONS.md §1.5). Answers are keyed by element code (D4),
never by column position, so the header names the columns and their order is free.

Pure functions around openpyxl: no database, no settings. The caller passes the
unit's services, today's date and the limits; every problem found is returned as a
:class:`RowError` (row number as Excel shows it, column name, message in Indonesian
and English), so a file is either wholly valid or refused with the full list.
"""

from __future__ import annotations

import functools
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any, NamedTuple

from django.utils import translation
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from mutu.errors import MutuError
from mutu.measures.skm_elements import ELEMENTS
from mutu.surveys.models import Education, Occupation, Sex
from mutu.surveys.services import AGE_RANGE, COMMENT_MAX

SHEET_DATA = "Respons"
SHEET_HELP = "Petunjuk"
SHEET_LISTS = "Daftar"
ELEMENT_COLUMNS = tuple(e.code for e in ELEMENTS)
COLUMNS = (
    "tanggal",
    "layanan",
    *ELEMENT_COLUMNS,
    "jenis_kelamin",
    "usia",
    "pendidikan",
    "pekerjaan",
    "kritik_saran",
)
"""The header of the data sheet, in the template's order (any order is read)."""

XLSX_CONTENT_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
)
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EARLIEST_DAY = date(2017, 1, 1)
"""No paper form predates PermenPANRB 14/2017; an earlier date is a typing slip."""

LAST_EXCEL_ROW = 1_048_576
# A member that inflates more than this many times, and to more than BOMB_MIN_BYTES,
# is a zip bomb, not a spreadsheet (typed XLSX sheets compress about 5-30 times).
BOMB_RATIO = 200
BOMB_MIN_BYTES = 100 * 1024 * 1024


@functools.cache
def _codes(choices: type[Sex] | type[Education] | type[Occupation]) -> dict[str, str]:
    """A profile column's accepted spellings: the code or its Indonesian label."""
    with translation.override("id"):
        labels = {str(label).casefold(): code for code, label in choices.choices}
    return labels | {code.casefold(): code for code in choices.values}


_ANSWERS: dict[Any, int] = {v: v for v in (1, 2, 3, 4)} | {
    float(v): v for v in (1, 2, 3, 4)
}


# --- the template ------------------------------------------------------------------


def _excel_serial(day: date) -> int:
    """Excel's day number of *day* (the 1900 date system used by XLSX)."""
    return (day - date(1899, 12, 30)).days


def _element_comment(element: Any) -> str:
    labels = "\n".join(
        f"{value} = {label}" for value, label in enumerate(element.answers_id, 1)
    )
    return (
        f"{element.code} {element.name_id}\n{element.question_id}\n\n{labels}\n"
        "Kosongkan bila tidak dijawab."
    )


_HEADER_COMMENTS = {
    "tanggal": "Tanggal survei (tanggal formulir diisi), mis. 2025-07-14.",
    "layanan": "Jenis layanan yang diterima; pilih dari daftar layanan aktif unit.",
    "jenis_kelamin": "L = laki-laki, P = perempuan. Boleh kosong.",
    "usia": f"Usia dalam tahun, {AGE_RANGE[0]}–{AGE_RANGE[1]}. Boleh kosong.",
    "pendidikan": "Kode: "
    + ", ".join(f"{code} ({label})" for code, label in Education.choices)
    + ". Boleh kosong.",
    "pekerjaan": "Kode: "
    + ", ".join(f"{code} ({label})" for code, label in Occupation.choices)
    + ". Boleh kosong.",
    "kritik_saran": f"Kritik dan saran, paling banyak {COMMENT_MAX} karakter.",
} | {element.code: _element_comment(element) for element in ELEMENTS}


def _validation(kind: str, column: str, **options: Any) -> DataValidation:
    letter = get_column_letter(COLUMNS.index(column) + 1)
    rule = DataValidation(
        type=kind,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Isian tidak valid",
        **options,
    )
    rule.add(f"{letter}2:{letter}{LAST_EXCEL_ROW}")
    return rule


def template_build(
    *,
    unit_name: str,
    services: Sequence[str],
    period_label: str = "",
    period_start: date | None = None,
    period_end: date | None = None,
) -> bytes:
    """The XLSX template for typing paper forms of one unit, as bytes.

    Sheet "Respons": the header row of :data:`COLUMNS`, each header with a comment
    (the element's question and answer labels for U1…U9), dropdowns for the service
    (the unit's active *services*, from the hidden sheet "Daftar"), the sex,
    education and occupation codes, whole numbers 1–4 for U1…U9 and the age range;
    the date column warns outside the period when one is given. Sheet "Petunjuk"
    explains in Indonesian how to fill it. Written in openpyxl's write-only mode.
    """
    workbook = Workbook(write_only=True)
    data = workbook.create_sheet(SHEET_DATA)
    help_sheet = workbook.create_sheet(SHEET_HELP)
    lists = workbook.create_sheet(SHEET_LISTS)
    lists.sheet_state = "hidden"

    widths = {
        "tanggal": 12,
        "layanan": 30,
        "jenis_kelamin": 14,
        "usia": 6,
        "pendidikan": 12,
        "pekerjaan": 12,
        "kritik_saran": 50,
    }
    for index, name in enumerate(COLUMNS, 1):
        data.column_dimensions[get_column_letter(index)].width = widths.get(name, 5)
    data.column_dimensions["A"].number_format = "yyyy-mm-dd"
    data.freeze_panes = "C2"

    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    header = []
    for name in COLUMNS:
        cell = WriteOnlyCell(data, value=name)
        cell.font = bold
        cell.fill = fill
        comment = Comment(_HEADER_COMMENTS[name], "Mutu")
        comment.width, comment.height = 320, 180
        cell.comment = comment
        header.append(cell)

    if services:
        data.data_validations.append(
            _validation(
                "list",
                "layanan",
                formula1=f"{SHEET_LISTS}!$A$2:$A${len(services) + 1}",
                error="Pilih layanan dari daftar.",
            )
        )
    for code in ELEMENT_COLUMNS:
        data.data_validations.append(
            _validation(
                "whole",
                code,
                operator="between",
                formula1="1",
                formula2="4",
                error="Isi 1, 2, 3 atau 4, atau kosongkan.",
            )
        )
    data.data_validations.append(
        _validation(
            "list",
            "jenis_kelamin",
            formula1='"' + ",".join(Sex.values) + '"',
            error="Isi L atau P.",
        )
    )
    data.data_validations.append(
        _validation(
            "whole",
            "usia",
            operator="between",
            formula1=str(AGE_RANGE[0]),
            formula2=str(AGE_RANGE[1]),
            error=f"Usia {AGE_RANGE[0]}–{AGE_RANGE[1]} tahun.",
        )
    )
    for column, choices in (
        ("pendidikan", Education.values),
        ("pekerjaan", Occupation.values),
    ):
        data.data_validations.append(
            _validation(
                "list",
                column,
                formula1='"' + ",".join(choices) + '"',
                error="Pilih kode dari daftar.",
            )
        )
    if period_start and period_end:
        data.data_validations.append(
            _validation(
                "date",
                "tanggal",
                operator="between",
                formula1=str(_excel_serial(period_start)),
                formula2=str(_excel_serial(period_end)),
                errorStyle="warning",
                error=f"Tanggal di luar periode {period_label}.",
            )
        )
    data.append(header)

    lists.append(["layanan"])
    for name in services:
        lists.append([name])

    help_sheet.column_dimensions["A"].width = 110
    wrap = Alignment(wrap_text=True, vertical="top")
    for index, line in enumerate(
        _help_lines(unit_name, services, period_label, period_start, period_end)
    ):
        cell = WriteOnlyCell(help_sheet, value=line)
        cell.alignment = wrap
        if index == 0:
            cell.font = Font(bold=True, size=14)
        help_sheet.append([cell])

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _help_lines(
    unit_name: str,
    services: Sequence[str],
    period_label: str,
    period_start: date | None,
    period_end: date | None,
) -> list[str]:
    period = ""
    if period_label and period_start and period_end:
        period = (
            f"Periode: {period_label} ({period_start:%Y-%m-%d} s.d. "
            f"{period_end:%Y-%m-%d}). Tanggal di luar periode tetap diterima, "
            "tetapi dihitung pada periode tanggal itu."
        )
    lines = [
        f"Petunjuk pengisian survei kertas — {unit_name}",
        period,
        "1. Isi lembar \u201cRespons\u201d: satu baris untuk satu formulir kertas. "
        "Jangan mengubah, menghapus atau menambah judul kolom di baris pertama.",
        "2. tanggal: tanggal survei (tanggal formulir diisi), mis. 2025-07-14 atau "
        "14/07/2025. Tidak boleh tanggal yang akan datang.",
        "3. layanan: pilih dari daftar layanan aktif unit (tanda panah di sel).",
        "4. U1 sampai U9: jawaban unsur 1, 2, 3 atau 4 sesuai pilihan di formulir; "
        "kosongkan bila tidak dijawab. Arahkan tetikus ke judul kolom untuk melihat "
        "pertanyaan dan arti setiap nilai. Paling sedikit satu unsur harus diisi.",
        f"5. jenis_kelamin: L atau P. usia: {AGE_RANGE[0]}–{AGE_RANGE[1]} tahun. "
        "Semua data responden boleh kosong.",
        "6. pendidikan: "
        + ", ".join(f"{code} = {label}" for code, label in Education.choices)
        + ".",
        "7. pekerjaan: "
        + ", ".join(f"{code} = {label}" for code, label in Occupation.choices)
        + ".",
        f"8. kritik_saran: tulis seperti di formulir (paling banyak {COMMENT_MAX} "
        "karakter). Jangan menulis nama, nomor telepon atau alamat responden.",
        "9. Simpan sebagai .xlsx, lalu unggah di Mutu (menu Survei kertas). Semua "
        "baris diperiksa lebih dulu: bila ada satu kesalahan, tidak ada yang disimpan "
        "dan Mutu menampilkan daftar baris dan kolom yang harus diperbaiki.",
        "10. Mengunggah berkas yang sama dua kali tidak menyimpan respons dua kali.",
        "Contoh baris: 2025-07-14 | " + (services[0] if services else "KTP-el") + " | "
        "4 | 3 | 3 | 4 | 3 | 4 | 4 | 3 | 3 | P | 34 | SMA | SWASTA | Antrean cepat.",
        "",
        "Layanan aktif unit ini:",
        *(f"\u2022 {name}" for name in services),
    ]
    return [line for line in lines if line is not None]


# --- the file check ---------------------------------------------------------------


def xlsx_check(handle: IO[bytes]) -> None:
    """Check by content that *handle* is an XLSX workbook; raise :class:`MutuError`.

    An XLSX is a zip holding ``[Content_Types].xml`` that declares the spreadsheet
    main part and ``xl/workbook.xml``; a renamed CSV, an old binary .xls, a
    macro-enabled .xlsm or a zip bomb is refused. The handle is left at offset 0.
    """
    handle.seek(0)
    refused = MutuError(
        "Berkas ini bukan XLSX. Unduh templat, isi, lalu simpan sebagai Excel "
        "Workbook (.xlsx).",
        "This file is not an XLSX workbook. Download the template, fill it in and "
        "save it as an Excel Workbook (.xlsx).",
        field="file",
    )
    try:
        if not zipfile.is_zipfile(handle):
            raise refused
        handle.seek(0)
        with zipfile.ZipFile(handle) as archive:
            members = {member.filename: member for member in archive.infolist()}
            for member in members.values():
                # Python's zipfile never inflates past the declared size, so the
                # declared sizes are what has to be reasonable.
                if (
                    member.file_size > BOMB_MIN_BYTES
                    and member.file_size > BOMB_RATIO * max(member.compress_size, 1)
                ):
                    raise MutuError(
                        "Berkas XLSX ini rusak atau tidak wajar (isinya membengkak "
                        "ratusan kali). Simpan ulang dari Excel.",
                        "This XLSX file is damaged or abnormal (its content inflates "
                        "hundreds of times). Save it again from Excel.",
                        field="file",
                    )
            types_member = members.get("[Content_Types].xml")
            if (
                types_member is None
                or "xl/workbook.xml" not in members
                or types_member.file_size > 1024 * 1024
            ):
                raise refused
            types = archive.read(types_member)
    except (zipfile.BadZipFile, OSError, RuntimeError, KeyError) as error:
        raise refused from error
    finally:
        handle.seek(0)
    if XLSX_CONTENT_TYPE.encode() not in types:
        raise refused


# --- the row check ----------------------------------------------------------------


class PaperRow(NamedTuple):
    """One valid paper form: the Excel row number and the cleaned values."""

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


@dataclass(frozen=True)
class RowError:
    """What is wrong in one cell (or with the whole file when *row* is ``None``)."""

    row: int | None
    column: str
    message: str
    message_en: str

    def text(self) -> str:
        """The full Indonesian sentence: "Baris 17, kolom U3: nilai 5 tidak valid…"."""
        where = []
        if self.row is not None:
            where.append(f"Baris {self.row}")
        if self.column:
            where.append(f"kolom {self.column}")
        return f"{', '.join(where)}: {self.message}" if where else self.message

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "message": self.message,
            "message_en": self.message_en,
        }


@dataclass
class SheetResult:
    """What :func:`rows_check` found: the valid rows, or the errors (both capped)."""

    rows: list[PaperRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    total: int = 0

    @property
    def ok(self) -> bool:
        return not self.error_count

    def error_dicts(self) -> list[dict[str, Any]]:
        """The errors as JSON, with one closing entry counting those left out."""
        listed = [error.as_dict() for error in self.errors]
        rest = self.error_count - len(self.errors)
        if rest > 0:
            listed.append(
                RowError(
                    None,
                    "",
                    f"… dan {rest} kesalahan lain tidak ditampilkan. Perbaiki yang di "
                    "atas, lalu unggah lagi.",
                    f"… and {rest} more errors not shown. Fix the ones above, then "
                    "upload again.",
                ).as_dict()
            )
        return listed


def file_error(message: str, message_en: str) -> RowError:
    """An error about the whole file (no row, no column)."""
    return RowError(None, "", message, message_en)


def _shown(value: Any) -> str:
    text = str(value)
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


def _int_or_none(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class _Checker:
    """Checks rows one by one; keeps caches so repeated values cost a dict lookup."""

    def __init__(
        self,
        *,
        services: Mapping[str, int],
        today: date,
        earliest: date,
        max_errors: int,
        result: SheetResult,
        closed: Sequence[tuple[date, date, str]] = (),
    ) -> None:
        self.services = services
        self.closed = closed
        self.today = today
        self.earliest = earliest
        self.max_errors = max_errors
        self.result = result
        self.days: dict[Any, date | RowError] = {}
        self.service_ids: dict[Any, int] = {}

    def error(self, row: int, column: str, message: str, message_en: str) -> None:
        self.result.error_count += 1
        if len(self.result.errors) < self.max_errors:
            self.result.errors.append(RowError(row, column, message, message_en))

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
        if day > self.today:
            return file_error(
                f"tanggal {day:%Y-%m-%d} belum terjadi",
                f"date {day:%Y-%m-%d} is in the future",
            )
        if day < self.earliest:
            return file_error(
                f"tanggal {day:%Y-%m-%d} terlalu lama (sebelum "
                f"{self.earliest:%Y-%m-%d}); periksa tahunnya",
                f"date {day:%Y-%m-%d} is too old (before {self.earliest:%Y-%m-%d}); "
                "check the year",
            )
        for start, end, label in self.closed:
            if start <= day <= end:
                return file_error(
                    f"tanggal {day:%Y-%m-%d} masuk periode {label} yang sudah "
                    "dipublikasikan; hasilnya tidak dapat diubah lagi",
                    f"date {day:%Y-%m-%d} falls in the published period {label}; "
                    "its figures can no longer change",
                )
        return day

    def service(self, row: int, value: Any) -> int | None:
        service_id = self.service_ids.get(value)
        if service_id is not None:
            return service_id
        if _blank(value):
            self.error(row, "layanan", "wajib diisi", "is required")
            return None
        service_id = self.services.get(service_key(value))
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
        if value is None:
            return None
        answer = _ANSWERS.get(value) if not isinstance(value, bool) else None
        if answer is not None:
            return answer
        if isinstance(value, str):
            text = value.strip()
            if not text:
                return None
            if text in {"1", "2", "3", "4"}:
                return int(text)
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
        if _blank(value):
            return None
        age = _int_or_none(value)
        if age is None or not AGE_RANGE[0] <= age <= AGE_RANGE[1]:
            self.error(
                row,
                "usia",
                f"nilai {_shown(value)} tidak valid; harus bilangan bulat "
                f"{AGE_RANGE[0]}–{AGE_RANGE[1]} atau kosong",
                f"value {_shown(value)} is not valid; must be a whole number "
                f"{AGE_RANGE[0]}–{AGE_RANGE[1]} or empty",
            )
            return None
        return age

    def comment(self, row: int, value: Any) -> str:
        if value is None:
            return ""
        text = str(value).strip()
        if len(text) > COMMENT_MAX:
            self.error(
                row,
                "kritik_saran",
                f"terlalu panjang ({len(text)} karakter); paling banyak {COMMENT_MAX}",
                f"too long ({len(text)} characters); at most {COMMENT_MAX}",
            )
            return ""
        return text


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
    today: date,
    max_rows: int,
    max_errors: int = 1000,
    earliest: date = EARLIEST_DAY,
    on_progress: Callable[[int], None] | None = None,
    progress_every: int = 1000,
    closed: Sequence[tuple[date, date, str]] = (),
) -> SheetResult:
    """Check every row of the data sheet (header first); collect all errors.

    *services* maps :func:`service_key` of each active service name to its id.
    Empty rows are skipped. The first *max_errors* errors are kept, the rest
    counted. More than *max_rows* data rows refuses the file at once.
    *on_progress* is called with the number of rows checked every
    *progress_every* rows. *closed* lists published periods ``(start, end, label)``:
    a row dated inside one is an error (published figures never change). When the
    result has errors, ``rows`` is emptied.
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
        today=today,
        earliest=earliest,
        max_errors=max_errors,
        result=result,
        closed=closed,
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
                    f"Berkas berisi lebih dari {max_rows} baris data. Bagi menjadi "
                    "beberapa berkas.",
                    f"The file holds more than {max_rows} data rows. Split it into "
                    "several files.",
                )
            ]
            result.error_count = 1
            result.rows = []
            result.total = total
            return result
        errors_before = result.error_count
        day = check.day(row_number, values[0])
        service_id = check.service(row_number, values[1])
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
                PaperRow._make(
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


@dataclass
class OpenedSheet:
    """The data sheet of an uploaded workbook, opened for streaming."""

    rows: Iterator[tuple[Any, ...]]
    estimated_rows: int
    close: Callable[[], None]


def sheet_open(handle: IO[bytes]) -> OpenedSheet:
    """Open the data sheet of *handle* read-only, values only (streamed rows).

    Reads the sheet named "Respons", or the first sheet. ``estimated_rows`` is the
    number of rows below the header that the file's dimension record announces (0
    when it has none). Raises :class:`MutuError` when openpyxl cannot read it.
    """
    try:
        workbook = load_workbook(handle, read_only=True, data_only=True)
        sheet = (
            workbook[SHEET_DATA]
            if SHEET_DATA in workbook.sheetnames
            else workbook.worksheets[0]
        )
        estimated = max((sheet.max_row or 1) - 1, 0)
    except Exception as error:  # openpyxl raises many kinds on damaged files
        raise _unreadable() from error

    def rows() -> Iterator[tuple[Any, ...]]:
        try:
            yield from sheet.iter_rows(values_only=True)
        except Exception as error:  # a damaged sheet part, found while streaming
            raise _unreadable() from error

    return OpenedSheet(rows(), estimated, workbook.close)


def _unreadable() -> MutuError:
    return MutuError(
        "Berkas tidak dapat dibaca sebagai XLSX; simpan ulang dari Excel atau "
        "LibreOffice sebagai .xlsx.",
        "The file cannot be read as XLSX; save it again from Excel or "
        "LibreOffice as .xlsx.",
        field="file",
    )
