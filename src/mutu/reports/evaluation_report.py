"""Evaluation reports (issue 15 item 6): a cycle's results table and its units'
score sheets, as PDF (WeasyPrint) and XLSX (openpyxl).

The results table lists each unit's index (IPP), predicate, rank and certificate
number; a score sheet lists per aspect its indicators with the level the unit
assessed itself at and the evaluator's score, the notes of both, the level the
data propose (the feed, D11) with its figures, and every departure from it with
its reason, then the field visits. A cycle's report holds the table and every
sheet; a unit's report its own sheet. Who may read which is decided in
:mod:`mutu.evaluations.selectors` (docs/regulations.md D25): a published cycle's
report is public, a draft only its managers', a unit's sheet before publication
only its unit's, its evaluators' and its managers'.

Like the SKM report, always in Indonesian (an official document), and rendered on
request: a result changes only by an audited revision, which the report then
shows with its number. Reads go through :mod:`mutu.evaluations.selectors`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from openpyxl import Workbook
from weasyprint import HTML

from mutu.evaluations import selectors
from mutu.evaluations.instruments import cycle_instrument
from mutu.evaluations.models import Assignment, Cycle
from mutu.measures.rounding import format_id
from mutu.reports.spreadsheets import rows_append


@dataclass(frozen=True)
class EvaluationReport:
    """What one evaluation report shows; built by :func:`evaluation_report_gather`."""

    cycle: Cycle
    instrument_title: str
    rows: list[dict[str, Any]]
    """The results table: one row per unit, ranked units first."""
    sheets: list[dict[str, Any]]
    made_on: date
    single: Assignment | None = None
    """The unit of a unit's report (None: the whole cycle's)."""
    final: bool = field(default=False)
    """Whether every listed unit has a final result (else a draft is shown)."""


def _text(value: Decimal | None, places: int) -> str:
    return "" if value is None else format_id(value, places)


def _table_rows(cycle: Cycle, sheets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ranking = {
        row["result"].assignment_id: row for row in selectors.cycle_results(cycle)
    }
    rows = []
    for sheet in sheets:
        result, certificate = sheet["result"], sheet["certificate"]
        ranked = ranking.get(sheet["assignment"].pk)
        rows.append(
            {
                "rank": ranked["rank"] if ranked else None,
                "unit": sheet["unit"],
                "region": sheet["unit"].government.region.name,
                "stage": sheet["assignment"].get_stage_display(),
                "result": result,
                "index": result.index_display if result else None,
                "index_text": _text(result.index_display, 2) if result else "",
                "predicate": result.predicate if result else "",
                "predicate_label": result.predicate_label if result else "",
                "certificate": (
                    certificate.number
                    if certificate is not None and certificate.revoked_at is None
                    else ""
                ),
                "revoked": certificate is not None
                and certificate.revoked_at is not None,
            }
        )
    rows.sort(
        key=lambda row: (
            row["rank"] is None,
            row["rank"] or 0,
            row["unit"].name,
        )
    )
    return rows


def _figure(value: Any) -> str:
    """A frozen figure as Indonesian text: yes/no, "—", exact numbers as stored."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    return str(value)


def _sheet_texts(sheet: dict[str, Any]) -> dict[str, Any]:
    """The sheet with its figures as Indonesian text for the PDF."""
    result = sheet["result"]
    sheet["index_text"] = _text(result.index_display, 2) if result else ""
    # As pairs: a figure may be named "items", which a template would take for
    # the dictionary's method.
    sheet["figure_rows"] = [
        (
            source,
            "; ".join(f"{name}: {_figure(value)}" for name, value in values.items()),
        )
        for source, values in sheet["figures"].items()
    ]
    for aspect in sheet["aspects"]:
        aspect["value_text"] = _text(aspect["value"], 2)
        aspect["weight_text"] = format_id(aspect["aspect"].weight, 0)
    return sheet


def evaluation_report_gather(
    cycle: Cycle, assignment: Assignment | None = None
) -> EvaluationReport:
    """Everything the report of *cycle* (or of its unit *assignment*) shows."""
    assignments = (
        [assignment] if assignment is not None else selectors.report_assignments(cycle)
    )
    sheets = [_sheet_texts(s) for s in selectors.score_sheets(cycle, assignments)]
    instrument = cycle_instrument(cycle)
    return EvaluationReport(
        cycle=cycle,
        instrument_title=f"{instrument.title} ({instrument.version})",
        rows=_table_rows(cycle, sheets),
        sheets=sheets,
        made_on=timezone.localdate(),
        single=assignment,
        final=bool(sheets) and all(s["result"] is not None for s in sheets),
    )


def evaluation_report_html(report: EvaluationReport) -> str:
    with translation.override("id"):
        return render_to_string("reports/evaluation_report.html", {"r": report})


def evaluation_report_pdf(report: EvaluationReport) -> bytes:
    """The report as a PDF (WeasyPrint, A4)."""
    return bytes(HTML(string=evaluation_report_html(report)).write_pdf())


def _level(value: int | None) -> int | str:
    return "" if value is None else value


def evaluation_report_xlsx(report: EvaluationReport) -> bytes:
    """The report's tables as an XLSX workbook: the results table, then one sheet
    a unit (levels, feeds, departures, notes), then the figures the feeds used.
    Every text cell passes :func:`cell_text` (formula injection)."""
    book = Workbook()
    book.remove(book.worksheets[0])
    results: list[list[Any]] = [
        [report.cycle.name],
        ["Tahun", report.cycle.year],
        ["Instrumen", report.instrument_title],
        ["Status siklus", report.cycle.get_status_display()],
        [],
        [
            "Peringkat",
            "Unit",
            "Wilayah",
            "Tahap",
            "Indeks (IPP)",
            "Predikat",
            "Sebutan",
            "Nomor piagam",
        ],
    ]
    results += [
        [
            row["rank"],
            row["unit"].name,
            row["region"],
            row["stage"],
            float(row["index"]) if row["index"] is not None else None,
            row["predicate"],
            row["predicate_label"],
            row["certificate"] or ("dicabut" if row["revoked"] else ""),
        ]
        for row in report.rows
    ]
    rows_append(book.create_sheet("Hasil"), results)
    figures: list[list[Any]] = [["Unit", "Sumber data", "Angka", "Nilai"]]
    for number, sheet in enumerate(report.sheets, start=1):
        rows: list[list[Any]] = [
            [sheet["unit"].name],
            ["Tahap", sheet["assignment"].get_stage_display()],
        ]
        result = sheet["result"]
        if result is not None:
            rows += [
                ["Indeks (IPP)", float(result.index_display)],
                ["Predikat", result.predicate, result.predicate_label],
                ["Revisi", result.revision, result.reason],
            ]
        rows += [
            [],
            [
                "Aspek",
                "Nilai aspek",
                "Indikator",
                "Uraian",
                "Level mandiri",
                "Nilai evaluator",
                "Usulan data",
                "Data",
                "Alasan berbeda (unit)",
                "Alasan berbeda (evaluator)",
                "Keterangan unit",
                "Catatan evaluator",
            ],
        ]
        for aspect in sheet["aspects"]:
            for item in aspect["items"]:
                answer = item["answer"]
                rows.append(
                    [
                        aspect["aspect"].name,
                        float(aspect["value"]) if aspect["value"] is not None else None,
                        item["indicator"].number,
                        item["indicator"].text,
                        _level(item["self_level"]),
                        _level(item["score"]),
                        _level(item["feed"].get("level")),
                        item["feed"].get("value", ""),
                        answer.self_reason if answer else "",
                        answer.score_reason if answer else "",
                        answer.self_note if answer else "",
                        answer.score_note if answer else "",
                    ]
                )
        if sheet["visits"]:
            rows += [[], ["Kunjungan lapangan", "Catatan"]]
            rows += [[v.visited_on, v.note] for v in sheet["visits"]]
        rows_append(book.create_sheet(f"Unit {number}"), rows)
        for source, values in sheet["figures"].items():
            figures += [
                [sheet["unit"].name, source, name, value]
                for name, value in values.items()
            ]
    rows_append(book.create_sheet("Data usulan"), figures)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
