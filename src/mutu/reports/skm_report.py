"""The official SKM report (Laporan Hasil SKM) of one unit and period, as PDF and XLSX.

The parts follow the order published reports share (docs/regulations.md §1.8):
title page and lembar pengesahan with the head's signature block; BAB I
introduction and legal basis; BAB II method (population, sample and its adequacy,
period, channels, the interval table of §1.4); BAB III results (respondent profile,
NRR and weighted NRR per element, IKM, conversion, grade and its 95 % interval,
comments grouped into themes); BAB IV the weakest elements and the follow-up plan;
appendix of tallies. The XLSX holds the same tables.

The report is always in Indonesian: it is an official document of a government
body (UU 24/2009 Pasal 27), whatever language the reader's pages are in.
Everything is read through :mod:`mutu.surveys.selectors`; nothing here computes a
figure (the measures do).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from openpyxl import Workbook
from weasyprint import HTML

from mutu.measures.rounding import format_id, round_half_up
from mutu.measures.skm_elements import element_name
from mutu.registry.models import ServiceUnit
from mutu.reports.charts import element_bars_svg
from mutu.reports.comment_themes import Theme, themes
from mutu.reports.spreadsheets import rows_append
from mutu.surveys import selectors
from mutu.surveys.models import FollowUpItem, Publication
from mutu.surveys.periods import Period

COMMENTS_READ = 2000
"""Comments read for the themes: the newest of the period, bounded (issue 15 item 9)."""


@dataclass(frozen=True)
class SkmReport:
    """What one report shows; built by :func:`skm_report_gather`."""

    unit: ServiceUnit
    period: Period
    publication: Publication | None
    data: selectors.PeriodResult
    sample: selectors.SampleStatus
    profile: dict[str, list[dict[str, Any]]]
    follow_ups: list[FollowUpItem]
    themes: list[Theme]
    comments: list[str]
    trend: list[dict[str, Any]]
    made_on: date

    @property
    def elements(self) -> list[dict[str, Any]]:
        """Per element: code, name, NRR, weighted NRR, place (1 = best), counts."""
        result = self.data.result
        if result is None:
            return []
        nrrs = [item.nrr for item in result.elements]
        return [
            {
                "code": item.code,
                "name": element_name(item.code),
                "nrr": format_id(item.nrr, 2),
                "weighted": format_id(item.weighted_nrr, 3),
                # Equal NRRs share a place (1 = best), as in the league tables.
                "rank": 1 + sum(other > item.nrr for other in nrrs),
                "counts": item.counts,
                "answered": item.answered,
                "interval": self._element_interval(item.code),
            }
            for item in result.elements
        ]

    def _element_interval(self, code: str) -> str:
        uncertainty = self.data.uncertainty
        if uncertainty is None:
            return ""
        interval = dict(uncertainty.elements).get(code)
        return _interval_text(interval.low, interval.high) if interval else ""

    @property
    def weakest(self) -> list[str]:
        result = self.data.result
        return [element_name(code) for code in result.weakest] if result else []

    @property
    def strongest(self) -> list[str]:
        result = self.data.result
        return (
            [element_name(c) for c in reversed(result.ranking[-3:])] if result else []
        )


def _interval_text(low: float, high: float) -> str:
    """An interval's float bounds shown like the exact figures: "84,12–88,90"."""
    return f"{format_id(Fraction(low))}–{format_id(Fraction(high))}"


def skm_report_gather(unit: ServiceUnit, period: Period) -> SkmReport:
    """Everything the report of *unit* for *period* shows, read once."""
    data = selectors.period_result(unit, period)
    comments = [
        r.comment for r in selectors.comment_list(unit, period, limit=COMMENTS_READ)
    ]
    return SkmReport(
        unit=unit,
        period=period,
        publication=selectors.publication_for(unit, period),
        data=data,
        sample=selectors.sample_status(unit, period, data.tally.responses),
        profile=selectors.profile_tables(unit, period),
        follow_ups=selectors.follow_up_progress(unit, period).items,
        themes=themes(comments, most=10),
        comments=comments,
        trend=selectors.trend(unit, period),
        made_on=timezone.localdate(),
    )


GRADE_TABLE = (
    ("1", "1,00 – 2,5996", "25,00 – 64,99", "D", "Tidak baik"),
    ("2", "2,60 – 3,064", "65,00 – 76,60", "C", "Kurang baik"),
    ("3", "3,0644 – 3,532", "76,61 – 88,30", "B", "Baik"),
    ("4", "3,5324 – 4,00", "88,31 – 100,00", "A", "Sangat baik"),
)
"""The interval table of PermenPANRB 14/2017 as printed (docs/regulations.md §1.4);
Mutu grades on the converted value (D2)."""


def _context(report: SkmReport) -> dict[str, Any]:
    result, uncertainty = report.data.result, report.data.uncertainty
    context: dict[str, Any] = {
        "r": report,
        "unit": report.unit,
        "period": report.period,
        "elements": report.elements,
        "grades": GRADE_TABLE,
        "profile_titles": {
            "sex": "Jenis kelamin",
            "age": "Usia",
            "education": "Pendidikan",
            "occupation": "Pekerjaan",
        },
    }
    if result is not None:
        context |= {
            "ikm": format_id(result.ikm, 3),
            "ikm_converted": format_id(result.ikm_converted_display),
            "grade": result.grade,
            "chart": element_bars_svg(result, uncertainty),
        }
    if uncertainty is not None:
        context["interval"] = _interval_text(
            uncertainty.ci95.low, uncertainty.ci95.high
        )
    return context


def skm_report_html(report: SkmReport) -> str:
    with translation.override("id"):
        return render_to_string("reports/skm_report.html", _context(report))


def skm_report_pdf(report: SkmReport) -> bytes:
    """The report as a PDF (WeasyPrint, A4)."""
    return bytes(HTML(string=skm_report_html(report)).write_pdf())


def skm_report_xlsx(report: SkmReport) -> bytes:
    """The report's tables as an XLSX workbook, one sheet a table; every text cell
    passes :func:`cell_text` (formula injection)."""
    book = Workbook()
    book.remove(book.worksheets[0])
    summary = book.create_sheet("Ringkasan")
    result = report.data.result
    rows: list[list[Any]] = [
        ["Laporan Hasil Survei Kepuasan Masyarakat"],
        ["Unit", report.unit.name],
        ["Periode", report.period.label],
        ["Jumlah responden", report.data.tally.responses],
        ["Populasi", report.sample.population],
        ["Sampel minimum (Krejcie & Morgan)", report.sample.required],
    ]
    if result is not None:
        rows += [
            ["IKM (nilai interval)", float(round_half_up(result.ikm, 3))],
            ["IKM konversi", float(result.ikm_converted_display)],
            ["Mutu pelayanan", result.grade.letter],
            ["Kinerja unit", result.grade.label()],
        ]
    rows_append(summary, rows)
    rows_append(
        book.create_sheet("Unsur"),
        [["Kode", "Unsur", "NRR", "NRR tertimbang", "Peringkat", "Menjawab"]]
        + [
            [e["code"], e["name"], e["nrr"], e["weighted"], e["rank"], e["answered"]]
            for e in report.elements
        ],
    )
    profile = book.create_sheet("Profil responden")
    profile_rows: list[list[Any]] = []
    for key, table in report.profile.items():
        profile_rows.append([key])
        profile_rows += [[str(row["label"]), row["n"]] for row in table]
        profile_rows.append([])
    rows_append(profile, profile_rows)
    rows_append(
        book.create_sheet("Tindak lanjut"),
        [["Unsur", "Kegiatan", "Penanggung jawab", "Tenggat", "Status", "Selesai"]]
        + [
            [
                item.element,
                item.action,
                item.person_in_charge,
                item.due_date,
                item.get_status_display(),
                item.completed_at,
            ]
            for item in report.follow_ups
        ],
    )
    rows_append(
        book.create_sheet("Tabulasi"),
        [["Kode", "Jawaban 1", "Jawaban 2", "Jawaban 3", "Jawaban 4"]]
        + [[e["code"], *e["counts"]] for e in report.elements],
    )
    rows_append(
        book.create_sheet("Tema komentar"),
        [["Tema", "Jumlah komentar", "Unsur"]]
        + [[t.label, t.mentions, ", ".join(t.elements)] for t in report.themes],
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
