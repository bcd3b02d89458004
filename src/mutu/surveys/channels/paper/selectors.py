"""Reads for the paper-survey pages and the row check: a unit's import jobs and
its active services by name (the unit an editor may import for is
:func:`mutu.registry.selectors.unit_get_for_editor`)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from mutu.registry.models import ServiceUnit
from mutu.reports.spreadsheets import cell_text
from mutu.surveys.channels.paper.cells import service_key
from mutu.surveys.models import ImportJob


def import_job_get_for_unit(unit: ServiceUnit, job_id: int) -> ImportJob:
    """One import job of *unit* (the caller has checked *unit* is visible)."""
    try:
        return ImportJob.objects.select_related("uploaded_by").get(pk=job_id, unit=unit)
    except ImportJob.DoesNotExist as error:
        raise Http404 from error


def import_job_list_for_unit(unit: ServiceUnit, limit: int = 10) -> QuerySet:
    """The unit's latest import jobs, newest first."""
    return ImportJob.objects.filter(unit=unit).select_related("uploaded_by")[:limit]


def active_service_names(unit: ServiceUnit) -> list[str]:
    """The names of the unit's active services, for the template's dropdown."""
    return list(
        unit.services.filter(is_active=True)
        .order_by("name")
        .values_list("name", flat=True)
    )


def service_keys(unit: ServiceUnit) -> dict[str, int]:
    """The unit's active services as ``{service_key(name): id}`` for the row check.

    A name the template lists neutralised (``=X`` written as ``'=X`` by
    :func:`~mutu.reports.spreadsheets.cell_text`) is also found by that spelling,
    which is what the template's dropdown puts in the cell; a service really
    named ``'=X`` keeps that key.
    """
    services = list(unit.services.filter(is_active=True).values_list("pk", "name"))
    keys = {service_key(name): pk for pk, name in services}
    for pk, name in services:
        keys.setdefault(service_key(cell_text(name)), pk)
    return keys
