"""Printed outputs: the QR posters of a unit's service points (PDF), the official
SKM report of a published period (PDF, XLSX), and a region's reports in one ZIP;
the dashboards of a region, a unit and an MPP (issue 15 items 1, 2 and 4).

Evaluation certificates are in :mod:`mutu.evaluations.certificates`; charts in
:mod:`mutu.reports.charts`.
"""

import io
import zipfile
from collections.abc import Sequence

from django.contrib.auth.decorators import login_required
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from mutu.accounts.http import AuthenticatedHttpRequest
from mutu.accounts.scoping import scope_queryset
from mutu.dbrouting import replica_reads
from mutu.errors import MutuError
from mutu.evaluations import selectors as evaluations
from mutu.gc_pause import no_collector_pauses
from mutu.registry.models import ServiceUnit
from mutu.registry.selectors import (
    region_get_for_user,
    region_unit_brief_list,
    region_unit_list,
    unit_get_for_user,
)
from mutu.reports import dashboards
from mutu.reports import evaluation_report as evaluation
from mutu.reports import selectors as report_selectors
from mutu.reports.charts import sparkline_svg, trend_line_svg
from mutu.reports.models import KeptReport
from mutu.reports.open_data import DATASETS, Dataset, csv_lines, json_document, licence
from mutu.reports.posters import posters_pdf
from mutu.reports.services import skm_report_keep
from mutu.surveys.models import Publication
from mutu.surveys.periods import Period, PeriodKind, period_containing, period_from_key

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


# ---------------------------------------------------------------------------------
# Dashboards (issue 15 items 1, 2 and 4; docs/regulations.md D10, D12, D23)
# ---------------------------------------------------------------------------------

SORT_COLUMNS = (
    ("nama", gettext_lazy("Unit")),
    ("ikm", gettext_lazy("IKM")),
    ("sampel", gettext_lazy("Sampel")),
    ("predikat", gettext_lazy("Predikat")),
    ("tepat-waktu", gettext_lazy("Pengaduan dijawab tepat waktu")),
    ("selesai", gettext_lazy("Pengaduan selesai")),
    ("rtl", gettext_lazy("RTL selesai")),
    ("standar", gettext_lazy("Standar lengkap")),
)


def _period(request: HttpRequest, default: Period | None = None) -> tuple[Period, str]:
    """The period of ``?periode=`` (default: *default* or this quarter), and an
    error message when the parameter names no period."""
    fallback = default or period_containing(timezone.localdate(), PeriodKind.QUARTER)
    key = request.GET.get("periode", "").strip()
    if not key:
        return fallback, ""
    try:
        return period_from_key(key), ""
    except ValueError:
        return fallback, _(
            "Periode “%(key)s” tidak dikenal; ditampilkan %(label)s. Pilih periode "
            "dari daftar."
        ) % {"key": key[:20], "label": fallback.label}


def _page(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("halaman", "1")))
    except ValueError:
        return 1


def _with_sparks(rows: list, prefix: str) -> None:
    for row in rows:
        if row.trend:
            row.spark = sparkline_svg(
                row.trend, uid=f"{prefix}-{row.unit.pk}", name=row.unit.name
            )


MPP_SORT_COLUMNS = ("nama", "ikm", "sampel")
"""The columns an MPP page sorts by (it shows no other apps' columns)."""


def _sort_links(
    dashboard: dashboards.Dashboard, keys: Sequence[str] | None = None
) -> list[dict[str, str]]:
    """Each sortable column (of *keys*; default all): its label, the link that
    sorts by it (again: the other way) and its ``aria-sort`` state."""
    reverse = dashboard.sort.startswith("-")
    links = []
    for key, label in SORT_COLUMNS:
        if keys is not None and key not in keys:
            continue
        active = dashboard.sort.removeprefix("-") == key
        descending = (key in dashboards.DESCENDING_FIRST) != reverse
        target = (key if reverse else f"-{key}") if active else key
        links.append(
            {
                "key": key,
                "label": str(label),
                "url": f"?periode={dashboard.period.key}&urut={target}",
                "aria": ("descending" if descending else "ascending") if active else "",
            }
        )
    return links


@login_required
@require_GET
@replica_reads
@no_collector_pauses
def region_dashboard(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """``/wilayah/<code>/dasbor/?periode=2025-Q3&urut=ikm``: the league table of the
    units under the region the user sees, its sub-regions ranked the same way, its
    D10 figure and MPPs. A coordinator of one regency gets 404 elsewhere."""
    region = region_get_for_user(request.user, code)
    period, error = _period(request)
    units = list(region_unit_brief_list(request.user, region))
    dashboard = dashboards.region_dashboard(
        region,
        units,
        period,
        sort=request.GET.get("urut", "peringkat"),
        page=_page(request),
    )
    _with_sparks(dashboard.rows, "tren")
    mpps, mpp_count = dashboards.mpp_list(region)
    return render(
        request,
        "reports/region_dashboard.html",
        {
            "region": region,
            "dashboard": dashboard,
            "region_spark": sparkline_svg(
                dashboard.trend,
                uid="tren-wilayah",
                name=region.name,
                value=lambda point: point["figure"].mean if point["figure"] else None,
            ),
            "error": error,
            "periods": dashboards.period_choices(),
            "columns": _sort_links(dashboard),
            "minimum": dashboards.minimum_sample(),
            "mpps": mpps,
            "mpp_count": mpp_count,
        },
        status=400 if error else 200,
    )


@login_required
@require_GET
@replica_reads
def unit_dashboard(request: AuthenticatedHttpRequest, unit_id: int) -> HttpResponse:
    """``/unit/<id>/dasbor/``: the unit's own figures over its recent periods
    (the unit's staff and those above it)."""
    unit = unit_get_for_user(request.user, unit_id)
    period, error = _period(request)
    history = dashboards.unit_history(unit, period)
    current = history[-1]
    return render(
        request,
        "reports/unit_dashboard.html",
        {
            "unit": unit,
            "period": period,
            "error": error,
            "periods": dashboards.period_choices(),
            "current": current,
            "history": list(reversed(history)),
            "trend_chart": trend_line_svg(
                [{"period": row.period, "result": row.result} for row in history]
            ),
            "minimum": dashboards.minimum_sample(),
        },
        status=400 if error else 200,
    )


@require_GET
@replica_reads
def mpp_detail(request: HttpRequest, mpp_id: int) -> HttpResponse:
    """``/mpp/<id>/``: a Mal Pelayanan Publik, its tenant units and counters, and
    the figures over its tenants (D10). Public once a tenant published a period:
    the public sees only published periods; staff see their own units' figures
    too (D23). 404 while nothing is published, to those who see no tenant."""
    mpp = report_selectors.mpp_get(mpp_id)
    if mpp is None:
        raise Http404
    tenants = report_selectors.mpp_tenant_list(mpp)
    ids = [unit.pk for unit in tenants]
    open_ids = (
        set(
            scope_queryset(
                request.user, ServiceUnit.objects.filter(pk__in=ids)
            ).values_list("pk", flat=True)
        )
        if request.user.is_authenticated
        else set()
    )
    published = report_selectors.published_keys(ids)
    if not published and not open_ids:
        raise Http404
    default = None if open_ids or not published else period_from_key(published[0])
    period, error = _period(request, default)
    sort = request.GET.get("urut", "peringkat")
    if sort.removeprefix("-") not in MPP_SORT_COLUMNS:
        sort = "peringkat"
    dashboard = dashboards.mpp_dashboard(tenants, period, open_ids=open_ids, sort=sort)
    _with_sparks(dashboard.rows, "mpp")
    return render(
        request,
        "reports/mpp_detail.html",
        {
            "mpp": mpp,
            "dashboard": dashboard,
            "tenants": [(row.unit, row) for row in dashboard.rows],
            "columns": _sort_links(dashboard, MPP_SORT_COLUMNS),
            "error": error,
            "periods": [period_from_key(key) for key in published]
            if not open_ids
            else dashboards.period_choices(),
            "internal": bool(open_ids),
            "minimum": dashboards.minimum_sample(),
        },
        status=400 if error else 200,
    )
