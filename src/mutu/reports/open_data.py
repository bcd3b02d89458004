"""Open data (issue 15 item 8): the published datasets, their dictionary, CSV and JSON.

A dataset is a stable slug, a title, its columns (name, type, meaning in Indonesian
and English) and a row reader from :mod:`mutu.reports.selectors`. The URLs
``/data/<slug>.csv``, ``/data/<slug>.json`` and ``/api/v1/data/<slug>`` stay
the same for as long as the slug does; a new column is added at the end, never
renamed. Every CSV cell passes :func:`~mutu.reports.spreadsheets.cell_text`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from mutu.measures.skm_elements import ELEMENT_CODES, element_name
from mutu.reports import selectors
from mutu.reports.spreadsheets import cell_text

KIND_LABELS = {
    "integer": _("bilangan bulat"),
    "number": _("angka desimal"),
    "text": _("teks"),
    "date": _("tanggal"),
}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    """``integer``, ``number``, ``text`` or ``date`` (ISO 8601 in the files)."""
    meaning: Any
    """What the column holds, translatable."""

    @property
    def kind_label(self) -> Any:
        return KIND_LABELS[self.kind]


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: Any
    description: Any
    columns: tuple[Column, ...]
    rows: Callable[[], Iterator[dict[str, Any]]]


SKM_COLUMNS = (
    Column("unit_id", "integer", _("nomor unit di Mutu (tetap)")),
    Column("unit", "text", _("nama unit pelayanan")),
    Column("government", "text", _("pemerintah daerah atau instansi")),
    Column("region_code", "text", _("kode wilayah Kemendagri")),
    Column("period", "text", _("periode survei, mis. 2025-Q3")),
    Column("published_on", "date", _("tanggal publikasi oleh pimpinan unit")),
    Column("responses", "integer", _("jumlah respons yang dihitung")),
    Column("ikm", "number", _("indeks kepuasan masyarakat (nilai interval, 1–4)")),
    Column("ikm_converted", "number", _("IKM konversi (25–100)")),
    Column("grade", "text", _("mutu pelayanan (A–D)")),
    *(
        Column(f"nrr_{code.lower()}", "number", f"NRR {code} {element_name(code)}")
        for code in ELEMENT_CODES
    ),
)

EVALUATION_COLUMNS = (
    Column("cycle_id", "integer", _("nomor siklus evaluasi di Mutu")),
    Column("cycle", "text", _("nama siklus evaluasi")),
    Column("year", "integer", _("tahun evaluasi")),
    Column("instrument", "text", _("instrumen dan versinya")),
    Column("unit_id", "integer", _("nomor unit di Mutu (tetap)")),
    Column("unit", "text", _("nama unit pelayanan")),
    Column("region_code", "text", _("kode wilayah Kemendagri")),
    Column("index", "number", _("indeks pelayanan publik (0–5)")),
    Column("predicate", "text", _("predikat (A, A-, B, …)")),
    Column("predicate_label", "text", _("sebutan predikat")),
)

COMPLAINT_COLUMNS = (
    Column("unit_id", "integer", _("nomor unit di Mutu (tetap)")),
    Column("unit", "text", _("nama unit pelayanan")),
    Column("government", "text", _("pemerintah daerah atau instansi")),
    Column("region_code", "text", _("kode wilayah Kemendagri")),
    Column("month", "text", _("bulan pengaduan diterima, mis. 2026-01")),
    Column("received", "integer", _("pengaduan, aspirasi dan permintaan informasi")),
    Column("complaints", "integer", _("di antaranya pengaduan")),
    Column("handled", "integer", _("ditangani (tidak diarsipkan)")),
    Column(
        "verified_on_time_percent",
        "number",
        _("% diverifikasi dalam tenggat (dari yang sudah jatuh tempo atau selesai)"),
    ),
    Column(
        "answered_on_time_percent",
        "number",
        _("% dijawab pertama kali dalam tenggat (dari yang jatuh tempo atau dijawab)"),
    ),
    Column("closed", "integer", _("selesai")),
    Column("closed_percent", "number", _("% selesai dari yang ditangani")),
    Column(
        "median_close_days", "number", _("median hari kerja dari diterima ke selesai")
    ),
    Column("solved_yes", "integer", _("pelapor menjawab masalahnya selesai")),
    Column("solved_no", "integer", _("pelapor menjawab masalahnya belum selesai")),
    Column("solved_percent", "number", _("% selesai menurut pelapor yang menjawab")),
    Column("reopened", "integer", _("dibuka kembali")),
    Column("mean_rating", "number", _("rata-rata penilaian jawaban (1–4)")),
)

DATASETS: dict[str, Dataset] = {
    dataset.slug: dataset
    for dataset in (
        Dataset(
            "skm",
            _("Hasil SKM per unit dan periode"),
            _(
                "IKM, mutu pelayanan dan nilai tiap unsur dari periode yang sudah "
                "dipublikasikan unitnya."
            ),
            SKM_COLUMNS,
            selectors.open_skm_rows,
        ),
        Dataset(
            "evaluasi",
            _("Hasil evaluasi pelayanan publik"),
            _(
                "Indeks dan predikat tiap unit pada siklus evaluasi yang sudah "
                "dipublikasikan."
            ),
            EVALUATION_COLUMNS,
            selectors.open_evaluation_rows,
        ),
        Dataset(
            "pengaduan",
            _("Penanganan pengaduan per unit dan bulan"),
            _(
                "Jumlah pengaduan yang diterima, ketepatan waktu dan penyelesaiannya, "
                "untuk periode yang rekap pengaduannya sudah dipublikasikan unit; "
                "tanpa isi pengaduan dan tanpa identitas pelapor. Dihitung ulang "
                "setiap kali diunduh."
            ),
            COMPLAINT_COLUMNS,
            selectors.open_complaint_rows,
        ),
    )
}
"""The published datasets by slug (the slug is part of every URL: never rename)."""


def licence() -> dict[str, str]:
    """The licence the settings give the open data (name and URL)."""
    return {
        "name": settings.MUTU_OPEN_DATA_LICENCE_NAME,
        "url": settings.MUTU_OPEN_DATA_LICENCE_URL,
    }


def _plain(value: Any) -> Any:
    """A cell as the files carry it: ISO dates, decimals as they are, None empty."""
    if isinstance(value, date):
        return value.isoformat()
    return value


def csv_lines(dataset: Dataset) -> Iterator[str]:
    """The dataset as CSV (UTF-8, a header row), one line at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(values: Iterable[Any]) -> str:
        writer.writerow([cell_text(_plain(v)) for v in values])
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    names = [column.name for column in dataset.columns]
    yield line(names)
    for row in dataset.rows():
        yield line(row[name] for name in names)


def json_rows(dataset: Dataset) -> list[dict[str, Any]]:
    """The dataset's rows for JSON: decimals as numbers, dates in ISO 8601."""
    return [
        {
            name: float(value) if isinstance(value, Decimal) else _plain(value)
            for name, value in row.items()
        }
        for row in dataset.rows()
    ]


def json_document(dataset: Dataset) -> dict[str, Any]:
    """The JSON file of a dataset: what it is, its licence, columns and rows."""
    return {
        "dataset": dataset.slug,
        "title": str(dataset.title),
        "licence": licence(),
        "columns": [
            {"name": c.name, "type": c.kind, "meaning": str(c.meaning)}
            for c in dataset.columns
        ],
        "rows": json_rows(dataset),
    }
