"""Writes to the registry. Pages, admin and commands all change data through here.

Who may do what (scopes as in :mod:`mutu.accounts.scoping`; a superuser counts as
a national admin):

==============================  ===================================================
unit's head, operator           the unit's services and standards, its head and
(:data:`EDITOR_ROLES`, and      contact details, its service points (counters);
everyone below)                 delete an unused service or counter
coordinator, national admin     also: add a unit or an MPP under a government in
(:data:`MANAGER_ROLES`)         scope; rename or re-classify a unit; move a unit
                                or an MPP to another government (in scope at both
                                ends); change an MPP; delete an unused unit or MPP
==============================  ===================================================

Every write is atomic, diffs against the stored (locked) row, and records an audit
row ``{field: [old, new]}`` with the actor; a write that changes nothing records
nothing. A refusal is a :class:`~mutu.errors.MutuError` naming the field when there
is one.
"""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils import translation
from django.utils.text import capfirst

from mutu.accounts.models import User
from mutu.accounts.scoping import EDITOR_ROLES, MANAGER_ROLES, can_see
from mutu.audit.services import audit_record
from mutu.errors import MutuError
from mutu.measures.standards import STANDARD_COMPONENTS
from mutu.registry.models import (
    Government,
    Mpp,
    Service,
    ServicePoint,
    ServiceStandard,
    ServiceUnit,
    StandardMedium,
    UnitRecord,
)

STANDARD_COMPLAINT_LIMITS = (
    "complaint_verify_days",
    "complaint_answer_days",
    "complaint_resolve_days",
)
STANDARD_FIELDS = (
    *(c.field for c in STANDARD_COMPONENTS),
    "decree_number",
    "decree_date",
    "publication_media",
    "publication_complete",
    "on_sippn",
    *STANDARD_COMPLAINT_LIMITS,
)
UNIT_RECORD_FIELDS = (
    "charter_text",
    "charter_decree_number",
    "charter_decree_date",
    "charter_content_checked",
    "charter_print",
    "charter_electronic",
    "hours_policy",
    "hours_no_break",
    "hours_extra",
    "hours_holiday",
    "queue_numbers",
    "queue_machine",
    "queue_display",
    "queue_online",
    "queue_priority",
)
"""What a unit keeps on record for the fed indicators Q5, Q10, Q31 (D19)."""
SERVICE_FIELDS = ("name", "description", "is_active")
UNIT_NAMING_FIELDS = ("name", "short_name", "kind")
"""What names and classifies a unit in the registry: a coordinator's to change."""
UNIT_CONTACT_FIELDS = (
    "head_name",
    "head_title",
    "address",
    "phone",
    "email",
    "website",
)
UNIT_FIELDS = (*UNIT_NAMING_FIELDS, *UNIT_CONTACT_FIELDS)
POINT_FIELDS = (
    "name",
    "code",
    "opening_hours",
    "opens_at",
    "closes_at",
    "open_weekdays",
    "mpp",
)
MPP_FIELDS = ("name", "address", "operator_unit")


def _require_editor(actor: User, unit: ServiceUnit) -> None:
    if not can_see(actor, unit, roles=EDITOR_ROLES):
        raise MutuError(
            "Anda tidak berwenang mengubah data unit ini.",
            "You are not allowed to change this unit's data.",
            unit=unit.pk,
        )


def _require_manager(actor: User, node: Government | ServiceUnit) -> None:
    if not can_see(actor, node, roles=MANAGER_ROLES):
        raise MutuError(
            f"Hanya koordinator wilayah atau admin nasional yang dapat mengubah "
            f"susunan registri di {node}.",
            f"Only a regional coordinator or a national admin can change the "
            f"registry's structure in {node}.",
            target=node.path,
        )


def _apply(
    instance: Any, fields: tuple[str, ...], data: dict[str, Any]
) -> dict[str, list]:
    """Copy *data* onto *instance* and return the audit diff ``{field: [old, new]}``."""
    changes: dict[str, list] = {}
    for field in fields:
        if field not in data:
            continue
        old, new = getattr(instance, field), data[field]
        if isinstance(new, str):
            new = new.strip()
        if old != new:
            changes[field] = [_jsonable(old), _jsonable(new)]
            setattr(instance, field, new)
    return changes


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    return value.isoformat() if hasattr(value, "isoformat") else value


def _check_fields(instance: models.Model, fields: Iterable[str]) -> None:
    """Run the model's own checks of *fields* (required, choices, length, e-mail,
    URL, slug); the first failure becomes a :class:`MutuError` naming the field."""
    names = set(fields)
    try:
        instance.clean_fields(
            exclude=[f.name for f in instance._meta.fields if f.name not in names]
        )
    except ValidationError as error:
        field = next(iter(error.error_dict))
        raise MutuError(
            _field_message(instance, field, error, "id"),
            _field_message(instance, field, error, "en"),
            field=field,
        ) from error


def _field_message(
    instance: models.Model, field: str, error: ValidationError, language: str
) -> str:
    """The refusal of *field* in *language*, as "Label: message" (Django's messages
    are lazy: they take the language they are read in)."""
    label = instance._meta.get_field(field).verbose_name  # type: ignore[union-attr]
    with translation.override(language):
        return f"{capfirst(label)}: {' '.join(error.message_dict[field])}"


def _save(instance: models.Model) -> None:
    """Save *instance*; a clash the checks could not see (a concurrent insert of the
    same name or code) becomes a :class:`MutuError`."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:
        raise MutuError(
            "Data tidak dapat disimpan karena bentrok dengan data lain.",
            "The data could not be saved because it conflicts with other data.",
        ) from error


@transaction.atomic
def unit_create(
    *, actor: User, government: Government, data: dict[str, Any]
) -> ServiceUnit:
    """Add a service unit (UPP) to *government*.

    Only a coordinator or national admin whose scope covers *government* may.
    Raises :class:`MutuError` for that, an invalid field, or a name the government
    already uses (in any letter case).
    """
    _require_manager(actor, government)
    unit = ServiceUnit(government=government)
    changes = _apply(unit, UNIT_FIELDS, data)
    _check_fields(unit, UNIT_FIELDS)
    _refuse_taken_unit_name(unit)
    _save(unit)
    changes["government"] = [None, government.pk]
    audit_record(actor=actor, action="unit.create", target=unit, changes=changes)
    return unit


@transaction.atomic
def unit_update(*, actor: User, unit: ServiceUnit, data: dict[str, Any]) -> ServiceUnit:
    """Change a unit's head and contact details (its editors), its name and kind,
    or its government (``data["government"]``; coordinators and admins only).

    Moving a unit moves its path, and with it the scope of the grants on it
    (``PathMixin.save``); the audit row records the old and new path too. Raises
    :class:`MutuError` when *actor* may not make one of the changes, for an invalid
    field, or a name already used in the (new) government.
    """
    stored = ServiceUnit.objects.select_for_update().get(pk=unit.pk)
    _require_editor(actor, stored)
    changes = _apply(stored, UNIT_FIELDS, data)
    government = data.get("government", stored.government)
    moving = government.pk != stored.government_id
    if moving or changes.keys() & set(UNIT_NAMING_FIELDS):
        _require_manager(actor, stored)
    if moving:
        _require_manager(actor, government)
        changes["government"] = [stored.government_id, government.pk]
        stored.government = government
    if not changes:
        return stored
    _check_fields(stored, changes)
    if "name" in changes or moving:
        _refuse_taken_unit_name(stored)
    old_path = stored.path
    _save(stored)
    if stored.path != old_path:
        changes["path"] = [old_path, stored.path]
    audit_record(actor=actor, action="unit.update", target=stored, changes=changes)
    return stored


def _refuse_taken_unit_name(unit: ServiceUnit) -> None:
    taken = ServiceUnit.objects.filter(
        government_id=unit.government_id, name__iexact=unit.name
    ).exclude(pk=unit.pk)
    if taken.exists():
        raise MutuError(
            "Pemerintah ini sudah memiliki unit dengan nama itu.",
            "This government already has a unit with that name.",
            field="name",
        )


@transaction.atomic
def service_create(*, actor: User, unit: ServiceUnit, data: dict[str, Any]) -> Service:
    """Add a service (jenis layanan) to *unit*, with an empty standard.

    Raises :class:`MutuError` when *actor* may not edit the unit or the name is taken.
    """
    _require_editor(actor, unit)
    service = Service(unit=unit)
    changes = _apply(service, SERVICE_FIELDS, data)
    if Service.objects.filter(unit=unit, name__iexact=service.name).exists():
        raise MutuError(
            "Unit ini sudah memiliki layanan dengan nama itu.",
            "This unit already has a service with that name.",
            field="name",
        )
    try:
        with transaction.atomic():
            service.save()
    except IntegrityError as error:
        raise MutuError(
            "Layanan tidak dapat disimpan karena bentrok dengan data lain.",
            "The service could not be saved because it conflicts with other data.",
        ) from error
    ServiceStandard.objects.create(service=service)
    audit_record(actor=actor, action="service.create", target=service, changes=changes)
    return service


@transaction.atomic
def service_update(*, actor: User, service: Service, data: dict[str, Any]) -> Service:
    """Change a service's name, description or active flag, with an audit row.

    Diffs against the stored row (locked), not against the caller's object, which a
    bound form may already have changed.
    """
    _require_editor(actor, service.unit)
    service = Service.objects.select_for_update().get(pk=service.pk)
    changes = _apply(service, SERVICE_FIELDS, data)
    if "name" in changes and (
        Service.objects.filter(unit=service.unit, name__iexact=service.name)
        .exclude(pk=service.pk)
        .exists()
    ):
        raise MutuError(
            "Unit ini sudah memiliki layanan dengan nama itu.",
            "This unit already has a service with that name.",
            field="name",
        )
    if changes:
        service.save()
        audit_record(
            actor=actor, action="service.update", target=service, changes=changes
        )
    return service


@transaction.atomic
def standard_update(
    *, actor: User, service: Service, data: dict[str, Any]
) -> ServiceStandard:
    """Save the 14 components (and the decree) of *service*'s standard.

    Only the fields present in *data* change; saving the same values twice writes
    nothing and records nothing, so a resubmitted form is harmless.
    """
    _require_editor(actor, service.unit)
    if "publication_media" in data:
        data = {**data, "publication_media": _media(data["publication_media"])}
    standard, _created = ServiceStandard.objects.select_for_update().get_or_create(
        service=service
    )
    changes = _apply(standard, STANDARD_FIELDS, data)
    # A complaint limit may only be shorter than D9's (1 working day up to it).
    _check_fields(standard, [f for f in changes if f in STANDARD_COMPLAINT_LIMITS])
    if changes:
        standard.save()
        audit_record(
            actor=actor, action="standard.update", target=standard, changes=changes
        )
    return standard


def _media(value: Iterable[str]) -> list[str]:
    """The publication media codes, checked, each once, in the choices' order."""
    given = set(value)
    unknown = sorted(given - set(StandardMedium.values))
    if unknown:
        raise MutuError(
            f"Media publikasi tidak dikenal: {', '.join(unknown)}.",
            f"Unknown publication media: {', '.join(unknown)}.",
            field="publication_media",
        )
    return [code for code in StandardMedium.values if code in given]


@transaction.atomic
def unit_record_update(
    *, actor: User, unit: ServiceUnit, data: dict[str, Any]
) -> UnitRecord:
    """Save what *unit* keeps on record for the fed indicators (D19): its Maklumat
    Pelayanan (Q5), service-hours policy and elements (Q10), queue system (Q31).

    Only the fields present in *data* change; the row is created on first save. A
    decree date without a decree number (or the reverse) is refused: the maklumat
    counts as decreed only with both.
    """
    _require_editor(actor, unit)
    record, _created = UnitRecord.objects.select_for_update().get_or_create(unit=unit)
    changes = _apply(record, UNIT_RECORD_FIELDS, data)
    _check_fields(record, changes)
    if bool(record.charter_decree_number) != bool(record.charter_decree_date):
        raise MutuError(
            "Isi nomor dan tanggal penetapan maklumat bersama-sama.",
            "Give the charter's decree number and date together.",
            field="charter_decree_date"
            if record.charter_decree_number
            else "charter_decree_number",
        )
    if changes:
        record.save()
        audit_record(
            actor=actor, action="unit_record.update", target=record, changes=changes
        )
    return record


@transaction.atomic
def service_point_create(
    *, actor: User, unit: ServiceUnit, data: dict[str, Any]
) -> ServicePoint:
    """Add a service point (a counter or a booth) to *unit*.

    *data* may name the point's services (``"services"``, all of *unit*) and an
    MPP it sits in: any MPP, since an MPP hosts counters of other governments'
    units. Raises :class:`MutuError` when *actor* may not edit the unit, for an
    invalid field, a code already used (in any letter case: SMS keywords ignore
    it), or a service of another unit.
    """
    _require_editor(actor, unit)
    point = ServicePoint(unit=unit)
    changes = _apply(point, POINT_FIELDS, data)
    _check_point(point, POINT_FIELDS)
    served = _served(unit, data.get("services", ()))
    _save(point)
    if served:
        point.services.set(served)
        changes["services"] = [None, sorted(s.pk for s in served)]
    audit_record(
        actor=actor, action="service_point.create", target=point, changes=changes
    )
    return point


@transaction.atomic
def service_point_update(
    *, actor: User, point: ServicePoint, data: dict[str, Any]
) -> ServicePoint:
    """Change a service point's name, code, hours, MPP or services.

    A point stays with its unit (its QR posters and responses belong there); a
    counter that moves to another unit is a new point. Raises :class:`MutuError`
    like :func:`service_point_create`.
    """
    stored = ServicePoint.objects.select_for_update().get(pk=point.pk)
    _require_editor(actor, stored.unit)
    changes = _apply(stored, POINT_FIELDS, data)
    _check_point(stored, changes)
    served = None
    if "services" in data:
        served = _served(stored.unit, data["services"])
        before = sorted(stored.services.values_list("pk", flat=True))
        after = sorted(s.pk for s in served)
        if before != after:
            changes["services"] = [before, after]
    if not changes:
        return stored
    if changes.keys() - {"services"}:
        _save(stored)
    if "services" in changes:
        stored.services.set(served or [])
    audit_record(
        actor=actor, action="service_point.update", target=stored, changes=changes
    )
    return stored


def _check_point(point: ServicePoint, fields: Iterable[str]) -> None:
    """The field checks, plus what the opening-hours integrity rule relies on: ISO
    weekday digits, each once, and closing after opening."""
    fields = set(fields)
    _check_fields(point, fields)
    days = point.open_weekdays
    if "open_weekdays" in fields and (
        not days.isdigit()
        or not set(days) <= set("1234567")
        or len(set(days)) < len(days)
    ):
        raise MutuError(
            "Hari buka ditulis sebagai angka hari 1–7, masing-masing sekali (mis. 12345).",
            "Opening days are weekday digits 1–7, each once (e.g. 12345).",
            field="open_weekdays",
        )
    if (
        fields & {"opens_at", "closes_at"}
        and point.opens_at is not None
        and point.closes_at is not None
        and point.closes_at <= point.opens_at
    ):
        raise MutuError(
            "Jam tutup harus sesudah jam buka.",
            "Closing time must come after opening time.",
            field="closes_at",
        )
    if (
        "code" in fields
        and ServicePoint.objects.filter(code__iexact=point.code)
        .exclude(pk=point.pk)
        .exists()
    ):
        raise MutuError(
            "Kode singkat itu sudah dipakai loket lain.",
            "That short code is already used by another service point.",
            field="code",
        )


def _served(unit: ServiceUnit, services: Iterable[Service]) -> list[Service]:
    served = list(services)
    foreign = [s.name for s in served if s.unit_id != unit.pk]
    if foreign:
        raise MutuError(
            f"Layanan bukan milik unit ini: {', '.join(foreign)}.",
            f"Services of another unit: {', '.join(foreign)}.",
            field="services",
        )
    return served


@transaction.atomic
def mpp_create(*, actor: User, government: Government, data: dict[str, Any]) -> Mpp:
    """Add a Mal Pelayanan Publik run by *government*.

    Only a coordinator or national admin whose scope covers *government* may. The
    operator unit (``data["operator_unit"]``), when given, must be one of the
    government's units. Raises :class:`MutuError` otherwise or for an invalid field.
    """
    _require_manager(actor, government)
    mpp = Mpp(government=government)
    changes = _apply(mpp, MPP_FIELDS, data)
    _check_fields(mpp, MPP_FIELDS)
    _check_operator(mpp)
    _save(mpp)
    changes["government"] = [None, government.pk]
    audit_record(actor=actor, action="mpp.create", target=mpp, changes=changes)
    return mpp


@transaction.atomic
def mpp_update(*, actor: User, mpp: Mpp, data: dict[str, Any]) -> Mpp:
    """Change an MPP's name, address, operator unit or government.

    An MPP hosts many units' counters, so it is kept by the coordinators and
    national admins whose scope covers its government (both governments when it
    moves), not by the units inside it. Raises :class:`MutuError` like
    :func:`mpp_create`.
    """
    stored = Mpp.objects.select_for_update().get(pk=mpp.pk)
    _require_manager(actor, stored.government)
    changes = _apply(stored, MPP_FIELDS, data)
    government = data.get("government", stored.government)
    if government.pk != stored.government_id:
        _require_manager(actor, government)
        changes["government"] = [stored.government_id, government.pk]
        stored.government = government
    if not changes:
        return stored
    _check_fields(stored, changes)
    _check_operator(stored)
    _save(stored)
    audit_record(actor=actor, action="mpp.update", target=stored, changes=changes)
    return stored


def _check_operator(mpp: Mpp) -> None:
    operator = mpp.operator_unit
    if operator is not None and not operator.path.startswith(mpp.government.path):
        raise MutuError(
            "Unit pengelola harus unit dari pemerintah penyelenggara MPP.",
            "The operator unit must belong to the government running the MPP.",
            field="operator_unit",
        )


def _deletable(instance: models.Model) -> dict[str, list]:
    """What *instance* holds, as the audit diff of its delete ``{field: [old, None]}``.

    Only registry rows may go with it (its services, counters, standards): a delete
    that would take anything else along — responses, rollups, publications, plans,
    evaluations, role grants — is refused, because those are records of what
    happened and a registry entry that served anyone is switched off instead.
    """
    collector = Collector(using="default")
    try:
        collector.collect([instance])
    except (ProtectedError, RestrictedError) as error:
        raise _still_used(instance) from error
    others = {
        model
        for model, rows in collector.data.items()
        if rows and model._meta.app_label != "registry"
    } | {
        qs.model
        for qs in collector.fast_deletes
        if qs.model._meta.app_label != "registry" and qs.exists()
    }
    if others:
        raise _still_used(instance, others)
    return {
        field.attname: [_jsonable(getattr(instance, field.attname)), None]
        for field in instance._meta.concrete_fields
        if not field.primary_key
    }


def _still_used(
    instance: models.Model, others: Iterable[type[models.Model]] = ()
) -> MutuError:
    def listed(language: str, otherwise: str) -> str:
        with translation.override(language):
            names = sorted(str(m._meta.verbose_name_plural) for m in others)
        return ", ".join(names) or otherwise

    return MutuError(
        f"{capfirst(str(instance))} tidak dapat dihapus karena sudah dipakai "
        f"({listed('id', 'data lain')}). Nonaktifkan saja.",
        f"{capfirst(str(instance))} cannot be deleted because it is in use "
        f"({listed('en', 'other data')}). Switch it off instead.",
    )


@transaction.atomic
def unit_delete(*, actor: User, unit: ServiceUnit) -> None:
    """Delete a unit nobody has used yet (a typo, a duplicate), with an audit row.

    Coordinators and national admins in scope only; refused once the unit holds
    anything beyond its own services, counters and standards (see :func:`_deletable`).
    """
    unit = ServiceUnit.objects.select_for_update().get(pk=unit.pk)
    _require_manager(actor, unit)
    changes = _deletable(unit)
    audit_record(actor=actor, action="unit.delete", target=unit, changes=changes)
    unit.delete()


@transaction.atomic
def service_delete(*, actor: User, service: Service) -> None:
    """Delete a service that was never rated or published (its editors may)."""
    service = Service.objects.select_for_update().get(pk=service.pk)
    _require_editor(actor, service.unit)
    changes = _deletable(service)
    audit_record(actor=actor, action="service.delete", target=service, changes=changes)
    service.delete()


@transaction.atomic
def service_point_delete(*, actor: User, point: ServicePoint) -> None:
    """Delete a counter no response came through (its unit's editors may)."""
    point = ServicePoint.objects.select_for_update().get(pk=point.pk)
    _require_editor(actor, point.unit)
    changes = _deletable(point)
    audit_record(
        actor=actor, action="service_point.delete", target=point, changes=changes
    )
    point.delete()


@transaction.atomic
def mpp_delete(*, actor: User, mpp: Mpp) -> None:
    """Delete an MPP that hosts no counter (move its counters out first)."""
    mpp = Mpp.objects.select_for_update().get(pk=mpp.pk)
    _require_manager(actor, mpp.government)
    changes = _deletable(mpp)
    audit_record(actor=actor, action="mpp.delete", target=mpp, changes=changes)
    mpp.delete()
