"""Complaint pages over HTTP: the whole workflow, forwarding, reopening, refusals,
privacy of the tracking page and of confidential identities, attachments."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from mutu.accounts.models import Role
from mutu.complaints.models import Complaint, ComplaintRecap
from tests.accounts.factories import user_with_role
from tests.accounts.login import login
from tests.complaints.factories import complaint
from tests.evaluations.conftest import PNG_BYTES

pytestmark = pytest.mark.django_db

NAME = "Siti Aminah"


def _file(client: Client, unit, **extra) -> Complaint:
    data = {
        "unit": unit.pk,
        "kind": "pengaduan",
        "text": "Antrean perekaman KTP-el terlalu lama, tiga jam menunggu.",
        "privacy": "open",
        "reporter_name": NAME,
        "reporter_email": "siti@example.org",
        **extra,
    }
    response = client.post(reverse("complaints:form"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    code = response["Location"].rstrip("/").rsplit("/", 1)[1]
    return Complaint.objects.get(tracking_code=code)


def _act(client, item, action, **data):
    url = reverse("complaints:detail", args=[item.unit_id, item.pk])
    return client.post(url, {"action": action, **data})


def test_form_page_works_without_javascript_and_links_from_thanks(client, world):
    page = client.get(reverse("complaints:form") + f"?unit={world.dukcapil.pk}")
    assert page.status_code == 200
    assert "<script" not in page.content.decode()
    assert f'value="{world.dukcapil.pk}" selected' in page.content.decode()


def test_whole_workflow_over_http(client, world):
    """File → verify → start → answer → close → rate, each visible on the tracking
    page; the identity never is."""
    item = _file(client, world.dukcapil)
    track = reverse("complaints:track", args=[item.tracking_code])
    page = client.get(track).content.decode()
    assert "Diterima" in page
    assert NAME not in page
    assert "siti@" not in page
    staff = Client()
    login(staff, world.operator)
    assert _act(staff, item, "verify").status_code == 302
    assert _act(staff, item, "start").status_code == 302
    assert (
        _act(
            staff, item, "answer", text="Loket tambahan dibuka mulai Senin."
        ).status_code
        == 302
    )
    assert _act(staff, item, "note", text="Cek CCTV loket 2").status_code == 302
    assert _act(staff, item, "close").status_code == 302
    page = client.get(track).content.decode()
    assert "Loket tambahan dibuka mulai Senin." in page
    assert "Cek CCTV" not in page  # internal notes stay internal
    assert "Apakah masalah Anda sudah selesai?" in page
    assert client.post(track, {"action": "rate", "rating": "4"}).status_code == 302
    item.refresh_from_db()
    assert (item.status, item.rating) == ("closed", 4)


def test_illegal_transition_over_http_shows_a_clear_message(client, world):
    item = complaint(world.dukcapil)
    login(client, world.operator)
    response = _act(client, item, "close")
    assert response.status_code == 200
    assert "tidak dapat ditutup" in response.content.decode()
    item.refresh_from_db()
    assert item.status == "received"


def test_forwarding_over_http_moves_it_out_of_the_inbox(client, world):
    item = complaint(world.dukcapil)
    login(client, world.operator)
    response = _act(
        client, item, "forward", unit=world.dinsos.pk, reason="Urusan bansos"
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.unit == world.dinsos
    inbox = client.get(reverse("complaints:inbox", args=[world.dukcapil.pk]))
    assert item.tracking_code not in inbox.content.decode()


def test_not_solved_on_the_tracking_page_reopens_once(client, world):
    item = complaint(world.dukcapil)
    staff = Client()
    login(staff, world.operator)
    _act(staff, item, "verify")
    _act(staff, item, "answer", text="Sudah kami perbaiki, silakan datang lagi.")
    track = reverse("complaints:track", args=[item.tracking_code])
    assert (
        client.post(track, {"action": "solved", "solved": "tidak"}).status_code == 302
    )
    item.refresh_from_db()
    assert (item.status, item.solved) == ("in_progress", False)
    _act(staff, item, "answer", text="Jawaban kedua yang lebih lengkap.")
    response = client.post(track, {"action": "dispute", "reason": "Masih sama saja"})
    assert "hanya sekali" in response.content.decode()


def test_tracking_look_ups_are_rate_limited(client, world, settings):
    settings.MUTU_COMPLAINT_LOOKUPS_PER_MINUTE = 3
    for _ in range(3):
        assert (
            client.get(reverse("complaints:track", args=["ABCDEFGHJK"])).status_code
            == 404
        )
    assert (
        client.get(reverse("complaints:track", args=["ABCDEFGHJK"])).status_code == 429
    )


def test_confidential_identity_only_for_head_and_coordinator(world):
    item = complaint(world.dukcapil, privacy="confidential")
    url = reverse("complaints:detail", args=[world.dukcapil.pk, item.pk])
    seen = {}
    for user in (world.operator, world.head, world.coordinator):
        client = Client()
        login(client, user)
        seen[user.username] = NAME in client.get(url).content.decode()
    assert seen == {"operator": False, "kepala": True, "koordinator": True}


def test_open_identity_is_shown_to_the_operator(client, world):
    item = complaint(world.dukcapil)
    login(client, world.operator)
    page = client.get(reverse("complaints:detail", args=[world.dukcapil.pk, item.pk]))
    assert NAME in page.content.decode()


def test_attachment_checked_by_content_and_served_only_to_staff(
    client, world, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    fake = SimpleUploadedFile("foto.png", b"<svg>bukan png</svg>", "image/png")
    response = client.post(
        reverse("complaints:form"),
        {
            "unit": world.dukcapil.pk,
            "kind": "pengaduan",
            "text": "Lantai ruang tunggu licin dan basah.",
            "privacy": "anonymous",
            "attachments": fake,
        },
    )
    assert response.status_code == 200
    assert "PDF, JPG atau PNG" in response.content.decode()
    assert Complaint.objects.count() == 0
    photo = SimpleUploadedFile("foto.png", PNG_BYTES, "image/png")
    item = _file(client, world.dukcapil, privacy="anonymous", attachments=photo)
    attachment = item.attachments.get()
    url = reverse("complaints:attachment", args=[attachment.pk])
    assert client.get(url).status_code == 302  # to the login page
    other = Client()
    login(
        other,
        user_with_role("operator-bandung", Role.UNIT_OPERATOR, world.dukcapil_bandung),
    )
    assert other.get(url).status_code == 404
    staff = Client()
    login(staff, world.operator)
    response = staff.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG_BYTES


def test_operator_enters_a_counter_complaint(client, world):
    login(client, world.operator)
    response = client.post(
        reverse("complaints:create", args=[world.dukcapil.pk]),
        {
            "unit": world.dukcapil.pk,
            "kind": "aspirasi",
            "text": "Mohon loket khusus lansia.",
            "privacy": "open",
            "channel": "counter",
        },
    )
    assert response.status_code == 302
    item = Complaint.objects.get()
    assert (item.channel, item.created_by) == ("counter", world.operator)


def test_export_neutralises_formulas_and_hides_identity(client, world):
    complaint(world.dukcapil, text='=HYPERLINK("http://x") antrean lama')
    login(client, world.operator)
    response = client.get(reverse("complaints:export", args=[world.dukcapil.pk]))
    body = response.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in body
    assert NAME not in body
    xlsx = client.get(
        reverse("complaints:export", args=[world.dukcapil.pk]) + "?format=xlsx"
    )
    assert xlsx.content[:2] == b"PK"


def test_inbox_filters_and_recap_publish(client, world):
    late = complaint(world.dukcapil, channel="counter")
    complaint(world.dukcapil, channel="web", kind="aspirasi")
    login(client, world.head)
    url = reverse("complaints:inbox", args=[world.dukcapil.pk])
    page = client.get(url + "?channel=counter").content.decode()
    assert late.tracking_code in page
    assert (
        client.get(url + "?kind=aspirasi").content.decode().count(late.tracking_code)
        == 0
    )
    response = client.post(
        reverse("complaints:recap", args=[world.dukcapil.pk]), {"period_key": "2026-Q4"}
    )
    assert response.status_code == 302
    assert ComplaintRecap.objects.get(unit=world.dukcapil).figures["total"] == 2


def test_inbox_costs_a_fixed_number_of_queries(
    client, world, django_assert_max_num_queries
):
    """The inbox does not grow in queries with the unit's complaints."""
    for _ in range(12):
        complaint(world.dukcapil)
    login(client, world.operator)
    url = reverse("complaints:inbox", args=[world.dukcapil.pk])
    client.get(url)
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert response.content.decode().count("/aduan/") >= 12


def test_late_filter_shows_only_overdue_complaints(client, world):
    from datetime import timedelta

    from django.utils import timezone

    old = complaint(world.dukcapil, now=timezone.now() - timedelta(days=30))
    fresh = complaint(world.dukcapil)
    login(client, world.operator)
    url = reverse("complaints:inbox", args=[world.dukcapil.pk]) + "?due=late"
    page = client.get(url).content.decode()
    assert old.tracking_code in page
    assert fresh.tracking_code not in page
    assert "Terlambat" in page
