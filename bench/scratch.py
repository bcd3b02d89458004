"""A throw-away PostgreSQL database for one benchmark run, and Django set up on it."""

from __future__ import annotations

import os
import secrets
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def server_url() -> str:
    """``DATABASE_URL`` (its server is used; the database name is not touched)."""
    return os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")


@contextmanager
def scratch_database(server: str, prefix: str) -> Iterator[str]:
    """A fresh database ``<prefix>_<pid>`` on *server*'s server, dropped at the end."""
    import psycopg

    parts = urllib.parse.urlsplit(server)
    name = f"{prefix}_{os.getpid()}"
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield parts._replace(path=f"/{name}").geturl()
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: S110 (Django may not be set up)
            pass
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def django_setup(database_url: str, var_dir: Path, **settings: str) -> None:
    """Point Django at *database_url*, set it up and migrate."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["MUTU_VAR_DIR"] = str(var_dir)
    os.environ["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "localhost")
    os.environ["DJANGO_SETTINGS_MODULE"] = "mutu.settings"
    os.environ["MUTU_LOG_LEVEL"] = "ERROR"
    os.environ.update(settings)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def peak_rss_mb() -> float:
    """The peak resident memory of this process so far, in MB (Linux)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
