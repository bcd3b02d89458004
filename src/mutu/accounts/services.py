"""Writes of accounts: users and their role grants.

Who may do what: only a national admin (a superuser counts as one) gives, changes
or takes back a role, whatever its scope, because a grant decides what its holder
sees everywhere else. ``actor=None`` is Mutu itself (the demo loader, a management
command); the pages and the admin always pass the signed-in user.
"""

from django.db import IntegrityError, transaction

from mutu.accounts.models import Role, RoleGrant, User
from mutu.accounts.scoping import has_role
from mutu.audit.services import audit_record
from mutu.errors import MutuError
from mutu.registry.models import Government, Region, ServiceUnit

GrantTarget = Region | Government | ServiceUnit | None


def _require_grant_manager(actor: User | None) -> None:
    if actor is not None and not has_role(actor, Role.NATIONAL_ADMIN):
        raise MutuError(
            "Hanya admin nasional yang dapat memberi atau mencabut peran.",
            "Only a national admin can give or take back roles.",
        )


def _place(grant: RoleGrant, role: str, target: GrantTarget) -> None:
    """Point *grant* at *role* over *target* and recompute its scope path."""
    grant.role = role
    grant.region = target if isinstance(target, Region) else None
    grant.government = target if isinstance(target, Government) else None
    grant.unit = target if isinstance(target, ServiceUnit) else None
    grant.scope_path = grant.build_scope_path()


@transaction.atomic
def grant_ensure(
    *,
    actor: User | None,
    user: User,
    role: str,
    target: GrantTarget = None,
) -> RoleGrant:
    """Give *user* the *role* over *target*'s subtree; a repeated call changes nothing.

    Raises :class:`MutuError` when *actor* is not a national admin. The database's
    check constraint refuses a target that does not fit the role (a unit role
    needs a unit, a coordinator a region or a government).
    """
    _require_grant_manager(actor)
    grant = RoleGrant(user=user)
    _place(grant, role, target)
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


@transaction.atomic
def grant_update(
    *,
    actor: User | None,
    grant: RoleGrant,
    role: str,
    target: GrantTarget = None,
) -> RoleGrant:
    """Change the role or the scope of *grant* in place (its user stays).

    Diffs against the stored row (locked), not against *grant*, which an admin form
    may already have changed; the same role and scope again change and record
    nothing. Raises :class:`MutuError` when *actor* is not a national admin, the
    grant is gone, or its user already holds *role* over *target*.
    """
    _require_grant_manager(actor)
    stored = RoleGrant.objects.select_for_update().filter(pk=grant.pk).first()
    if stored is None:
        raise MutuError(
            "Hak peran ini sudah dicabut.",
            "This role grant has already been taken back.",
        )
    before = {"role": stored.role, "scope": stored.scope_path}
    _place(stored, role, target)
    after = {"role": stored.role, "scope": stored.scope_path}
    if before == after:
        return stored
    if (
        RoleGrant.objects.filter(
            user_id=stored.user_id, role=stored.role, scope_path=stored.scope_path
        )
        .exclude(pk=stored.pk)
        .exists()
    ):
        raise MutuError(
            "Pengguna ini sudah memegang peran itu di cakupan itu.",
            "This user already holds that role over that scope.",
            field="role",
        )
    try:
        with transaction.atomic():
            stored.save()
    except IntegrityError as error:
        raise MutuError(
            "Cakupan tidak cocok dengan peran itu, atau hak ini bentrok dengan yang lain.",
            "The scope does not fit that role, or the grant clashes with another.",
            field="role",
        ) from error
    audit_record(
        actor=actor,
        action="grant.update",
        target=stored,
        changes={
            key: [before[key], after[key]]
            for key in before
            if before[key] != after[key]
        },
    )
    return stored


@transaction.atomic
def grant_revoke(*, actor: User | None, grant: RoleGrant) -> bool:
    """Take *grant* away from its user; ``False`` when it was already gone.

    Locks the row, so of two admins revoking at once one deletes and audits and the
    other changes and records nothing. Raises :class:`MutuError` when *actor* is
    not a national admin.
    """
    _require_grant_manager(actor)
    stored = RoleGrant.objects.select_for_update().filter(pk=grant.pk).first()
    if stored is None:
        return False
    audit_record(
        actor=actor,
        action="grant.revoke",
        target=stored,
        changes={"role": [stored.role, None], "scope": [stored.scope_path, None]},
    )
    stored.delete()
    return True
