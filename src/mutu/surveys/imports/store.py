"""Storing every checked row of a job in ONE transaction: what
``response_submit(channel="paper")`` would write row by row (responses,
integrity flags, rollup counts, audit) without its queries per row, with the
stored counter written on a side connection so the job page sees it move."""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from mutu.audit.services import audit_record
from mutu.errors import MutuError
from mutu.surveys import paper
from mutu.surveys.imports.identity import _fingerprint, _noon, paper_client_id
from mutu.surveys.imports.limits import _setting
from mutu.surveys.imports.straight_lines import _straight, _StraightLines
from mutu.surveys.imports.writers import _CopyWriter, _Prepared, _writer
from mutu.surveys.models import (
    ELEMENT_FIELDS,
    ROLLUP_COUNT_FIELDS,
    Channel,
    DailyRollup,
    ImportJob,
    Response,
)

logger = logging.getLogger(__name__)


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
