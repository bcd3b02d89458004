"""``mutu serve`` refuses to start what would only serve errors, and starts gunicorn
with the options it was given."""

import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from mutu.ops.management.commands import serve


@pytest.fixture(autouse=True)
def _deployable(monkeypatch):
    """The browser tests allow async-unsafe calls for Playwright, which the
    deployment check rightly calls an error; these tests want a deployable process."""
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)


def test_serve_refuses_debug(settings):
    """DEBUG on is a development server, never production."""
    settings.DEBUG = True
    with pytest.raises(CommandError, match="turn DJANGO_DEBUG off"):
        call_command("serve")


@pytest.mark.django_db
def test_serve_refuses_uncollected_static_files(settings, tmp_path):
    """With the production storage and no manifest, it names the command to run."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        },
    }
    with pytest.raises(CommandError, match="mutu collectstatic --noinput"):
        call_command("serve")


@pytest.mark.django_db
def test_serve_refuses_unapplied_migrations(monkeypatch):
    """A server on an old schema answers 500s: it says to migrate instead."""
    monkeypatch.setattr(
        serve.MigrationExecutor, "migration_plan", lambda self, targets: [object()]
    )
    with pytest.raises(CommandError, match="run `mutu migrate`"):
        call_command("serve")


def test_serve_refuses_zero_workers():
    with pytest.raises(CommandError, match="above 0"):
        call_command("serve", "--workers", "0")


def test_gunicorn_command_line_carries_every_option():
    """Binds repeat, workers and timeout pass through, the WSGI app is Mutu's."""
    argv = serve.gunicorn_argv(
        binds=["127.0.0.1:8000", "unix:/run/mutu.sock"], workers=3, timeout=20
    )
    assert argv[:4] == [sys.executable, "-m", "gunicorn", "mutu.wsgi:application"]
    assert argv.count("--bind") == 2
    assert argv[argv.index("--workers") + 1] == "3"
    assert argv[argv.index("--timeout") + 1] == "20"
    assert "--no-control-socket" in argv


def test_default_workers_follow_web_concurrency(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    assert serve.default_workers() == 4
    monkeypatch.delenv("WEB_CONCURRENCY")
    assert serve.default_workers() >= 3
