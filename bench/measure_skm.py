"""Benchmark: ``mutu measure skm FILE --json`` against a plain ``csv`` floor.

Usage::

    .venv/bin/python bench/measure_skm.py [--rows 1000000] [--repeat 3]
                                          [--subprocess] [--check]

Generates a seeded CSV of raw SKM responses (U1..U9, answers correlated through a
respondent type, about 3 % empty cells) in a temporary directory, then times

(a) the command, in process: ``mutu.measures.cli.main(["skm", FILE, "--json"])``
    (read + validate + tally with pair sums + IKM + 95 % interval + JSON output);
    with ``--subprocess`` also ``python -m mutu.measures.cli skm FILE --json`` in a
    fresh interpreter (adds start-up and import time);
(b) the floor: one ``csv.reader`` pass that converts every non-empty cell with
    ``int()`` and sums the columns — the least any CSV-based tally must do.

Each is run ``--repeat`` times, alternating, and the best time is kept. The target
is (a) ≤ 2.0 × (b); ``--check`` exits with status 1 when it is missed.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from bench.results import row_print  # noqa: E402

from mutu.measures.cli import main as measure_main  # noqa: E402

TARGET = 2.0
VALUES = ("", "1", "2", "3", "4")
# Cumulative weights per respondent type for "", 1, 2, 3, 4 (3 % empty).
TYPES = (
    (0.3, (3, 27, 70, 94, 100)),
    (0.5, (3, 8, 27, 80, 100)),
    (0.2, (3, 3, 8, 42, 100)),
)


def generate(path: Path, rows: int, seed: int) -> None:
    """Write ``rows`` seeded responses with a U1..U9 header to ``path``."""
    rng = random.Random(seed)
    shares = []
    total = 0.0
    for share, _ in TYPES:
        total += share
        shares.append(total)
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(f"U{i}" for i in range(1, 10)) + "\n")
        batch = []
        for _ in range(rows):
            u = rng.random()
            kind = 0 if u < shares[0] else 1 if u < shares[1] else 2
            cells = rng.choices(VALUES, cum_weights=TYPES[kind][1], k=9)
            if not any(cells):
                cells[0] = "3"  # a response must answer something (D3)
            batch.append(",".join(cells))
            if len(batch) == 10_000:
                handle.write("\n".join(batch) + "\n")
                batch.clear()
        if batch:
            handle.write("\n".join(batch) + "\n")


def floor(path: Path) -> list[int]:
    """Plain csv pass: int() every non-empty cell and sum the columns."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        sums = [0] * 9
        for row in reader:
            for j, cell in enumerate(row):
                if cell:
                    sums[j] += int(cell)
    return sums


def in_process(path: Path) -> str:
    """Run the command in this interpreter, capturing its JSON output."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = measure_main(["skm", str(path), "--json"])
    if code != 0:
        raise SystemExit(f"mutu measure skm failed with exit code {code}")
    return buffer.getvalue()


def in_subprocess(path: Path) -> str:
    """Run the command as ``python -m mutu.measures.cli`` in a fresh interpreter."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    done = subprocess.run(
        [sys.executable, "-m", "mutu.measures.cli", "skm", str(path), "--json"],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    return done.stdout


def best(function: object, path: Path, repeat: int) -> float:
    """Best wall time of ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function(path)  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


def run() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=14_2017)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--subprocess", action="store_true")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "skm.csv"
        start = time.perf_counter()
        generate(path, args.rows, args.seed)
        size = path.stat().st_size / 1e6
        print(
            f"generated {args.rows:,} rows ({size:.1f} MB) "
            f"in {time.perf_counter() - start:.1f} s"
        )
        floor_times, ours_times = [], []
        for _ in range(args.repeat):  # alternate to share any machine drift
            floor_times.append(best(floor, path, 1))
            ours_times.append(best(in_process, path, 1))
        floor_time, ours_time = min(floor_times), min(ours_times)
        output = in_process(path)
        ratio = ours_time / floor_time
        print(f"floor  csv + int() + column sums     : {floor_time:7.3f} s")
        print(f"mutu measure skm --json (in process) : {ours_time:7.3f} s")
        print(
            f"ratio                                : {ratio:7.2f} x (target ≤ {TARGET})"
        )
        if args.subprocess:
            sub_time = best(in_subprocess, path, args.repeat)
            print(
                f"python -m mutu.measures.cli (fresh) : {sub_time:7.3f} s "
                f"({sub_time / floor_time:.2f} x, includes start-up)"
            )
        summary = {
            key: value
            for key, value in json.loads(output).items()
            if key in ("n", "ikm_converted", "grade", "ci95", "ci_method")
        }
        print(f"result: {summary}")
        row_print(
            benchmark="mutu measure skm (CSV tally)",
            size=f"{args.rows:,} rows",
            figure=ours_time,
            baseline=floor_time,
            unit="s",
            target=f"≤ {TARGET} × csv+int() floor",
            ok=ratio <= TARGET,
        )
    if args.check and ratio > TARGET:
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(run())
