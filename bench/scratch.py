"""A throw-away PostgreSQL database for one benchmark run, and Django set up on it."""

from __future__ import annotations

import os
import secrets
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def server_url() -> str:
    """``DATABASE_URL`` (its server is used; the database name is not touched)."""
    return os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")


#: The database of generated national data that ``run_all.py`` shares between the
#: benchmarks of one run: ``generate.py --keep-as NAME`` fills and keeps it, the
#: later benchmarks of the same plan read it instead of generating the same
#: 10,000,000 rows again (three generations made ``make bench`` last over an hour).
SHARED_DATA_ENV = "MUTU_BENCH_DATA_DB"


def database_url(server: str, name: str) -> str:
    """The URL of database *name* on *server*'s server."""
    return urllib.parse.urlsplit(server)._replace(path=f"/{name}").geturl()


def database_drop(server: str, name: str) -> None:
    import psycopg

    with psycopg.connect(database_url(server, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def scratch_database(
    server: str, prefix: str, *, keep_as: str | None = None
) -> Iterator[str]:
    """A fresh database ``<prefix>_<pid>`` on *server*'s server, dropped at the end;
    named *keep_as* and kept when that is given."""
    import psycopg

    name = keep_as or f"{prefix}_{os.getpid()}"
    with psycopg.connect(database_url(server, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield database_url(server, name)
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: S110 (Django may not be set up)
            pass
        if not keep_as:
            database_drop(server, name)


@contextmanager
def data_database(server: str, prefix: str) -> Iterator[tuple[str, bool]]:
    """The run's shared generated database (``SHARED_DATA_ENV``), kept; else a fresh
    scratch database. Yields its URL and whether it already holds the data."""
    shared = os.environ.get(SHARED_DATA_ENV)
    if shared:
        yield database_url(server, shared), True
        return
    with scratch_database(server, prefix) as url:
        yield url, False


def data_ready(plan: Any, *, shared: bool) -> None:
    """Fill the database with *plan*'s generated rows, or, when it is the shared
    one, check that it holds them (a database of another plan is refused)."""
    from mutu.registry.models import ServiceUnit

    size = f"{plan.units:,} units, {plan.responses:,} responses"
    if shared:
        found = ServiceUnit.objects.count()
        if found != plan.units:
            raise SystemExit(
                f"{os.environ[SHARED_DATA_ENV]} holds {found:,} units, the plan "
                f"{plan.units:,}: run the benchmark without {SHARED_DATA_ENV}"
            )
        print(f"reading {size} from {os.environ[SHARED_DATA_ENV]}", flush=True)
        return
    from mutu.benchdata.generate import benchdata_generate

    print(f"generating {size}", flush=True)
    started = time.perf_counter()
    benchdata_generate(plan=plan)
    print(f"generated in {time.perf_counter() - started:.1f} s", flush=True)


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
