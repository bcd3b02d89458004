"""Background work of the paper channel (django-tasks; ``mutu db_worker`` runs it)."""

from django_tasks import task

from mutu.surveys.channels.paper.jobs import import_job_run


@task()
def import_job_process(job_id: int) -> str:
    """Run one paper-survey import job (:func:`~mutu.surveys.channels.paper.jobs.import_job_run`).

    Safe to run again: a job already done stores nothing; any other job is checked
    and imported from the start, all rows or none. Returns the job's final status.
    """
    return import_job_run(job_id).status
