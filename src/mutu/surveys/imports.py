"""Paper-survey imports: upload an XLSX, check every row, store all of them or none.

The life of an import (issue 4, "Paper"):

1. :func:`import_job_create` (in the request) checks who uploads, the size and the
   content of the file, stores it and an :class:`ImportJob`, and enqueues
   :func:`mutu.surveys.tasks.import_job_process` once the transaction commits.
   The same file (same SHA-256) for the same unit that is waiting, running or done
   gives back that job instead of a second one.
2. :func:`import_job_run` (in the worker) reads the sheet with openpyxl in read-only
   mode and checks EVERY row (``mutu.surveys.paper.rows_check``). Any error refuses
   the whole file: the job keeps the list of errors and nothing is stored.
3. Otherwise every row is stored in ONE transaction by :func:`_store`, a bulk path
   that writes exactly what ``mutu.surveys.services.response_submit(channel="paper")``
   would write row by row (same columns, ``content_hash``, ``day``, integrity flags
   and rollup counts; ``tests/surveys/test_paper.py`` holds the two side by side)
   without its half-dozen queries per row: one COPY on PostgreSQL, ``bulk_create``
   elsewhere, rollups added once per day. Each row's ``client_id`` is a UUID5 of
   the unit, the file's SHA-256 and the Excel row number, so running a job again
   stores nothing twice.

Progress: ``processed_rows`` counts rows checked (step 2, written outside any
transaction); ``created_count`` counts rows stored (step 3). Step 3 runs inside one
big transaction, so its counter is written on a second database connection that
commits on its own: another connection (the job page) sees it move while the rows
themselves stay invisible until the end. SQLite has a single writer per database,
so there the stored counter jumps once, at commit.
"""

from __future__ import annotations

import bisect
import hashlib
import logging
import uuid
from collections import defaultdict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from json.encoder import encode_basestring_ascii  # type: ignore[attr-defined]
from typing import Any, NamedTuple, cast

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import (
    DEFAULT_DB_ALIAS,
    IntegrityError,
    connection,
    connections,
    transaction,
)
from django.db.models import F, Field, Model, QuerySet
from django.http import Http404
from django.utils import timezone

from mutu.accounts.scoping import EDITOR_ROLES, can_see, scope_queryset
from mutu.audit.services import audit_record
from mutu.errors import MutuError
from mutu.registry.models import ServiceUnit
from mutu.surveys import paper
from mutu.surveys.models import (
    ELEMENT_FIELDS,
    ROLLUP_COUNT_FIELDS,
    Channel,
    DailyRollup,
    ImportJob,
    Publication,
    Response,
    ResponseFlag,
)
from mutu.surveys.periods import period_from_key

logger = logging.getLogger(__name__)

CLIENT_ID_NAMESPACE = uuid.UUID("6f1d6a43-3f5e-5c1b-9a57-2b1f0e4f7c21")
"""Namespace of the paper rows' UUID5 client ids (fixed forever: ids must not move)."""

STRAIGHT_LINE_RULE = "straight_line"
OPEN_STATUSES = (
    ImportJob.Status.PENDING,
    ImportJob.Status.RUNNING,
    ImportJob.Status.DONE,
)


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def import_max_mb() -> int:
    """The largest upload accepted, in megabytes (``MUTU_IMPORT_MAX_MB``)."""
    return _setting("MUTU_IMPORT_MAX_MB", 50)


def import_max_rows() -> int:
    """The most data rows one file may hold (``MUTU_IMPORT_MAX_ROWS``)."""
    return _setting("MUTU_IMPORT_MAX_ROWS", 200000)


# --- reads ------------------------------------------------------------------------


def unit_get_for_editor(user: Any, unit_id: int) -> ServiceUnit:
    """A unit *user* may edit (``EDITOR_ROLES``); ``Http404`` otherwise."""
    try:
        return scope_queryset(
            user, ServiceUnit.objects.select_related("government"), EDITOR_ROLES
        ).get(pk=unit_id)
    except ServiceUnit.DoesNotExist as error:
        raise Http404 from error


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
    """The unit's active services as ``{service_key(name): id}`` for the row check."""
    return {
        paper.service_key(name): pk
        for pk, name in unit.services.filter(is_active=True).values_list("pk", "name")
    }


# --- upload -----------------------------------------------------------------------


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


# --- the run ----------------------------------------------------------------------


def paper_client_id(unit_id: int, file_sha256: str, row: int) -> uuid.UUID:
    """The deterministic client id of one paper row (unit, file, Excel row number)."""
    return uuid.uuid5(CLIENT_ID_NAMESPACE, f"{unit_id}:{file_sha256}:{row}")


class _SideCounter:
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


class _StraightLines:
    """Replays ``integrity.straight_line_signal`` for rows stored in one bulk.

    ``response_submit`` flags a response whose nine answers are all equal when the
    ``run - 1`` responses before it from the same source (for paper: same unit,
    channel paper), ordered by ``submitted_at`` then id, newest first, among those
    with ``submitted_at`` not later than its own, are all straight lines too. Rows
    of a bulk get ids in file order, above every id already stored, so the rows
    before row *k* are: earlier rows of this import (latest first) and, at equal
    or older times, the responses stored before the import (read once per time).
    """

    def __init__(self, unit_id: int, run: int, rows: Sequence[paper.PaperRow]):
        self.need = max(run - 1, 0)
        self.unit_id = unit_id
        # The last `need` rows of this import at each time, and the sorted times.
        self.recent: dict[datetime, deque[bool]] = {}
        self.times: list[datetime] = []
        self.stored: dict[datetime, list[tuple[datetime, bool]]] = {}
        if self.need:
            straight_times = {_noon(r.day) for r in rows if _straight(r[3:12])}
            for moment in straight_times:
                previous = (
                    Response.objects.filter(
                        unit_id=unit_id,
                        channel=Channel.PAPER,
                        submitted_at__lte=moment,
                    )
                    .order_by("-submitted_at", "-id")
                    .values_list("submitted_at", *ELEMENT_FIELDS)[: self.need]
                )
                self.stored[moment] = [
                    (values[0], _straight(values[1:])) for values in previous
                ]

    def flagged(self, moment: datetime, straight: bool) -> bool:
        """Whether the next row (at *moment*) is flagged; then remember it."""
        result = straight and self._run_before(moment)
        bucket = self.recent.get(moment)
        if bucket is None:
            bucket = self.recent[moment] = deque(maxlen=max(self.need, 1))
            bisect.insort(self.times, moment)
        bucket.append(straight)
        return result

    def _run_before(self, moment: datetime) -> bool:
        if not self.need:
            return True
        earlier: list[bool] = []
        stored = self.stored.get(moment, [])
        position = 0  # into `stored`, newest first
        index = bisect.bisect_right(self.times, moment) - 1
        while len(earlier) < self.need and (index >= 0 or position < len(stored)):
            at = self.times[index] if index >= 0 else None
            # Stored rows later than this import's next time come first; at equal
            # times the import's rows come first (their ids are higher).
            while (
                position < len(stored)
                and (at is None or stored[position][0] > at)
                and len(earlier) < self.need
            ):
                earlier.append(stored[position][1])
                position += 1
            if at is not None:
                earlier.extend(reversed(self.recent[at]))
                index -= 1
        earlier = earlier[: self.need]
        return len(earlier) == self.need and all(earlier)


def _straight(values: Sequence[int | None]) -> bool:
    return (
        len(values) == len(ELEMENT_FIELDS)
        and None not in values
        and len(set(values)) == 1
    )


def _noon(day: date) -> datetime:
    """The time a paper row is dated: noon of its survey day in local time (WIB)."""
    return datetime.combine(day, time(12), tzinfo=timezone.get_default_timezone())


_ANSWERS_JSON = ",".join(f'"U{number}":%s' for number in range(1, 10))
# Checked answers are None or 1-4: their JSON and COPY spellings, looked up.
_ANSWER_JSON = {None: "null", 1: "1", 2: "2", 3: "3", 4: "4"}
_ANSWER_COPY = {None: "\\N", 1: "1", 2: "2", 3: "3", 4: "4"}


def _json_int(value: int | None) -> str:
    return "null" if value is None else str(int(value))


def _fingerprint(unit_id: int, row: paper.PaperRow) -> str:
    """``hashing.content_hash`` of what ``response_submit`` hashes for this row.

    The canonical JSON (sorted keys, no spaces, ASCII) is written directly: five
    times faster than ``json.dumps`` of the dict, and byte for byte the same
    (``test_fingerprint_equals_content_hash`` holds the two side by side).
    """
    answers = _ANSWERS_JSON % tuple([_ANSWER_JSON[value] for value in row[3:12]])
    text = encode_basestring_ascii
    canonical = (
        f'{{"answers":{{{answers}}},"channel":"paper",'
        f'"comment":{text(row.comment)},"extra":{{}},"point":null,'
        f'"profile":{{"age":{_json_int(row.age)},'
        f'"education":{text(row.education)},'
        f'"occupation":{text(row.occupation)},"sex":{text(row.sex)}}},'
        f'"service":{int(row.service_id)},"unit":{int(unit_id)}}}'
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _already_stored(ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    return dict(
        Response.objects.filter(client_id__in=list(ids)).values_list(
            "client_id", "content_hash"
        )
    )


def _store(
    job: ImportJob,
    rows: Sequence[paper.PaperRow],
    *,
    batch_size: int,
    progress_every: int,
) -> None:
    """Store every checked row in one transaction, with flags, rollups and audit."""
    unit_id = job.unit_id
    sha = job.file_sha256
    counter = _SideCounter(job.pk, enabled=True)
    total = len(rows)
    ImportJob.objects.filter(pk=job.pk).update(total_rows=total, processed_rows=total)
    try:
        with transaction.atomic():
            created = _store_rows(
                unit_id, sha, rows, batch_size, progress_every, counter
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


class _Prepared(NamedTuple):
    row: paper.PaperRow
    client_id: uuid.UUID
    fingerprint: str
    moment: datetime
    flagged: bool


class _OrmWriter:
    """Writes prepared rows with ``bulk_create`` (any database)."""

    def __init__(self, unit_id: int, reason: str) -> None:
        self.unit_id = unit_id
        self.reason = reason

    def write(self, batch: list[_Prepared]) -> None:
        responses = [
            Response(
                unit_id=self.unit_id,
                service_id=p.row.service_id,
                point=None,
                channel=Channel.PAPER,
                submitted_at=p.moment,
                day=p.row.day,
                u1=p.row.u1,
                u2=p.row.u2,
                u3=p.row.u3,
                u4=p.row.u4,
                u5=p.row.u5,
                u6=p.row.u6,
                u7=p.row.u7,
                u8=p.row.u8,
                u9=p.row.u9,
                sex=p.row.sex,
                age=p.row.age,
                education=p.row.education,
                occupation=p.row.occupation,
                comment=p.row.comment,
                extra_answers={},
                client_id=p.client_id,
                content_hash=p.fingerprint,
                device_hash="",
                is_flagged=p.flagged,
            )
            for p in batch
        ]
        Response.objects.bulk_create(responses, batch_size=len(responses))
        flags = [
            ResponseFlag(response_id=r.pk, rule=STRAIGHT_LINE_RULE, reason=self.reason)
            for r in responses
            if r.is_flagged
        ]
        if flags:
            ResponseFlag.objects.bulk_create(flags)

    def finish(self) -> None:
        """Nothing is pending: every batch was written by :meth:`write`."""


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def _column(model: type[Model], name: str) -> str:
    """The quoted database column of *model*'s field *name*."""
    field = cast(Field, model._meta.get_field(name))
    return connection.ops.quote_name(str(field.column))


def _copy_text(value: str) -> str:
    return value.translate(_COPY_ESCAPES) if value else ""


def _copy_int(value: int | None) -> str:
    return "\\N" if value is None else str(value)


class _CopyWriter:
    """Writes prepared rows through PostgreSQL's ``COPY FROM STDIN`` (psycopg 3).

    One COPY for the whole import, in file order, so ids rise in file order exactly
    as ``bulk_create`` would give them; the integrity flags follow in one INSERT …
    SELECT by client id. Four to five times faster than ``bulk_create`` because no
    model instance is built and no value goes through the ORM's field machinery.
    """

    FIELDS = (
        "unit", "service", "point", "channel", "submitted_at", "day",
        *ELEMENT_FIELDS,
        "sex", "age", "education", "occupation", "comment", "extra_answers",
        "client_id", "content_hash", "device_hash", "is_flagged", "is_excluded",
    )  # fmt: skip

    def __init__(self, unit_id: int, reason: str, raw_cursor: Any) -> None:
        self.unit_id = str(unit_id)
        self.reason = reason
        self.cursor = raw_cursor
        self.flagged: list[uuid.UUID] = []
        columns = ", ".join(_column(Response, name) for name in self.FIELDS)
        table = connection.ops.quote_name(Response._meta.db_table)
        self.copy_context = raw_cursor.copy(f"COPY {table} ({columns}) FROM STDIN")
        self.copy = self.copy_context.__enter__()
        self.open = True
        self.stamps: dict[datetime, str] = {}

    def write(self, batch: list[_Prepared]) -> None:
        lines = []
        unit = self.unit_id
        for p in batch:
            row = p.row
            stamp = self.stamps.get(p.moment)
            if stamp is None:
                stamp = self.stamps[p.moment] = p.moment.isoformat()
            if p.flagged:
                self.flagged.append(p.client_id)
            lines.append(
                "\t".join(
                    (
                        unit,
                        str(row.service_id),
                        "\\N",
                        "paper",
                        stamp,
                        row.day.isoformat(),
                        *[_ANSWER_COPY[a] for a in row[3:12]],
                        row.sex,
                        _copy_int(row.age),
                        row.education,
                        row.occupation,
                        _copy_text(row.comment),
                        "{}",
                        str(p.client_id),
                        p.fingerprint,
                        "",
                        "t" if p.flagged else "f",
                        "f",
                    )
                )
            )
        lines.append("")
        self.copy.write("\n".join(lines))

    def finish(self) -> None:
        self.open = False
        self.copy_context.__exit__(None, None, None)
        if self.flagged:
            quote = connection.ops.quote_name
            columns = ", ".join(
                _column(ResponseFlag, name)
                for name in ("response", "rule", "reason", "created_at")
            )
            self.cursor.execute(
                f"INSERT INTO {quote(ResponseFlag._meta.db_table)} ({columns}) "  # noqa: S608
                f"SELECT {_column(Response, 'id')}, %s, %s, %s "
                f"FROM {quote(Response._meta.db_table)} "
                f"WHERE {_column(Response, 'client_id')} = ANY(%s)",
                [STRAIGHT_LINE_RULE, self.reason, timezone.now(), self.flagged],
            )

    def abort(self, error: BaseException) -> None:
        if self.open:
            self.open = False
            self.copy_context.__exit__(type(error), error, error.__traceback__)


def _writer(unit_id: int, reason: str, *, copy: bool) -> tuple[Any, Any]:
    """The fastest writer the database offers, and the Django cursor it needs.

    COPY holds the connection until it ends, so it is used only when no query has
    to run between batches (*copy* false: a re-run looks up every batch).
    """
    if copy and connection.vendor == "postgresql":
        cursor = connection.cursor()
        raw = cursor.cursor
        if hasattr(raw, "copy"):  # psycopg 3
            return _CopyWriter(unit_id, reason, raw), cursor
        cursor.close()
    return _OrmWriter(unit_id, reason), None


def _store_rows(
    unit_id: int,
    sha: str,
    rows: Sequence[paper.PaperRow],
    batch_size: int,
    progress_every: int,
    counter: _SideCounter,
) -> int:
    run = _setting("MUTU_SURVEY_STRAIGHT_LINE_RUN", 3)
    straight_lines = _StraightLines(unit_id, run, rows)
    reason = (
        f"Sembilan jawaban sama, {run} respons berturut-turut dari sumber yang sama."
    )
    # A re-run finds its rows already stored (all of them: imports are all or
    # nothing); only then is every batch looked up.
    probe = [paper_client_id(unit_id, sha, r.row) for r in (rows[0], rows[-1])]
    check_existing = bool(_already_stored(probe))
    deltas: dict[tuple[int, date], list[int]] = defaultdict(
        lambda: [0] * (1 + 4 * len(ELEMENT_FIELDS))
    )
    noons: dict[date, datetime] = {}
    created = 0
    next_report = progress_every
    writer, cursor = _writer(unit_id, reason, copy=not check_existing)
    try:
        for start in range(0, len(rows), batch_size):
            batch = rows[start : start + batch_size]
            client_ids = [paper_client_id(unit_id, sha, r.row) for r in batch]
            existing = _already_stored(client_ids) if check_existing else {}
            prepared: list[_Prepared] = []
            for row, client_id in zip(batch, client_ids, strict=True):
                fingerprint = _fingerprint(unit_id, row)
                known = existing.get(client_id)
                if known is not None:
                    if known != fingerprint:
                        raise MutuError(
                            f"Baris {row.row} sudah tersimpan dengan isi lain.",
                            f"Row {row.row} is already stored with other content.",
                        )
                    continue
                moment = noons.get(row.day)
                if moment is None:
                    moment = noons[row.day] = _noon(row.day)
                answers = row[3:12]
                flagged = straight_lines.flagged(moment, _straight(answers))
                prepared.append(_Prepared(row, client_id, fingerprint, moment, flagged))
                counts = deltas[(row.service_id, row.day)]
                counts[0] += 1
                for position, value in enumerate(answers):
                    if value is not None:
                        counts[1 + 4 * position + value - 1] += 1
            if prepared:
                writer.write(prepared)
            created += len(prepared)
            if created >= next_report:
                counter.write("created_count", created)
                next_report = created + progress_every
        writer.finish()
    except BaseException as error:
        if isinstance(writer, _CopyWriter):
            writer.abort(error)
        raise
    finally:
        if cursor is not None:
            cursor.close()
    _rollups_add(unit_id, deltas)
    return created


def _rollups_add(unit_id: int, deltas: dict[tuple[int, date], list[int]]) -> None:
    """Add the counted rows to their daily rollups, as ``rollups.rollup_add`` does.

    Existing rollups are updated with ``F() + n`` (safe against concurrent writers);
    missing ones are created in one ``bulk_create``. Should another transaction
    create one of them meanwhile, each is retried the one-row way.
    """
    names = ("responses", *ROLLUP_COUNT_FIELDS)
    deltas = {key: counts for key, counts in deltas.items() if counts[0]}
    if not deltas:
        return
    base = DailyRollup.objects.filter(unit_id=unit_id, channel=Channel.PAPER)
    existing = set(
        base.filter(day__in={day for _, day in deltas}).values_list("service_id", "day")
    )
    missing = [key for key in deltas if key not in existing]
    for key in existing & set(deltas):
        _rollup_update(base, key, names, deltas[key])
    if not missing:
        return
    try:
        with transaction.atomic():
            DailyRollup.objects.bulk_create(
                DailyRollup(
                    unit_id=unit_id,
                    service_id=service_id,
                    day=day,
                    channel=Channel.PAPER,
                    **dict(zip(names, deltas[(service_id, day)], strict=True)),
                )
                for service_id, day in missing
            )
    except IntegrityError:
        # Another transaction created one of them between our read and INSERT.
        for key in missing:
            if not _rollup_update(base, key, names, deltas[key]):
                DailyRollup.objects.create(
                    unit_id=unit_id,
                    service_id=key[0],
                    day=key[1],
                    channel=Channel.PAPER,
                    **dict(zip(names, deltas[key], strict=True)),
                )


def _rollup_update(
    base: QuerySet, key: tuple[int, date], names: Sequence[str], counts: list[int]
) -> int:
    updates = {
        name: F(name) + count
        for name, count in zip(names, counts, strict=True)
        if count
    }
    return base.filter(service_id=key[0], day=key[1]).update(**updates)
