"""Rollups at scale: rebuilding every rollup against a plain ``GROUP BY`` (issue 14 item 4).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/rollups_rebuild.py [--preset nation] [--units N]
                                                  [--responses M] [--rounds 2]

Creates a scratch database on the server of ``DATABASE_URL``, fills it with the
synthetic generator (``mutu.benchdata``), then times, in alternating rounds over
the same rows:

- the baseline: ``CREATE TABLE … AS SELECT unit_id, service_id, day, channel,
  count(*), <the 36 per-element counts> FROM surveys_response WHERE NOT
  is_excluded GROUP BY unit_id, service_id, day, channel`` (what the rollups held
  before they carried every figure);
- ``rollups_rebuild()``: the real rebuild (one ``INSERT … SELECT … GROUP BY`` of
  every rollup column into the rollup table, in its transaction);
- ``rollups_rebuild(check_only=True)``: the check, reported without a target.

The best round of each is kept (the machine is shared). Target: rebuild ≤ 1.5 ×
baseline. Prints one ``BENCH-ROW`` per figure; exit 0 even when the target is
missed (a measurement), 2 when PostgreSQL cannot be reached. The scratch database
is dropped at the end; in ``make bench`` the rows are those ``generate.py`` kept
(``bench/scratch.py``).
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

from bench.results import load_text, row_print  # noqa: E402
from bench.scratch import (  # noqa: E402
    data_database,
    data_ready,
    django_setup,
    server_url,
)


def baseline_seconds() -> float:
    """Seconds of the plain GROUP BY of the element counts into a new table."""
    from django.db import connection, transaction

    from mutu.surveys.models import ROLLUP_COUNT_FIELDS

    sums = ", ".join(
        f"SUM(CASE WHEN {name.rsplit('_', 1)[0]} = {name.rsplit('_', 1)[1]} "
        f"THEN 1 ELSE 0 END) AS {name}"
        for name in ROLLUP_COUNT_FIELDS
    )
    sql = (
        "CREATE TABLE bench_plain_rollup AS SELECT unit_id, service_id, day, "  # noqa: S608
        f"channel, count(*) AS responses, {sums} FROM surveys_response "
        "WHERE NOT is_excluded GROUP BY unit_id, service_id, day, channel"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(sql)
        seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_plain_rollup")
    return seconds


def rebuild_seconds(*, check_only: bool) -> tuple[float, int, bool]:
    from mutu.surveys.rollups import rollups_rebuild

    started = time.perf_counter()
    report = rollups_rebuild(check_only=check_only)
    return time.perf_counter() - started, report.rows, report.ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", choices=("regency", "province", "nation"))
    parser.add_argument("--units", type=int)
    parser.add_argument("--responses", type=int)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    server = server_url()
    if not server.startswith(("postgres://", "postgresql://")):
        print("bench/rollups_rebuild.py needs PostgreSQL", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="mutu-bench-rollups-") as folder:
        try:
            with data_database(server, "mutu_bench_rollups") as (url, shared):
                django_setup(url, Path(folder) / "var")
                return run(args, shared=shared)
        except Exception as error:
            if type(error).__module__.startswith("psycopg"):
                print(f"cannot reach PostgreSQL: {error}", file=sys.stderr)
                return 2
            raise


def run(args: argparse.Namespace, *, shared: bool) -> int:
    from django.db import connection

    from mutu.benchdata.plan import PRESETS, Plan

    plan = PRESETS[args.preset] if args.preset else Plan(units=1000, responses=100_000)
    changes = {k: getattr(args, k) for k in ("units", "responses") if getattr(args, k)}
    plan = replace(plan, seed=args.seed, **changes)
    data_ready(plan, shared=shared)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE surveys_response")
    baselines, rebuilds, checks = [], [], []
    rows, ok = 0, True
    for round_ in range(1, args.rounds + 1):
        baselines.append(baseline_seconds())
        seconds, rows, _ok = rebuild_seconds(check_only=False)
        rebuilds.append(seconds)
        seconds, _rows, ok = rebuild_seconds(check_only=True)
        checks.append(seconds)
        print(
            f"round {round_}: plain GROUP BY {baselines[-1]:.2f} s, rebuild "
            f"{rebuilds[-1]:.2f} s ({rows:,} rows), check {checks[-1]:.2f} s "
            f"({'equal' if ok else 'DIFFERENT'}); load {load_text()}",
            flush=True,
        )
    size = f"{plan.units:,} units, {plan.responses:,} responses"
    baseline, rebuild = min(baselines), min(rebuilds)
    row_print(
        benchmark="rollups: rebuild",
        size=size,
        figure=rebuild,
        baseline=baseline,
        unit="s",
        target="≤ 1.5 ×",
        ok=rebuild <= 1.5 * baseline,
        note=f"{rows:,} rollup rows of 228 numbers; baseline: 37",
    )
    row_print(
        benchmark="rollups: check",
        size=size,
        figure=min(checks),
        baseline=baseline,
        unit="s",
        target="reported",
        ok=None if ok else False,
        note="equal" if ok else "rollups differ from the responses",
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
