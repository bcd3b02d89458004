"""Printed outputs as PDF: the QR posters of a unit's service points.

Evaluation certificates are in :mod:`mutu.evaluations.certificates`; charts in
:mod:`mutu.reports.charts`.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from mutu.accounts.http import AuthenticatedHttpRequest
from mutu.registry.selectors import unit_get_for_user
from mutu.reports.posters import posters_pdf


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
