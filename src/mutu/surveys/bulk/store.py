"""Storing a bulk of checked rows: responses, integrity flags and rollup counts,
exactly as ``response_submit`` would store them one by one."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime

from django.conf import settings

from mutu.errors import MutuError
from mutu.surveys.bulk.rows import BulkRow, day_noon
from mutu.surveys.bulk.staged import StagedResult, StagedRows, responses_store_staged
from mutu.surveys.bulk.straight_lines import StraightLines
from mutu.surveys.bulk.writers import CopyWriter, Prepared, writer_open
from mutu.surveys.hashing import response_content_hash
from mutu.surveys.integrity import is_straight_line, straight_line_flag
from mutu.surveys.keys import responses_by_client_id
from mutu.surveys.rollups import (
    RollupKey,
    rollup_counts_add,
    rollup_counts_new,
    rollups_upsert,
)


def _already_stored(ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    return dict(responses_by_client_id(ids).values_list("client_id", "content_hash"))


def responses_store_bulk(
    *,
    unit_id: int,
    channel: str,
    rows: Sequence[BulkRow],
    client_id: Callable[[BulkRow], uuid.UUID],
    batch_size: int = 2000,
    on_stored: Callable[[int], None] | None = None,
) -> int:
    """Store every row (checked by the caller) of one unit; return how many are new.

    (The set-based twin for rows staged in PostgreSQL, still unchecked, is
    :func:`responses_store_bulk_staged`.)

    Call inside the caller's transaction: the rows, their flags and the rollup
    counts commit together or not at all. Each row is dated at noon of its day
    (:func:`~mutu.surveys.bulk.rows.day_noon`), hashed with the same content
    hash as ``response_submit`` and flagged by the same straight-line rule (the
    other integrity rules need a point, a device or a sender's address, which a
    bulk row never has). Idempotent: *client_id* gives each row a stable id, a
    row already stored with the same content is skipped, and one stored with
    other content raises :class:`MutuError`. *on_stored* is called with the
    running count after each batch of *batch_size* rows.
    """
    if not rows:
        return 0
    run = settings.MUTU_SURVEY_STRAIGHT_LINE_RUN
    straight_lines = StraightLines(unit_id, channel, run, rows)
    # A re-run finds its rows already stored (all of them: bulks are all or
    # nothing); only then is every batch looked up.
    check_existing = bool(_already_stored([client_id(rows[0]), client_id(rows[-1])]))
    counts: dict[RollupKey, list[int]] = defaultdict(rollup_counts_new)
    noons: dict[date, datetime] = {}
    created = 0
    writer, cursor = writer_open(
        unit_id, channel, straight_line_flag(run), copy=not check_existing
    )
    try:
        for start in range(0, len(rows), batch_size):
            batch = rows[start : start + batch_size]
            client_ids = [client_id(row) for row in batch]
            existing = _already_stored(client_ids) if check_existing else {}
            prepared: list[Prepared] = []
            for row, row_id in zip(batch, client_ids, strict=True):
                fingerprint = _content_hash(unit_id, channel, row)
                known = existing.get(row_id)
                if known is not None:
                    if known != fingerprint:
                        raise MutuError(
                            f"Baris {row.row} sudah tersimpan dengan isi lain.",
                            f"Row {row.row} is already stored with other content.",
                        )
                    continue
                moment = noons.get(row.day)
                if moment is None:
                    moment = noons[row.day] = day_noon(row.day)
                answers = row[3:12]
                flagged = straight_lines.flagged(moment, is_straight_line(answers))
                prepared.append(Prepared(row, row_id, fingerprint, moment, flagged))
                rollup_counts_add(
                    counts[(unit_id, row.service_id, row.day, channel)],
                    answers,
                    profile=(row.sex, row.age, row.education, row.occupation),
                    flagged=flagged,
                )
            if prepared:
                writer.write(prepared)
            created += len(prepared)
            if on_stored is not None:
                on_stored(created)
        writer.finish()
    except BaseException as error:
        if isinstance(writer, CopyWriter):
            writer.abort(error)
        raise
    finally:
        if cursor is not None:
            cursor.close()
    rollups_upsert(counts)
    return created


def responses_store_bulk_staged(
    *, unit_id: int, channel: str, staged: StagedRows
) -> StagedResult:
    """Check and store the rows COPied into the staging table, set-wise (PostgreSQL).

    The same columns, content hash, client ids, straight-line flags and rollup
    counts as :func:`responses_store_bulk`, in a few SQL statements
    (:mod:`mutu.surveys.bulk.staged`). Not ``valid`` (nothing stored) when a row
    is not in the canonical form the SQL check knows: the caller then checks the
    rows one by one and calls :func:`responses_store_bulk`. Call inside the
    caller's transaction; raises :class:`MutuError` for a row already stored with
    other content.
    """
    return responses_store_staged(unit_id=unit_id, channel=channel, staged=staged)


def _content_hash(unit_id: int, channel: str, row: BulkRow) -> str:
    return response_content_hash(
        unit_id=unit_id,
        service_id=row.service_id,
        point_id=None,
        channel=channel,
        answers=row[3:12],
        sex=row.sex,
        age=row.age,
        education=row.education,
        occupation=row.occupation,
        comment=row.comment,
        extra={},
    )
