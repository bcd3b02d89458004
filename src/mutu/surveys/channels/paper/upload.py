"""An upload of typed paper forms, in the request: who may upload, the file's size
and content checked, the file and its :class:`ImportJob` stored, the import
enqueued once the transaction commits (:func:`mutu.surveys.tasks.import_job_process`
runs it in the worker)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from mutu.accounts.models import User
from mutu.accounts.scoping import EDITOR_ROLES, can_see
from mutu.audit.services import audit_record
from mutu.errors import MutuError
from mutu.registry.models import ServiceUnit
from mutu.surveys.channels.paper.files import paper_file_check
from mutu.surveys.models import ImportJob
from mutu.surveys.tasks import import_job_process

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
    actor: User,
    unit: ServiceUnit,
    uploaded_file: UploadedFile,
    max_mb: int | None = None,
) -> ImportJobCreated:
    """Store an uploaded paper-survey XLSX or CSV as an :class:`ImportJob`; enqueue it.

    Only editors of *unit* may upload. The file must be at most *max_mb* megabytes
    (default setting ``MUTU_IMPORT_MAX_MB``) and an XLSX workbook or a UTF-8 CSV of
    the template's columns, by its content. Idempotent: when
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
    limit_mb = max_mb if max_mb is not None else settings.MUTU_IMPORT_MAX_MB
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
    kind = paper_file_check(uploaded_file)  # type: ignore[arg-type]
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
    job.file.save(f"{sha[:32]}.{kind}", uploaded_file, save=False)
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
    result = import_job_process.enqueue(job_id)
    ImportJob.objects.filter(pk=job_id).update(task_id=str(result.id)[:64])
