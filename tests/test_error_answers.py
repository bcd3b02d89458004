"""Outages, oversized and hostile bodies, and Django's own errors are answered in
the error shape of the endpoint asked (mutu.error_answers), through real HTTP."""

import hashlib
import hmac
import json
import sys
import uuid

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client, RequestFactory
from django.urls import reverse

from mutu.error_answers import server_error
from mutu.surveys.channels.kiosk.views import kiosk_token
from mutu.surveys.models import DailyRollup, Response
from tests.api.factories import response_body, token_client
from tests.faults import database_down, database_lost_on_write
from tests.registry import factories

API_KEYS = {"error"}
API_ERROR_KEYS = {"message_id", "message_en", "details"}
KIOSK_KEYS = {"error", "message_id", "message_en"}
WEBHOOK_KEYS = {"error", "error_en"}
SMS_TOKEN = "gateway-secret-for-tests"
WA_SECRET = "whatsapp-app-secret-for-tests"


@pytest.fixture(autouse=True)
def _channels(settings):
    settings.MUTU_SMS_GATEWAY_TOKEN = SMS_TOKEN
    settings.MUTU_WHATSAPP_APP_SECRET = WA_SECRET
    settings.MUTU_WHATSAPP_VERIFY_TOKEN = "verify"


@pytest.fixture
def client():
    """A client that returns Django's own answer to an exception, as a server
    would, instead of raising it in the test."""
    return Client(raise_request_exception=False)


@pytest.fixture
def point(world):
    counter = factories.point(world.dukcapil, code="dukcapil-1")
    counter.services.add(world.ktp)
    return counter


def _kiosk_post(client, point, body: bytes | str):
    return client.post(
        reverse("kiosk:sync", args=[point.code]), body, content_type="application/json"
    )


def _kiosk_item(world) -> dict:
    return {
        "client_id": str(uuid.uuid4()),
        "service": world.ktp.pk,
        "answers": {f"U{i}": 4 for i in range(1, 10)},
        "profile": {"sex": "", "age": "", "education": "", "occupation": ""},
        "comment": "",
        "submitted_at": "",
    }


def _sms_post(client, body: bytes | str, token: str = SMS_TOKEN):
    return client.post(
        reverse("messaging:webhook", args=["generic"]),
        body,
        content_type="application/json",
        headers={"X-Mutu-Token": token},
    )


def _wa_post(client, body: bytes):
    signature = hmac.new(WA_SECRET.encode(), body, hashlib.sha256).hexdigest()
    return client.post(
        reverse("messaging:webhook", args=["whatsapp"]),
        body,
        content_type="application/json",
        headers={"X-Hub-Signature-256": f"sha256={signature}"},
    )


# --- the database unreachable: 503 with Retry-After --------------------------------


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_api_answers_503_json_while_the_database_is_down(world, error):
    """The token cannot even be checked: 503 in the API shape, with Retry-After."""
    api = token_client(world.operator)
    api.raise_request_exception = False

    with database_down(error):
        answer = api.post("/api/v1/responses", response_body(world), format="json")

    assert answer.status_code == 503
    assert answer["Retry-After"] == "30"
    assert answer["Content-Type"] == "application/json"
    body = answer.json()
    assert set(body) == API_KEYS
    assert set(body["error"]) == API_ERROR_KEYS
    assert body["error"]["details"] == {"wait": 30, "reason": "database_unavailable"}
    assert "basis data tidak terjangkau" in body["error"]["message_id"]


def test_api_write_lost_mid_request_is_503_and_the_retry_stores_it_once(world):
    """The connection drops at the INSERT: 503, nothing stored; the client's retry
    with the same client_id stores the response once."""
    api = token_client(world.operator)
    api.raise_request_exception = False
    body = response_body(world)

    with database_lost_on_write():
        lost = api.post("/api/v1/responses", body, format="json")
    retried = api.post("/api/v1/responses", body, format="json")

    assert lost.status_code == 503
    assert lost.json()["error"]["details"]["reason"] == "database_unavailable"
    assert retried.status_code == 201
    assert Response.objects.count() == 1
    assert sum(DailyRollup.objects.values_list("responses", flat=True)) == 1


def test_bulk_lost_mid_request_stores_nothing(world):
    """A bulk whose transaction loses the database is 503 and all of it is gone."""
    api = token_client(world.operator)
    api.raise_request_exception = False
    items = [response_body(world) for _ in range(3)]

    with database_lost_on_write():
        answer = api.post("/api/v1/responses/bulk", items, format="json")

    assert answer.status_code == 503
    assert not Response.objects.exists()


def test_page_answers_an_indonesian_503_page_while_the_database_is_down(world, client):
    """A signed-in user's page (the session itself is in the database) and a public
    page answer the Indonesian 503 page, rendered without touching the database."""
    client.force_login(world.coordinator)

    with database_down():
        dashboard = client.get(reverse("accounts:dashboard"))
        public = client.get("/hasil/")

    for answer in (dashboard, public):
        html = answer.content.decode()
        assert answer.status_code == 503
        assert answer["Retry-After"] == "30"
        assert answer["Content-Type"].startswith("text/html")
        assert '<html lang="id">' in html
        assert "Layanan sedang tidak tersedia" in html
        assert "Coba lagi dalam 30 detik" in html


def test_kiosk_and_webhook_answer_503_in_their_own_shape(world, point, client):
    """The kiosk keeps its queue and the SMS gateway retries: both get 503 in the
    shape they already read."""
    sync_body = json.dumps(
        {"token": kiosk_token(point), "responses": [_kiosk_item(world)]}
    )
    sms_body = json.dumps({"from": "+6281234567890", "text": "SKM dukcapil-1"})

    with database_down():
        kiosk = _kiosk_post(client, point, sync_body)
        sms = _sms_post(client, sms_body)

    assert kiosk.status_code == 503
    assert set(kiosk.json()) == KIOSK_KEYS
    assert kiosk["Retry-After"] == "30"
    assert sms.status_code == 503
    assert set(sms.json()) == WEBHOOK_KEYS
    assert sms["Retry-After"] == "30"
    assert not Response.objects.exists()


def test_database_error_outside_a_view_is_503_too(rf: RequestFactory):
    """An outage raised in a middleware reaches Django's handler500, which answers
    503 in the endpoint's shape as well."""
    request = rf.get("/api/v1/responses")
    try:
        raise OperationalError("the database system is shutting down")
    except OperationalError:
        answer = server_error(request)
        assert sys.exc_info()[0] is OperationalError

    assert answer.status_code == 503
    assert json.loads(answer.content)["error"]["details"]["wait"] == 30


# --- hostile bodies: too deep, too large ------------------------------------------


def test_kiosk_deep_body_is_400_before_the_token_is_checked(world, point, client):
    """20,000 nested objects, with no token: 400 in the kiosk's shape (was a 500)."""
    deep = '{"a":' * 20_000 + "1" + "}" * 20_000

    answer = _kiosk_post(client, point, deep)

    assert answer.status_code == 400
    assert set(answer.json()) == KIOSK_KEYS
    assert "32 tingkat" in answer.json()["message_id"]


def test_kiosk_body_over_its_limit_is_413_in_its_shape(world, point, client, settings):
    """A body past MUTU_KIOSK_MAX_BODY_KB is refused before the view reads it."""
    limit = settings.MUTU_KIOSK_MAX_BODY_KB * 1024
    body = json.dumps({"token": "x", "responses": [], "pad": "x" * limit})

    answer = _kiosk_post(client, point, body)

    assert answer.status_code == 413
    assert set(answer.json()) == KIOSK_KEYS
    assert "1.024 KiB" in answer.json()["message_id"]
    assert "1,024 KiB" in answer.json()["message_en"]


def test_kiosk_limit_fits_a_full_sync_as_the_page_sends_it(world, point, settings):
    """The page's largest sync, 100 responses with 2,000-emoji comments
    (JSON.stringify: UTF-8, no spaces), fits the kiosk's limit."""
    from mutu.surveys.channels.kiosk.views import SYNC_BATCH_MAX

    item = _kiosk_item(world) | {
        "service": 2**63 - 1,  # the longest id, whatever the database hands out
        "comment": "\U0001f600" * 2000,
        "extra_answers": {f"X{n}": 4 for n in range(1, 6)},
        "profile": {
            "sex": "P",
            "age": "100",
            "education": "D1-D3",
            "occupation": "WIRAUSAHA",
        },
        "submitted_at": "2025-07-14T09:30:00.123+07:00",
    }
    body = json.dumps(
        {"token": kiosk_token(point), "responses": [item] * SYNC_BATCH_MAX},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()

    assert len(body) == 835_090
    assert len(body) < settings.MUTU_KIOSK_MAX_BODY_KB * 1024


@pytest.mark.parametrize("provider", ["generic", "whatsapp"])
def test_webhook_deep_body_is_400_in_its_shape(world, client, provider):
    """100,000 nested lists, correctly signed: 400 in the webhook's shape."""
    deep = ("[" * 100_000 + "]" * 100_000).encode()

    answer = (
        _sms_post(client, deep) if provider == "generic" else _wa_post(client, deep)
    )

    assert answer.status_code == 400
    assert set(answer.json()) == WEBHOOK_KEYS
    assert "32 levels" in answer.json()["error_en"]


def test_webhook_body_over_its_limit_is_413_in_its_shape(world, client, settings):
    """A body past MUTU_WEBHOOK_MAX_BODY_KB (3 MiB, Meta's largest delivery)."""
    body = b'{"pad": "' + b"x" * (settings.MUTU_WEBHOOK_MAX_BODY_KB * 1024) + b'"}'

    answer = _wa_post(client, body)

    assert answer.status_code == 413
    assert set(answer.json()) == WEBHOOK_KEYS


def test_page_form_over_djangos_limit_is_a_413_page(world, client, settings):
    """A form post past DATA_UPLOAD_MAX_MEMORY_SIZE gets the Indonesian 413 page."""
    padding = "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    answer = client.post(
        reverse("accounts:login"), {"username": "a", "password": padding}
    )

    assert answer.status_code == 413
    assert "Kiriman terlalu besar" in answer.content.decode()


# --- Django's own errors and bare error answers ------------------------------------


def test_each_endpoint_refuses_a_wrong_method_in_its_own_shape(world, point, client):
    """require_POST's empty 405 gets the endpoint's body; Allow is kept."""
    kiosk = client.get(reverse("kiosk:sync", args=[point.code]))
    webhook = client.put(reverse("messaging:webhook", args=["generic"]))
    handshake = client.get(reverse("messaging:webhook", args=["generic"]))
    page = client.post(reverse("kiosk:service_worker"))
    api = token_client(world.operator).get("/api/v1/responses")

    assert [r.status_code for r in (kiosk, webhook, handshake, page, api)] == [405] * 5
    assert kiosk["Allow"] == "POST"
    assert set(kiosk.json()) == KIOSK_KEYS
    assert set(webhook.json()) == WEBHOOK_KEYS
    assert set(handshake.json()) == WEBHOOK_KEYS
    assert "Metode tidak diizinkan" in page.content.decode()
    assert set(api.json()["error"]) == API_ERROR_KEYS


def test_unknown_addresses_are_404_in_the_shape_of_their_endpoint(client):
    """An unknown API path is JSON, an unknown provider the webhook's JSON, any
    other address the Indonesian page."""
    api = client.post("/api/v2/responses")
    provider = client.post(reverse("messaging:webhook", args=["pager"]))
    page = client.get("/tidak-ada/")

    assert api.status_code == provider.status_code == page.status_code == 404
    assert api.json()["error"]["message_en"] == "Not found."
    assert set(provider.json()) == WEBHOOK_KEYS
    assert "Halaman tidak ditemukan" in page.content.decode()


@pytest.mark.urls("tests.error_urls")
def test_bugs_and_refusals_outside_the_api_views_keep_the_shape(db, client):
    """A bug is 500 (JSON under /api/, the Indonesian page elsewhere), a
    PermissionDenied the 403 page, a bare 429 the 429 page."""
    api = client.get("/api/uji/rusak/")
    page = client.get("/uji/rusak/")
    forbidden = client.get("/uji/terlarang/")
    too_many = client.get("/uji/terlalu-sering/")

    assert api.status_code == page.status_code == 500
    assert set(api.json()["error"]) == API_ERROR_KEYS
    assert "Terjadi kesalahan" in page.content.decode()
    assert forbidden.status_code == 403
    assert "Akses ditolak" in forbidden.content.decode()
    assert too_many.status_code == 429
    assert "Terlalu banyak permintaan" in too_many.content.decode()


def test_a_disallowed_host_is_a_400_page(client):
    """A Host header outside ALLOWED_HOSTS: the Indonesian 400 page."""
    answer = client.get("/", headers={"Host": "evil.example"})

    assert answer.status_code == 400
    assert "Permintaan tidak sah" in answer.content.decode()
