"""Survey pages: the citizen's form (no JavaScript) and the unit's results."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mutu.accounts.http import AuthenticatedHttpRequest
from mutu.accounts.scoping import EDITOR_ROLES, can_see
from mutu.dbrouting import read_alias, replica_reads
from mutu.errors import MutuError
from mutu.registry.models import ServiceUnit
from mutu.registry.selectors import (
    region_get_for_user,
    unit_get_for_editor,
    unit_get_for_user,
)
from mutu.reports.charts import element_bars_svg, trend_line_svg
from mutu.reports.selectors import comment_themes_for
from mutu.surveys import selectors
from mutu.surveys.exports import csv_chunks
from mutu.surveys.forms import (
    EXTRA_LABELS,
    DecisionForm,
    FollowUpForm,
    FollowUpStatusForm,
    PopulationForm,
    PublishForm,
    SurveySettingsForm,
)
from mutu.surveys.integrity import pending_check, pending_count
from mutu.surveys.models import FollowUpItem, Publication
from mutu.surveys.periods import Period, PeriodKind, period_containing, period_from_key
from mutu.surveys.publishing import (
    PUBLISHER_ROLES,
    follow_up_create,
    follow_up_update,
    population_set,
    result_publish,
    survey_settings_update,
)
from mutu.surveys.services import REVIEWER_ROLES, response_set_excluded

REVIEW_CATCH_UP_LIMIT = 2000


def _period_or_404(key: str | None) -> Period:
    try:
        return (
            period_from_key(key)
            if key
            else period_containing(timezone.localdate(), PeriodKind.QUARTER)
        )
    except ValueError as error:
        raise Http404 from error


def _results_context(request: HttpRequest, unit, period: Period) -> dict:
    data = selectors.period_result(unit, period)
    trend = selectors.trend(unit, period)
    return {
        "unit": unit,
        "data": data,
        "chart": element_bars_svg(data.result, data.uncertainty) if data.result else "",
        "previous": period.previous(),
        "sample": selectors.sample_status(unit, period, data.tally.responses),
        "profile": selectors.profile_tables(unit, period),
        "extra_results": selectors.extra_question_results(unit, period),
        "extra_labels": EXTRA_LABELS,
        "comments": selectors.comment_list(unit, period),
        "trend": trend,
        "trend_chart": trend_line_svg(trend),
        "publication": selectors.publication_for(unit, period),
        "follow_up": selectors.follow_up_progress(unit, period),
        "can_edit": can_see(request.user, unit, roles=EDITOR_ROLES),
        "can_publish": can_see(request.user, unit, roles=PUBLISHER_ROLES),
        "can_review": can_see(request.user, unit, roles=REVIEWER_ROLES),
        "population_form": PopulationForm(
            initial={"population": selectors.population_for(unit, period)}
        ),
        "publish_form": PublishForm(initial={"published_at": timezone.localdate()}),
        "follow_up_form": FollowUpForm(
            initial={"element": data.result.ranking[0] if data.result else "U1"}
        ),
    }


@login_required
@require_GET
@replica_reads
def unit_results(request: AuthenticatedHttpRequest, unit_id: int) -> HttpResponse:
    """The unit's SKM result for a period (``?periode=2025-Q3``; default: this quarter).

    The unit's staff only: it shows unpublished periods and citizens' comments, so
    an evaluator reads the published periods on the public pages instead.
    """
    unit = unit_get_for_user(request.user, unit_id)
    period = _period_or_404(request.GET.get("periode"))
    context = _results_context(request, unit, period)
    # The comments' themes, and the comments of the one ``?tema=`` picks (item 7).
    context["themes"] = comment_themes_for(
        unit, period, chosen=request.GET.get("tema", "")
    )
    return render(request, "surveys/results.html", context)


def _back(unit, period: Period) -> HttpResponse:
    return redirect(
        f"{reverse('surveys:unit_results', args=[unit.pk])}?periode={period.key}"
    )


def _act(request: HttpRequest, unit, period: Period, form, action) -> HttpResponse:
    """Run *action(cleaned_data)* for a valid form; re-show the results page on error."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except MutuError as error:
            form.add_error(None, error.message_for(get_language()))
        else:
            messages.success(request, _("Tersimpan."))
            return _back(unit, period)
    context = _results_context(request, unit, period)
    context["form_with_errors"] = form
    return render(request, "surveys/results.html", context, status=400)


@login_required
@require_POST
def population_save(
    request: AuthenticatedHttpRequest, unit_id: int, period_key: str
) -> HttpResponse:
    unit = unit_get_for_editor(request.user, unit_id)
    period = _period_or_404(period_key)
    return _act(
        request,
        unit,
        period,
        PopulationForm(request.POST),
        lambda data: population_set(
            actor=request.user,
            unit=unit,
            period_key=period.key,
            population=data["population"],
        ),
    )


@login_required
@require_POST
def publish(
    request: AuthenticatedHttpRequest, unit_id: int, period_key: str
) -> HttpResponse:
    unit = unit_get_for_user(request.user, unit_id, roles=PUBLISHER_ROLES)
    period = _period_or_404(period_key)
    return _act(
        request,
        unit,
        period,
        PublishForm(request.POST),
        lambda data: result_publish(
            actor=request.user,
            unit=unit,
            period_key=period.key,
            published_at=data["published_at"],
            media=data["publication_media"],
        ),
    )


@login_required
@require_POST
def follow_up_add(
    request: AuthenticatedHttpRequest, unit_id: int, period_key: str
) -> HttpResponse:
    unit = unit_get_for_editor(request.user, unit_id)
    period = _period_or_404(period_key)
    return _act(
        request,
        unit,
        period,
        FollowUpForm(request.POST),
        lambda data: follow_up_create(
            actor=request.user, unit=unit, period_key=period.key, **data
        ),
    )


@login_required
@require_POST
def follow_up_status(
    request: AuthenticatedHttpRequest, unit_id: int, item_id: int
) -> HttpResponse:
    unit = unit_get_for_editor(request.user, unit_id)
    item = get_object_or_404(FollowUpItem, pk=item_id, unit=unit)
    period = _period_or_404(item.period_key)
    return _act(
        request,
        unit,
        period,
        FollowUpStatusForm(request.POST),
        lambda data: follow_up_update(actor=request.user, item=item, **data),
    )


@login_required
@require_http_methods(["GET", "POST"])
def flagged_review(request: AuthenticatedHttpRequest, unit_id: int) -> HttpResponse:
    """The coordinator's list of flagged responses, each with include/exclude."""
    unit = unit_get_for_user(request.user, unit_id, roles=REVIEWER_ROLES)
    period = _period_or_404(request.GET.get("periode") or request.POST.get("periode"))
    # Responses from public forms are checked moments after they arrive; catch up
    # here so the list is current even when the background worker lags.
    pending_check(unit_id=unit.pk, limit=REVIEW_CATCH_UP_LIMIT)
    responses = selectors.flagged_list_for_user(request.user, unit, period)
    form = DecisionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            target = get_object_or_404(responses, pk=form.cleaned_data["response"])
            try:
                response_set_excluded(
                    actor=request.user,
                    response=target,
                    excluded=form.cleaned_data["excluded"],
                    reason=form.cleaned_data["reason"],
                )
            except MutuError as error:
                form.add_error(None, error.message_for(get_language()))
            else:
                messages.success(request, _("Keputusan dicatat."))
                return redirect(
                    f"{reverse('surveys:flagged', args=[unit.pk])}?periode={period.key}"
                )
    return render(
        request,
        "surveys/flagged.html",
        {
            "unit": unit,
            "period": period,
            "responses": responses,
            "form": form,
            "pending": pending_count(unit.pk),
        },
        status=status,
    )


@require_GET
@replica_reads
def public_unit(request: HttpRequest, unit_id: int) -> HttpResponse:
    """A unit's public page: its published periods (publication is the unit head's act)."""
    unit = get_object_or_404(
        ServiceUnit.objects.select_related("government"), pk=unit_id
    )
    publications = selectors.publication_list_for_unit(unit)
    if not publications:
        raise Http404
    return render(
        request,
        "surveys/public_unit.html",
        {"unit": unit, "publications": publications},
    )


@require_GET
@replica_reads
def public_result(request: HttpRequest, unit_id: int, period_key: str) -> HttpResponse:
    """One published period of a unit; unpublished periods do not exist publicly."""
    unit = get_object_or_404(
        ServiceUnit.objects.select_related("government"), pk=unit_id
    )
    publication = get_object_or_404(Publication, unit=unit, period_key=period_key)
    period = _period_or_404(period_key)
    data = selectors.period_result(unit, period)
    return render(
        request,
        "surveys/public_result.html",
        {
            "unit": unit,
            "publication": publication,
            "data": data,
            "chart": element_bars_svg(data.result, data.uncertainty)
            if data.result
            else "",
            "sample": selectors.sample_status(unit, period, data.tally.responses),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def survey_settings(request: AuthenticatedHttpRequest, unit_id: int) -> HttpResponse:
    """A unit's survey settings: period, extra questions (≤ 5), own networks."""
    unit = unit_get_for_editor(request.user, unit_id)
    current = selectors.survey_settings_for(unit)
    form = SurveySettingsForm(
        request.POST or None,
        initial={
            "period_kind": current.period_kind,
            "extra_questions": "\n".join(current.extra_questions),
            "own_networks": current.own_networks,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            survey_settings_update(
                actor=request.user,
                unit=unit,
                period_kind=data["period_kind"],
                extra_questions=data["extra_questions"].splitlines(),
                own_networks=data["own_networks"].splitlines(),
            )
        except MutuError as error:
            form.add_error(None, error.message_for(get_language()))
        else:
            messages.success(request, _("Pengaturan survei disimpan."))
            return redirect("surveys:settings", unit_id=unit.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "surveys/settings.html", {"unit": unit, "form": form}, status=status
    )


def _export_period(request: HttpRequest) -> Period | None:
    """``?periode=2025-Q3`` narrows an export to a period; without it, all of them."""
    key = request.GET.get("periode")
    return _period_or_404(key) if key else None


def _csv_stream(responses, filename: str) -> StreamingHttpResponse:
    """A streamed CSV answer of *responses*, read from the view's database.

    The alias is taken now: the body is produced after the view has returned.
    """
    return StreamingHttpResponse(
        csv_chunks(responses, using=read_alias()),
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )


@login_required
@require_GET
@replica_reads
def export_unit(
    request: AuthenticatedHttpRequest, unit_id: int
) -> StreamingHttpResponse:
    """``/unit/<id>/skm/ekspor.csv``: the unit's responses as CSV (``?periode=``).

    Who may open the unit's results page (its staff and those above it): the file
    holds the citizens' comments and the unpublished periods.
    """
    unit = unit_get_for_user(request.user, unit_id)
    period = _export_period(request)
    suffix = f"-{period.key}" if period else ""
    return _csv_stream(
        selectors.response_export_for_unit(unit, period),
        f"skm-unit-{unit.pk}{suffix}.csv",
    )


@login_required
@require_GET
@replica_reads
def export_region(
    request: AuthenticatedHttpRequest, code: str
) -> StreamingHttpResponse:
    """``/wilayah/<code>/skm/ekspor.csv``: a region's responses as CSV (``?periode=``).

    Who may open the region's page (its coordinators, national admins), narrowed to
    the units they see there; ``/wilayah/ID/skm/ekspor.csv`` is the nation's, for
    national admins.
    """
    region = region_get_for_user(request.user, code)
    period = _export_period(request)
    suffix = f"-{period.key}" if period else ""
    return _csv_stream(
        selectors.response_export_for_region(request.user, region, period),
        f"skm-wilayah-{region.code}{suffix}.csv",
    )
