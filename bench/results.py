"""One line per figure, so that ``bench/run_all.py`` can put every benchmark in one table.

A benchmark prints its own human report as before and, at the end, one
``BENCH-ROW {json}`` line per target it measures (:func:`row_print`). The runner
reads those lines from the benchmark's output; a benchmark run on its own just shows
them as a last, machine-readable summary.
"""

from __future__ import annotations

import json
import os

MARKER = "BENCH-ROW "


def load_text() -> str:
    """The load average now (1, 5 and 15 minutes), to print beside every figure."""
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def row_print(
    *,
    benchmark: str,
    size: str,
    figure: float,
    baseline: float | None,
    unit: str,
    target: str,
    ok: bool | None,
    ratio: float | None = None,
    note: str = "",
) -> None:
    """Print one figure of a benchmark as a ``BENCH-ROW`` line.

    *figure* and *baseline* are in *unit* (``s``, ``ms``, ``/s`` …); *ratio* defaults
    to figure / baseline. *target* is shown as given (``≤ 2.0 ×``); *ok* is None for
    a figure without a target (e.g. the generator's speed).
    """
    if ratio is None and baseline:
        ratio = figure / baseline
    print(
        MARKER
        + json.dumps(
            {
                "benchmark": benchmark,
                "size": size,
                "figure": round(figure, 4),
                "baseline": None if baseline is None else round(baseline, 4),
                "unit": unit,
                "ratio": None if ratio is None else round(ratio, 3),
                "target": target,
                "ok": ok,
                "note": note,
                "load": load_text(),
            },
            ensure_ascii=False,
        ),
        flush=True,
    )


def rows_parse(text: str) -> list[dict[str, object]]:
    """Every ``BENCH-ROW`` of a benchmark's output, in order."""
    return [
        json.loads(line[len(MARKER) :])
        for line in text.splitlines()
        if line.startswith(MARKER)
    ]
