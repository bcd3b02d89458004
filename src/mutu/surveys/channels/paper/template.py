"""The XLSX template a unit downloads to type its paper forms in: the data sheet
with a commented header and dropdowns, the hidden list of the unit's services,
and the instructions sheet in Indonesian. Written in openpyxl's write-only
mode; every cell goes through :func:`mutu.reports.spreadsheets.cell_text`, so a
service named ``=HYPERLINK(…)`` is written as text, never as a formula."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from mutu.measures.skm_elements import ELEMENTS
from mutu.reports.spreadsheets import cell_text
from mutu.surveys.channels.paper.layout import (
    COLUMNS,
    ELEMENT_COLUMNS,
    SHEET_DATA,
    SHEET_HELP,
    SHEET_LISTS,
)
from mutu.surveys.models import Education, Occupation, Sex
from mutu.surveys.rules import AGE_RANGE, COMMENT_MAX

LAST_EXCEL_ROW = 1_048_576


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
    Every cell value passes through :func:`~mutu.reports.spreadsheets.cell_text`
    (a service named ``=X`` is listed as ``'=X``; the import accepts both).
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
        cell = WriteOnlyCell(data, value=cell_text(name))
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

    lists.append([cell_text("layanan")])
    for name in services:
        lists.append([cell_text(name)])

    help_sheet.column_dimensions["A"].width = 110
    wrap = Alignment(wrap_text=True, vertical="top")
    for index, line in enumerate(
        _help_lines(unit_name, services, period_label, period_start, period_end)
    ):
        cell = WriteOnlyCell(help_sheet, value=cell_text(line))
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
