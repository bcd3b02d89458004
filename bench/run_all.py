"""Run every benchmark of bench/ and print one table of their figures.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/run_all.py [--quick] [--only NAME ...] [--json FILE]

``make bench`` runs the full sizes (DESIGN.md "Numbers it must reach");
``make bench-quick`` (``--quick``) runs each at a small size in seconds, so that CI
notices a benchmark that no longer runs: there the figures mean nothing and a MISS
does not fail. Each benchmark runs in its own interpreter; its report is shown as
it comes, and its ``BENCH-ROW`` lines (``bench/results.py``) fill the table:
benchmark, data size, figure, baseline, ratio, target, PASS/MISS, and the load
average when the figure was taken. The machine (cores, memory, load) heads it.

Exit status: 0 when every benchmark ran and printed its rows (whatever the
verdicts), 1 when one failed or printed none.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.results import load_text, rows_parse  # noqa: E402
from bench.scratch import SHARED_DATA_ENV, database_drop  # noqa: E402

#: Benchmarks that read the generated data ``generate`` keeps for them (the same
#: plan at each size), instead of generating it again: see ``bench/scratch.py``.
SHARED_DATA_READERS = ("export", "rollups", "results", "dashboards")


@dataclass(frozen=True)
class Benchmark:
    name: str
    script: str
    full: tuple[str, ...]
    quick: tuple[str, ...]
    needs_postgresql: bool = True


BENCHMARKS = (
    Benchmark(
        "measure",
        "measure_skm.py",
        full=(),
        quick=("--rows", "20000", "--repeat", "1"),
        needs_postgresql=False,
    ),
    Benchmark(
        "generate",
        "generate.py",
        full=("--preset", "nation"),
        quick=("--units", "40", "--responses", "5000"),
    ),
    Benchmark(
        "import",
        "import_files.py",
        full=("--rows", "1000000"),
        quick=("--rows", "2000"),
    ),
    Benchmark(
        "submit",
        "submit_http.py",
        full=(),
        quick=("--seconds", "2", "--slices", "2", "--rate", "50"),
    ),
    Benchmark(
        "export",
        "export_csv.py",
        full=(),
        quick=("--rows", "20000", "--units", "50", "--repeat", "1"),
    ),
    Benchmark(
        "rollups",
        "rollups_rebuild.py",
        # One round at 10,000,000 responses: a round (plain GROUP BY, rebuild,
        # check) takes over ten minutes there, a second one most of another.
        full=("--preset", "nation", "--rounds", "1"),
        quick=("--units", "40", "--responses", "5000", "--rounds", "1"),
    ),
    Benchmark(
        "results",
        "results_page.py",
        full=("--preset", "nation", "--requests", "50"),
        quick=("--units", "40", "--responses", "5000", "--requests", "10"),
    ),
    Benchmark(
        "report",
        "skm_report.py",
        full=("--units", "30", "--responses", "400"),
        quick=("--units", "2", "--responses", "20"),
    ),
    Benchmark(
        "dashboards",
        "dashboards.py",
        full=("--preset", "nation"),
        quick=("--units", "40", "--responses", "5000", "--repeat", "5"),
    ),
    Benchmark(
        "dashboards-2000",
        "dashboards.py",
        full=("--units", "2000", "--responses", "1000000"),
        quick=("--units", "30", "--responses", "3000", "--repeat", "3"),
    ),
)


def machine() -> str:
    """Cores, memory, Python and load average of this machine, on one line."""
    memory = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores, {memory} memory, {platform.machine()}, "
        f"Python {platform.python_version()}, load average {load_text()}"
    )


def server_url() -> str:
    url = (
        os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    )
    return url


def shared_data_name() -> str:
    return f"mutu_bench_data_{os.getpid()}"


def command(bench: Benchmark, quick: bool) -> list[str]:
    args = list(bench.quick if quick else bench.full)
    if bench.name == "generate":
        args += ["--keep-as", shared_data_name()]
    if bench.script == "submit_http.py":
        # A name of this run's own: other runs on the same server do not collide.
        parts = urllib.parse.urlsplit(server_url())
        own = parts._replace(path=f"/mutu_bench_http_{os.getpid()}").geturl()
        args += ["--database-url", own]
    return [sys.executable, str(REPO / "bench" / bench.script), *args]


def run_one(
    bench: Benchmark, quick: bool, *, data_kept: bool
) -> tuple[int, list[dict[str, object]], float]:
    """Run one benchmark, echoing its output; its exit status, rows and seconds.
    *data_kept*: ``generate`` has kept its database for the readers."""
    started = time.perf_counter()
    env = dict(os.environ, DATABASE_URL=server_url())
    env.pop(SHARED_DATA_ENV, None)
    if data_kept and bench.name in SHARED_DATA_READERS:
        env[SHARED_DATA_ENV] = shared_data_name()
    process = subprocess.Popen(
        command(bench, quick),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    lines = []
    for line in process.stdout or ():
        lines.append(line)
        print(f"  {line}", end="", flush=True)
    code = process.wait()
    return code, rows_parse("".join(lines)), time.perf_counter() - started


def _number(value: object, unit: str = "") -> str:
    if value is None:
        return "-"
    number = float(value)  # type: ignore[arg-type]
    text = f"{number:,.0f}" if abs(number) >= 100 else f"{number:.3g}"
    return f"{text} {unit}".strip()


def table(rows: list[dict[str, object]]) -> str:
    header = (
        "benchmark",
        "data size",
        "figure",
        "baseline",
        "ratio",
        "target",
        "verdict",
        "load (1, 5, 15 min)",
        "note",
    )
    lines = [header]
    for row in rows:
        unit = str(row.get("unit", ""))
        ok = row.get("ok")
        lines.append(
            (
                str(row["benchmark"]),
                str(row["size"]),
                _number(row["figure"], unit),
                _number(row.get("baseline"), unit),
                "-" if row.get("ratio") is None else f"{row['ratio']:.2f} ×",
                str(row.get("target") or "-"),
                "-" if ok is None else ("PASS" if ok else "MISS"),
                str(row.get("load", "")),
                str(row.get("note") or ""),
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = []
    for index, line in enumerate(lines):
        out.append(
            "| "
            + " | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True))
            + " |"
        )
        if index == 0:
            out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, seconds")
    parser.add_argument(
        "--only",
        action="append",
        choices=[b.name for b in BENCHMARKS],
        help="run only this benchmark (repeatable)",
    )
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    args = parser.parse_args(argv)
    chosen = [b for b in BENCHMARKS if not args.only or b.name in args.only]
    header = machine()
    all_rows: list[dict[str, object]] = []
    failed: list[str] = []
    started = time.perf_counter()
    data_kept = False
    try:
        for bench in chosen:
            print(
                f"=== {bench.name}: {' '.join(command(bench, args.quick)[1:])}",
                flush=True,
            )
            code, rows, seconds = run_one(bench, args.quick, data_kept=data_kept)
            print(f"=== {bench.name}: exit {code}, {seconds:.1f} s", flush=True)
            if code != 0 or not rows:
                failed.append(f"{bench.name} (exit {code}, {len(rows)} rows)")
            elif bench.name == "generate":
                data_kept = True
            all_rows.extend(rows)
    finally:
        if any(bench.name == "generate" for bench in chosen):
            database_drop(server_url(), shared_data_name())
    size = "quick sizes (figures not judged)" if args.quick else "full sizes"
    print()
    print(f"Mutu benchmarks, {size}; {time.perf_counter() - started:.0f} s in all")
    print(f"machine: {header}")
    print(table(all_rows))
    if args.json:
        args.json.write_text(
            json.dumps({"machine": header, "rows": all_rows}, indent=2) + "\n"
        )
    if failed:
        print(f"FAILED: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
