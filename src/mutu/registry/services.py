"""Writes to the registry. Pages, admin and commands all change data through here."""

from typing import Any

from django.db import IntegrityError, transaction

from mutu.accounts.scoping import EDITOR_ROLES, can_see
from mutu.audit.services import audit_record
from mutu.errors import MutuError
from mutu.measures.standards import STANDARD_COMPONENTS
from mutu.registry.models import Service, ServiceStandard, ServiceUnit

STANDARD_FIELDS = (
    *(c.field for c in STANDARD_COMPONENTS),
    "decree_number",
    "decree_date",
)
SERVICE_FIELDS = ("name", "description", "is_active")


def _require_editor(actor: Any, unit: ServiceUnit) -> None:
    if not can_see(actor, unit, roles=EDITOR_ROLES):
        raise MutuError(
            "Anda tidak berwenang mengubah data unit ini.",
            "You are not allowed to change this unit's data.",
            unit=unit.pk,
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
    return value.isoformat() if hasattr(value, "isoformat") else value


@transaction.atomic
def service_create(*, actor: Any, unit: ServiceUnit, data: dict[str, Any]) -> Service:
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
def service_update(*, actor: Any, service: Service, data: dict[str, Any]) -> Service:
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
    *, actor: Any, service: Service, data: dict[str, Any]
) -> ServiceStandard:
    """Save the 14 components (and the decree) of *service*'s standard.

    Only the fields present in *data* change; saving the same values twice writes
    nothing and records nothing, so a resubmitted form is harmless.
    """
    _require_editor(actor, service.unit)
    standard, _created = ServiceStandard.objects.select_for_update().get_or_create(
        service=service
    )
    changes = _apply(standard, STANDARD_FIELDS, data)
    if changes:
        standard.save()
        audit_record(
            actor=actor, action="standard.update", target=standard, changes=changes
        )
    return standard
