"""Writes of a cycle as a whole: open it over its units (answers pre-fed), the
instrument it was opened with, move its deadlines, set who signs its certificates,
assign each unit's evaluators, and publish its finalized results."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from mutu.accounts.models import Role
from mutu.accounts.scoping import MANAGER_ROLES, can_see
from mutu.audit.services import audit_record
from mutu.evaluations import states
from mutu.evaluations.feeds import cycle_window, feeds_for
from mutu.evaluations.instruments import instrument_for_opening
from mutu.evaluations.models import Answer, Assignment, Cycle
from mutu.evaluations.services.rules import _can_manage_cycle, _refuse
from mutu.measures.instrument import DEFAULT_PEKPPP_INSTRUMENT
from mutu.registry.models import Region, ServiceUnit


@transaction.atomic
def cycle_open(
    *,
    actor: Any,
    year: int,
    name: str,
    scheme: str,
    region: Region,
    units: Iterable[ServiceUnit],
    self_assessment_due: date,
    verification_due: date,
    instrument_id: str = DEFAULT_PEKPPP_INSTRUMENT,
    instrument_version: str | None = None,
    evaluators: Mapping[int, Sequence[Any]] | None = None,
    data_from: date | None = None,
    data_to: date | None = None,
) -> Cycle:
    """Open an evaluation cycle over *units* (the lokus), with answers pre-fed.

    A national cycle is opened by a national admin; a PEKPPP Mandiri round by a
    coordinator for units inside the coordinator's region. Each indicator the
    instrument declares fed gets its proposed level from the data of the cycle's
    window, *data_from*–*data_to* (default: the calendar year *year*; D11, D16),
    recomputed on every read until the unit's result is final. Raises
    ``MutuError`` for a unit outside *region*, an unknown or retired instrument version, deadlines
    or a data window out of order.
    """
    # D19: a shipped file or an uploaded version in use; the cycle keeps it (D8).
    instrument = instrument_for_opening(instrument_id, instrument_version)
    cycle = Cycle(
        year=year,
        name=name.strip(),
        scheme=scheme,
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        region=region,
        self_assessment_due=self_assessment_due,
        verification_due=verification_due,
        data_from=data_from or date(year, 1, 1),
        data_to=data_to or date(year, 12, 31),
        opened_by=actor,
    )
    if not _can_manage_cycle(actor, cycle):
        raise _refuse(
            "Anda tidak berwenang membuka siklus evaluasi di wilayah ini.",
            "You may not open an evaluation cycle in this region.",
        )
    if verification_due < self_assessment_due:
        raise _refuse(
            "Tenggat verifikasi harus sesudah tenggat penilaian mandiri.",
            "The verification deadline must follow the self-assessment deadline.",
            field="verification_due",
        )
    _check_window(cycle.data_from, cycle.data_to)
    if Cycle.objects.filter(year=year, name=cycle.name).exists():
        raise _refuse(
            "Siklus dengan nama itu sudah ada.",
            "A cycle with that name exists.",
            field="name",
        )
    units = list(units)
    outside = [
        u.name
        for u in units
        if not u.path.startswith(region.path)
        or not can_see(actor, u, roles=MANAGER_ROLES)
    ]
    if outside or not units:
        raise _refuse(
            f"Unit di luar wilayah siklus: {', '.join(outside) or '-'}.",
            f"Units outside the cycle's region: {', '.join(outside) or '-'}.",
            field="units",
        )
    cycle.save()
    for unit in units:
        assignment = Assignment.objects.create(cycle=cycle, unit=unit)
        feeds = feeds_for(
            unit, cycle_window(cycle, timezone.localdate()), instrument
        )  # the fed indicators it declares, as of today
        Answer.objects.bulk_create(
            Answer(
                assignment=assignment,
                indicator=item.number,
                feed=feeds.get(item.number, {}),
            )
            for item in instrument.indicators
        )
        if evaluators and unit.pk in evaluators:
            assignment.evaluators.set(evaluators[unit.pk])
    audit_record(
        actor=actor,
        action="cycle.open",
        target=cycle,
        changes={
            "units": [None, [u.pk for u in units]],
            "instrument": [None, instrument.id],
            "data_from": [None, cycle.data_from.isoformat()],
            "data_to": [None, cycle.data_to.isoformat()],
        },
    )
    return cycle


def _check_window(data_from: date, data_to: date) -> None:
    if data_to < data_from:
        raise _refuse(
            "Periode data: tanggal akhir tidak boleh sebelum tanggal awal.",
            "Data window: the end cannot precede the start.",
            field="data_to",
        )
    if (data_to - data_from).days > 731:
        raise _refuse(
            "Periode data paling panjang dua tahun.",
            "The data window can be at most two years long.",
            field="data_to",
        )


@transaction.atomic
def cycle_deadlines_set(
    *,
    actor: Any,
    cycle: Cycle,
    self_assessment_due: date,
    verification_due: date,
    reason: str,
    data_from: date | None = None,
    data_to: date | None = None,
) -> Cycle:
    """Move a cycle's deadlines (e.g. extend the self-assessment for late units)
    and, when given, its data window (*data_from*–*data_to*, D16: read by the
    feeds of the units whose result is not final yet).

    Only the cycle's manager may; a reason is required and the change is audited.
    Saving the same dates again changes and records nothing.
    """
    cycle = Cycle.objects.select_for_update().select_related("region").get(pk=cycle.pk)
    if not _can_manage_cycle(actor, cycle):
        raise _refuse(
            "Hanya pengelola siklus yang dapat mengubah tenggat.",
            "Only the cycle's manager can change its deadlines.",
        )
    if not (reason or "").strip():
        raise _refuse(
            "Tuliskan alasan perubahan tenggat.",
            "Give a reason for changing the deadlines.",
            field="reason",
        )
    if verification_due < self_assessment_due:
        raise _refuse(
            "Tenggat verifikasi tidak boleh sebelum tenggat penilaian mandiri.",
            "The verification deadline cannot precede the self-assessment deadline.",
            field="verification_due",
        )
    data_from = data_from or cycle.data_from
    data_to = data_to or cycle.data_to
    _check_window(data_from, data_to)
    given = {
        "self_assessment_due": self_assessment_due,
        "verification_due": verification_due,
        "data_from": data_from,
        "data_to": data_to,
    }
    changes = {
        name: [getattr(cycle, name).isoformat(), value.isoformat()]
        for name, value in given.items()
        if getattr(cycle, name) != value
    }
    if changes:
        for name, value in given.items():
            setattr(cycle, name, value)
        cycle.save(update_fields=list(given))
        audit_record(
            actor=actor,
            action="cycle.deadlines",
            target=cycle,
            changes=changes,
            reason=reason.strip(),
        )
    return cycle


SIGNING_FIELDS: dict[str, tuple[int, str, str]] = {
    "issuing_authority": (200, "instansi penerbit", "issuing authority"),
    "signatory_name": (150, "nama penanda tangan", "signatory's name"),
    "signatory_title": (150, "jabatan penanda tangan", "signatory's title"),
    "signing_place": (100, "tempat penandatanganan", "place of signing"),
}
"""The cycle's signing details: (maximum length, Indonesian name, English name)."""


@transaction.atomic
def cycle_signing_set(
    *,
    actor: Any,
    cycle: Cycle,
    issuing_authority: str,
    signatory_name: str,
    signatory_title: str,
    signing_place: str,
) -> Cycle:
    """Set who issues and signs the cycle's award certificates, and where.

    Only the cycle's manager may; every detail is required (a certificate without
    its issuer or signatory is not one) and kept within its column. The change is
    audited old -> new; saving the same details again changes and records nothing.
    Certificates read these when drawn, so a corrected name reaches all of them.
    """
    cycle = Cycle.objects.select_for_update().select_related("region").get(pk=cycle.pk)
    if not _can_manage_cycle(actor, cycle):
        raise _refuse(
            "Hanya pengelola siklus yang dapat mengatur penanda tangan piagam.",
            "Only the cycle's manager can set who signs its certificates.",
        )
    given = {
        "issuing_authority": issuing_authority,
        "signatory_name": signatory_name,
        "signatory_title": signatory_title,
        "signing_place": signing_place,
    }
    values: dict[str, str] = {}
    for name, (limit, label_id, label_en) in SIGNING_FIELDS.items():
        value = " ".join((given[name] or "").split())
        if not value:
            raise _refuse(f"Isi {label_id}.", f"Fill in the {label_en}.", field=name)
        if len(value) > limit:
            raise _refuse(
                f"{label_id.capitalize()} paling panjang {limit} karakter.",
                f"The {label_en} can be at most {limit} characters.",
                field=name,
            )
        values[name] = value
    changes = {
        name: [getattr(cycle, name), value]
        for name, value in values.items()
        if getattr(cycle, name) != value
    }
    if changes:
        for name, value in values.items():
            setattr(cycle, name, value)
        cycle.save(update_fields=list(values))
        audit_record(actor=actor, action="cycle.signing", target=cycle, changes=changes)
    return cycle


@transaction.atomic
def evaluators_assign(
    *, actor: Any, assignment: Assignment, evaluators: Sequence[Any]
) -> None:
    """Set the evaluators of one unit in a cycle (each must hold the evaluator role)."""
    if not _can_manage_cycle(actor, assignment.cycle) or not can_see(
        actor, assignment.unit, roles=MANAGER_ROLES
    ):
        raise _refuse("Anda tidak berwenang.", "You are not allowed to do this.")
    for user in evaluators:
        if not user.grants.filter(role=Role.EVALUATOR).exists():
            raise _refuse(
                f"{user} bukan evaluator.",
                f"{user} is not an evaluator.",
                field="evaluators",
            )
    before = sorted(assignment.evaluators.values_list("pk", flat=True))
    assignment.evaluators.set(evaluators)
    audit_record(
        actor=actor,
        action="assignment.evaluators",
        target=assignment,
        changes={"evaluators": [before, sorted(u.pk for u in evaluators)]},
    )


@transaction.atomic
def cycle_publish(*, actor: Any, cycle: Cycle) -> Cycle:
    """Publish a cycle's finalized results on its public page (idempotent)."""
    if not _can_manage_cycle(actor, cycle):
        raise _refuse("Anda tidak berwenang.", "You are not allowed to do this.")
    if cycle.status == Cycle.Status.PUBLISHED:
        return cycle
    if not states.cycle_has_final_result(cycle):
        raise _refuse("Belum ada hasil final.", "There is no final result yet.")
    cycle.status = Cycle.Status.PUBLISHED
    cycle.published_at = timezone.now()
    # Only these two: a full save of the caller's (possibly stale) object would undo
    # a deadline or signing change made since it was read.
    cycle.save(update_fields=["status", "published_at"])
    audit_record(
        actor=actor,
        action="cycle.publish",
        target=cycle,
        changes={"status": ["open", "published"]},
    )
    return cycle
