"""The national CSV export against PostgreSQL's own COPY of the same rows.

DESIGN.md "Numbers it must reach": an export of 10,000,000 responses as CSV at least
half the speed of ``COPY … TO STDOUT``, its first byte within 2 s, memory flat.

What one run does (PostgreSQL only; nothing is left behind):

1. creates a scratch database ``mutu_bench_export_<pid>`` on the server of
   ``DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/postgres``),
   migrates it, adds ``--units`` units (one service each) under five regencies and
   a national admin, and fills ``surveys_response`` with N rows by one
   ``INSERT … SELECT generate_series`` (every tenth comment starts with ``=``, so the
   neutralisation has work), then ``VACUUM ANALYZE``;
2. times, alternating, ``--repeat`` times each, keeping each one's best:
   (a) the floor: ``COPY (SELECT * FROM surveys_response) TO STDOUT (FORMAT csv)`` read to the end
       by psycopg 3 on a connection of its own (the table's own rows, every column);
   (b) the export: ``GET /wilayah/ID/skm/ekspor.csv`` (the nation's) through Django's
       WSGI handler in this process (the test client: middleware, session, scoping,
       the view, ``StreamingHttpResponse``; no socket), every chunk read and counted;
   (c) for the record, the export's own query as a bare ``COPY (SELECT …)`` (joins to
       the unit and service names and the formula neutralisation, no Django), so the
       cost splits into query and streaming;
3. reports rows/s of each, the ratio floor time / export time (target >= 0.5), the
   export's time to its first byte (the header) and to its first chunk of rows
   (target < 2 s), and its memory: the process's resident set before the export and
   its peak during it (``VmHWM`` after a reset through ``/proc/self/clear_refs``).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/export_csv.py [--rows 10000000] [--units 1000] [--json]

In ``make bench`` the rows are instead the generated national data that
``generate.py`` kept (``bench/scratch.py`` ``SHARED_DATA_ENV``): step 1 then only
adds the admin, and ``--rows``/``--units`` are what that database holds.
``--rows 20000 --repeat 1`` runs in seconds (bench-quick). Exit status 0 even when a
target is missed (this is a measurement); 2 when the run could not be made.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO))

from bench.scratch import SHARED_DATA_ENV  # noqa: E402
from bench.scratch import database_url as database_url_of  # noqa: E402

TARGET_RATIO = 0.5
TARGET_FIRST_BYTE_S = 2.0

FILL = """
INSERT INTO surveys_response (
    unit_id, service_id, channel, submitted_at, day,
    u1, u2, u3, u4, u5, u6, u7, u8, u9,
    sex, age, education, occupation, comment, extra_answers,
    client_id, content_hash, device_hash, is_flagged, is_excluded, integrity_pending
)
SELECT m.unit_id, m.service_id,
       (ARRAY['qr', 'kiosk', 'web', 'paper', 'sms'])[1 + g %% 5],
       timestamptz '2025-01-01 01:00+00' + (g %% 365) * interval '1 day'
           + (g %% 600) * interval '1 minute',
       date '2025-01-01' + (g %% 365),
       1 + g %% 4, 1 + (g / 3) %% 4, 3, 4, 1 + (g / 7) %% 4, 3, 4,
       CASE WHEN g %% 11 = 0 THEN NULL ELSE 3 END, 2 + g %% 3,
       (ARRAY['L', 'P', ''])[1 + g %% 3], 17 + g %% 60,
       (ARRAY['SD', 'SMP', 'SMA', 'S1', ''])[1 + g %% 5],
       (ARRAY['PNS', 'SWASTA', 'WIRAUSAHA', 'LAINNYA', ''])[1 + g %% 5],
       CASE WHEN g %% 10 = 0 THEN '=HYPERLINK("x")'
            WHEN g %% 4 = 0 THEN 'Antrean terlalu lama, mohon ditambah loket.'
            ELSE '' END,
       '{}', gen_random_uuid(), md5(g::text) || md5((g + 1)::text), '',
       g %% 50 = 0, g %% 200 = 0, false
FROM generate_series(1, %s) AS g
JOIN bench_unit_map AS m ON m.idx = g %% %s
"""


@contextmanager
def scratch_database(server_url: str) -> Iterator[str]:
    """A fresh database on *server_url*'s server, dropped (forcefully) at the end."""
    import psycopg

    parts = urllib.parse.urlsplit(server_url)
    name = f"mutu_bench_export_{os.getpid()}"
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield parts._replace(path=f"/{name}").geturl()
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def setup_django(database_url: str, var_dir: Path) -> None:
    (var_dir / "static").mkdir(parents=True, exist_ok=True)
    os.environ["DATABASE_URL"] = database_url
    os.environ["DATABASE_REPLICA_URLS"] = ""
    os.environ["MUTU_VAR_DIR"] = str(var_dir)
    os.environ["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "0"
    os.environ["DJANGO_SETTINGS_MODULE"] = "mutu.settings"
    os.environ["MUTU_LOG_LEVEL"] = "ERROR"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def fill(rows: int, units: int) -> tuple[Any, float]:
    """Registry rows, a national admin, and *rows* responses; returns the admin."""
    from django.db import connection

    from mutu.accounts.models import User
    from mutu.registry.models import Government, Region, Service, ServiceUnit

    nation = Region.objects.create(code="ID", name="Indonesia", level="national")
    province = Region.objects.create(
        code="18", name="Lampung", level="province", parent=nation
    )
    governments = []
    for number in range(1, 6):
        regency = Region.objects.create(
            code=f"18.0{number}",
            name=f"Kabupaten {number}",
            level="regency",
            parent=province,
        )
        governments.append(
            Government.objects.create(
                region=regency, name=f"Pemerintah Kabupaten {number}", kind="regency"
            )
        )
    unit_ids, service_ids = [], []
    for number in range(units):
        unit = ServiceUnit.objects.create(
            government=governments[number % 5],
            name=f"Dinas {number} (bench)",
            kind="dinas",
        )
        unit_ids.append(unit.pk)
        service_ids.append(
            Service.objects.create(unit=unit, name=f"Layanan {number}").pk
        )
    admin = User.objects.create_superuser(username="bench", password=None)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_unit_map (idx int, unit_id bigint, service_id bigint)"
        )
        cursor.executemany(
            "INSERT INTO bench_unit_map VALUES (%s, %s, %s)",
            [
                (i, u, s)
                for i, (u, s) in enumerate(zip(unit_ids, service_ids, strict=True))
            ],
        )
        cursor.execute(FILL, [rows, units])
        cursor.execute("DROP TABLE bench_unit_map")
    connection.close()
    import psycopg

    with psycopg.connect(database_url(), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE surveys_response")
    return admin, time.perf_counter() - started


def shared_ready() -> tuple[Any, int, float]:
    """The national admin and the row count of the shared generated database."""
    from mutu.accounts.models import User
    from mutu.surveys.models import Response

    admin = User.objects.filter(username="bench").first()
    admin = admin or User.objects.create_superuser(username="bench", password=None)
    return admin, Response.objects.count(), 0.0


def database_url() -> str:
    return os.environ["DATABASE_URL"]


def time_copy(statement: str) -> tuple[float, int]:
    """*statement* (a COPY … TO STDOUT) read to the end on a connection of its own."""
    import psycopg

    with psycopg.connect(database_url(), autocommit=True) as conn:
        started = time.perf_counter()
        size = 0
        with conn.cursor() as cursor, cursor.copy(statement) as copy:
            for data in copy:
                size += len(data)
        return time.perf_counter() - started, size


def memory_mb(field: str) -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    return 0.0


def time_export(admin: Any) -> dict[str, float]:
    """The nation's export through Django, read to the end; time, bytes, memory."""
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    settings.MUTU_TWO_FACTOR_REQUIRED = False  # the login is not what is measured
    client = Client()
    client.force_login(admin)
    url = reverse("surveys:export_region", kwargs={"code": "ID"})
    try:
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM
    except OSError:
        pass
    rss_before = memory_mb("VmRSS")
    started = time.perf_counter()
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"the export answered {response.status_code}")
    first_byte = first_rows = None
    size = lines = 0
    for chunk in response.streaming_content:
        now = time.perf_counter()
        if first_byte is None:
            first_byte = now - started
        elif first_rows is None:
            first_rows = now - started
        size += len(chunk)
        lines += chunk.count(b"\n")
    response.close()
    return {
        "seconds": time.perf_counter() - started,
        "bytes": size,
        "lines": lines,
        "first_byte_s": first_byte or 0.0,
        "first_rows_s": first_rows or 0.0,
        "rss_before_mb": rss_before,
        "peak_mb": memory_mb("VmHWM"),
    }


def export_query_sql() -> str:
    """The export's own query (the nation's), as the view runs it."""
    from django.db import connection

    from mutu.surveys.exports import export_queryset
    from mutu.surveys.models import Response

    sql, params = export_queryset(Response.objects.all()).query.sql_with_params()
    return connection.ops.compose_sql(sql, params)


def run(args: argparse.Namespace, *, shared: bool) -> dict[str, Any]:
    if shared:
        from mutu.registry.models import ServiceUnit

        admin, args.rows, fill_seconds = shared_ready()
        args.units = ServiceUnit.objects.count()
    else:
        admin, fill_seconds = fill(args.rows, args.units)
    floor: list[float] = []
    bare: list[float] = []
    exports: list[dict[str, float]] = []
    query = export_query_sql()
    for _ in range(args.repeat):
        seconds, floor_bytes = time_copy(
            # A partitioned table (PostgreSQL) is copied out through a query.
            "COPY (SELECT * FROM surveys_response) TO STDOUT WITH (FORMAT csv)"
        )
        floor.append(seconds)
        exports.append(time_export(admin))
        seconds, _ = time_copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)")
        bare.append(seconds)
    best = min(exports, key=lambda e: e["seconds"])
    ratio = min(floor) / best["seconds"]
    return {
        "benchmark": "export_csv",
        "rows": args.rows,
        "units": args.units,
        "fill_s": round(fill_seconds, 2),
        "floor_s": round(min(floor), 3),
        "floor_mb": round(floor_bytes / 1e6, 1),
        "export_query_copy_s": round(min(bare), 3),
        "export_s": round(best["seconds"], 3),
        "export_mb": round(best["bytes"] / 1e6, 1),
        "export_rows_per_s": round(args.rows / best["seconds"]),
        "floor_rows_per_s": round(args.rows / min(floor)),
        "ratio": round(ratio, 3),
        "ratio_to_export_query_copy": round(min(bare) / best["seconds"], 3),
        "target_ratio": TARGET_RATIO,
        "first_byte_s": round(best["first_byte_s"], 4),
        "first_rows_s": round(best["first_rows_s"], 4),
        "target_first_byte_s": TARGET_FIRST_BYTE_S,
        "rss_before_mb": round(best["rss_before_mb"], 1),
        "peak_mb": round(max(e["peak_mb"] for e in exports), 1),
        "lines_ok": best["lines"] == args.rows + 1,
        "pass": ratio >= TARGET_RATIO
        and best["first_rows_s"] < TARGET_FIRST_BYTE_S
        and best["lines"] == args.rows + 1,
        "load": os.getloadavg()[0],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="print figures as JSON")
    args = parser.parse_args(argv)
    server = os.environ.get(
        "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"
    )
    if not server.startswith(("postgres://", "postgresql://")):
        print("bench/export_csv.py needs PostgreSQL in DATABASE_URL", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="mutu-bench-export-"))
    shared = os.environ.get(SHARED_DATA_ENV)
    try:
        with (
            nullcontext(database_url_of(server, shared))
            if shared
            else scratch_database(server)
        ) as url:
            setup_django(url, work / "var")
            figures = run(args, shared=bool(shared))
    except ImportError as error:
        print(f"cannot run: {error}", file=sys.stderr)
        return 2
    except Exception as error:
        if type(error).__module__.startswith("psycopg"):
            print(f"cannot reach PostgreSQL: {error}", file=sys.stderr)
            return 2
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    from results import row_print

    row_print(
        benchmark="export_national_csv",
        size=f"{figures['rows']:,} responses",
        figure=figures["export_s"],
        baseline=figures["floor_s"],
        unit="s",
        ratio=figures["ratio"],
        target=f"speed ≥ {TARGET_RATIO} × COPY TO STDOUT",
        ok=figures["pass"],
        note=f"first byte {figures['first_byte_s'] * 1000:.0f} ms, "
        f"peak {figures['peak_mb']} MB",
    )
    if args.json:
        print(json.dumps(figures))
        return 0
    print(
        f"export of {figures['rows']:,} responses ({figures['units']} units), "
        f"load {figures['load']:.2f}\n"
        f"  floor  COPY surveys_response TO STDOUT: {figures['floor_s']:.2f} s "
        f"({figures['floor_rows_per_s']:,} rows/s, {figures['floor_mb']} MB)\n"
        f"  export GET /wilayah/ID/skm/ekspor.csv:  {figures['export_s']:.2f} s "
        f"({figures['export_rows_per_s']:,} rows/s, {figures['export_mb']} MB)\n"
        f"  (the export's query as a bare COPY:   {figures['export_query_copy_s']:.2f} s;"
        f" ratio to it {figures['ratio_to_export_query_copy']:.2f})\n"
        f"  ratio floor/export {figures['ratio']:.2f} (target >= {TARGET_RATIO}); "
        f"first byte {figures['first_byte_s'] * 1000:.1f} ms, first rows "
        f"{figures['first_rows_s'] * 1000:.1f} ms (target < {TARGET_FIRST_BYTE_S} s)\n"
        f"  memory: {figures['rss_before_mb']} MB before, peak {figures['peak_mb']} MB"
        f" during the export\n"
        f"  {'pass' if figures['pass'] else 'MISS'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
