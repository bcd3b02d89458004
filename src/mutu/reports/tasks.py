"""Background work of the reports app (django-tasks; ``mutu db_worker`` runs it)."""

from django_tasks import task

from mutu.registry.models import ServiceUnit
from mutu.reports.services import skm_report_keep


@task()
def skm_report_keep_task(unit_id: int, period_key: str) -> int:
    """Keep the official SKM report of a period just published; returns its files.

    Safe to run twice (:func:`skm_report_keep` keeps each file once)."""
    unit = ServiceUnit.objects.get(pk=unit_id)
    return len(skm_report_keep(unit=unit, period_key=period_key))
