"""Nothing acknowledged is lost, nothing is stored twice, through faults of the real
server and of its database.

The server is started exactly as production starts it, ``mutu serve`` (gunicorn with
2 workers, plus the task worker), on loopback, against a PostgreSQL cluster this
test creates for itself on another port (``pg_createcluster``), so that it can be
restarted without touching the shared server on 5432; the cluster is dropped
afterwards, also when the test fails.

A bounded client sends API submissions, each with its own ``client_id``, singly and
in bulks, from a few threads, and resends every one that was not acknowledged (a
reset connection, a timeout, a 5xx) with bounded retries and back-off. Meanwhile:
one gunicorn worker is killed with SIGKILL; later the whole server (its process
group) is killed with SIGKILL and started again with the same command; later the
private PostgreSQL is restarted in ``immediate`` mode (no checkpoint: crash
recovery). Then: acknowledged = sent = stored, no client id twice, and
``mutu surveys rebuild-rollups --check`` finds the rollups equal to a rebuild.

Runs only on PostgreSQL with the cluster tools and root (CI); about a minute.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.db import connection

TOOLS = ("pg_createcluster", "pg_ctlcluster", "pg_dropcluster", "createdb")
SINGLES = 480
BULKS = 40
BULK_SIZE = 10
CLIENT_THREADS = 4
MAX_ATTEMPTS = 60
REQUEST_TIMEOUT = 10.0
CLIENT_DEADLINE = 150.0

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql"
    or any(shutil.which(tool) is None for tool in TOOLS)
    or not Path("/etc/postgresql").is_dir()
    or os.geteuid() != 0,
    reason="needs PostgreSQL, its cluster tools (pg_createcluster …) and root",
)

SETUP = """
from rest_framework.authtoken.models import Token
from django.core.management import call_command
from mutu.accounts.models import Role
from tests.accounts.factories import user_with_role
from tests.registry import factories

call_command("migrate", verbosity=0)
national = factories.region("ID", "Indonesia")
province = factories.region("18", "Lampung", national)
regency = factories.region("18.09", "Kabupaten Pesawaran", province)
unit = factories.unit(factories.government(regency), "Dukcapil Pesawaran")
service = factories.service(unit, "Penerbitan KTP-el")
token = Token.objects.create(user=user_with_role("sistem", Role.UNIT_OPERATOR, unit))
print("SETUP", unit.pk, service.pk, token.key)
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- the private PostgreSQL cluster ---------------------------------------------------


@dataclass
class Cluster:
    version: str
    name: str
    port: int

    def ctl(self, *args: str) -> None:
        subprocess.run(
            [
                "pg_ctlcluster",
                "--skip-systemctl-redirect",
                self.version,
                self.name,
                *args,
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    """A fresh cluster on a free port, trusted on loopback, dropped at the end."""
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    made = Cluster(version, f"mutu_fault_{uuid.uuid4().hex[:8]}", _free_port())
    try:
        subprocess.run(
            [
                "pg_createcluster", version, made.name, "--port", str(made.port),
                "--", "--auth-host=trust", "--auth-local=trust",
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )  # fmt: skip
        made.ctl("start")
        subprocess.run(
            [
                "createdb",
                "-h",
                "127.0.0.1",
                "-p",
                str(made.port),
                "-U",
                "postgres",
                "mutu",
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        yield made
    finally:
        subprocess.run(
            ["pg_dropcluster", "--stop", version, made.name],
            capture_output=True,
            timeout=120,
            check=False,
        )


# --- the server -------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    """Process ids whose parent is *pid* (from /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces: parse after it.
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == pid:
            found.append(int(entry))
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


@dataclass
class Server:
    env: dict[str, str]
    port: int
    log: Path
    process: subprocess.Popen | None = None
    starts: int = 0

    def start(self) -> None:
        """``mutu serve`` in its own process group; wait until it answers."""
        self.starts += 1
        with self.log.open("a") as log:
            log.write(f"\n=== start {self.starts} ===\n")
            log.flush()
            self.process = subprocess.Popen(
                [
                    sys.executable, "-m", "mutu", "serve",
                    "--bind", f"127.0.0.1:{self.port}", "--workers", "2",
                ],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            try:
                status, _ = _request(self.port, "GET", "/", None, None, timeout=2)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError(
            "mutu serve did not answer:\n" + self.log.read_text()[-3000:]
        )

    def gunicorn_workers(self) -> list[int]:
        assert self.process is not None
        masters = [
            pid for pid in _children(self.process.pid) if "gunicorn" in _cmdline(pid)
        ]
        return [worker for master in masters for worker in _children(master)]

    def kill_all(self) -> None:
        """SIGKILL to the whole process group: serve, gunicorn, workers, task worker."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> int:
        """SIGTERM, as systemd stops it; its exit status."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=60)


def _request(port, method, path, body, token, timeout=REQUEST_TIMEOUT):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Token {token}"
        conn.request(method, path, body=body, headers=headers)
        answer = conn.getresponse()
        return answer.status, answer.read()
    finally:
        conn.close()


# --- the client -------------------------------------------------------------------


@dataclass
class Submission:
    """One request's worth of responses: a single, or a bulk."""

    path: str
    items: list[dict]
    attempts: int = 0
    acknowledged: bool = False
    statuses: list[object] = field(default_factory=list)

    @property
    def body(self) -> bytes:
        data = self.items[0] if self.path.endswith("responses") else self.items
        return json.dumps(data).encode()


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    acknowledged: int = 0
    retries: int = 0
    failures: list[str] = field(default_factory=list)


def _item(unit: int, service: int, n: int) -> dict:
    return {
        "client_id": str(uuid.uuid4()),
        "unit": unit,
        "service": service,
        "answers": {f"U{i}": 1 + (n * 7 + i) % 4 for i in range(1, 10)},
        "profile": {"sex": "PL"[n % 2], "age": 18 + n % 60, "education": "SMA"},
        "comment": f"uji gangguan {n} – antrean ramai",
    }


def _workload(unit: int, service: int) -> list[Submission]:
    """Singles and bulks interleaved, so every fault meets both kinds."""
    n = 0
    singles, bulks = [], []
    for _ in range(SINGLES):
        singles.append(Submission("/api/v1/responses", [_item(unit, service, n)]))
        n += 1
    for _ in range(BULKS):
        items = [_item(unit, service, n + k) for k in range(BULK_SIZE)]
        n += BULK_SIZE
        bulks.append(Submission("/api/v1/responses/bulk", items))
    every = SINGLES // BULKS
    work: list[Submission] = []
    for index, single in enumerate(singles):
        work.append(single)
        if index % every == every - 1 and bulks:
            work.append(bulks.pop())
    return work + bulks


def _send(submission: Submission, port: int, token: str, tally: Tally, stop) -> None:
    """Send until acknowledged (201/200), resending on anything transient."""
    delay = 0.1
    while submission.attempts < MAX_ATTEMPTS and not stop.is_set():
        submission.attempts += 1
        if submission.attempts > 1:
            with tally.lock:
                tally.retries += 1
        try:
            status, body = _request(
                port, "POST", submission.path, submission.body, token
            )
        except (OSError, http.client.HTTPException) as error:
            submission.statuses.append(type(error).__name__)
        else:
            submission.statuses.append(status)
            if status in (200, 201):
                submission.acknowledged = True
                with tally.lock:
                    tally.acknowledged += len(submission.items)
                return
            if status < 500 and status not in (408, 429):
                # A refusal of a valid submission (400, 409 …) is a bug, not a fault.
                with tally.lock:
                    tally.failures.append(f"{submission.path} {status}: {body[:300]!r}")
                return
        time.sleep(delay)
        delay = min(delay * 2, 2.0)


def _client(work: list[Submission], port_of, token: str, tally: Tally, stop) -> None:
    lock = threading.Lock()
    queue = iter(work)

    def run() -> None:
        while not stop.is_set():
            with lock:
                submission = next(queue, None)
            if submission is None:
                return
            _send(submission, port_of(), token, tally, stop)

    threads = [threading.Thread(target=run, daemon=True) for _ in range(CLIENT_THREADS)]
    for thread in threads:
        thread.start()
    return threads


def _wait_until(condition, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the client"
        time.sleep(0.05)


# --- the test ---------------------------------------------------------------------


def test_acknowledged_submissions_survive_worker_server_and_database_faults(
    cluster, tmp_path
):
    """880 submissions through a SIGKILLed worker, a SIGKILLed and restarted server
    and an immediate PostgreSQL restart: every one acknowledged, stored once."""
    # Given: a migrated database with one unit, one service and an operator's token,
    # and `mutu serve` running on it with production settings.
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(sys.path),
        "DJANGO_SETTINGS_MODULE": "tests.reliability.server_settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": cluster.url("mutu"),
        "MUTU_VAR_DIR": str(tmp_path / "var"),
        "MUTU_API_SYSTEM_RATE": "100000/minute",
        "MUTU_API_BULK_RATE": "100000/minute",
        "MUTU_CACHE_URL": "",
    }
    # Set for Playwright by the browser tests; production never has it.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    (tmp_path / "var" / "static").mkdir(parents=True)
    setup = subprocess.run(
        [sys.executable, "-m", "mutu", "shell", "-c", SETUP],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert setup.returncode == 0, setup.stderr
    unit, service, token = setup.stdout.split("SETUP", 1)[1].split()
    server = Server(env, _free_port(), tmp_path / "serve.log")
    server.start()
    work = _workload(int(unit), int(service))
    sent = sum(len(s.items) for s in work)
    tally = Tally()
    stop = threading.Event()
    started = time.monotonic()

    try:
        # When: the client sends everything while the faults happen one by one.
        threads = _client(work, lambda: server.port, token, tally, stop)

        _wait_until(lambda: tally.acknowledged >= sent // 4, 60)
        workers = server.gunicorn_workers()
        assert len(workers) == 2, workers
        os.kill(workers[0], signal.SIGKILL)

        _wait_until(lambda: tally.acknowledged >= sent // 2, 60)
        server.kill_all()
        server.start()

        _wait_until(lambda: tally.acknowledged >= 3 * sent // 4, 60)
        cluster.ctl("restart", "-m", "immediate")

        deadline = started + CLIENT_DEADLINE
        for thread in threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        stop.set()
        status = server.stop()
    finally:
        stop.set()
        server.kill_all()

    # Then: the server stopped cleanly on SIGTERM, every submission was acknowledged,
    # and the database holds each exactly once, with rollups equal to a rebuild.
    import psycopg

    with psycopg.connect(
        cluster.url("mutu").replace("postgres://", "postgresql://")
    ) as db:
        stored = db.execute("SELECT COUNT(*) FROM surveys_response").fetchone()[0]
        duplicates = db.execute(
            "SELECT COUNT(*) FROM (SELECT client_id FROM surveys_response "
            "GROUP BY client_id HAVING COUNT(*) > 1) AS twice"
        ).fetchone()[0]
        stored_ids = {
            str(row[0]) for row in db.execute("SELECT client_id FROM surveys_response")
        }
        rolled_up = db.execute(
            "SELECT COALESCE(SUM(responses), 0) FROM surveys_dailyrollup"
        ).fetchone()[0]
    acknowledged_ids = {
        item["client_id"] for s in work if s.acknowledged for item in s.items
    }
    rollups = subprocess.run(
        [sys.executable, "-m", "mutu", "surveys", "rebuild-rollups", "--check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    print(  # noqa: T201 (the figures CI reports)
        f"\nfault test: sent {sent}, acknowledged {tally.acknowledged}, "
        f"retried {tally.retries} requests "
        f"({sum(1 for s in work if s.attempts > 1)} of {len(work)} submissions), "
        f"stored {stored}, duplicates {duplicates}, server starts {server.starts}, "
        f"{time.monotonic() - started:.0f} s"
    )
    assert tally.failures == []
    assert status == 0, server.log.read_text()[-3000:]
    assert tally.acknowledged == sent
    assert stored == sent
    assert acknowledged_ids == stored_ids
    assert duplicates == 0
    assert rolled_up == stored
    assert rollups.returncode == 0, rollups.stdout + rollups.stderr
    assert tally.retries > 0, "no fault was felt: the test proved nothing"
