"""Public pages and settings that every deployment depends on."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.test import Client, override_settings
from django.urls import reverse

from tests.api.factories import response_body, token_client
from tests.faults import database_down
from tests.registry import factories


def test_home_page_says_what_mutu_is(client):
    """The home page explains Mutu in Indonesian and links to the public results."""
    response = client.get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "survei kepuasan masyarakat (SKM)" in body
    assert 'href="/hasil/"' in body
    assert "<script" not in body


def test_public_results_page_is_empty_for_now(client, db):
    """Until surveys are published, the results page says so."""
    body = client.get("/hasil/").content.decode()
    assert "Belum ada hasil" in body


def test_pages_send_security_headers(client):
    """Every page carries a CSP without inline script, and refuses framing."""
    response = client.get("/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_unknown_page_is_a_plain_404(client):
    """A wrong address answers 404, not a server error."""
    assert client.get("/tidak-ada/").status_code == 404


def _mutu(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-m", "mutu", *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-" + "z9" * 20,
    "DJANGO_ALLOWED_HOSTS": "mutu.pesawarankab.go.id",
}


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"])
def test_production_refuses_to_start_without(missing):
    """With DEBUG off, a missing secret or host list stops the start-up."""
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = _mutu("check", env=env)
    assert result.returncode != 0
    assert f"{missing} wajib diisi" in result.stderr


def test_production_settings_pass_check_deploy():
    """`mutu check --deploy` is clean with the documented production variables."""
    result = _mutu("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_production_uses_argon2():
    """Passwords are hashed with Argon2 in the real settings."""
    from mutu import settings as real

    assert real.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_browser_language_does_not_switch_away_from_indonesian(client):
    """An English browser still gets Indonesian until the visitor chooses English."""
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="id">' in body


# --- security headers on every kind of answer ----------------------------------------

HSTS = "max-age=31536000; includeSubDomains; preload"


@pytest.fixture
def point(world):
    counter = factories.point(world.dukcapil, code="dukcapil-1")
    counter.services.add(world.ktp)
    return counter


def _api_created(world, point, client):
    return token_client(world.operator).post(
        "/api/v1/responses", response_body(world), format="json", secure=True
    )


def _api_refused(world, point, client):
    return client.post("/api/v1/responses", {}, secure=True)


def _bad_request(world, point, client):
    return client.get("/", headers={"Host": "evil.example"}, secure=True)


def _csrf_failure(world, point, client):
    return Client(enforce_csrf_checks=True).post(
        reverse("accounts:login"), {"username": "a"}, secure=True
    )


def _forbidden(world, point, client):
    return client.get("/uji/terlarang/", secure=True)


def _not_found(world, point, client):
    return client.get("/tidak-ada/", secure=True)


def _method_not_allowed(world, point, client):
    return client.post(reverse("kiosk:service_worker"), secure=True)


def _too_large(world, point, client):
    padding = "x" * django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return client.post(reverse("accounts:login"), {"password": padding}, secure=True)


def _too_many(world, point, client):
    with override_settings(MUTU_PUBLIC_POSTS_PER_MINUTE=1):
        for _ in range(2):
            answer = client.post(reverse("web:form", args=[point.code]), secure=True)
    return answer


def _server_error(world, point, client):
    return client.get("/uji/rusak/", secure=True)


def _unavailable(world, point, client):
    with database_down():
        return client.get("/hasil/", secure=True)


@pytest.mark.urls("tests.error_urls")
@pytest.mark.parametrize(
    ("ask", "status"),
    [
        (_api_created, 201),
        (_api_refused, 401),
        (_bad_request, 400),
        (_csrf_failure, 403),
        (_forbidden, 403),
        (_not_found, 404),
        (_method_not_allowed, 405),
        (_too_large, 413),
        (_too_many, 429),
        (_server_error, 500),
        (_unavailable, 503),
    ],
    ids=lambda value: value.__name__.strip("_") if callable(value) else str(value),
)
def test_every_answer_carries_the_security_headers(world, point, settings, ask, status):
    """API answers and every error page carry the CSP, HSTS (on HTTPS when it is
    on, as in production), nosniff, the referrer policy and the framing ban."""
    settings.SECURE_HSTS_SECONDS = 31536000
    client = Client(raise_request_exception=False)

    answer = ask(world, point, client)

    assert answer.status_code == status
    assert "default-src 'self'" in answer["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in answer["Content-Security-Policy"]
    assert answer["Strict-Transport-Security"] == HSTS
    assert answer["X-Content-Type-Options"] == "nosniff"
    assert answer["Referrer-Policy"] == "same-origin"
    assert answer["X-Frame-Options"] == "DENY"
    if status >= 400 and not answer["Content-Type"].startswith("application/json"):
        html = answer.content.decode()
        assert '<html lang="id">' in html
        assert "<script" not in html
