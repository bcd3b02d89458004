"""Read replicas (issue 14 item 8): the router, read-your-writes, and a real
PostgreSQL primary with a streaming replica.

The first tests run on any database with the replica aliases simulated; the last one
builds two private PostgreSQL clusters and runs Mutu against them in a child process.
"""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from mutu.dbrouting import (
    READ_YOUR_WRITES_COOKIE,
    ReplicaRouter,
    choose_replica,
    read_alias,
    reading_from,
    replica_reads,
)
from mutu.registry.models import ServiceUnit

REPO = Path(__file__).resolve().parent.parent
POSTGRES_LIB = Path("/usr/lib/postgresql")
PRIMARY, REPLICA = "mutu_primary", "mutu_replica"
PRIMARY_PORT, REPLICA_PORT = 5440, 5441


# --- the router, without a replica ----------------------------------------------------


def test_without_replicas_everything_reads_from_default(rf):
    """No DATABASE_REPLICA_URLS: a marked view reads from default, as before."""
    request = rf.get("/hasil/")
    assert choose_replica(request) is None

    @replica_reads
    def view(request):
        return read_alias()

    assert view(request) == DEFAULT_DB_ALIAS


def test_a_marked_view_reads_from_a_replica_for_get_only(rf, settings):
    """With replicas, a marked GET reads from one of them; its POST from default."""
    settings.MUTU_REPLICA_ALIASES = ["replica1", "replica2"]

    @replica_reads
    def view(request):
        return read_alias()

    assert view(rf.get("/")) in {"replica1", "replica2"}
    assert view(rf.post("/")) == DEFAULT_DB_ALIAS
    assert read_alias() == DEFAULT_DB_ALIAS  # reset after the view


def test_a_browser_that_just_wrote_reads_from_the_primary(rf, settings):
    """Inside its read-your-writes window a browser's marked GET reads default;
    after it, a replica; a garbled stamp counts as none."""
    settings.MUTU_REPLICA_ALIASES = ["replica1"]
    request = rf.get("/")
    request.COOKIES[READ_YOUR_WRITES_COOKIE] = str(time.time() + 10)
    assert choose_replica(request) is None
    request.COOKIES[READ_YOUR_WRITES_COOKIE] = str(time.time() - 1)
    assert choose_replica(request) == "replica1"
    request.COOKIES[READ_YOUR_WRITES_COOKIE] = "nanti"
    assert choose_replica(request) == "replica1"


def test_router_keeps_reads_inside_a_transaction_on_the_primary(db):
    """A read in an atomic block on default stays there (a workflow never mixes a
    replica's older rows with its own); writes always go to default."""
    router = ReplicaRouter()
    with reading_from("replica1"):
        assert router.db_for_write(ServiceUnit) == DEFAULT_DB_ALIAS
        with transaction.atomic():
            assert router.db_for_read(ServiceUnit) is None
    assert router.allow_migrate("replica1", "surveys") is False
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "surveys") is True


def test_router_sends_reads_outside_a_transaction_to_the_replica():
    """Outside any transaction a marked read goes to the chosen replica."""
    router = ReplicaRouter()
    assert router.db_for_read(ServiceUnit) is None
    with reading_from("replica1"):
        assert router.db_for_read(ServiceUnit) == "replica1"


def test_a_write_stamps_the_read_your_writes_cookie(client, settings, world):
    """With replicas configured any POST answer carries the stamp
    (MUTU_READ_YOUR_WRITES_SECONDS ahead); a GET does not; without replicas no
    cookie is set at all."""
    settings.MUTU_READ_YOUR_WRITES_SECONDS = 7
    url = reverse("accounts:login")
    assert READ_YOUR_WRITES_COOKIE not in client.post(url, {}).cookies
    settings.MUTU_REPLICA_ALIASES = ["replica1"]
    assert READ_YOUR_WRITES_COOKIE not in client.get(url).cookies
    before = time.time()
    cookie = client.post(url, {}).cookies[READ_YOUR_WRITES_COOKIE]
    assert cookie["max-age"] == 7
    assert before + 6 <= float(cookie.value) <= time.time() + 8
    assert cookie["httponly"]


@pytest.fixture
def rf():
    return RequestFactory()


# --- a real primary and streaming replica ------------------------------------------

CHILD = r"""
import json, os, time, uuid
import django
django.setup()
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from mutu.accounts.models import Role
from mutu.surveys.models import Publication, Response
from tests.accounts.factories import user_with_role
from tests.registry import factories
from tests.surveys.test_views import _post_data

national = factories.region("ID", "Indonesia")
province = factories.region("18", "Lampung", national)
regency = factories.region("18.09", "Kabupaten Pesawaran", province)
unit = factories.unit(factories.government(regency), "Dukcapil Pesawaran")
service = factories.service(unit, "Penerbitan KTP-el")
point = factories.point(unit, code="dukcapil-1")
point.services.add(service)
Publication.objects.create(unit=unit, period_key="2026-Q3",
                           published_at=timezone.localdate())
operator = user_with_role("operator", Role.UNIT_OPERATOR, unit)

def replicated(check):
    for _ in range(200):
        if check():
            return True
        time.sleep(0.05)
    return False

out = {"in_recovery": {}}
for alias in ("default", "replica1"):
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        out["in_recovery"][alias] = cursor.fetchone()[0]
out["unit_replicated"] = replicated(
    lambda: Publication.objects.using("replica1").filter(unit=unit).exists())

def traced(send):
    with CaptureQueriesContext(connections["default"]) as primary, \
         CaptureQueriesContext(connections["replica1"]) as replica:
        answer = send()
        body = b"".join(answer.streaming_content) if answer.streaming else b""
    return {
        "status": answer.status_code,
        "primary": [q["sql"] for q in primary.captured_queries],
        "replica": [q["sql"] for q in replica.captured_queries],
        "cookie": answer.cookies.get("mutu_primary_until").value
        if "mutu_primary_until" in answer.cookies else "",
        "lines": body.count(b"\n"),
    }

public = reverse("surveys:public_unit", kwargs={"unit_id": unit.pk})
citizen = Client()
out["public"] = traced(lambda: citizen.get(public))
out["write"] = traced(
    lambda: citizen.post(reverse("web:form", args=[point.code]), _post_data(
        type("W", (), {"ktp": service})())))
out["public_after_write"] = traced(lambda: citizen.get(public))
out["response_replicated"] = replicated(
    lambda: Response.objects.using("replica1").count() == 1)
del citizen.cookies["mutu_primary_until"]
out["public_later"] = traced(lambda: citizen.get(public))

staff = Client()
staff.force_login(operator)
export = reverse("surveys:export_unit", kwargs={"unit_id": unit.pk})
out["dashboard"] = traced(lambda: staff.get(reverse("accounts:dashboard")))
out["export"] = traced(lambda: staff.get(export))
print("RESULT " + json.dumps(out))
"""


def _run(*command: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(
        command, capture_output=True, text=True, check=False, timeout=300
    )
    assert not check or done.returncode == 0, f"{command}: {done.stderr[-2000:]}"
    return done


def _drop_clusters(version: str) -> None:
    """Drop this test's own clusters (by their names; never ``main``)."""
    for name in (REPLICA, PRIMARY):
        if Path(f"/etc/postgresql/{version}/{name}").exists():
            _run("pg_dropcluster", "--stop", version, name, check=False)


def _log(version: str, name: str) -> str:
    path = Path(f"/var/log/postgresql/postgresql-{version}-{name}.log")
    return path.read_text(errors="replace") if path.exists() else ""


@pytest.fixture
def clusters():
    """A private primary on 5440 and its streaming replica on 5441 (both logging
    every statement), dropped afterwards whatever happens."""
    if connection.vendor != "postgresql":
        pytest.skip("the replica test runs once, on PostgreSQL")
    if os.geteuid() != 0 or not shutil.which("pg_createcluster"):
        pytest.skip("needs root and Debian's postgresql-common (pg_createcluster)")
    version = max(os.listdir(POSTGRES_LIB), key=lambda v: int(v.split(".")[0]))
    _drop_clusters(version)
    conf = (
        "listen_addresses = '127.0.0.1'\n"
        "log_statement = 'all'\n"
        "wal_level = replica\n"
        "max_wal_senders = 4\n"
        "hot_standby = on\n"
        "fsync = off\n"
    )
    try:
        for name, port in ((PRIMARY, PRIMARY_PORT), (REPLICA, REPLICA_PORT)):
            _run(
                "pg_createcluster", "-p", str(port), version, name,
                "--", "--auth-local=trust", "--auth-host=trust",
            )  # fmt: skip
            etc = Path(f"/etc/postgresql/{version}/{name}")
            (etc / "conf.d" / "mutu-replica-test.conf").write_text(conf)
            (etc / "pg_hba.conf").write_text(
                "local all all trust\n"
                "host all all 127.0.0.1/32 trust\n"
                "host replication all 127.0.0.1/32 trust\n"
            )
        _run("pg_ctlcluster", version, PRIMARY, "start")
        data = Path(f"/var/lib/postgresql/{version}/{REPLICA}")
        for entry in data.iterdir():  # empty, kept: its parent is root's
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        _run(
            "runuser", "-u", "postgres", "--", "pg_basebackup",
            "-h", "127.0.0.1", "-p", str(PRIMARY_PORT), "-U", "postgres",
            "-D", str(data), "-R", "-X", "stream", "-c", "fast",
        )  # fmt: skip
        _run("pg_ctlcluster", version, REPLICA, "start")
        yield version
    finally:
        _drop_clusters(version)


def test_read_only_pages_read_the_replica_and_writes_go_to_the_primary(clusters):
    """On a real primary and streaming replica: a public page, a dashboard and an
    export read from the replica; a citizen's submission writes to the primary;
    right after it that browser reads from the primary; later from the replica
    again, which by then holds the new response."""
    version = clusters
    primary = f"postgres://postgres@127.0.0.1:{PRIMARY_PORT}/mutu_replica_test"
    replica = f"postgres://postgres@127.0.0.1:{REPLICA_PORT}/mutu_replica_test"
    _run(
        "psql", "-h", "127.0.0.1", "-p", str(PRIMARY_PORT), "-U", "postgres",
        "-c", "CREATE DATABASE mutu_replica_test",
    )  # fmt: skip
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": primary,
        "DATABASE_REPLICA_URLS": replica,
        "PYTHONPATH": f"{REPO}{os.pathsep}{REPO / 'src'}",
        "MUTU_SURVEY_MIN_SECONDS": "0",
    }
    migrate = subprocess.run(
        [sys.executable, "-m", "mutu", "migrate", "--noinput"],
        env=env, capture_output=True, text=True, timeout=600, cwd=REPO,
    )  # fmt: skip
    assert migrate.returncode == 0, migrate.stderr[-3000:]
    child = subprocess.run(
        [sys.executable, "-c", CHILD],
        env=env, capture_output=True, text=True, timeout=600, cwd=REPO,
    )  # fmt: skip
    assert child.returncode == 0, child.stderr[-3000:]
    line = next(x for x in child.stdout.splitlines() if x.startswith("RESULT "))
    out = json.loads(line.removeprefix("RESULT "))

    def touches(queries: list[str], table: str) -> bool:
        return any(f'"{table}"' in sql for sql in queries)

    assert out["in_recovery"] == {"default": False, "replica1": True}
    assert out["unit_replicated"]
    # the public page: every query of the view on the replica
    public = out["public"]
    assert public["status"] == 200
    assert touches(public["replica"], "surveys_publication")
    assert not touches(public["primary"], "surveys_publication")
    # the citizen's submission: written on the primary, nothing on the replica
    write = out["write"]
    assert write["status"] == 302
    assert any(
        sql.startswith('INSERT INTO "surveys_response"') for sql in write["primary"]
    )
    assert write["replica"] == []
    assert float(write["cookie"]) > time.time()
    # read-your-writes: right after, this browser's public page reads the primary
    after = out["public_after_write"]
    assert touches(after["primary"], "surveys_publication")
    assert after["replica"] == []
    # and later (the stamp gone) the replica again, which has the response by then
    assert out["response_replicated"]
    assert touches(out["public_later"]["replica"], "surveys_publication")
    assert not touches(out["public_later"]["primary"], "surveys_publication")
    # a signed-in dashboard and an export read the replica too
    assert out["dashboard"]["status"] == 200
    assert touches(out["dashboard"]["replica"], "registry_serviceunit")
    assert out["export"]["status"] == 200
    assert out["export"]["lines"] == 2  # the header and the one response
    # (the COPY runs on psycopg's own cursor, unseen by Django: the log shows it)
    assert touches(out["export"]["replica"], "registry_serviceunit")
    assert not touches(out["export"]["primary"], "registry_serviceunit")
    # the servers' own logs agree: the replica ran the page's SELECT, the primary
    # the INSERT, and the replica never an INSERT
    replica_log, primary_log = _log(version, REPLICA), _log(version, PRIMARY)
    assert 'FROM "surveys_publication"' in replica_log
    assert 'INSERT INTO "surveys_response"' in primary_log
    assert 'INSERT INTO "surveys_response"' not in replica_log
    assert "COPY (SELECT" in replica_log


MARKED = {
    "public_results",
    "accounts:dashboard",
    "registry:region_detail",
    "surveys:unit_results",
    "surveys:public_unit",
    "surveys:public_result",
    "surveys:export_unit",
    "surveys:export_region",
    "evaluations:public_cycle",
    "reports:open_data",
    "reports:open_data_dictionary",
    "reports:open_data_csv",
    "reports:open_data_json",
    "reports:evaluation_report_pdf",
    "reports:evaluation_report_xlsx",
    "reports:score_sheet_pdf",
    "reports:score_sheet_xlsx",
    "reports:region_dashboard",
    "reports:unit_dashboard",
    "reports:mpp_detail",
}
"""The read-only views that may read from a replica (docs/scaling-replicas.md)."""


def _callbacks(patterns, namespace: str = "") -> dict[str, object]:
    found: dict[str, object] = {}
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = (
                f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            )
            found.update(_callbacks(pattern.url_patterns, inner))
        elif isinstance(pattern, URLPattern) and pattern.name:
            found[f"{namespace}{pattern.name}"] = pattern.callback
    return found


def test_exactly_the_read_only_views_are_marked():
    """The views marked @replica_reads are those the scaling plan lists: public
    pages, dashboards and exports; no form or workflow page reads a replica."""
    callbacks = _callbacks(get_resolver().url_patterns)
    marked = {
        name
        for name, view in callbacks.items()
        if getattr(view, "replica_reads", False)
    }
    assert marked == MARKED
