from django.apps import AppConfig
from django.conf import settings
from django.db import transaction


class ReportsConfig(AppConfig):
    name = "mutu.reports"
    verbose_name = "Laporan"

    def ready(self) -> None:
        from mutu.surveys.signals import result_published

        result_published.connect(_keep_after_commit, dispatch_uid="reports.keep")


def _keep_after_commit(sender, *, unit, period_key, **kwargs) -> None:
    """A period was published: its report is rendered by the worker after commit
    (``MUTU_REPORTS_KEEP_ON_PUBLISH``; off, the first download keeps it)."""
    if not settings.MUTU_REPORTS_KEEP_ON_PUBLISH:
        return
    from mutu.reports.tasks import skm_report_keep_task

    unit_id = unit.pk
    transaction.on_commit(lambda: skm_report_keep_task.enqueue(unit_id, period_key))
