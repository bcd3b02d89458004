"""Survey pages: the citizen's form (no JavaScript) and the unit's results."""

import uuid

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mutu.errors import MutuError
from mutu.registry.models import ServicePoint
from mutu.registry.selectors import unit_get_for_user
from mutu.reports.charts import element_bars_svg
from mutu.surveys import selectors
from mutu.surveys.forms import SurveyForm
from mutu.surveys.models import Channel
from mutu.surveys.periods import PeriodKind, period_containing, period_from_key
from mutu.surveys.services import response_submit

DEVICE_COOKIE = "mutu_dev"


def _point(code: str) -> ServicePoint:
    return get_object_or_404(
        ServicePoint.objects.select_related("unit", "mpp"), code=code
    )


@require_http_methods(["GET", "POST"])
def survey_form(request: HttpRequest, code: str) -> HttpResponse:
    """``/s/<code>``: the SKM form of one service point, opened from its QR code."""
    point = _point(code)
    services = list(point.services.filter(is_active=True).order_by("name")) or list(
        point.unit.services.filter(is_active=True).order_by("name")
    )
    if not services:
        raise Http404
    form = SurveyForm(request.POST or None, services=services)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            min_seconds = getattr(settings, "MUTU_SURVEY_MIN_SECONDS", 5)
            taken = form.seconds_taken()
            if form.cleaned_data["website"]:
                # A honeypot hit: thank the bot and store nothing.
                return redirect("surveys:thanks", code=point.code)
            if taken is None or taken < min_seconds:
                form.add_error(
                    None, _("Terlalu cepat. Periksa jawaban Anda lalu kirim lagi.")
                )
            else:
                try:
                    response_submit(
                        unit=point.unit,
                        service=next(
                            s for s in services if s.pk == form.cleaned_data["service"]
                        ),
                        point=point,
                        channel=Channel.QR,
                        answers=form.answers(),
                        profile=form.profile(),
                        comment=form.cleaned_data["comment"],
                        client_id=form.cleaned_data["client_id"],
                        device_key=request.COOKIES.get(DEVICE_COOKIE, ""),
                    )
                except MutuError as error:
                    field = error.details.get("field")
                    form.add_error(
                        field if field in form.fields else None,
                        error.message_for(get_language()),
                    )
                else:
                    return redirect("surveys:thanks", code=point.code)
    else:
        form = SurveyForm(
            initial={"started": SurveyForm.sign_start(), "client_id": uuid.uuid4()},
            services=services,
        )
    response = render(
        request, "surveys/form.html", {"point": point, "form": form}, status=status
    )
    if DEVICE_COOKIE not in request.COOKIES:
        response.set_cookie(
            DEVICE_COOKIE,
            uuid.uuid4().hex,
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


def survey_thanks(request: HttpRequest, code: str) -> HttpResponse:
    point = _point(code)
    return render(request, "surveys/thanks.html", {"point": point})


@login_required
def unit_results(request: HttpRequest, unit_id: int) -> HttpResponse:
    """The unit's SKM result for a period (``?periode=2025-Q3``; default: this quarter)."""
    unit = unit_get_for_user(request.user, unit_id)
    key = request.GET.get("periode")
    try:
        period = (
            period_from_key(key)
            if key
            else period_containing(timezone.localdate(), PeriodKind.QUARTER)
        )
    except ValueError as error:
        raise Http404 from error
    data = selectors.period_result(unit, period)
    chart = element_bars_svg(data.result, data.uncertainty) if data.result else ""
    return render(
        request,
        "surveys/results.html",
        {
            "unit": unit,
            "data": data,
            "chart": chart,
            "previous": period.previous(),
            "kinds": PeriodKind,
        },
    )
