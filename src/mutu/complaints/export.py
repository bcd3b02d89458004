"""The SP4N-LAPOR! hand-off: a unit's complaints as CSV or XLSX.

One row per complaint with what a national hand-off needs (the mapping to LAPOR!'s
fields is in docs/complaints.md): tracking code, dates, unit, category, channel,
status, due dates and the last answer. Never the citizen's identity. Every cell
goes through :func:`mutu.reports.spreadsheets.cell_text`, so text a citizen typed
(``=HYPERLINK(…)``) is written as inert text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook

from mutu.complaints.models import Complaint, ComplaintEvent
from mutu.reports.spreadsheets import cell_text

COLUMNS = (
    ("tracking_code", "kode_lacak"),
    ("filed_at", "tanggal_laporan"),
    ("unit", "instansi_tujuan"),
    ("service", "layanan"),
    ("kind", "kategori"),
    ("channel", "sumber"),
    ("privacy", "kerahasiaan"),
    ("text", "isi_laporan"),
    ("status", "status"),
    ("verify_due", "tenggat_verifikasi"),
    ("answer_due", "tenggat_tindak_lanjut"),
    ("resolve_due", "tenggat_penyelesaian"),
    ("answered_at", "tanggal_tindak_lanjut"),
    ("closed_at", "tanggal_selesai"),
    ("answer", "tindak_lanjut"),
)
"""Mutu's field and the hand-off file's column header (docs/complaints.md)."""


def _when(value: Any) -> str:
    return "" if value is None else timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def export_rows(complaints: QuerySet[Complaint]) -> list[list[Any]]:
    """The header and one row per complaint (identity never included)."""
    rows = list(complaints.select_related("unit", "service").order_by("filed_at", "pk"))
    answers: dict[int, str] = {}
    for event in ComplaintEvent.objects.filter(
        complaint__in=rows, kind=ComplaintEvent.Kind.ANSWERED
    ).order_by("created_at", "pk"):
        answers[event.complaint_id] = event.text
    table: list[list[Any]] = [[header for _field, header in COLUMNS]]
    for c in rows:
        table.append(
            [
                c.tracking_code,
                _when(c.filed_at),
                c.unit.name,
                c.service.name if c.service else "",
                c.kind,
                c.channel,
                c.privacy,
                c.text,
                c.status,
                c.verify_due.isoformat(),
                c.answer_due.isoformat(),
                c.resolve_due.isoformat(),
                _when(c.answered_at),
                _when(c.closed_at),
                answers.get(c.pk, ""),
            ]
        )
    return table


def csv_bytes(table: Iterable[list[Any]]) -> bytes:
    """The table as UTF-8 CSV (with a BOM for spreadsheet programs), cells inert."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in table:
        writer.writerow([cell_text(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode()


def xlsx_bytes(table: Iterable[list[Any]]) -> bytes:
    """The table as an XLSX workbook, cells inert."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("pengaduan")
    for row in table:
        sheet.append([cell_text(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


EXPORTERS: dict[str, Callable[[Iterable[list[Any]]], bytes]] = {
    "csv": csv_bytes,
    "xlsx": xlsx_bytes,
}
