"""Operator and coordinator pages of the registry. Thin: parse, call, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from mutu.accounts.http import AuthenticatedHttpRequest
from mutu.accounts.scoping import EDITOR_ROLES, can_see
from mutu.dbrouting import replica_reads
from mutu.errors import MutuError
from mutu.registry import selectors, services
from mutu.registry.forms import ServiceForm, StandardForm, UnitRecordForm
from mutu.reports.dashboards import result_map
from mutu.surveys.periods import PeriodKind, period_containing, period_from_key
from mutu.surveys.selectors import published_period_keys, unit_has_publication


def _can_edit(request: HttpRequest, unit) -> bool:
    return can_see(request.user, unit, roles=EDITOR_ROLES)


@login_required
@require_GET
def unit_detail(request: AuthenticatedHttpRequest, unit_id: int) -> HttpResponse:
    """The unit's page: its services and standards for every reader (an evaluator
    too); its working pages (SKM results, posters) linked only for its staff."""
    unit = selectors.unit_get_for_reader(request.user, unit_id)
    return render(
        request,
        "registry/unit_detail.html",
        {
            "unit": unit,
            "services": selectors.service_list_for_unit(unit),
            "points": selectors.point_list_for_unit(unit),
            "can_edit": _can_edit(request, unit),
            "is_staff": can_see(request.user, unit),
            "published": unit_has_publication(unit),
            "record": selectors.unit_record_get(unit),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_records(request: AuthenticatedHttpRequest, unit_id: int) -> HttpResponse:
    """The unit's records that feed the evaluation (D19): Maklumat Pelayanan (Q5),
    service hours (Q10), queue system (Q31). Its editors only."""
    unit = selectors.unit_get_for_editor(request.user, unit_id)
    form = UnitRecordForm(
        request.POST or None, instance=selectors.unit_record_get(unit)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_record_update(
                actor=request.user, unit=unit, data=form.cleaned_data
            )
        except MutuError as error:
            form.add_error(
                error.details.get("field"), error.message_for(get_language())
            )
        else:
            messages.success(request, _("Catatan unit disimpan."))
            return redirect("registry:unit_detail", unit_id=unit.pk)
    return render(
        request,
        "registry/unit_records.html",
        {"unit": unit, "form": form},
        status=_form_status(request, form),
    )


@login_required
@require_GET
def service_detail(
    request: AuthenticatedHttpRequest, unit_id: int, service_id: int
) -> HttpResponse:
    unit = selectors.unit_get_for_reader(request.user, unit_id)
    service = selectors.service_get_for_unit(unit, service_id)
    return render(
        request,
        "registry/service_detail.html",
        {"unit": unit, "service": service, "can_edit": _can_edit(request, unit)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def service_create(request: AuthenticatedHttpRequest, unit_id: int) -> HttpResponse:
    unit = selectors.unit_get_for_editor(request.user, unit_id)
    form = ServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service = services.service_create(
                actor=request.user, unit=unit, data=form.cleaned_data
            )
        except MutuError as error:
            form.add_error(
                error.details.get("field"), error.message_for(get_language())
            )
        else:
            messages.success(request, _("Layanan ditambahkan. Lengkapi standarnya."))
            return redirect(
                "registry:standard_edit", unit_id=unit.pk, service_id=service.pk
            )
    return render(
        request,
        "registry/service_form.html",
        {"unit": unit, "form": form, "creating": True},
        status=_form_status(request, form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def service_edit(
    request: AuthenticatedHttpRequest, unit_id: int, service_id: int
) -> HttpResponse:
    unit = selectors.unit_get_for_editor(request.user, unit_id)
    service = selectors.service_get_for_unit(unit, service_id)
    form = ServiceForm(request.POST or None, instance=service)
    if request.method == "POST" and form.is_valid():
        try:
            services.service_update(
                actor=request.user, service=service, data=form.cleaned_data
            )
        except MutuError as error:
            form.add_error(
                error.details.get("field"), error.message_for(get_language())
            )
        else:
            messages.success(request, _("Layanan disimpan."))
            return redirect(
                "registry:service_detail", unit_id=unit.pk, service_id=service.pk
            )
    return render(
        request,
        "registry/service_form.html",
        {"unit": unit, "service": service, "form": form, "creating": False},
        status=_form_status(request, form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def standard_edit(
    request: AuthenticatedHttpRequest, unit_id: int, service_id: int
) -> HttpResponse:
    unit = selectors.unit_get_for_editor(request.user, unit_id)
    service = selectors.service_get_for_unit(unit, service_id)
    form = StandardForm(request.POST or None, instance=service.standard)
    if request.method == "POST" and form.is_valid():
        try:
            standard = services.standard_update(
                actor=request.user, service=service, data=form.cleaned_data
            )
        except MutuError as error:
            form.add_error(None, error.message_for(get_language()))
        else:
            done = standard.completeness
            messages.success(
                request,
                _(
                    "Standar pelayanan disimpan: "
                    "%(filled)s dari %(total)s komponen terisi."
                )
                % {"filled": done.filled, "total": done.total},
            )
            return redirect(
                "registry:service_detail", unit_id=unit.pk, service_id=service.pk
            )
    return render(
        request,
        "registry/standard_form.html",
        {"unit": unit, "service": service, "form": form},
        status=_form_status(request, form),
    )


@login_required
@require_GET
@replica_reads
def region_detail(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    region = selectors.region_get_for_user(request.user, code)
    units = selectors.region_unit_list(request.user, region)
    period = period_containing(timezone.localdate(), PeriodKind.QUARTER)
    results = result_map(list(units), period)
    for unit in units:
        unit.skm_result = results.get(unit.pk)  # type: ignore[attr-defined]
    return render(
        request,
        "registry/region_detail.html",
        {
            "region": region,
            "period": period,
            "children": selectors.region_children_with_units(request.user, region),
            "units": units,
            "report_periods": [
                period_from_key(key) for key in published_period_keys(units)
            ],
        },
    )


def _form_status(request: HttpRequest, form) -> int:
    """Answer 400 to a POST whose form was refused, so clients and tests can tell."""
    return 400 if request.method == "POST" and form.errors else 200
