"""Units, services, service points and MPPs changed in the Django admin go through
the registry services: same rules, audit rows with old → new, the admin as actor."""

from django.urls import reverse

from mutu.audit.models import AuditEvent
from mutu.registry.models import (
    Mpp,
    Service,
    ServicePoint,
    ServiceStandard,
    ServiceUnit,
)
from tests.accounts.login import login
from tests.admin_forms import admin_form_data
from tests.registry import factories


def change_url(obj):
    return reverse(f"admin:registry_{obj._meta.model_name}_change", args=[obj.pk])


def add_url(model):
    return reverse(f"admin:registry_{model._meta.model_name}_add")


def test_unit_edited_in_admin_is_audited_with_old_and_new(world, superuser, client):
    """Changing a unit's head and name in the admin writes one unit.update row."""
    # Given the Dukcapil change page, opened by a superuser
    login(client, superuser)
    url = change_url(world.dukcapil)
    data = admin_form_data(client.get(url))
    # When the head and the name are changed
    data.update({"head_name": "Drs. Suparman", "name": "Disdukcapil Pesawaran"})
    response = client.post(url, data)
    # Then the unit holds them and the audit row has old → new
    assert response.status_code == 302
    world.dukcapil.refresh_from_db()
    assert world.dukcapil.name == "Disdukcapil Pesawaran"
    (event,) = AuditEvent.objects.filter(action="unit.update")
    assert (event.actor, event.target_id) == (superuser, str(world.dukcapil.pk))
    assert event.changes == {
        "name": ["Dukcapil Pesawaran", "Disdukcapil Pesawaran"],
        "head_name": ["", "Drs. Suparman"],
    }


def test_unit_added_in_admin_with_a_service_is_audited(world, superuser, client):
    """Adding a unit with one inline service creates both through the services:
    unit.create and service.create rows, and the service has its standard."""
    login(client, superuser)
    data = admin_form_data(client.get(add_url(world.dukcapil)))
    data.update(
        {
            "government": world.gov_pesawaran.pk,
            "name": "Dinas Kesehatan Pesawaran",
            "kind": "dinas",
            "services-TOTAL_FORMS": "1",
            "services-0-name": "Surat Keterangan Sehat",
            "services-0-is_active": "on",
        }
    )
    response = client.post(add_url(world.dukcapil), data)
    assert response.status_code == 302
    service = Service.objects.get(name="Surat Keterangan Sehat")
    assert service.unit.name == "Dinas Kesehatan Pesawaran"
    assert ServiceStandard.objects.filter(service=service).exists()
    assert service.unit.path.startswith(world.gov_pesawaran.path)
    actions = AuditEvent.objects.filter(actor=superuser).values_list(
        "action", flat=True
    )
    assert sorted(actions) == ["service.create", "unit.create"]


def test_service_renamed_inline_on_the_unit_page_is_audited(world, superuser, client):
    """Renaming a service in the unit page's inline writes service.update."""
    login(client, superuser)
    url = change_url(world.dukcapil)
    data = admin_form_data(client.get(url))
    data["services-0-name"] = "Penerbitan KTP Elektronik"
    assert client.post(url, data).status_code == 302
    (event,) = AuditEvent.objects.filter(action="service.update")
    assert event.changes == {"name": ["Penerbitan KTP-el", "Penerbitan KTP Elektronik"]}
    assert not AuditEvent.objects.filter(action="unit.update").exists()


def test_service_edited_in_admin_is_audited(world, superuser, client):
    """Switching a service off on its own admin page writes service.update."""
    login(client, superuser)
    url = change_url(world.ktp)
    data = admin_form_data(client.get(url))
    del data["is_active"]
    assert client.post(url, data).status_code == 302
    (event,) = AuditEvent.objects.filter(action="service.update")
    assert (event.actor, event.changes) == (superuser, {"is_active": [True, False]})


def test_service_point_edited_in_admin_is_audited(world, superuser, client):
    """Renaming a counter and giving it a service in the admin writes one
    service_point.update row with old → new."""
    point = factories.point(world.dukcapil, code="capil-1")
    old_name = point.name
    login(client, superuser)
    url = change_url(point)
    data = admin_form_data(client.get(url))
    data.update({"name": "Loket Capil", "services": [world.ktp.pk]})
    assert client.post(url, data).status_code == 302
    assert list(point.services.all()) == [world.ktp]
    (event,) = AuditEvent.objects.filter(action="service_point.update")
    assert event.actor == superuser
    assert event.changes == {
        "name": [old_name, "Loket Capil"],
        "services": [[], [world.ktp.pk]],
    }


def test_service_point_added_in_admin_is_audited(world, superuser, client):
    """Adding a counter in the admin goes through service_point_create."""
    login(client, superuser)
    data = admin_form_data(client.get(add_url(ServicePoint)))
    data.update({"unit": world.dukcapil.pk, "name": "Loket 2", "code": "capil-2"})
    assert client.post(add_url(ServicePoint), data).status_code == 302
    point = ServicePoint.objects.get(code="capil-2")
    event = AuditEvent.objects.get(action="service_point.create")
    assert (event.actor, event.target_id) == (superuser, str(point.pk))


def test_service_point_refused_by_the_service_shows_why(world, superuser, client):
    """A code taken by another counter in another letter case passes the admin's
    form but not the service: the page says why and nothing is written."""
    factories.point(world.dinsos, code="loket-a")
    point = factories.point(world.dukcapil, code="capil-1")
    login(client, superuser)
    url = change_url(point)
    data = admin_form_data(client.get(url))
    data["code"] = "LOKET-A"
    response = client.post(url, data, follow=True)
    assert "sudah dipakai loket lain" in response.content.decode()
    point.refresh_from_db()
    assert point.code == "capil-1"
    assert not AuditEvent.objects.filter(action="service_point.update").exists()


def test_mpp_edited_in_admin_is_audited(world, superuser, client):
    """Changing an MPP's address and operator unit writes mpp.update."""
    mpp = Mpp.objects.create(government=world.gov_pesawaran, name="MPP Pesawaran")
    login(client, superuser)
    url = change_url(mpp)
    data = admin_form_data(client.get(url))
    data.update({"address": "Jl. Raya Gedong Tataan", "operator_unit": world.dinsos.pk})
    assert client.post(url, data).status_code == 302
    (event,) = AuditEvent.objects.filter(action="mpp.update")
    assert event.actor == superuser
    assert event.changes == {
        "address": ["", "Jl. Raya Gedong Tataan"],
        "operator_unit": [None, world.dinsos.pk],
    }


def test_mpp_added_in_admin_is_audited(world, superuser, client):
    """Adding an MPP in the admin goes through mpp_create."""
    login(client, superuser)
    data = admin_form_data(client.get(add_url(Mpp)))
    data.update({"government": world.gov_pesawaran.pk, "name": "MPP Pesawaran"})
    assert client.post(add_url(Mpp), data).status_code == 302
    mpp = Mpp.objects.get()
    event = AuditEvent.objects.get(action="mpp.create")
    assert (event.actor, event.target_id) == (superuser, str(mpp.pk))


def delete_url(obj):
    return reverse(f"admin:registry_{obj._meta.model_name}_delete", args=[obj.pk])


def test_unused_counter_deleted_in_admin_is_audited(world, superuser, client):
    """A counter nobody used is deleted through service_point_delete: one audit row
    keeps what it held (old → None)."""
    point = factories.point(world.dukcapil, "dukcapil-7")
    login(client, superuser)
    response = client.post(delete_url(point), {"post": "yes"})
    assert response.status_code == 302
    assert not ServicePoint.objects.filter(pk=point.pk).exists()
    (event,) = AuditEvent.objects.filter(action="service_point.delete")
    assert (event.actor, event.target_id) == (superuser, str(point.pk))
    assert event.changes["code"] == ["dukcapil-7", None]


def test_rated_service_cannot_be_deleted_in_admin(world, superuser, client):
    """A service with a response cannot be deleted (Django's admin sees the protected
    responses before the service runs); the service stays and nothing is audited."""
    from tests.surveys.test_services import submit

    submit(world)
    service = world.ktp
    login(client, superuser)
    response = client.post(delete_url(service), {"post": "yes"}, follow=True)
    assert Service.objects.filter(pk=service.pk).exists()
    assert "Tidak dapat menghapus" in response.content.decode()
    assert not AuditEvent.objects.filter(action="service.delete").exists()


def test_bulk_delete_of_units_refuses_all_when_one_is_used(world, superuser, client):
    """The admin's bulk action runs in one transaction: one used unit refuses the
    whole action, so the unused one stays too."""
    from tests.surveys.test_services import submit

    spare = factories.unit(world.gov_pesawaran, "Unit Cadangan")
    submit(world)
    login(client, superuser)
    client.post(
        reverse("admin:registry_serviceunit_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [spare.pk, world.dukcapil.pk],
            "post": "yes",
        },
    )
    assert ServiceUnit.objects.filter(pk__in=[spare.pk, world.dukcapil.pk]).count() == 2
    assert not AuditEvent.objects.filter(action="unit.delete").exists()


def test_regions_governments_and_standards_have_no_delete(world, superuser, client):
    login(client, superuser)
    for obj in (world.pesawaran, world.gov_pesawaran, world.ktp.standard):
        assert client.get(delete_url(obj)).status_code == 403
