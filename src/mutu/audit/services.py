"""Writing the audit log. Every service that changes data calls :func:`audit_record`."""

from typing import Any

from django.db import models

from mutu.audit.models import AuditEvent


def audit_record(
    *,
    actor: Any,
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
    return AuditEvent.objects.create(
        actor=user,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=str(target)[:255],
        changes=changes or {},
        reason=reason,
    )
