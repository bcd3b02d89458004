"""The citizen's SKM form at ``/s/<code>/`` (no JavaScript needed) and its thanks."""

import uuid

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from mutu.errors import MutuError
from mutu.measures.skm_elements import ELEMENT_CODES, ELEMENTS
from mutu.ratelimit import client_ip, rate_limited
from mutu.surveys.forms import SurveyForm
from mutu.surveys.models import Channel
from mutu.surveys.places import SurveyPlace, survey_place
from mutu.surveys.services import response_submit

DEVICE_COOKIE = "mutu_dev"


def _place(code: str) -> SurveyPlace:
    place = survey_place(code)
    if place is None or not place.services:
        raise Http404
    return place


@require_http_methods(["GET", "POST"])
def survey_form(request: HttpRequest, code: str) -> HttpResponse:
    """``/s/<code>``: the SKM form of one service point, opened from its QR code."""
    place = _place(code)
    point, services, extra_questions = (
        place.point,
        place.services,
        place.extra_questions,
    )
    form = SurveyForm(
        request.POST or None, services=services, extra_questions=extra_questions
    )
    status = 200
    confirm, answered = "", 0
    if request.method == "POST" and rate_limited(request, "survey-form"):
        return render(request, "surveys/slow_down.html", {"point": point}, status=429)
    if request.method == "POST":
        status = 400
        if form.is_valid():
            min_seconds = settings.MUTU_SURVEY_MIN_SECONDS
            taken = form.seconds_taken()
            if form.cleaned_data["website"]:
                # A honeypot hit: thank the bot and store nothing.
                return redirect("web:thanks", code=point.code)
            answered = form.answered_count()
            if 0 < answered < len(ELEMENTS) and not form.is_confirmed():
                # Ask once whether to send an incomplete form; the page comes back
                # with every answer kept and the signed flag, so the next submit
                # stores (no JavaScript needed).
                status, confirm = 200, form.confirm_token()
            elif taken is None or taken < min_seconds:
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
                        extra_answers=form.extra_answers(),
                        client_id=form.cleaned_data["client_id"],
                        device_key=request.COOKIES.get(DEVICE_COOKIE, ""),
                        client_ip=client_ip(request),
                        defer_integrity=True,
                    )
                except MutuError as error:
                    field = error.details.get("field")
                    # A rating question named by a rule error ("answer at least
                    # one") is the form's error, not the first question's.
                    form.add_error(
                        field
                        if field in form.fields and field not in ELEMENT_CODES
                        else None,
                        error.message_for(get_language()),
                    )
                else:
                    return redirect("web:thanks", code=point.code)
    else:
        form = SurveyForm(
            initial={"started": SurveyForm.sign_start(), "client_id": uuid.uuid4()},
            services=services,
            extra_questions=extra_questions,
        )
    response = render(
        request,
        "surveys/form.html",
        {
            "point": point,
            "form": form,
            "confirm": confirm,
            "answered": answered,
            "total": len(ELEMENTS),
        },
        status=status,
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


@require_GET
def survey_thanks(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "surveys/thanks.html", {"point": _place(code).point})
