"""The report and open-data routes read a fixed number of queries whatever the
number of units (issue 15 item 9): measured with 2 units, then with 10."""

from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mutu.complaints.models import ComplaintRecap
from mutu.complaints.services import complaint_file
from mutu.reports.models import KeptReport
from mutu.surveys.models import Publication
from mutu.surveys.periods import PeriodKind, period_containing
from mutu.surveys.services import response_submit
from tests.accounts.login import login
from tests.registry import factories


@pytest.fixture
def period():
    return period_containing(timezone.localdate(), PeriodKind.QUARTER).previous()


def _add_units(world, period, count: int, start: int) -> None:
    """*count* Pesawaran units, each with a response, a published period with its
    kept report, a complaint and a published complaints recap."""
    for n in range(start, start + count):
        unit = factories.unit(world.gov_pesawaran, f"Unit Uji {n:02d}")
        service = factories.service(unit, f"Layanan {n}")
        response_submit(
            unit=unit,
            service=service,
            channel="web",
            answers={f"U{i}": 3 for i in range(1, 10)},
            comment="Antrean masih panjang.",
            submitted_at=timezone.make_aware(
                datetime.combine(period.start + timedelta(days=3), time(10))
            ),
        )
        Publication.objects.create(
            unit=unit, period_key=period.key, published_at=period.end
        )
        for kind in KeptReport.Kind:
            KeptReport.objects.create(
                unit=unit,
                period_key=period.key,
                kind=kind,
                content=b"%PDF-1.4 uji",
                sha256="0" * 64,
                size=12,
            )
        complaint_file(
            unit=unit,
            text="Antrean terlalu lama.",
            channel="web",
            now=timezone.make_aware(
                datetime.combine(period.start + timedelta(days=4), time(9))
            ),
        )
        ComplaintRecap.objects.create(
            unit=unit,
            period_key=period.key,
            published_at=timezone.make_aware(
                datetime.combine(period.end + timedelta(days=1), time(9))
            ),
        )


def _urls(world, period) -> list[str]:
    unit = world.dukcapil
    Publication.objects.get_or_create(
        unit=unit, period_key=period.key, defaults={"published_at": period.end}
    )
    for kind in KeptReport.Kind:
        KeptReport.objects.get_or_create(
            unit=unit,
            period_key=period.key,
            kind=kind,
            defaults={"content": b"%PDF-1.4 uji", "sha256": "0" * 64, "size": 12},
        )
    return [
        reverse("reports:open_data"),
        reverse("reports:open_data_dictionary"),
        *(
            reverse(f"reports:open_data_{ext}", args=[slug])
            for slug in ("skm", "evaluasi", "pengaduan")
            for ext in ("csv", "json")
        ),
        reverse("api-v1-open-data", args=["skm"]),
        reverse("api-v1-open-data", args=["pengaduan"]),
        reverse("reports:skm_report_pdf", args=[unit.pk, period.key]),
        reverse("reports:skm_report_xlsx", args=[unit.pk, period.key]),
        reverse(
            "reports:region_skm_reports",
            args=[world.gov_pesawaran.region.code, period.key],
        ),
    ]


def _counts(client, urls: list[str]) -> dict[str, int]:
    counts = {}
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            assert response.status_code == 200, url
            if response.streaming:
                b"".join(response.streaming_content)
        counts[url] = len(queries)
    return counts


def test_report_and_open_data_queries_do_not_grow_with_units(world, client, period):
    """Every route makes as many queries with 10 units as with 2 (and the CSV
    files hold 10 rows then)."""
    _add_units(world, period, 2, start=1)
    login(client, world.coordinator)
    before = _counts(client, _urls(world, period))
    _add_units(world, period, 8, start=3)
    after = _counts(client, _urls(world, period))
    assert after == before
    skm = client.get(reverse("reports:open_data_json", args=["skm"])).json()
    complaints = client.get(
        reverse("reports:open_data_json", args=["pengaduan"])
    ).json()
    assert len(skm["rows"]) == 11  # and Dukcapil
    assert len(complaints["rows"]) == 10
