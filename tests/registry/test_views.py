"""Operator and coordinator pages of the registry, through real HTTP."""

import pytest
from django.urls import reverse

from mutu.audit.models import AuditEvent
from mutu.registry.models import Service, ServiceStandard
from tests.accounts.login import login


def unit_pages(unit, service):
    """Every operator page of a unit, as (method, url) pairs."""
    ids = {"unit_id": unit.pk}
    both = {"unit_id": unit.pk, "service_id": service.pk}
    return [
        ("get", reverse("registry:unit_detail", kwargs=ids)),
        ("get", reverse("registry:unit_records", kwargs=ids)),
        ("post", reverse("registry:unit_records", kwargs=ids)),
        ("get", reverse("registry:service_create", kwargs=ids)),
        ("post", reverse("registry:service_create", kwargs=ids)),
        ("get", reverse("registry:service_detail", kwargs=both)),
        ("get", reverse("registry:service_edit", kwargs=both)),
        ("post", reverse("registry:service_edit", kwargs=both)),
        ("get", reverse("registry:standard_edit", kwargs=both)),
        ("post", reverse("registry:standard_edit", kwargs=both)),
    ]


def test_unit_pages_answer_404_for_another_units_operator(world, client):
    """Every operator page of another unit is hidden: 404, and nothing is written."""
    client.force_login(world.operator)
    for method, url in unit_pages(world.dukcapil_bandung, world.ktp_bandung):
        response = getattr(client, method)(url, {"name": "Disusupi", "fee": "Rp 1"})
        assert response.status_code == 404, url
    assert not Service.objects.filter(name="Disusupi").exists()
    assert ServiceStandard.objects.get(service=world.ktp_bandung).fee == ""
    assert not AuditEvent.objects.exclude(action="grant.create").exists()


def test_unit_pages_answer_404_for_a_coordinator_outside_the_region(world, client):
    """A Pesawaran coordinator cannot open a Bandung unit's pages."""
    login(client, world.coordinator)
    for method, url in unit_pages(world.dukcapil_bandung, world.ktp_bandung):
        assert getattr(client, method)(url).status_code == 404, url


def test_unit_pages_open_for_own_unit(world, client):
    """The operator's own unit pages all answer 200 on GET."""
    client.force_login(world.operator)
    for method, url in unit_pages(world.dukcapil, world.ktp):
        if method == "get":
            assert client.get(url).status_code == 200, url


def test_unit_pages_redirect_anonymous_to_login(world, client):
    """Without login every operator page sends the visitor to the login page."""
    for method, url in unit_pages(world.dukcapil, world.ktp):
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_unit_detail_lists_services_with_completeness(world, client):
    """The unit page shows each service with how many of 14 components are filled."""
    client.force_login(world.operator)
    response = client.get(reverse("registry:unit_detail", args=[world.dukcapil.pk]))
    body = response.content.decode()
    assert "Penerbitan KTP-el" in body
    assert "1/14 komponen" in body


def test_standard_edit_saves_components_and_audits(world, client):
    """Saving two more components raises completeness to 3/14 and records the change."""
    client.force_login(world.operator)
    url = reverse("registry:standard_edit", args=[world.dukcapil.pk, world.ktp.pk])
    data = {"legal_basis": "UU 24/2013", "requirements": "KK", "fee": "Gratis"}
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    assert "3 dari 14 komponen terisi" in response.content.decode()
    standard = ServiceStandard.objects.get(service=world.ktp)
    assert standard.completeness.filled == 3
    event = AuditEvent.objects.get(action="standard.update")
    assert event.actor == world.operator
    assert event.changes == {"requirements": ["", "KK"], "fee": ["", "Gratis"]}


def test_standard_edit_resubmitted_writes_nothing_twice(world, client):
    """Posting the same form twice leaves one audit row: the write is idempotent."""
    client.force_login(world.operator)
    url = reverse("registry:standard_edit", args=[world.dukcapil.pk, world.ktp.pk])
    data = {"legal_basis": "UU 24/2013", "fee": "Gratis"}
    client.post(url, data)
    client.post(url, data)
    assert AuditEvent.objects.filter(action="standard.update").count() == 1


def test_standard_edit_bad_date_is_refused_with_message(world, client):
    """A decree date that is not a date gets a 400 with an Indonesian message."""
    client.force_login(world.operator)
    url = reverse("registry:standard_edit", args=[world.dukcapil.pk, world.ktp.pk])
    response = client.post(url, {"fee": "Gratis", "decree_date": "31-31-2025"})
    assert response.status_code == 400
    assert "Masukkan tanggal yang valid" in response.content.decode()
    assert ServiceStandard.objects.get(service=world.ktp).fee == ""


def test_service_create_then_duplicate_name_is_refused(world, client):
    """A unit cannot hold two services of the same name (case-insensitive)."""
    client.force_login(world.head)
    url = reverse("registry:service_create", args=[world.dukcapil.pk])
    first = client.post(url, {"name": "Legalisir Dokumen", "is_active": "on"})
    assert first.status_code == 302
    second = client.post(url, {"name": "legalisir dokumen", "is_active": "on"})
    assert second.status_code == 400
    assert "sudah memiliki layanan" in second.content.decode()
    assert world.dukcapil.services.filter(name__iexact="legalisir dokumen").count() == 1
    service = world.dukcapil.services.get(name="Legalisir Dokumen")
    assert ServiceStandard.objects.filter(service=service).exists()


def test_evaluator_without_assignment_sees_no_unit_page(world, client):
    """An evaluator's grant alone opens no unit: the unit page and its service
    page answer 404 until he is assigned to evaluate the unit."""
    login(client, world.evaluator)
    unit_page = reverse("registry:unit_detail", args=[world.dukcapil.pk])
    service_page = reverse(
        "registry:service_detail", args=[world.dukcapil.pk, world.ktp.pk]
    )
    assert client.get(unit_page).status_code == 404
    assert client.get(service_page).status_code == 404


def test_region_page_lists_units_of_the_subtree(
    world, client, django_assert_max_num_queries
):
    """The Lampung coordinator's region page lists its regencies and all their units."""
    login(client, world.province_coordinator)
    # 10 for the page (the periods with reports; the units' IKM this quarter, one
    # rollup read), 1 for the device that verified the session (two-factor login).
    with django_assert_max_num_queries(11):
        response = client.get(reverse("registry:region_detail", args=["18"]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Kabupaten Pesawaran" in body
    assert "Kota Bandar Lampung" in body
    assert "RSUD Bandar Lampung" in body
    assert "Dukcapil Bandung" not in body


@pytest.mark.parametrize("code", ["32", "32.04", "ID", "99"])
def test_region_page_outside_scope_is_404(world, client, code):
    """A provincial coordinator cannot open another province, the nation, nonsense."""
    login(client, world.province_coordinator)
    assert client.get(reverse("registry:region_detail", args=[code])).status_code == 404


def test_region_page_not_for_unit_operator(world, client):
    """A unit operator has no region page, even of its own regency."""
    client.force_login(world.operator)
    assert (
        client.get(reverse("registry:region_detail", args=["18.09"])).status_code == 404
    )


def test_dashboard_lists_what_the_user_may_see(
    world, client, django_assert_max_num_queries
):
    """The coordinator's dashboard names its role and its region's units only.

    Its queries are bounded: the session and the units (8), the to-dos (one grouped
    read each, D24) and the dashboard links; tests/accounts/test_todos.py checks
    that they do not grow with the number of units."""
    login(client, world.coordinator)
    with django_assert_max_num_queries(22):
        body = client.get(reverse("accounts:dashboard")).content.decode()
    assert "Koordinator wilayah" in body
    assert 'href="/wilayah/18.09/"' in body
    assert "Dukcapil Pesawaran" in body
    assert "Dinas Sosial Pesawaran" in body
    assert "Bandung" not in body


def test_service_edit_saves_and_audits(world, client):
    """Renaming a service through its edit page changes the row and records it."""
    client.force_login(world.operator)
    url = reverse("registry:service_edit", args=[world.dukcapil.pk, world.ktp.pk])
    response = client.post(url, {"name": "KTP Elektronik", "is_active": "on"})
    assert response.status_code == 302
    world.ktp.refresh_from_db()
    assert world.ktp.name == "KTP Elektronik"
    event = AuditEvent.objects.get(action="service.update")
    assert event.changes["name"] == ["Penerbitan KTP-el", "KTP Elektronik"]
