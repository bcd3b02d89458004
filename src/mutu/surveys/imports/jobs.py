"""The life of an import job: the upload checked, stored and enqueued
(:func:`import_job_create`, in the request), then the run in the worker
(:func:`import_job_run`): every row checked with progress, the whole file
refused with its error list, or stored by :mod:`mutu.surveys.imports.store`."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from mutu.accounts.scoping import EDITOR_ROLES, can_see
from mutu.audit.services import audit_record
from mutu.errors import MutuError
from mutu.registry.models import ServiceUnit
from mutu.surveys import paper
from mutu.surveys.imports.limits import import_max_mb, import_max_rows
from mutu.surveys.imports.reads import service_keys
from mutu.surveys.imports.store import _store
from mutu.surveys.models import ImportJob, Publication
from mutu.surveys.periods import period_from_key

logger = logging.getLogger(__name__)


OPEN_STATUSES = (
    ImportJob.Status.PENDING,
    ImportJob.Status.RUNNING,
    ImportJob.Status.DONE,
)


@dataclass(frozen=True)
class ImportJobCreated:
    job: ImportJob
    created: bool


def _sha256(uploaded_file: UploadedFile) -> str:
    digest = hashlib.sha256()
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    return digest.hexdigest()


@transaction.atomic
def import_job_create(
    *,
    actor: Any,
    unit: ServiceUnit,
    uploaded_file: UploadedFile,
    max_mb: int | None = None,
) -> ImportJobCreated:
    """Store an uploaded paper-survey XLSX as an :class:`ImportJob` and enqueue it.

    Only editors of *unit* may upload. The file must be at most *max_mb* megabytes
    (default ``MUTU_IMPORT_MAX_MB``) and an XLSX by its content. Idempotent: when
    the same file (SHA-256) was already uploaded for *unit* and is waiting, running
    or done, that job is returned with ``created=False`` and nothing is written.
    Raises :class:`MutuError` for any refusal; nothing is stored then. The import
    task is enqueued only after the transaction commits.
    """
    if not can_see(actor, unit, roles=EDITOR_ROLES):
        raise MutuError(
            "Anda tidak berwenang mengunggah survei kertas untuk unit ini.",
            "You may not upload paper surveys for this unit.",
        )
    limit_mb = max_mb if max_mb is not None else import_max_mb()
    size = uploaded_file.size or 0
    if size > limit_mb * 1024 * 1024:
        raise MutuError(
            f"Berkas terlalu besar ({size / 1024 / 1024:.1f} MB); paling besar "
            f"{limit_mb} MB. Bagi menjadi beberapa berkas.",
            f"The file is too large ({size / 1024 / 1024:.1f} MB); at most "
            f"{limit_mb} MB. Split it into several files.",
            field="file",
        )
    if not size:
        raise MutuError("Berkas kosong.", "The file is empty.", field="file")
    paper.xlsx_check(uploaded_file)  # type: ignore[arg-type]
    sha = _sha256(uploaded_file)
    existing = (
        ImportJob.objects.filter(unit=unit, file_sha256=sha, status__in=OPEN_STATUSES)
        .order_by("-created_at")
        .first()
    )
    if existing is not None:
        return ImportJobCreated(existing, created=False)
    job = ImportJob(
        unit=unit,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        original_name=(uploaded_file.name or "berkas.xlsx")[:255],
        file_sha256=sha,
    )
    # The stored name is the hash: never a name chosen by the uploader.
    job.file.save(f"{sha[:32]}.xlsx", uploaded_file, save=False)
    job.save()
    audit_record(
        actor=actor,
        action="paper_import.upload",
        target=job,
        changes={
            "file_sha256": [None, sha],
            "original_name": [None, job.original_name],
        },
    )
    job_id = job.pk
    transaction.on_commit(lambda: _enqueue(job_id))
    return ImportJobCreated(job, created=True)


def _enqueue(job_id: int) -> None:
    from mutu.surveys.tasks import import_job_process

    result = import_job_process.enqueue(job_id)
    ImportJob.objects.filter(pk=job_id).update(task_id=str(result.id)[:64])


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
    *max_rows* (default ``MUTU_IMPORT_MAX_ROWS``), *max_errors* kept in the list
    (the rest are counted), *batch_size* rows prepared and written at a time
    (one INSERT each, or one share of the single COPY), progress written every
    *progress_every* rows, *today* (the latest allowed survey date; default the
    local date). Ends ``done``, ``refused`` (invalid rows or file) or ``failed``
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
    limit = max_rows if max_rows is not None else import_max_rows()
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
                refusal = paper.file_error(error.message_id, error.message_en)
                _refuse(job, [refusal.as_dict()], sheet.total)
    except Exception:
        logger.exception("Paper import %s failed", job.pk)
        ImportJob.objects.filter(pk=job.pk).exclude(
            status=ImportJob.Status.DONE
        ).update(
            status=ImportJob.Status.FAILED,
            created_count=0,
            errors=[
                paper.file_error(
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


def _published_periods(unit: ServiceUnit) -> list[tuple[date, date, str]]:
    """The unit's published periods as ``(start, end, label)``: closed to new rows."""
    periods = []
    for key in Publication.objects.filter(unit=unit).values_list(
        "period_key", flat=True
    ):
        try:
            period = period_from_key(key)
        except ValueError:
            continue
        periods.append((period.start, period.end, period.label))
    return periods


def _check(
    job: ImportJob,
    max_rows: int,
    max_errors: int,
    progress_every: int,
    today: date | None,
) -> paper.SheetResult:
    def progress(rows: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=rows)

    with job.file.open("rb") as handle:
        try:
            opened = paper.sheet_open(handle)
            try:
                ImportJob.objects.filter(pk=job.pk).update(
                    total_rows=min(opened.estimated_rows, max_rows)
                )
                return paper.rows_check(
                    opened.rows,
                    services=service_keys(job.unit),
                    today=today or timezone.localdate(),
                    max_rows=max_rows,
                    max_errors=max_errors,
                    on_progress=progress,
                    progress_every=progress_every,
                    closed=_published_periods(job.unit),
                )
            finally:
                opened.close()
        except MutuError as error:
            result = paper.SheetResult(error_count=1)
            result.errors.append(paper.file_error(error.message_id, error.message_en))
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
