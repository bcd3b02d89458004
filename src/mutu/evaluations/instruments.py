"""Which instrument a cycle is scored with (docs/regulations.md D8: kept forever).

Instruments come from two places (D19): the files shipped in ``mutu.measures``
(:func:`mutu.measures.instrument.load_instrument`) and the versions a national admin
uploaded (:class:`~mutu.evaluations.models.InstrumentVersion`). A cycle stores the
id and version it was opened with and :func:`cycle_instrument` finds that exact
version again, whatever was added or retired since.
"""

from dataclasses import dataclass
from functools import lru_cache

from mutu.errors import MutuError
from mutu.evaluations.models import Cycle, InstrumentVersion
from mutu.measures.errors import MeasureInputError
from mutu.measures.instrument import (
    Instrument,
    instrument_from_json,
    list_instruments,
    load_instrument,
    shipped_checksum,
)


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    """One instrument version: shipped (``record`` is None) or uploaded."""

    instrument: Instrument
    sha256: str
    record: InstrumentVersion | None = None

    @property
    def shipped(self) -> bool:
        return self.record is None

    @property
    def retired(self) -> bool:
        return self.record is not None and self.record.retired_at is not None

    @property
    def official(self) -> int:
        """How many indicators carry the regulation's level texts (none generic)."""
        return sum(1 for i in self.instrument.indicators if i.official_rubric)

    @property
    def key(self) -> str:
        """``id@version``: how a form names the version."""
        return f"{self.instrument.id}@{self.instrument.version}"


@lru_cache(maxsize=32)
def _parsed(content: str, file_name: str) -> Instrument:
    """An uploaded file's instrument (validated on upload; rows never change)."""
    return instrument_from_json(content, filename=file_name, match_filename=False)


def _shipped(instrument_id: str) -> Instrument | None:
    try:
        return load_instrument(instrument_id)
    except MeasureInputError:
        return None


def _unknown(instrument_id: str, version: str) -> MutuError:
    return MutuError(
        f"Instrumen {instrument_id} versi {version} tidak ditemukan.",
        f"Instrument {instrument_id} version {version} was not found.",
        field="instrument",
    )


def uploaded_instrument(record: InstrumentVersion) -> Instrument:
    """The instrument of an uploaded version."""
    return _parsed(record.content, record.file_name)


def instrument_get(instrument_id: str, version: str) -> Instrument:
    """Instrument *instrument_id* at exactly *version*, shipped or uploaded, retired
    or not (a cycle keeps its version, D8). Raises ``MutuError`` when neither has it."""
    shipped = _shipped(instrument_id)
    if shipped is not None and shipped.version == version:
        return shipped
    record = InstrumentVersion.objects.filter(
        instrument_id=instrument_id, version=version
    ).first()
    if record is None:
        raise _unknown(instrument_id, version)
    return uploaded_instrument(record)


def cycle_instrument(cycle: Cycle) -> Instrument:
    """The instrument the cycle was opened with (D8: kept forever)."""
    return instrument_get(cycle.instrument_id, cycle.instrument_version)


def instrument_for_opening(
    instrument_id: str, version: str | None = None
) -> Instrument:
    """The PEKPPP instrument a new cycle opens with (D19).

    Without *version*: the shipped file *instrument_id*, or else its newest uploaded
    version in use. A retired version, an SKM instrument or an unknown one is
    refused with a ``MutuError`` naming the field ``instrument``.
    """
    shipped = _shipped(instrument_id)
    uploads = InstrumentVersion.objects.filter(instrument_id=instrument_id)
    if version is None and shipped is not None:
        instrument = shipped
    elif shipped is not None and shipped.version == version:
        instrument = shipped
    else:
        record = (
            uploads.filter(version=version).first()
            if version is not None
            else uploads.filter(retired_at=None).order_by("-uploaded_at").first()
        )
        if record is None:
            raise _unknown(instrument_id, version or "-")
        if record.retired_at is not None:
            raise MutuError(
                f"Instrumen {instrument_id} versi {record.version} sudah "
                "dipensiunkan; siklus baru tidak dapat memakainya.",
                f"Instrument {instrument_id} version {record.version} is retired; "
                "a new cycle cannot use it.",
                field="instrument",
            )
        instrument = uploaded_instrument(record)
    if instrument.kind != "pekppp":
        raise MutuError(
            f"Instrumen {instrument_id} bukan instrumen evaluasi PEKPPP.",
            f"Instrument {instrument_id} is not a PEKPPP evaluation instrument.",
            field="instrument",
        )
    return instrument


def instrument_catalogue() -> list[CatalogueEntry]:
    """Every instrument version: the shipped files, then the uploaded ones (by id,
    newest first), retired ones included."""
    entries = [
        CatalogueEntry(item, shipped_checksum(item.id)) for item in list_instruments()
    ]
    entries += [
        CatalogueEntry(uploaded_instrument(record), record.sha256, record)
        for record in InstrumentVersion.objects.select_related("uploaded_by")
    ]
    return entries


def openable_instruments() -> list[CatalogueEntry]:
    """The PEKPPP versions a new cycle may open with: not retired."""
    return [
        entry
        for entry in instrument_catalogue()
        if entry.instrument.kind == "pekppp" and not entry.retired
    ]
