"""An import job in the worker: every row of the file checked with progress, then
the whole file refused with its error list, or every row stored in one
transaction by the surveys core's bulk writer
(:func:`mutu.surveys.bulk.store.responses_store_bulk`).

Progress: ``processed_rows`` counts rows checked (written outside any
transaction); ``created_count`` counts rows stored. Storing runs inside one big
transaction, so that counter is written on a second database connection that
commits on its own (:class:`SideCounter`): the job page sees it move while the
rows themselves stay invisible until the end. SQLite has a single writer per
database, so there the stored counter jumps once, at commit.
"""

from __future__ import annotations

import logging
import uuid
from datetime import date
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from mutu.audit.services import audit_record
from mutu.errors import MutuError
from mutu.surveys.bulk.rows import BulkRow, day_noon
from mutu.surveys.bulk.store import responses_store_bulk
from mutu.surveys.channels.paper.results import SheetResult, file_error
from mutu.surveys.channels.paper.rows import rows_check
from mutu.surveys.channels.paper.selectors import service_keys
from mutu.surveys.channels.paper.workbook import sheet_open
from mutu.surveys.models import Channel, ImportJob
from mutu.surveys.published import PublishedPeriods
from mutu.surveys.rules import submission_window

logger = logging.getLogger(__name__)

CLIENT_ID_NAMESPACE = uuid.UUID("6f1d6a43-3f5e-5c1b-9a57-2b1f0e4f7c21")
"""Namespace of the paper rows' UUID5 client ids (fixed forever: ids must not move)."""


def paper_client_id(unit_id: int, file_sha256: str, row: int) -> uuid.UUID:
    """The client id of one paper row: a UUID5 of the unit, the file's SHA-256 and
    the Excel row number, so running a job again stores nothing twice."""
    return uuid.uuid5(CLIENT_ID_NAMESPACE, f"{unit_id}:{file_sha256}:{row}")


def import_job_run(
    job_id: int,
    *,
    max_rows: int | None = None,
    max_errors: int = 1000,
    batch_size: int = 2000,
    progress_every: int = 1000,
    today: date | None = None,
) -> ImportJob:
    """Check and import the file of one job: all rows, or none with the error list.

    A job already done is left as it is (running it again stores nothing). Knobs:
    *max_rows* (default setting ``MUTU_IMPORT_MAX_ROWS``), *max_errors* kept in
    the list (the rest are counted), *batch_size* rows prepared and written at a
    time (one INSERT each, or one share of the single COPY), progress written
    every *progress_every* rows, *today* (the day the submission window is
    counted from; default the local date). Ends ``done``, ``refused`` (invalid rows or file) or ``failed``
    (an unexpected error, logged and re-raised, nothing stored).
    """
    job = ImportJob.objects.select_related("unit", "uploaded_by").get(pk=job_id)
    if job.status == ImportJob.Status.DONE:
        return job
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING,
        processed_rows=0,
        created_count=0,
        errors=[],
        finished_at=None,
    )
    limit = max_rows if max_rows is not None else settings.MUTU_IMPORT_MAX_ROWS
    try:
        sheet = _check(job, limit, max_errors, progress_every, today)
        if not sheet.ok:
            _refuse(job, sheet.error_dicts(), sheet.total)
        else:
            try:
                _store(
                    job,
                    sheet.rows,
                    batch_size=batch_size,
                    progress_every=progress_every,
                )
            except MutuError as error:
                refusal = file_error(error.message_id, error.message_en)
                _refuse(job, [refusal.as_dict()], sheet.total)
    except Exception:
        logger.exception("Paper import %s failed", job.pk)
        ImportJob.objects.filter(pk=job.pk).exclude(
            status=ImportJob.Status.DONE
        ).update(
            status=ImportJob.Status.FAILED,
            created_count=0,
            errors=[
                file_error(
                    "Impor gagal karena kesalahan sistem; tidak ada yang disimpan. "
                    "Coba unggah lagi nanti atau hubungi admin.",
                    "The import failed on a system error; nothing was stored. Try "
                    "again later or contact the admin.",
                ).as_dict()
            ],
            finished_at=timezone.now(),
        )
        raise
    job.refresh_from_db()
    return job


def _check(
    job: ImportJob,
    max_rows: int,
    max_errors: int,
    progress_every: int,
    today: date | None,
) -> SheetResult:
    def progress(rows: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=rows)

    with job.file.open("rb") as handle:
        try:
            opened = sheet_open(handle)
            try:
                ImportJob.objects.filter(pk=job.pk).update(
                    total_rows=min(opened.estimated_rows, max_rows)
                )
                now = day_noon(today) if today is not None else timezone.now()
                return rows_check(
                    opened.rows,
                    services=service_keys(job.unit),
                    window=submission_window(now=now),
                    max_rows=max_rows,
                    max_errors=max_errors,
                    on_progress=progress,
                    progress_every=progress_every,
                    closed=PublishedPeriods.of_unit(job.unit_id),
                )
            finally:
                opened.close()
        except MutuError as error:
            result = SheetResult(error_count=1)
            result.errors.append(file_error(error.message_id, error.message_en))
            return result


@transaction.atomic
def _refuse(job: ImportJob, errors: list[dict[str, Any]], total: int) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.REFUSED,
        total_rows=total,
        processed_rows=total,
        created_count=0,
        errors=errors,
        finished_at=timezone.now(),
    )
    audit_record(
        actor=job.uploaded_by,
        action="paper_import.refused",
        target=job,
        changes={"status": [ImportJob.Status.RUNNING, ImportJob.Status.REFUSED]},
        reason=f"{len(errors)} kesalahan",
    )


class SideCounter:
    """Writes one job's counter on a connection of its own, committed at once.

    Used while the import transaction is open so that the job page, on another
    connection, sees progress. Only on backends with concurrent writers
    (PostgreSQL); on SQLite, or when the caller is already inside a transaction
    (the job row may then be uncommitted or locked by it), :meth:`write` does
    nothing. Progress is best effort: a failed write never fails the import.
    """

    def __init__(self, job_id: int, *, enabled: bool) -> None:
        self.job_id = job_id
        self.connection = None
        main = connections[DEFAULT_DB_ALIAS]
        if enabled and main.vendor != "sqlite" and not main.in_atomic_block:
            self.connection = type(main)(main.settings_dict.copy(), DEFAULT_DB_ALIAS)
            self.table = main.ops.quote_name(ImportJob._meta.db_table)

    def write(self, column: str, value: int) -> None:
        if self.connection is None:
            return
        quoted = self.connection.ops.quote_name(column)
        try:
            with self.connection.cursor() as cursor:
                if self.connection.vendor == "postgresql":
                    # Never wait for a row lock held by the import itself.
                    cursor.execute("SET lock_timeout = '1s'")
                cursor.execute(
                    f"UPDATE {self.table} SET {quoted} = %s WHERE id = %s",  # noqa: S608
                    [value, self.job_id],
                )
        except Exception:
            logger.warning(
                "Import %s: progress not written", self.job_id, exc_info=True
            )

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def _store(
    job: ImportJob,
    rows: list[BulkRow],
    *,
    batch_size: int,
    progress_every: int,
) -> None:
    """Store every checked row in one transaction, with the job's end and audit."""
    counter = SideCounter(job.pk, enabled=True)
    total = len(rows)
    ImportJob.objects.filter(pk=job.pk).update(total_rows=total, processed_rows=total)
    next_report = progress_every

    def stored(created: int) -> None:
        nonlocal next_report
        if created >= next_report:
            counter.write("created_count", created)
            next_report = created + progress_every

    try:
        with transaction.atomic():
            created = responses_store_bulk(
                unit_id=job.unit_id,
                channel=Channel.PAPER,
                rows=rows,
                client_id=lambda row: paper_client_id(
                    job.unit_id, job.file_sha256, row.row
                ),
                batch_size=batch_size,
                on_stored=stored,
            )
            # The job row is touched only now, after the last side write: an
            # earlier UPDATE here would lock it against the side connection.
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportJob.Status.DONE,
                total_rows=total,
                processed_rows=total,
                created_count=created,
                errors=[],
                finished_at=timezone.now(),
            )
            audit_record(
                actor=job.uploaded_by,
                action="paper_import.done",
                target=job,
                changes={
                    "status": [ImportJob.Status.RUNNING, ImportJob.Status.DONE],
                    "created_count": [0, created],
                },
            )
    finally:
        counter.close()
