"""Paper-survey imports (CSV and XLSX) against PostgreSQL's own ``psql \\copy``.

DESIGN.md "Numbers it must reach":

- CSV import of N responses within 2 × ``psql \\copy`` of the same file into a
  bare table with the same columns;
- XLSX import of N responses within 1.5 × (python-calamine reading the file +
  ``psql \\copy`` of its rows).

What one run does (PostgreSQL only; nothing is left behind):

1. creates a scratch database ``mutu_bench_files_<pid>`` on the server of
   ``DATABASE_URL``, migrates it and adds one unit with three services;
   ``MUTU_IMPORT_MAX_ROWS`` and ``MUTU_IMPORT_MAX_MB`` are raised for the run (a
   national deployment raises them the same way, docs/paper-import.md);
2. writes a seeded N-row CSV in the template's columns, and an XLSX of the same
   rows (openpyxl write-only; not timed);
3. times, each in a forked child (so that its peak memory is its own):
   the CSV import job (``import_job_run``: check, store, flags, rollups, audit),
   then, after emptying the responses, the XLSX import job, and a bare
   python-calamine read of the XLSX (every row, nothing else);
4. times ``psql -c "\\copy bare FROM file (FORMAT csv, HEADER)"`` into a table
   with the template's columns typed (date, text, nine smallint, …);
5. checks that both imports stored N rows, identical but for their client ids,
   and rollups equal to the responses; prints the figures, then drops the
   scratch database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/import_files.py [--rows 100000] [--seed 1]

Exit status 0 even when a target is missed; 2 when the run cannot be made.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO))

from bench.results import row_print  # noqa: E402
from bench.scratch import django_setup, scratch_database, server_url  # noqa: E402

CSV_TARGET = 2.0
XLSX_TARGET = 1.5
SERVICES = ("Penerbitan KTP-el", "Kartu Keluarga", "Akta Kelahiran")
ANSWERS = (None, 1, 2, 3, 3, 3, 4, 4, 4, 4)
SEXES = ("L", "P", None)
EDUCATIONS = ("SD", "SMP", "SMA", "SMA", "D1-D3", "S1", "S2", None)
OCCUPATIONS = ("PNS", "SWASTA", "WIRAUSAHA", "LAINNYA", "TNI", "POLRI", None)
COMMENTS = (
    None,
    None,
    None,
    "Pelayanan cepat dan ramah.",
    "Antrean terlalu lama, mohon ditambah loket.",
)
FIRST_DAY = date(2025, 7, 1)
TODAY = date(2025, 12, 31)

BARE_TABLE = (
    "CREATE TABLE bench_bare (tanggal date, layanan text, "
    + ", ".join(f"u{i} smallint" for i in range(1, 10))
    + ", jenis_kelamin text, usia smallint, pendidikan text, pekerjaan text, "
    "kritik_saran text)"
)


def generate_rows(count: int, seed: int) -> Iterator[list[Any]]:
    """*count* seeded paper forms as template rows (a quarter of survey days)."""
    rng = random.Random(seed)
    days = [FIRST_DAY + timedelta(days=offset) for offset in range(92)]
    for _ in range(count):
        if rng.random() < 0.15:  # a respondent who ticks the same box nine times
            answers = [rng.choice((3, 4))] * 9
        else:
            answers = [rng.choice(ANSWERS) for _ in range(9)]
            if all(a is None for a in answers):
                answers[0] = 3
        yield [
            rng.choice(days),
            rng.choice(SERVICES),
            *answers,
            rng.choice(SEXES),
            rng.choice((None, rng.randrange(17, 80))),
            rng.choice(EDUCATIONS),
            rng.choice(OCCUPATIONS),
            rng.choice(COMMENTS),
        ]


def write_files(csv_path: Path, xlsx_path: Path, rows: int, seed: int) -> None:
    from openpyxl import Workbook

    from mutu.surveys.channels.paper.layout import COLUMNS, SHEET_DATA

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_DATA)
    sheet.append(list(COLUMNS))
    with csv_path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for row in generate_rows(rows, seed):
            sheet.append(row)
            writer.writerow(["" if v is None else v for v in row])
    workbook.save(xlsx_path)


def make_unit() -> Any:
    from mutu.registry.models import Government, Region, Service, ServiceUnit

    nation = Region.objects.create(code="ID", name="Indonesia", level="national")
    province = Region.objects.create(
        code="18", name="Lampung", level="province", parent=nation
    )
    regency = Region.objects.create(
        code="18.09", name="Kabupaten Pesawaran", level="regency", parent=province
    )
    government = Government.objects.create(
        region=regency, name="Pemerintah Kabupaten Pesawaran", kind="regency"
    )
    unit = ServiceUnit.objects.create(
        government=government, name="Dukcapil (bench)", kind="dinas"
    )
    for name in SERVICES:
        Service.objects.create(unit=unit, name=name)
    return unit


def in_child(function: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run *function* in a forked child; its result plus the child's peak RSS (MB)."""
    from django.db import connections

    connections.close_all()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_end)
        code = 0
        try:
            result = function()
        except BaseException as error:
            result = {"error": repr(error)}
            code = 1
        with os.fdopen(write_end, "w") as pipe:
            pipe.write(json.dumps(result, default=str))
        connections.close_all()
        os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        text = pipe.read()
    _, _, usage = os.wait4(pid, 0)
    result = json.loads(text or "{}")
    result["peak_mb"] = usage.ru_maxrss / 1024
    if "error" in result:
        raise RuntimeError(f"child failed: {result['error']}")
    return result


def import_file(unit_id: int, path: Path, name: str, rows: int) -> dict[str, Any]:
    from django.core.files import File

    from mutu.surveys.channels.paper import jobs
    from mutu.surveys.models import ImportJob

    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    with path.open("rb") as handle:
        job = ImportJob(unit_id=unit_id, original_name=name, file_sha256=sha)
        job.file.save(name, File(handle), save=True)
    started = time.perf_counter()
    job = jobs.import_job_run(job.pk, max_rows=rows, today=TODAY)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "status": job.status,
        "created": job.created_count,
        "errors": job.errors[:3],
    }


def calamine_read(path: Path) -> dict[str, Any]:
    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    workbook = CalamineWorkbook.from_path(str(path))
    count = sum(1 for _ in workbook.get_sheet_by_index(0).iter_rows())
    workbook.close()
    return {"seconds": time.perf_counter() - started, "rows": count}


def psql_copy(database_url: str, path: Path) -> float:
    """Seconds of ``psql \\copy`` of the CSV into a fresh bare table."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_bare")
        cursor.execute(BARE_TABLE)
    connection.close()
    parts = urllib.parse.urlsplit(database_url)
    env = dict(
        os.environ,
        PGHOST=parts.hostname or "127.0.0.1",
        PGPORT=str(parts.port or 5432),
        PGUSER=parts.username or "postgres",
        PGDATABASE=parts.path.lstrip("/"),
    )
    started = time.perf_counter()
    subprocess.run(
        [
            "psql",
            "-q",
            "-c",
            f"\\copy bench_bare FROM '{path}' WITH (FORMAT csv, HEADER)",
        ],
        check=True,
        env=env,
    )
    return time.perf_counter() - started


def stored_rows() -> list[tuple[Any, ...]]:
    from mutu.surveys.models import Response

    fields = (
        "service_id", "day", "submitted_at", "u1", "u2", "u3", "u4", "u5", "u6",
        "u7", "u8", "u9", "sex", "age", "education", "occupation", "comment",
        "content_hash", "is_flagged",
    )  # fmt: skip
    return list(Response.objects.order_by("id").values_list(*fields))


def empty_responses() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE surveys_responseflag, surveys_response, surveys_responsekey, "
            "surveys_dailyrollup, surveys_monthlyrollup, surveys_monthlyrevision, "
            "surveys_unitperiodsummary"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    server = server_url()
    if not server.startswith(("postgres://", "postgresql://")):
        print("bench/import_files.py needs PostgreSQL in DATABASE_URL", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="mutu-bench-files-") as folder:
        work = Path(folder)
        try:
            with scratch_database(server, "mutu_bench_files") as url:
                size_mb = str(max(50, args.rows // 5_000))
                django_setup(
                    url,
                    work / "var",
                    MUTU_IMPORT_MAX_ROWS=str(max(args.rows, 200_000)),
                    MUTU_IMPORT_MAX_MB=size_mb,
                )
                return run(args, work, url)
        except Exception as error:
            if type(error).__module__.startswith("psycopg"):
                print(f"cannot reach PostgreSQL: {error}", file=sys.stderr)
                return 2
            raise


def run(args: argparse.Namespace, work: Path, database_url: str) -> int:
    from mutu.surveys.rollups import rollups_rebuild

    unit = make_unit()
    csv_path, xlsx_path = work / "survei.csv", work / "survei.xlsx"
    started = time.perf_counter()
    write_files(csv_path, xlsx_path, args.rows, args.seed)
    print(
        f"{args.rows:,} rows: CSV {csv_path.stat().st_size / 1e6:.1f} MB, "
        f"XLSX {xlsx_path.stat().st_size / 1e6:.1f} MB, written in "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )
    copy_s = psql_copy(database_url, csv_path)
    print(f"psql \\copy of the CSV into a bare table: {copy_s:.2f} s", flush=True)

    csv_run = in_child(lambda: import_file(unit.pk, csv_path, "survei.csv", args.rows))
    csv_rows = stored_rows()
    csv_consistent = rollups_rebuild(check_only=True).ok
    empty_responses()
    xlsx_run = in_child(
        lambda: import_file(unit.pk, xlsx_path, "survei.xlsx", args.rows)
    )
    xlsx_rows = stored_rows()
    xlsx_consistent = rollups_rebuild(check_only=True).ok
    read = in_child(lambda: calamine_read(xlsx_path))
    copy_again = psql_copy(database_url, csv_path)
    copy_s = min(copy_s, copy_again)

    same = csv_rows == xlsx_rows and len(csv_rows) == args.rows
    for label, result in (("CSV import", csv_run), ("XLSX import", xlsx_run)):
        print(
            f"{label:12} {result['seconds']:8.2f} s  {result['status']}, "
            f"{result['created']:,} stored, peak {result['peak_mb']:.0f} MB"
            + (f"  errors: {result['errors']}" if result["errors"] else "")
        )
    print(f"calamine read {read['seconds']:8.2f} s  (peak {read['peak_mb']:.0f} MB)")
    print(f"psql \\copy    {copy_s:8.2f} s  (best of two)")
    print(
        f"rows identical in both imports: {'yes' if same else 'NO'}; rollups equal "
        f"to responses: {'yes' if csv_consistent and xlsx_consistent else 'NO'}"
    )
    ok_data = same and csv_consistent and xlsx_consistent
    size = f"{args.rows:,} rows"
    row_print(
        benchmark="CSV import",
        size=size,
        figure=csv_run["seconds"],
        baseline=copy_s,
        unit="s",
        target=f"≤ {CSV_TARGET} × psql \\copy",
        ok=ok_data and csv_run["seconds"] <= CSV_TARGET * copy_s,
        note=f"peak {csv_run['peak_mb']:.0f} MB",
    )
    floor = read["seconds"] + copy_s
    row_print(
        benchmark="XLSX import",
        size=size,
        figure=xlsx_run["seconds"],
        baseline=floor,
        unit="s",
        target=f"≤ {XLSX_TARGET} × (calamine read + \\copy)",
        ok=ok_data and xlsx_run["seconds"] <= XLSX_TARGET * floor,
        note=f"peak {xlsx_run['peak_mb']:.0f} MB; read {read['seconds']:.2f} s",
    )
    print(f"peak memory of the runner: {_rss_mb():.0f} MB")
    return 0 if ok_data else 1


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    raise SystemExit(main())
