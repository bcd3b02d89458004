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
from dataclasses import replace
from datetime import date
from typing import Any

from django.conf import settings
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    connection,
    connections,
    transaction,
)
from django.utils import timezone

from mutu.audit.services import audit_record
from mutu.errors import MutuError
from mutu.reports.spreadsheets import cell_text
from mutu.surveys.bulk.rows import BulkRow, day_noon
from mutu.surveys.bulk.staged import (
    CELLS,
    StagedRows,
    stage_copy_csv,
    stage_copy_rows,
    stage_create,
    staged_available,
    window_days,
)
from mutu.surveys.bulk.store import responses_store_bulk, responses_store_bulk_staged
from mutu.surveys.channels.paper.cells import service_key
from mutu.surveys.channels.paper.csv_file import csv_head
from mutu.surveys.channels.paper.files import paper_file_kind, paper_file_open
from mutu.surveys.channels.paper.layout import COLUMNS, SHEET_DATA
from mutu.surveys.channels.paper.results import SheetResult, file_error
from mutu.surveys.channels.paper.rows import rows_check
from mutu.surveys.channels.paper.selectors import service_keys
from mutu.surveys.channels.paper.workbook import has_formulas
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
        if staged_available() and _staged_run(job, limit, today):
            job.refresh_from_db()
            return job
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


class _RowByRow(Exception):
    """The set-based path gives the file to the row-by-row check."""


def _header_order(header: list[Any]) -> list[int] | None:
    """For each template column, its index in *header*; None unless the header
    is exactly the template's columns (any order, no blank or unknown title)."""
    wanted = {name.casefold(): index for index, name in enumerate(COLUMNS)}
    found: dict[int, int] = {}
    for position, title in enumerate(header):
        column = wanted.get(str(title).strip().casefold())
        if column is None or column in found:
            return None
        found[column] = position
    if len(found) != CELLS:
        return None
    return [found[column] for column in range(CELLS)]


def _service_spellings(job: ImportJob) -> dict[str, int]:
    """Each exact name (and its neutralised spelling) of the unit's active services,
    mapped as the row check maps it (:func:`service_keys`)."""
    keys = service_keys(job.unit)
    spellings: dict[str, int] = {}
    for name in job.unit.services.filter(is_active=True).values_list("name", flat=True):
        for spelling in (name, cell_text(name)):
            service_id = keys.get(service_key(spelling))
            if service_id is not None:
                spellings.setdefault(spelling, service_id)
    return spellings


def _staged_run(job: ImportJob, max_rows: int, today: date | None) -> bool:
    """PostgreSQL: import the file set-wise (COPY into staging, SQL checks, one
    INSERT … SELECT); True when the job ended here (done, or refused for a row
    stored with other content), False to check it row by row instead (a row not
    in canonical form, an error, a header not exactly the template's, a file
    COPY cannot read). See :mod:`mutu.surveys.bulk.staged`.
    """
    now = day_noon(today) if today is not None else timezone.now()
    window = submission_window(now=now)
    staged = StagedRows(
        days=window_days(
            window.oldest_day, window.latest_day, PublishedPeriods.of_unit(job.unit_id)
        ),
        services=_service_spellings(job),
        floats=False,
        client_id_namespace=CLIENT_ID_NAMESPACE,
        client_id_prefix=f"{job.unit_id}:{job.file_sha256}:",
        max_rows=max_rows,
    )
    result = None
    with job.file.open("rb") as handle:
        kind = paper_file_kind(handle)
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    raw = cursor.cursor
                    stage_create(raw)
                    if kind == "csv":
                        _stage_csv(raw, handle)
                    else:
                        staged = _stage_xlsx(raw, handle, staged)
                result = responses_store_bulk_staged(
                    unit_id=job.unit_id, channel=Channel.PAPER, staged=staged
                )
                if not result.valid:
                    raise _RowByRow
                _finish(job, result.total, result.created)
        except _RowByRow:
            return False
        except MutuError as error:
            if result is None:  # the file itself: the row check words it
                return False
            _refuse(job, [file_error(error.message_id, error.message_en).as_dict()], 0)
        except DatabaseError:
            logger.info("Paper import %s: COPY refused the file", job.pk, exc_info=True)
            return False
    return True


def _stage_csv(raw: Any, handle: Any) -> None:
    head = csv_head(handle)
    order = _header_order(head.header)
    if order is None:
        raise _RowByRow
    positions = [0] * CELLS
    for column, position in enumerate(order):
        positions[position] = column
    stage_copy_csv(raw, handle, positions=positions, delimiter=head.delimiter)


def _stage_xlsx(raw: Any, handle: Any, staged: StagedRows) -> StagedRows:
    if has_formulas(handle):
        raise _RowByRow
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(handle)
        names = workbook.sheet_names
        sheet = workbook.get_sheet_by_name(
            SHEET_DATA if SHEET_DATA in names else names[0]
        )
    except Exception as error:  # calamine's own kinds: the row check words it
        raise _RowByRow from error
    try:
        if sheet.start not in (None, (0, 0)):
            raise _RowByRow  # row numbers would not be the sheet's
        rows = sheet.iter_rows()
        header = next(rows, None)
        order = _header_order(list(header or ()))
        if order is None:
            raise _RowByRow
        stage_copy_rows(raw, rows, order=order)
    finally:
        workbook.close()
    return replace(staged, floats=True)


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
            opened = paper_file_open(handle)
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
            _finish(job, total, created)
    finally:
        counter.close()


def _finish(job: ImportJob, total: int, created: int) -> None:
    """The job done, with its audit row (inside the storing transaction)."""
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
