"""Writes of accounts: users and their role grants."""

from typing import Any

from django.db import transaction

from mutu.accounts.models import RoleGrant, User
from mutu.audit.services import audit_record
from mutu.registry.models import Government, Region, ServiceUnit


@transaction.atomic
def grant_ensure(
    *,
    actor: Any,
    user: User,
    role: str,
    target: Region | Government | ServiceUnit | None = None,
) -> RoleGrant:
    """Give *user* the *role* over *target*'s subtree; a repeated call changes nothing.

    The database's check constraint refuses a target that does not fit the role
    (a unit role needs a unit, a coordinator a region or a government).
    """
    grant = RoleGrant(
        user=user,
        role=role,
        region=target if isinstance(target, Region) else None,
        government=target if isinstance(target, Government) else None,
        unit=target if isinstance(target, ServiceUnit) else None,
    )
    grant.scope_path = grant.build_scope_path()
    existing = RoleGrant.objects.filter(
        user=user, role=role, scope_path=grant.scope_path
    ).first()
    if existing:
        return existing
    grant.save()
    audit_record(
        actor=actor,
        action="grant.create",
        target=grant,
        changes={"role": [None, role], "scope": [None, grant.scope_path]},
    )
    return grant
