"""Public pages and settings that every deployment depends on."""

import os
import subprocess
import sys

import pytest


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
