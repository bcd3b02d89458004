"""Synthetic national data: how fast ``mutu bench generate`` fills a database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/generate.py [--preset nation] [--units N]
                                           [--responses M] [--seed 1]
                                           [--keep-as NAME]

Creates a scratch database on the server of ``DATABASE_URL``, migrates it, runs
the generator (``mutu.benchdata``) and prints each stage. The baseline is
PostgreSQL's own ``COPY`` of the same response rows (dumped with ``COPY … TO``)
into a table ``LIKE surveys_response INCLUDING ALL`` (same indexes), loaded as the
generator loads: the plain indexes dropped before the COPY and built after it
(``plain_indexes_drop``): the least any writer of those rows must spend. No target: the figure is reported (issue 14 item
1); ``make bench`` runs the nation preset (10,000,000 responses). The scratch
database is dropped at the end, unless ``--keep-as NAME`` names it: ``run_all.py``
keeps it so that the later benchmarks of the same plan read the same rows
(``bench/scratch.py`` ``SHARED_DATA_ENV``) and drops it when the run ends. Exit 2
when PostgreSQL cannot be reached.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO))

from bench.results import row_print  # noqa: E402
from bench.scratch import (  # noqa: E402
    django_setup,
    peak_rss_mb,
    scratch_database,
    server_url,
)


def copy_baseline(work: Path) -> float:
    """Seconds of a bare COPY of the generated responses into a same-shaped table."""
    from django.db import connection, transaction

    from mutu.benchdata.generate import indexes_build, plain_indexes_drop

    dump = work / "responses.copy"
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with (
            dump.open("wb") as handle,
            # A partitioned table (PostgreSQL) is copied out through a query.
            raw.copy("COPY (SELECT * FROM surveys_response) TO STDOUT") as copy,
        ):
            for chunk in copy:
                handle.write(chunk)
        cursor.execute(
            "CREATE TABLE bench_copy_response (LIKE surveys_response INCLUDING ALL)"
        )
        # The response table's client_id is unique through its key table
        # (mutu.surveys.partitions): the bare table gets the same index itself.
        cursor.execute("ALTER TABLE bench_copy_response ADD UNIQUE (client_id)")
        started = time.perf_counter()
        with transaction.atomic():
            rebuild = plain_indexes_drop("bench_copy_response")
            with (
                dump.open("rb") as handle,
                raw.copy("COPY bench_copy_response FROM STDIN") as copy,
            ):
                while chunk := handle.read(1 << 20):
                    copy.write(chunk)
            indexes_build(rebuild)
        seconds = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_copy_response")
    dump.unlink()
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", choices=("regency", "province", "nation"))
    parser.add_argument("--units", type=int)
    parser.add_argument("--responses", type=int)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep-as", help="keep the filled database under this name")
    args = parser.parse_args(argv)
    server = server_url()
    if not server.startswith(("postgres://", "postgresql://")):
        print("bench/generate.py needs PostgreSQL in DATABASE_URL", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="mutu-bench-generate-") as folder:
        work = Path(folder)
        try:
            with scratch_database(
                server, "mutu_bench_generate", keep_as=args.keep_as
            ) as url:
                django_setup(url, work / "var")
                return run(args, work)
        except Exception as error:
            if type(error).__module__.startswith("psycopg"):
                print(f"cannot reach PostgreSQL: {error}", file=sys.stderr)
                return 2
            raise


def run(args: argparse.Namespace, work: Path) -> int:
    from mutu.benchdata.generate import benchdata_generate
    from mutu.benchdata.plan import PRESETS, Plan

    plan = PRESETS[args.preset] if args.preset else Plan(units=1000, responses=100_000)
    changes = {k: getattr(args, k) for k in ("units", "responses") if getattr(args, k)}
    plan = replace(plan, seed=args.seed, **changes)

    def stage(name: str, rows: int, seconds: float) -> None:
        speed = f"{rows / seconds:12,.0f} rows/s" if rows and seconds else ""
        print(f"{name:11} {rows:>12,} rows {seconds:8.2f} s {speed}", flush=True)

    print(f"generating {plan.units:,} units, {plan.responses:,} responses")
    report = benchdata_generate(plan=plan, on_stage=stage)
    baseline = copy_baseline(work)
    responses_s = report.seconds["responses"]
    print(f"total {report.rows:,} rows in {report.total_seconds:.1f} s")
    print(f"bare COPY of the same responses: {baseline:.2f} s")
    print(f"peak memory of this process: {peak_rss_mb():.0f} MB")
    size = f"{plan.units:,} units, {plan.responses:,} responses"
    row_print(
        benchmark="generate: responses (COPY)",
        size=size,
        figure=responses_s,
        baseline=baseline,
        unit="s",
        target="reported",
        ok=None,
        note=f"{report.responses_per_second:,.0f} responses/s",
    )
    row_print(
        benchmark="generate: whole database",
        size=size,
        figure=report.total_seconds,
        baseline=None,
        unit="s",
        target="reported",
        ok=None,
        note=f"{report.rows:,} rows, peak {peak_rss_mb():.0f} MB",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
