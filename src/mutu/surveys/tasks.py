"""Background work of the surveys core (django-tasks; ``mutu db_worker`` runs it).

Tasks call into the modules that do the work (the paper import's job module, the
integrity checker); none of those imports this module back."""

import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django_tasks import task

from mutu.surveys.channels.paper.jobs import import_job_run
from mutu.surveys.integrity import pending_check
from mutu.surveys.partitions import partitions_ensure


@task()
def import_job_process(job_id: int) -> str:
    """Run one paper-survey import job
    (:func:`~mutu.surveys.channels.paper.jobs.import_job_run`).

    Safe to run again: a job already done stores nothing; any other job is checked
    and imported from the start, all rows or none. Returns the job's final status.
    The task keeps its path (``mutu.surveys.tasks.import_job_process``): jobs
    queued before an upgrade must still find it.
    """
    return import_job_run(job_id).status


@task()
def integrity_check_pending() -> int:
    """Run the integrity rules on every response still waiting for them.

    Returns how many were checked; running it twice checks nothing twice.
    """
    return pending_check()


@task()
def partitions_ensure_ahead(ahead: int = 3) -> list[str]:
    """Create the response table's partitions of this month and the *ahead* next
    (PostgreSQL; :func:`mutu.surveys.partitions.partitions_ensure`), moving rows
    out of DEFAULT; returns the partitions created. Idempotent; the same work as
    ``mutu surveys partitions``, for a deployment that schedules tasks.
    """
    if connection.vendor != "postgresql":
        return []
    with transaction.atomic(), connection.cursor() as cursor:
        report = partitions_ensure(cursor, today=timezone.localdate(), ahead=ahead)
    return report.created


_schedule_lock = threading.Lock()
_next_enqueue = 0.0


def integrity_check_soon() -> None:
    """Have :func:`integrity_check_pending` run shortly (called after a commit).

    One task serves every response of the next few seconds: a process enqueues one
    that runs ``MUTU_SURVEY_INTEGRITY_DELAY_SECONDS`` (default 5) from now and enqueues
    no other for half that time, so a response stored in that half commits before the
    task starts. A backend that cannot defer (the immediate one) runs the check at once.
    """
    global _next_enqueue
    backend = integrity_check_pending.get_backend()
    if not backend.supports_defer:
        integrity_check_pending.enqueue()
        return
    delay = settings.MUTU_SURVEY_INTEGRITY_DELAY_SECONDS
    with _schedule_lock:
        now = time.monotonic()
        if now < _next_enqueue:
            return
        _next_enqueue = now + delay / 2
    integrity_check_pending.using(
        run_after=timezone.now() + timedelta(seconds=delay)
    ).enqueue()
