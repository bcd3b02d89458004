"""Paper-survey pages: the XLSX template, the upload form and the import job page.

Thin: parse, check access, call the upload service or a selector, render.
None of them needs JavaScript: the job page refreshes itself with a meta refresh
(and the equivalent ``Refresh`` header) while the import waits or runs.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from mutu.accounts.http import AuthenticatedHttpRequest
from mutu.errors import MutuError
from mutu.registry.selectors import unit_get_for_editor
from mutu.surveys.channels.paper import selectors
from mutu.surveys.channels.paper.layout import XLSX_MIME
from mutu.surveys.channels.paper.template import template_build
from mutu.surveys.channels.paper.upload import import_job_create
from mutu.surveys.models import ImportJob
from mutu.surveys.periods import PeriodKind, period_containing, period_from_key

REFRESH_SECONDS = 2


class PaperUploadForm(forms.Form):
    """One XLSX or CSV file filled from the template."""

    file = forms.FileField(
        label=gettext_lazy("Berkas XLSX atau CSV hasil isian templat"),
        widget=forms.ClearableFileInput(
            attrs={"accept": f".xlsx,{XLSX_MIME},.csv,text/csv"}
        ),
    )


@login_required
@require_GET
def paper_template(request: AuthenticatedHttpRequest, unit_id: int) -> HttpResponse:
    """``templat.xlsx?periode=2025-Q3``: the unit's template (default: this quarter)."""
    unit = unit_get_for_editor(request.user, unit_id)
    key = request.GET.get("periode")
    try:
        period = (
            period_from_key(key)
            if key
            else period_containing(timezone.localdate(), PeriodKind.QUARTER)
        )
    except ValueError as error:
        raise Http404 from error
    content = template_build(
        unit_name=unit.name,
        services=selectors.active_service_names(unit),
        period_label=period.label,
        period_start=period.start,
        period_end=period.end,
    )
    response = HttpResponse(content, content_type=XLSX_MIME)
    response["Content-Disposition"] = (
        f'attachment; filename="skm-kertas-unit{unit.pk}-{period.key}.xlsx"'
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def paper_upload(request: AuthenticatedHttpRequest, unit_id: int) -> HttpResponse:
    """The upload form; a valid upload redirects to its job page."""
    unit = unit_get_for_editor(request.user, unit_id)
    form = PaperUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                outcome = import_job_create(
                    actor=request.user,
                    unit=unit,
                    uploaded_file=form.cleaned_data["file"],
                )
            except MutuError as error:
                form.add_error("file", error.message_for(get_language()))
            else:
                if not outcome.created:
                    messages.info(
                        request,
                        _(
                            "Berkas yang sama sudah diunggah untuk unit ini; "
                            "berikut hasil impornya. Tidak ada yang disimpan dua kali."
                        ),
                    )
                return redirect("paper:job", unit_id=unit.pk, job_id=outcome.job.pk)
    today = timezone.localdate()
    quarter = period_containing(today, PeriodKind.QUARTER)
    return render(
        request,
        "surveys/paper/upload.html",
        {
            "unit": unit,
            "form": form,
            "periods": [quarter, quarter.previous()],
            "jobs": selectors.import_job_list_for_unit(unit),
            "max_mb": settings.MUTU_IMPORT_MAX_MB,
            "max_rows": settings.MUTU_IMPORT_MAX_ROWS,
        },
        status=status,
    )


@login_required
@require_GET
def paper_job(
    request: AuthenticatedHttpRequest, unit_id: int, job_id: int
) -> HttpResponse:
    """One import: status, progress, created count, and the errors when refused."""
    unit = unit_get_for_editor(request.user, unit_id)
    job = selectors.import_job_get_for_unit(unit, job_id)
    working = job.status in (ImportJob.Status.PENDING, ImportJob.Status.RUNNING)
    total = job.total_rows
    english = (get_language() or "").startswith("en")
    errors = [
        {
            "row": error.get("row"),
            "column": error.get("column", ""),
            "message": (error.get("message_en") if english else None)
            or error.get("message", ""),
        }
        for error in job.errors or []
    ]
    response = render(
        request,
        "surveys/paper/job.html",
        {
            "unit": unit,
            "job": job,
            "working": working,
            "refresh": REFRESH_SECONDS,
            "checked_percent": min(job.percent, 100),
            "stored_percent": min(job.created_count * 100 // total, 100)
            if total
            else 0,
            "errors": errors,
        },
    )
    if working:
        response["Refresh"] = str(REFRESH_SECONDS)
        response["Cache-Control"] = "no-store"
    return response
