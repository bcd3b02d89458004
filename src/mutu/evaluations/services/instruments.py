"""Writes of instrument versions (D8, D19): a national admin uploads a new version
of an instrument as a file, and retires one. Versions are never edited or deleted:
cycles opened with a version keep it (D8)."""

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from mutu.accounts.models import Role
from mutu.accounts.scoping import has_role
from mutu.audit.services import audit_record
from mutu.evaluations.models import InstrumentVersion
from mutu.evaluations.services.rules import _refuse
from mutu.measures.errors import MeasureInputError
from mutu.measures.instrument import (
    instrument_checksum,
    instrument_from_json,
    list_instruments,
)

MAX_INSTRUMENT_BYTES = 2 * 1024 * 1024
"""An instrument file is a few hundred kilobytes at most (PEKPPP 2022: ~70 kB)."""


def _require_national_admin(actor: Any) -> None:
    if not has_role(actor, Role.NATIONAL_ADMIN):
        raise _refuse(
            "Hanya admin nasional yang dapat mengelola versi instrumen.",
            "Only a national admin can manage instrument versions.",
        )


@transaction.atomic
def instrument_version_upload(
    *, actor: Any, file_name: str, data: bytes
) -> InstrumentVersion:
    """Validate an instrument file and store it as a new version (D19).

    The file is checked against the instrument schema of
    :mod:`mutu.measures.instrument` (aspects, weights summing to 100, indicators,
    every level of the scale, feed rules, the combination rule, the predicate
    table); a refusal names the file and the field, in Indonesian and English.
    Only PEKPPP instruments are uploaded, and an ``id`` and ``version`` already
    shipped or uploaded is refused: a changed file is a new version.
    """
    _require_national_admin(actor)
    name = (file_name or "instrumen.json").strip()[:200]
    if len(data) > MAX_INSTRUMENT_BYTES:
        raise _refuse(
            f"{name}: berkas terlalu besar (maksimal 2 MB).",
            f"{name}: the file is too large (at most 2 MB).",
            field="file",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse(
            f"{name}: berkas harus teks JSON UTF-8.",
            f"{name}: the file must be UTF-8 JSON text.",
            field="file",
        ) from None
    try:
        instrument = instrument_from_json(text, filename=name, match_filename=False)
    except MeasureInputError as error:
        raise _refuse(error.message_id, error.message_en, field="file") from error
    if instrument.kind != "pekppp":
        raise _refuse(
            f"{name}: kind: hanya instrumen evaluasi PEKPPP yang dapat diunggah.",
            f"{name}: kind: only PEKPPP evaluation instruments can be uploaded.",
            field="file",
        )
    taken = (
        any(
            (shipped.id, shipped.version) == (instrument.id, instrument.version)
            for shipped in list_instruments()
        )
        or InstrumentVersion.objects.filter(
            instrument_id=instrument.id, version=instrument.version
        ).exists()
    )
    if taken:
        raise _refuse(
            f"{name}: version: instrumen {instrument.id} versi {instrument.version} "
            "sudah ada; berkas yang diubah harus memakai versi baru.",
            f"{name}: version: instrument {instrument.id} version "
            f"{instrument.version} exists; a changed file needs a new version.",
            field="file",
        )
    record = InstrumentVersion(
        instrument_id=instrument.id,
        version=instrument.version,
        kind=instrument.kind,
        title=instrument.title[:300],
        file_name=name,
        content=text,
        sha256=instrument_checksum(data),
        uploaded_by=actor,
    )
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError as error:  # the same version uploaded concurrently
        raise _refuse(
            f"{name}: instrumen {instrument.id} versi {instrument.version} sudah ada.",
            f"{name}: instrument {instrument.id} version {instrument.version} exists.",
            field="file",
        ) from error
    audit_record(
        actor=actor,
        action="instrument_version.upload",
        target=record,
        changes={
            "instrument_id": [None, record.instrument_id],
            "version": [None, record.version],
            "sha256": [None, record.sha256],
        },
    )
    return record


@transaction.atomic
def instrument_version_retire(
    *, actor: Any, record: InstrumentVersion, reason: str
) -> InstrumentVersion:
    """Retire an uploaded version: no new cycle opens with it; cycles opened with
    it keep it (D8). A reason is required; retiring twice is refused."""
    _require_national_admin(actor)
    reason = (reason or "").strip()
    if not reason:
        raise _refuse(
            "Alasan pensiun wajib diisi.",
            "A reason for retiring is required.",
            field="reason",
        )
    stored = InstrumentVersion.objects.select_for_update().get(pk=record.pk)
    if stored.retired_at is not None:
        raise _refuse(
            f"Instrumen {stored} sudah dipensiunkan.",
            f"Instrument {stored} is already retired.",
        )
    stored.retired_at = timezone.now()
    stored.retired_by = actor
    stored.retire_reason = reason
    stored.save(update_fields=["retired_at", "retired_by", "retire_reason"])
    audit_record(
        actor=actor,
        action="instrument_version.retire",
        target=stored,
        changes={"retired_at": [None, stored.retired_at.isoformat()]},
        reason=reason,
    )
    return stored
