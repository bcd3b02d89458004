"""The counter kiosk: its page, its service worker and its offline sync endpoint."""

import json
import re
import uuid
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from mutu.measures.skm_elements import ELEMENTS
from mutu.surveys.channels.kiosk.views import SYNC_BATCH_MAX, kiosk_token
from mutu.surveys.models import Response, UnitSurveySettings
from tests.registry import factories


@pytest.fixture(autouse=True)
def _fresh_rate_window():
    """Each test starts with an empty rate-limit counter."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def point(world):
    counter = factories.point(world.dukcapil, code="dukcapil-1")
    counter.services.add(world.ktp)
    return counter


def _item(world, **overrides):
    item = {
        "client_id": str(uuid.uuid4()),
        "service": world.ktp.pk,
        "answers": {f"U{i}": 3 + i % 2 for i in range(1, 10)},
        "profile": {"sex": "P", "age": "34", "education": "", "occupation": ""},
        "comment": "Ruang tunggu sejuk.",
        "submitted_at": (timezone.now() - timedelta(days=3)).isoformat(),
    }
    item.update(overrides)
    return item


def _sync(client, point, items, token=None):
    return client.post(
        reverse("kiosk:sync", args=[point.code]),
        data=json.dumps({"token": token or kiosk_token(point), "responses": items}),
        content_type="application/json",
    )


def test_kiosk_page_links_to_the_form_and_runs_no_inline_script(client, point):
    """Without JavaScript the kiosk page offers the ordinary form; scripts are files."""
    response = client.get(reverse("kiosk:page", args=[point.code]))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="{reverse("web:form", args=[point.code])}"' in html
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts
    assert all("src=" in tag for tag in scripts)
    assert "mutu/kiosk.js" in html
    assert 'id="kiosk" class="kiosk" hidden' in html


def test_kiosk_page_carries_questions_as_words_and_the_token(client, point):
    """The nine questions with word labels, and the point's sync token, are in the page."""
    response = client.get(reverse("kiosk:page", args=[point.code]))
    html = response.content.decode()
    for element in ELEMENTS:
        assert f'data-element="{element.code}"' in html
        for label in element.answers_id:
            assert f">{label}</button>" in html
    assert f'data-token="{kiosk_token(point)}"' in html
    assert response["Cache-Control"] == "no-cache"


def test_kiosk_page_unknown_point_is_404(client, world):
    """A code that names no service point answers 404."""
    assert client.get(reverse("kiosk:page", args=["tidak-ada"])).status_code == 404


def test_kiosk_service_worker_is_served_at_the_kiosk_scope(client):
    """The worker is JavaScript under /kiosk/, so it may control every kiosk page."""
    response = client.get(reverse("kiosk:service_worker"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/kiosk/"
    assert reverse("kiosk:service_worker") == "/kiosk/sw.js"
    assert b'const CACHE = "mutu-kiosk-v1"' in response.content


def test_kiosk_sync_stores_responses_on_the_kiosk_channel(client, world, point):
    """Queued responses are stored on the kiosk channel with the tablet's answer time."""
    items = [_item(world), _item(world, answers={"U1": 4})]
    response = _sync(client, point, items)
    body = response.json()
    assert response.status_code == 200
    assert [r["status"] for r in body["results"]] == ["created", "created"]
    assert [r["client_id"] for r in body["results"]] == [i["client_id"] for i in items]
    assert body["counts"] == {"created": 2}
    stored = Response.objects.get(client_id=items[0]["client_id"])
    assert (stored.channel, stored.point, stored.unit, stored.sex, stored.age) == (
        "kiosk",
        point,
        world.dukcapil,
        "P",
        34,
    )
    assert stored.submitted_at.isoformat() == items[0]["submitted_at"]
    assert stored.day == timezone.localdate(stored.submitted_at)
    assert stored.day < timezone.localdate()


def test_kiosk_sync_retried_ten_times_stores_each_response_once(client, world, point):
    """A sync replayed ten times stores each response once and reports "replayed"."""
    items = [_item(world), _item(world, comment="")]
    _sync(client, point, items)
    for _ in range(10):
        again = _sync(client, point, items)
        assert [r["status"] for r in again.json()["results"]] == ["replayed"] * 2
    assert Response.objects.filter(channel="kiosk").count() == 2


def test_kiosk_sync_reports_conflict_and_invalid_items_and_stores_the_rest(
    client, world, point
):
    """One bad item never blocks the others: each gets its own outcome and message."""
    first = _item(world)
    _sync(client, point, [first])
    reused = _item(world, client_id=first["client_id"], answers={"U1": 1})
    bad_answer = _item(world, answers={"U1": 7})
    no_id = _item(world, client_id="bukan-uuid")
    other_service = _item(world, service=world.ktp_bandung.pk)
    good = _item(world)
    response = _sync(
        client, point, [reused, bad_answer, no_id, other_service, "teks", good]
    )
    results = response.json()["results"]
    assert [r["status"] for r in results] == [
        "conflict",
        "invalid",
        "invalid",
        "invalid",
        "invalid",
        "created",
    ]
    assert "sudah dipakai" in results[0]["message"]
    assert results[1]["field"] == "U1"
    assert "1, 2, 3 atau 4" in results[1]["message"]
    assert results[1]["message_en"].startswith("Answer U1 must be")
    assert results[2]["field"] == "client_id"
    assert results[3]["field"] == "service"
    assert results[4]["client_id"] is None
    assert Response.objects.count() == 2


def test_kiosk_sync_rejects_a_malformed_profile_without_storing(client, world, point):
    """A profile that is not made of strings is invalid, not a server error."""
    item = _item(world, profile={"sex": 1})
    response = _sync(client, point, [item])
    assert response.json()["results"][0]["status"] == "invalid"
    assert response.json()["results"][0]["field"] == "profile"
    assert not Response.objects.exists()


def test_kiosk_sync_replaces_an_implausible_device_clock(client, world, point):
    """A tablet clock far in the past or the future gives way to the server's time."""
    old = _item(world, submitted_at="2001-01-01T08:00:00+07:00")
    future = _item(world, submitted_at="2999-01-01T08:00:00+07:00")
    response = _sync(client, point, [old, future])
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["created", "created"]
    assert "waktu terima server" in results[0]["message"]
    years = set(
        Response.objects.values_list("submitted_at__year", flat=True).distinct()
    )
    assert years.isdisjoint({2001, 2999})


@override_settings(MUTU_SURVEY_MAX_AGE_DAYS=60)
def test_kiosk_sync_keeps_a_tablet_time_inside_the_one_window(client, world, point):
    """The kiosk trusts the tablet's clock inside the window every channel shares
    (``MUTU_SURVEY_MAX_AGE_DAYS``) and files a time beyond it at receipt."""
    inside = timezone.now() - timedelta(days=59)
    outside = timezone.now() - timedelta(days=61)
    items = [
        _item(world, submitted_at=inside.isoformat()),
        _item(world, submitted_at=outside.isoformat()),
    ]
    results = _sync(client, point, items).json()["results"]
    assert [r["message"] for r in results] == [
        "Tersimpan.",
        "Tersimpan dengan waktu terima server (jam perangkat tidak wajar).",
    ]
    kept = Response.objects.get(client_id=items[0]["client_id"])
    replaced = Response.objects.get(client_id=items[1]["client_id"])
    assert kept.submitted_at == inside
    assert replaced.submitted_at > timezone.now() - timedelta(minutes=1)


def test_kiosk_sync_with_a_wrong_token_is_403_and_stores_nothing(client, world, point):
    """Only a page served for this point can sync to it."""
    other = factories.point(world.dukcapil, code="dukcapil-2")
    response = _sync(client, point, [_item(world)], token=kiosk_token(other))
    assert response.status_code == 403
    assert "Token kios salah" in response.json()["message_id"]
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    "body",
    [b"bukan json", b"[]", b'{"token": "x"}', b'{"responses": {}}', b"\xff\xfe"],
)
def test_kiosk_sync_with_a_malformed_body_is_400(client, point, body):
    """A body that is not {"token", "responses": [...]} gets a clear 400."""
    response = client.post(
        reverse("kiosk:sync", args=[point.code]),
        data=body,
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "JSON" in response.json()["message_en"]


def test_kiosk_sync_refuses_an_oversized_batch(client, world, point):
    """More than the batch limit in one request is refused whole."""
    items = [_item(world) for _ in range(SYNC_BATCH_MAX + 1)]
    response = _sync(client, point, items)
    assert response.status_code == 400
    assert not Response.objects.exists()


def test_kiosk_sync_unknown_point_is_404_json(client, world):
    """A sync to a code that names no point answers 404 in JSON."""
    response = client.post(
        "/kiosk/tidak-ada/responses", data="{}", content_type="application/json"
    )
    assert response.status_code == 404
    assert response.json()["message_en"] == "Service point not found."


def test_kiosk_sync_needs_no_csrf_cookie(world, point):
    """The kiosk is a public device without a session: the token replaces CSRF."""
    client = Client(enforce_csrf_checks=True)
    response = _sync(client, point, [_item(world)])
    assert response.status_code == 200
    assert Response.objects.count() == 1


def test_kiosk_sync_only_accepts_post(client, point):
    """Reading the sync URL is not allowed."""
    url = reverse("kiosk:sync", args=[point.code])
    assert client.get(url).status_code == 405


def test_kiosk_sync_is_rate_limited_per_address(client, world, point, settings):
    """Past the per-minute limit an address gets 429 with Retry-After, nothing stored."""
    settings.MUTU_KIOSK_SYNC_PER_MINUTE = 2
    assert _sync(client, point, [_item(world)]).status_code == 200
    assert _sync(client, point, [_item(world)]).status_code == 200
    refused = _sync(client, point, [_item(world)])
    other_address = client.post(
        reverse("kiosk:sync", args=[point.code]),
        data=json.dumps({"token": kiosk_token(point), "responses": [_item(world)]}),
        content_type="application/json",
        REMOTE_ADDR="10.0.0.9",
    )
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert other_address.status_code == 200
    assert Response.objects.count() == 3


def test_kiosk_page_asks_for_the_service_when_the_point_has_several(
    client, world, point
):
    """A counter with two services starts with a service choice; none is preset."""
    second = factories.service(world.dukcapil, "Penerbitan KK")
    point.services.add(second)
    html = client.get(reverse("kiosk:page", args=[point.code])).content.decode()
    assert 'data-step="service"' in html
    assert f'data-service="{second.pk}"' in html
    assert 'data-default-service=""' in html


def test_kiosk_sync_answers_in_english_when_asked(client, world, point):
    """The outcome message follows the chosen language; both are always present."""
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("kiosk:sync", args=[point.code]),
        data=json.dumps({"token": kiosk_token(point), "responses": [_item(world)]}),
        content_type="application/json",
    )
    result = response.json()["results"][0]
    assert (result["message"], result["message_en"]) == ("Stored.", "Stored.")


def test_kiosk_responses_are_not_flagged_as_own_network(client, world, point):
    """A kiosk stands inside the unit's network by design: no own-network flag."""
    UnitSurveySettings.objects.create(unit=world.dukcapil, own_networks="127.0.0.0/8")
    _sync(client, point, [_item(world)])
    stored = Response.objects.get()
    assert not stored.flags.filter(rule="own_network").exists()
    assert stored.device_hash == ""
