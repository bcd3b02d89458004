"""Reading the audit log: coordinators see their region's rows, admins everything."""

from django.db.models import QuerySet

from mutu.accounts.models import Role, User
from mutu.accounts.scoping import has_role, scope_queryset
from mutu.audit.models import AuditEvent

READER_ROLES = (Role.NATIONAL_ADMIN, Role.COORDINATOR)


def audit_list_for_user(user: User, *, action: str = "") -> QuerySet[AuditEvent]:
    """The audit rows *user* may read, newest first, optionally of one action code."""
    rows = scope_queryset(
        user, AuditEvent.objects.select_related("actor"), roles=READER_ROLES
    )
    return rows.filter(action=action) if action else rows


def audit_readable(user: User) -> bool:
    """Whether *user* may open the audit log at all (the page answers 404 otherwise),
    so that pages link to it only for those who may read it."""
    return has_role(user, *READER_ROLES)
