"""A unit's results page and the public result page at scale (issue 14 item 3).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/results_page.py [--preset nation] [--units N]
                                               [--responses M] [--requests 50]

Creates a scratch database on the server of ``DATABASE_URL``, fills it with the
synthetic generator (``mutu.benchdata``), picks the unit with the most responses
(the worst case: every figure of the page is summed over its rollups) and its
busiest quarter, publishes that quarter, and requests both pages *requests*
times through Django's test client (the view, its queries and the template; no
network, no login step: the unit head is signed in with ``force_login``), after
three warm-up requests. Target: p95 < 200 ms each at 10,000,000 responses.
Prints one ``BENCH-ROW`` per page; exit 0 even when a target is missed, 2 when
PostgreSQL cannot be reached. The scratch database is dropped at the end; in
``make bench`` the rows are those ``generate.py`` kept (``bench/scratch.py``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import timedelta
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", choices=("regency", "province", "nation"))
    parser.add_argument("--units", type=int)
    parser.add_argument("--responses", type=int)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args(argv)
    server = server_url()
    if not server.startswith(("postgres://", "postgresql://")):
        print("bench/results_page.py needs PostgreSQL", file=sys.stderr)
        return 2
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "0"
    os.environ["DATABASE_REPLICA_URLS"] = ""
    with tempfile.TemporaryDirectory(prefix="mutu-bench-results-") as folder:
        var = Path(folder) / "var"
        (var / "static").mkdir(parents=True)
        try:
            with data_database(server, "mutu_bench_results") as (url, shared):
                django_setup(url, var)
                return run(args, shared=shared)
        except Exception as error:
            if type(error).__module__.startswith("psycopg"):
                print(f"cannot reach PostgreSQL: {error}", file=sys.stderr)
                return 2
            raise


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def timed(client, url: str, requests: int) -> list[float]:
    for _ in range(3):
        client.get(url)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        answer = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        if answer.status_code != 200:
            raise RuntimeError(f"{url} answered {answer.status_code}")
    return times


def run(args: argparse.Namespace, *, shared: bool) -> int:
    from django.conf import settings
    from django.db.models import Sum
    from django.test.utils import override_settings

    from mutu.accounts.models import Role, User
    from mutu.accounts.services import grant_ensure
    from mutu.benchdata.plan import PRESETS, Plan
    from mutu.registry.models import ServiceUnit
    from mutu.surveys.models import DailyRollup, Publication
    from mutu.surveys.periods import PeriodKind, period_containing

    plan = PRESETS[args.preset] if args.preset else Plan(units=1000, responses=100_000)
    changes = {k: getattr(args, k) for k in ("units", "responses") if getattr(args, k)}
    plan = replace(plan, seed=args.seed, **changes)
    data_ready(plan, shared=shared)
    largest = (
        DailyRollup.objects.values("unit_id")
        .annotate(n=Sum("responses"))
        .order_by("-n")
        .first()
    )
    unit = ServiceUnit.objects.get(pk=largest["unit_id"])
    quarters: dict = {}
    for day, n in (
        DailyRollup.objects.filter(unit=unit)
        .values_list("day")
        .annotate(n=Sum("responses"))
    ):
        period = period_containing(day, PeriodKind.QUARTER)
        quarters[period] = quarters.get(period, 0) + n
    period, in_period = max(quarters.items(), key=lambda item: item[1])
    # get_or_create: a shared database (bench/scratch.py) may be read again.
    Publication.objects.get_or_create(
        unit=unit,
        period_key=period.key,
        defaults={
            "published_at": period.end + timedelta(days=5),
            "media": ["website"],
        },
    )
    head = User.objects.filter(username="bench-head").first()
    head = head or User.objects.create_user("bench-head", password=None)
    grant_ensure(actor=None, user=head, role=Role.UNIT_HEAD, target=unit)
    print(
        f"unit {unit.pk} ({unit.name}): {largest['n']:,} responses in the year, "
        f"{in_period:,} in {period.key}",
        flush=True,
    )
    # The pages' static files by name: no collectstatic manifest in a scratch run.
    plain = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    with override_settings(STORAGES=plain):
        return measure(args, plan, unit, head, period, in_period)


def measure(args, plan, unit, head, period, in_period) -> int:
    from django.test import Client

    client = Client()
    client.force_login(head)
    private = timed(client, f"/unit/{unit.pk}/skm/?periode={period.key}", args.requests)
    public = timed(Client(), f"/hasil/unit/{unit.pk}/{period.key}/", args.requests)
    size = f"{plan.responses:,} responses; unit of {in_period:,} in the quarter"
    for name, times in (("unit results page", private), ("public result page", public)):
        figure = p95(times)
        print(
            f"{name}: p95 {figure:.1f} ms, median {statistics.median(times):.1f} ms "
            f"over {len(times)} requests; load {load_text()}",
            flush=True,
        )
        row_print(
            benchmark=f"results: {name} p95",
            size=size,
            figure=figure,
            baseline=None,
            unit="ms",
            target="< 200 ms",
            ok=figure < 200,
            note=f"median {statistics.median(times):.0f} ms, {len(times)} requests",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
