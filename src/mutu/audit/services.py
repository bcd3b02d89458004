"""Writing the audit log. Every service that changes data calls :func:`audit_record`."""

from typing import TYPE_CHECKING, Any

from django.db import models

from mutu.audit.models import AuditEvent

if TYPE_CHECKING:
    from mutu.accounts.models import User


def audit_record(
    *,
    actor: "User | None",
    action: str,
    target: models.Model,
    changes: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """Record that *actor* did *action* to *target*.

    *changes* maps a field name to ``[old, new]``. Call it inside the service's
    transaction so the change and its audit row commit or fail together.
    """
    user = actor if getattr(actor, "is_authenticated", False) else None
    scope_path = _scope_path_of(target)
    return AuditEvent.objects.create(
        actor=user,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=str(target)[:255],
        changes=changes or {},
        reason=reason,
        scope_path=scope_path,
    )


def _scope_path_of(target: models.Model) -> str:
    """The registry path a change belongs to, by following ``scope_path_field``.

    Lets a coordinator read exactly the audit rows of the region it coordinates.
    """
    lookup = getattr(type(target), "scope_path_field", "")
    value: Any = target
    for part in lookup.split("__") if lookup else []:
        value = getattr(value, part, None)
        if value is None:
            return ""
    return value if isinstance(value, str) else ""
