"""``mutu serve``: run Mutu in production, gunicorn plus the task worker.

    mutu serve [--bind 127.0.0.1:8000] [--workers N] [--timeout 30]
        [--no-task-worker]

Before starting anything it refuses what would serve errors later: DEBUG on, a
deployment check error, unapplied migrations, static files not collected. Then
:class:`mutu.ops.supervisor.Supervisor` runs ``gunicorn mutu.wsgi`` and ``mutu
db_worker`` with this process's environment (so the same settings), forwards
SIGTERM/SIGINT (graceful stop) and SIGHUP (gunicorn reloads its workers), and exits
non-zero when one of them dies for good. docs/operations.md has the systemd unit.
"""

import os
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.utils import Error as DatabaseError

from mutu.ops.supervisor import Child, RestartBudget, Supervisor

SHM = "/dev/shm"  # noqa: S108 (gunicorn's own advice; its heartbeat files, no data)


def default_workers() -> int:
    """``WEB_CONCURRENCY`` if set, else gunicorn's advice: two per core, plus one."""
    configured = os.environ.get("WEB_CONCURRENCY", "").strip()
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return 2 * (os.cpu_count() or 1) + 1


def gunicorn_argv(*, binds: list[str], workers: int, timeout: int) -> list[str]:
    """The gunicorn command line: sync workers (each request holds one database
    connection for its transaction), access log on stdout (the journal), a heartbeat
    file in memory where there is one (a slow disk must not make the master think its
    workers hung), and no control socket (gunicorn ≥ 25.1 opens one at a fixed path
    in ``$HOME`` by default, which two servers on one host would fight over)."""
    argv = [sys.executable, "-m", "gunicorn", "mutu.wsgi:application"]
    for bind in binds:
        argv += ["--bind", bind]
    argv += [
        "--workers",
        str(workers),
        "--timeout",
        str(timeout),
        "--graceful-timeout",
        str(timeout),
        "--access-logfile",
        "-",
        "--no-control-socket",
    ]
    if Path(SHM).is_dir():
        argv += ["--worker-tmp-dir", SHM]
    return argv


class Command(BaseCommand):
    help = (
        "Jalankan Mutu untuk produksi: gunicorn dan pekerja tugas / Run Mutu in "
        "production: gunicorn and the task worker."
    )
    requires_system_checks = []  # run below, with the deployment checks

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind",
            action="append",
            metavar="ALAMAT",
            help="Alamat dengar gunicorn, boleh berulang (bawaan 127.0.0.1:8000; "
            "unix:/run/mutu/mutu.sock untuk soket) / Listen address, repeatable.",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Jumlah proses web (bawaan WEB_CONCURRENCY atau 2 × inti + 1) / "
            "Number of web processes.",
        )
        parser.add_argument(
            "--timeout",
            type=int,
            default=30,
            help="Detik sebelum permintaan yang macet dihentikan, juga batas berhenti "
            "dengan tenang (bawaan 30) / Seconds before a stuck request is killed.",
        )
        parser.add_argument(
            "--no-task-worker",
            action="store_true",
            help="Hanya server web; pekerja tugas dijalankan terpisah (mutu db_worker) "
            "/ Web server only; run the task worker separately.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        binds: list[str] = options["bind"] or ["127.0.0.1:8000"]
        workers: int = options["workers"]
        if workers is None:
            workers = default_workers()
        timeout: int = options["timeout"]
        if workers < 1 or timeout < 1:
            raise CommandError(
                "--workers dan --timeout harus lebih dari 0 / --workers and "
                "--timeout must be above 0."
            )
        self._preflight()
        children = [
            Child(
                "gunicorn",
                gunicorn_argv(binds=binds, workers=workers, timeout=timeout),
                forward_hup=True,
            )
        ]
        if not options["no_task_worker"]:
            children.append(
                Child(
                    "db_worker",
                    [sys.executable, "-m", "mutu", "db_worker"],
                    budget=RestartBudget(),
                )
            )
        self.stderr.write(
            f"mutu serve: {', '.join(binds)}, {workers} proses web / web processes"
        )
        sys.stderr.flush()
        status = Supervisor(children, stop_timeout=timeout + 5).run()
        if status:
            sys.exit(status)

    def _preflight(self) -> None:
        """Refuse to start what would only serve errors."""
        if settings.DEBUG:
            raise CommandError(
                "mutu serve untuk produksi: matikan DJANGO_DEBUG (untuk mencoba, "
                "make demo) / mutu serve is for production: turn DJANGO_DEBUG off "
                "(to try Mutu, make demo)."
            )
        self.check(include_deployment_checks=True)
        connection = connections[DEFAULT_DB_ALIAS]
        try:
            executor = MigrationExecutor(connection)
            pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except DatabaseError as error:
            raise CommandError(
                f"Basis data tidak dapat dihubungi / the database cannot be "
                f"reached: {error}"
            ) from error
        finally:
            connection.close()
        if pending:
            raise CommandError(
                f"{len(pending)} migrasi belum dijalankan: jalankan `mutu migrate` / "
                f"{len(pending)} migrations not applied: run `mutu migrate`."
            )
        if (
            isinstance(staticfiles_storage, ManifestFilesMixin)
            and staticfiles_storage.read_manifest() is None
        ):
            raise CommandError(
                f"Berkas statis belum dikumpulkan di {settings.STATIC_ROOT}: jalankan "
                f"`mutu collectstatic --noinput` / static files are not collected "
                f"in {settings.STATIC_ROOT}: run `mutu collectstatic --noinput`."
            )
