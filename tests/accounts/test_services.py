"""Giving, changing and taking back role grants: national admins only, audited."""

import pytest

from mutu.accounts.models import Role, RoleGrant
from mutu.accounts.services import grant_ensure, grant_revoke, grant_update
from mutu.audit.models import AuditEvent
from mutu.errors import MutuError


@pytest.mark.parametrize("who", ["coordinator", "head", "evaluator", "stranger"])
def test_grant_services_refuse_anyone_but_a_national_admin(world, who):
    """Ensure, update and revoke all refuse a user without the national admin role,
    and write nothing."""
    actor = getattr(world, who)
    grant = world.operator.grants.get()
    with pytest.raises(MutuError):
        grant_ensure(
            actor=actor, user=world.stranger, role=Role.UNIT_HEAD, target=world.dinsos
        )
    with pytest.raises(MutuError):
        grant_update(
            actor=actor, grant=grant, role=Role.UNIT_OPERATOR, target=world.dinsos
        )
    with pytest.raises(MutuError):
        grant_revoke(actor=actor, grant=grant)
    grant.refresh_from_db()
    assert grant.scope_path == world.dukcapil.path
    assert not world.stranger.grants.exists()
    assert not AuditEvent.objects.exclude(action="grant.create").exists()


def test_grant_revoke_twice_changes_and_records_nothing_the_second_time(world):
    """Revoking a grant that is already gone is a no-op: False, no audit row."""
    grant = world.operator.grants.get()
    assert grant_revoke(actor=world.admin, grant=grant) is True
    assert grant_revoke(actor=world.admin, grant=grant) is False
    assert AuditEvent.objects.filter(action="grant.revoke").count() == 1
    assert not world.operator.grants.exists()


def test_grant_update_records_only_what_changed(world):
    """Changing a coordinator's scope from the government to the regency records the
    scope, not the unchanged role; the same values again record nothing."""
    grant = world.coordinator.grants.get()
    grant_update(
        actor=world.admin, grant=grant, role=Role.COORDINATOR, target=world.pesawaran
    )
    grant_update(
        actor=world.admin, grant=grant, role=Role.COORDINATOR, target=world.pesawaran
    )
    (event,) = AuditEvent.objects.filter(action="grant.update")
    assert event.actor == world.admin
    assert event.changes == {"scope": [world.gov_pesawaran.path, world.pesawaran.path]}
    grant.refresh_from_db()
    assert (grant.region, grant.government) == (world.pesawaran, None)


def test_grant_update_onto_a_grant_the_user_holds_is_refused(world):
    """A user cannot end with the same role twice over one scope."""
    RoleGrant.objects.create(
        user=world.operator,
        role=Role.UNIT_OPERATOR,
        unit=world.dinsos,
        scope_path=world.dinsos.path,
    )
    grant = world.operator.grants.get(unit=world.dukcapil)
    with pytest.raises(MutuError) as refused:
        grant_update(
            actor=world.admin, grant=grant, role=Role.UNIT_OPERATOR, target=world.dinsos
        )
    assert refused.value.details == {"field": "role"}


def test_grant_ensure_by_the_system_needs_no_actor(world):
    """Mutu itself (the demo loader, a command) gives roles with actor=None."""
    grant = grant_ensure(
        actor=None, user=world.stranger, role=Role.UNIT_HEAD, target=world.dinsos
    )
    assert grant.scope_path == world.dinsos.path
    assert AuditEvent.objects.filter(target_id=str(grant.pk)).get().actor is None
