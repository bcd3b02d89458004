"""Who sees what: every selector narrows through the grants."""

import pytest
from django.db import IntegrityError

from mutu.accounts.models import Role, RoleGrant
from mutu.accounts.scoping import can_see, scope_queryset
from mutu.registry.models import Service, ServiceUnit
from mutu.registry.selectors import unit_list_for_user


def _names(qs) -> set[str]:
    return set(qs.values_list("name", flat=True))


def test_scope_unit_operator_sees_only_own_unit(world):
    """A unit operator sees exactly its own unit and its services."""
    assert _names(unit_list_for_user(world.operator)) == {"Dukcapil Pesawaran"}
    assert _names(scope_queryset(world.operator, Service.objects.all())) == {
        "Penerbitan KTP-el"
    }


def test_scope_regency_coordinator_sees_exactly_its_subtree(world):
    """A coordinator on the Pesawaran government sees its two units and nothing else."""
    assert _names(unit_list_for_user(world.coordinator)) == {
        "Dukcapil Pesawaran",
        "Dinas Sosial Pesawaran",
    }


def test_scope_province_coordinator_sees_every_regency_of_the_province(world):
    """A Lampung coordinator sees Pesawaran and Bandar Lampung, not Jabar."""
    assert _names(unit_list_for_user(world.province_coordinator)) == {
        "Dukcapil Pesawaran",
        "Dinas Sosial Pesawaran",
        "RSUD Bandar Lampung",
    }


def test_scope_national_admin_sees_all(world):
    """A national admin sees every unit in the country."""
    everything = set(ServiceUnit.objects.values_list("name", flat=True))
    assert _names(unit_list_for_user(world.admin)) == everything
    assert len(everything) == 4


def test_scope_evaluator_grant_alone_shows_nothing(world):
    """An evaluator's national grant says where he may be assigned, not what he may
    read: without an assignment he sees no unit, and never through the grant."""
    assert not unit_list_for_user(world.evaluator).exists()
    assert not can_see(world.evaluator, world.dukcapil)
    assert not scope_queryset(world.evaluator, Service.objects.all()).exists()


def test_scope_user_without_grant_sees_nothing(world, django_user_model):
    """An account without a role, and an anonymous visitor, see no unit."""
    from django.contrib.auth.models import AnonymousUser

    assert not unit_list_for_user(world.stranger).exists()
    assert not unit_list_for_user(AnonymousUser()).exists()


def test_scope_inactive_user_sees_nothing(world):
    """A deactivated operator loses sight of its unit at once."""
    world.operator.is_active = False
    world.operator.save()
    assert not can_see(world.operator, world.dukcapil)


def test_scope_follows_unit_moved_to_another_government(world):
    """Moving a unit to another government moves its path and its grants' paths."""
    world.dukcapil.government = world.gov_bandung
    world.dukcapil.save()
    world.dukcapil.refresh_from_db()
    assert world.dukcapil.path.startswith(world.bandung.path)
    assert can_see(world.operator, world.dukcapil)
    assert not can_see(world.coordinator, world.dukcapil)
    grant = RoleGrant.objects.get(user=world.operator)
    assert grant.scope_path == world.dukcapil.path


def test_grant_unit_role_without_unit_is_refused_by_database(world):
    """A unit operator grant must name a unit; the database refuses otherwise."""
    with pytest.raises(IntegrityError):
        RoleGrant.objects.create(
            user=world.stranger, role=Role.UNIT_OPERATOR, scope_path="/"
        )
