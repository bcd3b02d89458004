"""The official SKM report: one unit's render, and a regency's ZIP of kept reports.

Issue 15 item 5: one unit's report renders in under 5 s; a regency bundle zips the
kept reports of all its units (30 units) in under 5 s.

What one run does (PostgreSQL only; nothing is left behind): creates a scratch
database (``bench/scratch.py``), *units* units of one regency with
*responses* responses each in the last ended quarter (through the one bulk writer),
comments included, and publishes every unit's quarter; then times

1. one unit's report, gathered and rendered to PDF and XLSX (``skm_report_keep``
   on a unit with nothing kept) — the time a head waits at publication;
2. the region's ZIP, the view called with the coordinator as its user (the
   two-factor login and the other middleware left out), every unit's report already
   kept — the time a coordinator waits.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/skm_report.py [--units 30] [--responses 400]

Prints one line per figure; exit status 0 even when a target is missed (this is a
measurement), 2 when no PostgreSQL was reached.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from results import row_print
from scratch import django_setup, scratch_database

TARGET_SECONDS = 5.0
COMMENTS = (
    "",
    "",
    "Antrean masih panjang.",
    "Petugas ramah dan cepat.",
    "Toilet kotor, mohon dibersihkan.",
    "Persyaratan kurang jelas.",
)


def populate(units: int, responses: int, seed: int):
    """*units* units of one regency, each with *responses* published responses."""
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from mutu.accounts.models import Role, User
    from mutu.accounts.services import grant_ensure
    from mutu.registry.models import Government, Region, Service, ServiceUnit
    from mutu.surveys.bulk.rows import BulkRow
    from mutu.surveys.bulk.store import responses_store_bulk
    from mutu.surveys.models import Publication
    from mutu.surveys.periods import PeriodKind, period_containing

    rng = random.Random(seed)
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
    period = period_containing(timezone.localdate(), PeriodKind.QUARTER).previous()
    days = [period.start + timedelta(days=d) for d in range(80)]
    made = []
    for number in range(units):
        unit = ServiceUnit.objects.create(
            government=government, name=f"Unit {number + 1:02d}", kind="dinas"
        )
        service = Service.objects.create(unit=unit, name="Layanan Utama")
        rows = [
            BulkRow(
                row,
                rng.choice(days),
                service.pk,
                *[rng.choice((2, 3, 3, 4, 4)) for _ in range(9)],
                rng.choice(("L", "P")),
                rng.randint(18, 70),
                "SMA",
                "SWASTA",
                rng.choice(COMMENTS),
            )
            for row in range(responses)
        ]
        with transaction.atomic():
            responses_store_bulk(
                unit_id=unit.pk,
                channel="paper",
                rows=rows,
                client_id=lambda r, u=unit.pk: _uuid(u, r.row),
            )
        Publication.objects.create(
            unit=unit,
            period_key=period.key,
            published_at=period.end + timedelta(days=1),
            media=["website"],
        )
        made.append(unit)
    coordinator = User.objects.create_user("koordinator")  # no password: no login
    grant_ensure(actor=None, user=coordinator, role=Role.COORDINATOR, target=government)
    return made, period, coordinator


def _uuid(unit_id: int, row: int):
    import uuid

    return uuid.uuid5(uuid.NAMESPACE_URL, f"bench-report/{unit_id}/{row}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=30)
    parser.add_argument("--responses", type=int, default=400)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    server = os.environ.get(
        "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"
    )
    try:
        import psycopg

        psycopg.connect(server).close()
    except Exception as error:
        print(f"skm_report: no PostgreSQL at {server}: {error}")
        return 2
    with (
        tempfile.TemporaryDirectory() as var,
        scratch_database(server, "mutu_bench_report") as url,
    ):
        django_setup(url, Path(var))
        from django.test import RequestFactory

        from mutu.reports.services import skm_report_keep
        from mutu.reports.views import region_skm_reports

        units, period, coordinator = populate(args.units, args.responses, args.seed)
        started = time.perf_counter()
        skm_report_keep(unit=units[0], period_key=period.key)
        one = time.perf_counter() - started
        for unit in units[1:]:
            skm_report_keep(unit=unit, period_key=period.key)
        request = RequestFactory().get("/")
        request.user = coordinator
        started = time.perf_counter()
        response = region_skm_reports(request, code="18.09", period_key=period.key)
        bundle = time.perf_counter() - started
        if response.status_code != 200:
            print(f"skm_report: the ZIP answered {response.status_code}")
            return 1
        size = len(response.content)
    for name, seconds, detail in (
        ("skm_report_one_unit", one, f"{args.responses} responses"),
        ("skm_report_region_zip", bundle, f"{args.units} units, {size:,} bytes"),
    ):
        verdict = "pass" if seconds < TARGET_SECONDS else "MISS"
        print(
            f"{name}: {seconds:.2f} s ({detail}); target < {TARGET_SECONDS:.0f} s: "
            f"{verdict}"
        )
        row_print(
            benchmark=name,
            size=detail,
            figure=seconds,
            baseline=None,
            unit="s",
            target=f"< {TARGET_SECONDS:.0f} s",
            ok=seconds < TARGET_SECONDS,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
