"""Writes to the registry: who may change what, field checks, and audit diffs."""

from datetime import time

import pytest

from mutu.accounts.models import Role
from mutu.audit.models import AuditEvent
from mutu.errors import MutuError
from mutu.registry import services
from mutu.registry.models import Mpp, Service, ServicePoint, ServiceUnit
from mutu.registry.services import (
    mpp_create,
    mpp_update,
    service_point_create,
    service_point_update,
    unit_create,
    unit_update,
)
from tests.accounts.factories import user_with_role
from tests.registry import factories


def events(action):
    return list(AuditEvent.objects.filter(action=action))


# Units


def test_unit_create_by_the_coordinator_is_audited(world):
    """The Pesawaran coordinator adds a unit to its government; audited."""
    unit = unit_create(
        actor=world.coordinator,
        government=world.gov_pesawaran,
        data={"name": " Dinas Kesehatan ", "kind": ServiceUnit.Kind.DINAS},
    )
    assert unit.name == "Dinas Kesehatan"
    assert unit.path == f"{world.gov_pesawaran.path}u{unit.pk}/"
    (event,) = events("unit.create")
    assert (event.actor, event.scope_path) == (world.coordinator, unit.path)
    assert event.changes == {
        "name": ["", "Dinas Kesehatan"],
        "kind": ["", "dinas"],
        "government": [None, world.gov_pesawaran.pk],
    }


@pytest.mark.parametrize("who", ["head", "operator", "evaluator", "stranger"])
def test_unit_create_is_refused_below_a_coordinator(world, who):
    """Unit staff, evaluators and strangers cannot add units; nothing is written."""
    with pytest.raises(MutuError):
        unit_create(
            actor=getattr(world, who),
            government=world.gov_pesawaran,
            data={"name": "Dinas Kesehatan", "kind": "dinas"},
        )
    assert not ServiceUnit.objects.filter(name="Dinas Kesehatan").exists()
    assert not events("unit.create")


def test_unit_create_is_refused_outside_the_coordinators_scope(world):
    """The Pesawaran coordinator cannot add a unit to Bandung's government."""
    with pytest.raises(MutuError):
        unit_create(
            actor=world.coordinator,
            government=world.gov_bandung,
            data={"name": "Dinas Kesehatan", "kind": "dinas"},
        )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "", "kind": "dinas"}, "name"),
        ({"name": "Dinas Baru", "kind": "kafe"}, "kind"),
        ({"name": "dukcapil pesawaran", "kind": "dinas"}, "name"),
        ({"name": "Dinas Baru", "kind": "dinas", "email": "bukan-surel"}, "email"),
    ],
)
def test_unit_create_refuses_invalid_fields(world, data, field):
    """A blank name, an unknown kind, a name taken in another case or a bad e-mail
    is refused naming the field, in Indonesian and English."""
    with pytest.raises(MutuError) as refused:
        unit_create(actor=world.admin, government=world.gov_pesawaran, data=data)
    assert refused.value.details == {"field": field}
    assert refused.value.message_id != refused.value.message_en


def test_unit_update_by_its_operator_changes_contacts_with_a_diff(world):
    """An operator keeps the unit's head and contact details; the audit row holds
    old → new of exactly what changed, and the same data again records nothing."""
    data = {
        "head_name": "Drs. Suparman",
        "phone": "0721 123",
        "name": "Dukcapil Pesawaran",
    }
    unit_update(actor=world.operator, unit=world.dukcapil, data=data)
    unit_update(actor=world.operator, unit=world.dukcapil, data=data)
    (event,) = events("unit.update")
    assert event.actor == world.operator
    assert event.changes == {
        "head_name": ["", "Drs. Suparman"],
        "phone": ["", "0721 123"],
    }


@pytest.mark.parametrize("field", ["name", "short_name", "kind"])
def test_unit_update_of_naming_is_refused_to_unit_staff(world, field):
    """A unit's name, short name and kind are its coordinator's to change."""
    value = {"name": "Disdukcapil", "short_name": "Capil", "kind": "badan"}[field]
    with pytest.raises(MutuError):
        unit_update(actor=world.head, unit=world.dukcapil, data={field: value})
    unit_update(actor=world.coordinator, unit=world.dukcapil, data={field: value})
    world.dukcapil.refresh_from_db()
    assert getattr(world.dukcapil, field) == value


def test_unit_update_is_refused_to_another_units_operator(world):
    """An operator of Dukcapil cannot touch Dinas Sosial."""
    with pytest.raises(MutuError):
        unit_update(actor=world.operator, unit=world.dinsos, data={"phone": "1"})
    assert not events("unit.update")


def test_unit_move_needs_both_governments_and_moves_the_grants(world):
    """Moving a unit to another government needs a manager of both; the unit's path
    and its grants' scope move with it, and the audit row has both paths."""
    # Given a Lampung province coordinator, who covers both Lampung governments
    old_path = world.dukcapil.path
    with pytest.raises(MutuError):
        unit_update(
            actor=world.coordinator,
            unit=world.dukcapil,
            data={"government": world.gov_bandar_lampung},
        )
    # When the province coordinator moves Dukcapil to Bandar Lampung
    unit = unit_update(
        actor=world.province_coordinator,
        unit=world.dukcapil,
        data={"government": world.gov_bandar_lampung},
    )
    # Then path, grants and audit follow
    assert unit.path.startswith(world.gov_bandar_lampung.path)
    assert world.operator.grants.get().scope_path == unit.path
    (event,) = events("unit.update")
    assert event.changes == {
        "government": [world.gov_pesawaran.pk, world.gov_bandar_lampung.pk],
        "path": [old_path, unit.path],
    }


# Service points


def test_service_point_create_by_the_operator_is_audited(world):
    """An operator adds a counter with its services and hours; audited."""
    point = service_point_create(
        actor=world.operator,
        unit=world.dukcapil,
        data={
            "name": "Loket 1",
            "code": "capil-1",
            "opens_at": time(8),
            "closes_at": time(15),
            "services": [world.ktp],
        },
    )
    assert list(point.services.all()) == [world.ktp]
    (event,) = events("service_point.create")
    assert (event.actor, event.scope_path) == (world.operator, world.dukcapil.path)
    assert event.changes == {
        "name": ["", "Loket 1"],
        "code": ["", "capil-1"],
        "opens_at": [None, "08:00:00"],
        "closes_at": [None, "15:00:00"],
        "services": [None, [world.ktp.pk]],
    }


@pytest.mark.parametrize("who", ["evaluator", "stranger", "coordinator_bandung"])
def test_service_point_writes_are_refused_without_rights(world, who):
    """Evaluators, strangers and another region's coordinator can neither add nor
    change a unit's counters."""
    actor = (
        user_with_role("koordinator.bandung", Role.COORDINATOR, world.gov_bandung)
        if who == "coordinator_bandung"
        else getattr(world, who)
    )
    point = factories.point(world.dukcapil, code="capil-1")
    with pytest.raises(MutuError):
        service_point_create(
            actor=actor, unit=world.dukcapil, data={"name": "X", "code": "capil-2"}
        )
    with pytest.raises(MutuError):
        service_point_update(actor=actor, point=point, data={"name": "Disusupi"})
    point.refresh_from_db()
    assert point.name != "Disusupi"
    assert not ServicePoint.objects.filter(code="capil-2").exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"code": "LOKET-A"}, "code"),
        ({"code": "bukan kode"}, "code"),
        ({"open_weekdays": "1238"}, "open_weekdays"),
        ({"open_weekdays": "1123"}, "open_weekdays"),
        ({"opens_at": time(15), "closes_at": time(8)}, "closes_at"),
    ],
)
def test_service_point_update_refuses_invalid_fields(world, data, field):
    """A code taken in another case or not a slug, weekdays that are not 1–7 each
    once, closing before opening: refused naming the field, nothing changed."""
    factories.point(world.dinsos, code="loket-a")
    point = factories.point(world.dukcapil, code="capil-1")
    with pytest.raises(MutuError) as refused:
        service_point_update(actor=world.operator, point=point, data=data)
    assert refused.value.details == {"field": field}
    point.refresh_from_db()
    assert point.code == "capil-1"


def test_service_point_update_refuses_another_units_service(world):
    """A counter offers only its own unit's services."""
    point = factories.point(world.dukcapil)
    with pytest.raises(MutuError) as refused:
        service_point_update(
            actor=world.operator, point=point, data={"services": [world.ktp_bandung]}
        )
    assert refused.value.details == {"field": "services"}
    assert not point.services.exists()


def test_service_point_update_records_old_and_new(world):
    """Renaming a counter, moving it into an MPP and giving it a service is one
    audit row with each old → new; the same data again records nothing."""
    mpp = Mpp.objects.create(government=world.gov_pesawaran, name="MPP Pesawaran")
    point = factories.point(world.dukcapil, code="capil-1")
    old_name = point.name
    data = {"name": "Loket Capil MPP", "mpp": mpp, "services": [world.ktp]}
    service_point_update(actor=world.head, point=point, data=data)
    service_point_update(actor=world.head, point=point, data=data)
    (event,) = events("service_point.update")
    assert event.changes == {
        "name": [old_name, "Loket Capil MPP"],
        "mpp": [None, mpp.pk],
        "services": [[], [world.ktp.pk]],
    }


# MPPs


def test_mpp_create_and_update_by_the_coordinator_are_audited(world):
    """The coordinator opens an MPP run by its government's Dinas Sosial, then
    renames it; two audit rows with old → new."""
    mpp = mpp_create(
        actor=world.coordinator,
        government=world.gov_pesawaran,
        data={"name": "MPP Pesawaran", "operator_unit": world.dinsos},
    )
    mpp_update(actor=world.coordinator, mpp=mpp, data={"name": "MPP Kab. Pesawaran"})
    created, updated = events("mpp.create")[0], events("mpp.update")[0]
    assert created.changes == {
        "name": ["", "MPP Pesawaran"],
        "operator_unit": [None, world.dinsos.pk],
        "government": [None, world.gov_pesawaran.pk],
    }
    assert updated.changes == {"name": ["MPP Pesawaran", "MPP Kab. Pesawaran"]}
    assert updated.scope_path == world.gov_pesawaran.path


@pytest.mark.parametrize("who", ["head", "operator", "evaluator", "stranger"])
def test_mpp_writes_are_refused_below_a_coordinator(world, who):
    """Units inside an MPP do not keep it: unit staff and others are refused."""
    actor = getattr(world, who)
    mpp = Mpp.objects.create(government=world.gov_pesawaran, name="MPP Pesawaran")
    with pytest.raises(MutuError):
        mpp_create(actor=actor, government=world.gov_pesawaran, data={"name": "MPP 2"})
    with pytest.raises(MutuError):
        mpp_update(actor=actor, mpp=mpp, data={"name": "Disusupi"})
    assert list(Mpp.objects.values_list("name", flat=True)) == ["MPP Pesawaran"]


def test_mpp_operator_unit_must_belong_to_its_government(world):
    """Bandung's Dukcapil cannot run Pesawaran's MPP."""
    with pytest.raises(MutuError) as refused:
        mpp_create(
            actor=world.admin,
            government=world.gov_pesawaran,
            data={"name": "MPP Pesawaran", "operator_unit": world.dukcapil_bandung},
        )
    assert refused.value.details == {"field": "operator_unit"}


def test_unit_with_role_grants_cannot_be_deleted(world):
    """Deleting Dukcapil would take its operator's grant along: refused, naming what
    is in the way in each language, and nothing is deleted or audited."""
    with pytest.raises(MutuError) as refused:
        services.unit_delete(actor=world.admin, unit=world.dukcapil)
    assert "tidak dapat dihapus karena sudah dipakai" in refused.value.message_for("id")
    assert "Switch it off instead" in refused.value.message_for("en")
    assert ServiceUnit.objects.filter(pk=world.dukcapil.pk).exists()
    assert not AuditEvent.objects.filter(action="unit.delete").exists()


def test_rated_service_cannot_be_deleted(world):
    from tests.surveys.test_services import submit

    submit(world)
    with pytest.raises(MutuError):
        services.service_delete(actor=world.operator, service=world.ktp)
    assert Service.objects.filter(pk=world.ktp.pk).exists()


def test_operator_cannot_delete_a_unit(world):
    spare = factories.unit(world.gov_pesawaran, "Unit Cadangan")
    with pytest.raises(MutuError):
        services.unit_delete(actor=world.operator, unit=spare)
    services.unit_delete(actor=world.admin, unit=spare)
    assert not ServiceUnit.objects.filter(pk=spare.pk).exists()
    (event,) = AuditEvent.objects.filter(action="unit.delete")
    assert event.changes["name"] == ["Unit Cadangan", None]
