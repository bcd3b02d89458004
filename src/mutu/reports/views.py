"""Printed outputs: the QR posters of a unit's service points (PDF), the official
SKM report of a published period (PDF, XLSX), and a region's reports in one ZIP.

Evaluation certificates are in :mod:`mutu.evaluations.certificates`; charts in
:mod:`mutu.reports.charts`.
"""

import io
import zipfile

from django.contrib.auth.decorators import login_required
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from mutu.accounts.http import AuthenticatedHttpRequest
from mutu.dbrouting import replica_reads
from mutu.errors import MutuError
from mutu.evaluations import selectors as evaluations
from mutu.registry.models import ServiceUnit
from mutu.registry.selectors import (
    region_get_for_user,
    region_unit_list,
    unit_get_for_user,
)
from mutu.reports import evaluation_report as evaluation
from mutu.reports.models import KeptReport
from mutu.reports.open_data import DATASETS, Dataset, csv_lines, json_document, licence
from mutu.reports.posters import posters_pdf
from mutu.reports.services import skm_report_keep
from mutu.surveys.models import Publication
from mutu.surveys.periods import period_from_key

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _request_base_url(request: HttpRequest) -> str:
    """``https://host`` of this request: the QR encodes the host people reached."""
    return request.build_absolute_uri("/").rstrip("/")


def _pdf(content: bytes, filename: str) -> HttpResponse:
    return HttpResponse(
        content,
        content_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )


@login_required
@require_GET
def unit_posters(request: AuthenticatedHttpRequest, unit_id: int) -> HttpResponse:
    """``/unit/<id>/poster.pdf``: the QR posters of every point of a unit, a page each.

    404 when the user may not see the unit or the unit has no service point.
    """
    unit = unit_get_for_user(request.user, unit_id)
    points = list(unit.points.select_related("unit", "mpp").order_by("name", "code"))
    if not points:
        raise Http404
    return _pdf(
        posters_pdf(points, base_url=_request_base_url(request)),
        f"poster-skm-{unit.pk}.pdf",
    )


@login_required
@require_GET
def point_poster(
    request: AuthenticatedHttpRequest, unit_id: int, code: str
) -> HttpResponse:
    """``/unit/<id>/poster/<code>.pdf``: the QR poster of one point of the unit."""
    unit = unit_get_for_user(request.user, unit_id)
    point = get_object_or_404(unit.points.select_related("unit", "mpp"), code=code)
    return _pdf(
        posters_pdf([point], base_url=_request_base_url(request)),
        f"poster-skm-{point.code}.pdf",
    )


def _kept(unit: ServiceUnit, period_key: str) -> dict[str, KeptReport]:
    try:
        period_from_key(period_key)
        return skm_report_keep(unit=unit, period_key=period_key)
    except (MutuError, ValueError) as error:
        raise Http404 from error


def _report_name(unit: ServiceUnit, period_key: str, extension: str) -> str:
    return (
        f"laporan-skm-{slugify(unit.short_name or unit.name)}-{period_key}.{extension}"
    )


@require_GET
def skm_report_pdf(request: HttpRequest, unit_id: int, period_key: str) -> HttpResponse:
    """``/hasil/unit/<id>/<period>/laporan.pdf``: the official SKM report of a
    published period, as kept (public like the published result; 404 before)."""
    unit = get_object_or_404(
        ServiceUnit.objects.select_related("government"), pk=unit_id
    )
    kept = _kept(unit, period_key)[KeptReport.Kind.SKM_PDF]
    return _pdf(bytes(kept.content), _report_name(unit, period_key, "pdf"))


@require_GET
def skm_report_xlsx(
    request: HttpRequest, unit_id: int, period_key: str
) -> HttpResponse:
    """``/hasil/unit/<id>/<period>/laporan.xlsx``: the report's tables, as kept."""
    unit = get_object_or_404(
        ServiceUnit.objects.select_related("government"), pk=unit_id
    )
    kept = _kept(unit, period_key)[KeptReport.Kind.SKM_XLSX]
    name = _report_name(unit, period_key, "xlsx")
    return HttpResponse(
        bytes(kept.content),
        content_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@login_required
@require_GET
def region_skm_reports(
    request: AuthenticatedHttpRequest, code: str, period_key: str
) -> HttpResponse:
    """``/wilayah/<code>/laporan-skm/<period>.zip``: the kept SKM reports (PDF) of
    every unit of the region the coordinator sees that published the period, and a
    list of those that did not (``belum-dipublikasikan.txt``)."""
    region = region_get_for_user(request.user, code)
    try:
        period_from_key(period_key)
    except ValueError as error:
        raise Http404 from error
    units = list(region_unit_list(request.user, region).select_related("government"))
    published = set(
        Publication.objects.filter(unit__in=units, period_key=period_key).values_list(
            "unit_id", flat=True
        )
    )
    by_id = {unit.pk: unit for unit in units}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as bundle:
        # The kept files in one query, read a few at a time (a region may hold
        # many units); only a period kept by none yet is rendered unit by unit.
        kept = KeptReport.objects.filter(
            unit_id__in=published, period_key=period_key, kind=KeptReport.Kind.SKM_PDF
        ).order_by("unit_id")
        written = set()
        for report in kept.iterator(chunk_size=20):
            unit = by_id[report.unit_id]
            bundle.writestr(
                _report_name(unit, period_key, "pdf"), bytes(report.content)
            )
            written.add(unit.pk)
        for unit in units:
            if unit.pk in published and unit.pk not in written:
                made = skm_report_keep(unit=unit, period_key=period_key)
                bundle.writestr(
                    _report_name(unit, period_key, "pdf"),
                    bytes(made[KeptReport.Kind.SKM_PDF].content),
                )
        waiting = [u.name for u in units if u.pk not in published]
        if waiting:
            bundle.writestr("belum-dipublikasikan.txt", "\n".join(waiting) + "\n")
    return HttpResponse(
        buffer.getvalue(),
        content_type="application/zip",
        headers={
            "Content-Disposition": (
                f'attachment; filename="laporan-skm-{region.code}-{period_key}.zip"'
            )
        },
    )


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    return HttpResponse(
        content,
        content_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _cycle_report(request: HttpRequest, cycle_id: int) -> evaluation.EvaluationReport:
    cycle = evaluations.cycle_report_get_for_user(request.user, cycle_id)
    return evaluation.evaluation_report_gather(cycle)


def _unit_report(
    request: HttpRequest, assignment_id: int
) -> evaluation.EvaluationReport:
    assignment = evaluations.assignment_report_get_for_user(request.user, assignment_id)
    return evaluation.evaluation_report_gather(assignment.cycle, assignment)


@replica_reads
@require_GET
def evaluation_report_pdf(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """``/evaluasi/siklus/<id>/laporan.pdf``: the cycle's results table and every
    unit's score sheet. Public once the cycle is published; before, its managers'
    draft (404 to others, D25)."""
    report = _cycle_report(request, cycle_id)
    return _pdf(evaluation.evaluation_report_pdf(report), f"evaluasi-{cycle_id}.pdf")


@replica_reads
@require_GET
def evaluation_report_xlsx(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """``/evaluasi/siklus/<id>/laporan.xlsx``: the same tables as a workbook."""
    report = _cycle_report(request, cycle_id)
    return _xlsx(evaluation.evaluation_report_xlsx(report), f"evaluasi-{cycle_id}.xlsx")


@replica_reads
@require_GET
def score_sheet_pdf(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """``/evaluasi/<assignment>/laporan.pdf``: one unit's score sheet. Public for a
    final result of a published cycle; before, its unit's, evaluators' and
    managers' (404 to others, D25)."""
    report = _unit_report(request, assignment_id)
    return _pdf(
        evaluation.evaluation_report_pdf(report), f"lembar-nilai-{assignment_id}.pdf"
    )


@replica_reads
@require_GET
def score_sheet_xlsx(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """``/evaluasi/<assignment>/laporan.xlsx``: the score sheet as a workbook."""
    report = _unit_report(request, assignment_id)
    return _xlsx(
        evaluation.evaluation_report_xlsx(report), f"lembar-nilai-{assignment_id}.xlsx"
    )


def _dataset(slug: str) -> Dataset:
    found = DATASETS.get(slug)
    if found is None:
        raise Http404
    return found


@replica_reads
@require_GET
def open_data(request: HttpRequest) -> HttpResponse:
    """``/data/``: the published datasets, their files and the licence."""
    return render(
        request,
        "reports/open_data.html",
        {"datasets": DATASETS.values(), "licence": licence()},
    )


@replica_reads
@require_GET
def open_data_dictionary(request: HttpRequest) -> HttpResponse:
    """``/data/kamus/``: every dataset's columns, their types and meanings."""
    return render(
        request,
        "reports/open_data_dictionary.html",
        {"datasets": DATASETS.values(), "licence": licence()},
    )


@replica_reads
@require_GET
def open_data_csv(request: HttpRequest, dataset: str) -> StreamingHttpResponse:
    """``/data/<dataset>.csv``, streamed row by row."""
    found = _dataset(dataset)
    return StreamingHttpResponse(
        csv_lines(found),
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="mutu-{found.slug}.csv"'
        },
    )


@replica_reads
@require_GET
def open_data_json(request: HttpRequest, dataset: str) -> JsonResponse:
    """``/data/<dataset>.json``: the same document as the API."""
    return JsonResponse(json_document(_dataset(dataset)))
