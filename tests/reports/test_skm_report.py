"""The official SKM report (issue 15 item 5): rendered when a period is published,
kept with its checksum, served as kept, public like the published result; a
region's reports in one ZIP for its coordinator."""

import hashlib
import io
import subprocess
import zipfile
from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from mutu.audit.models import AuditEvent
from mutu.reports.models import KeptReport
from mutu.reports.services import skm_report_keep
from mutu.surveys.periods import PeriodKind, period_containing
from mutu.surveys.publishing import follow_up_create, result_publish
from mutu.surveys.services import response_submit
from tests.accounts.login import login
from tests.registry import factories

PDF_TEXT = ["pdftotext", "-layout", "-", "-"]


@pytest.fixture
def period():
    return period_containing(timezone.localdate(), PeriodKind.QUARTER).previous()


def _answer(world, period, unit=None, service=None, *, u1=2, comment=""):
    response_submit(
        unit=unit or world.dukcapil,
        service=service or world.ktp,
        channel="web",
        answers={"U1": u1, **{f"U{i}": 4 for i in range(2, 10)}},
        comment=comment,
        submitted_at=timezone.make_aware(
            datetime.combine(period.start + timedelta(days=5), time(10))
        ),
    )


def _publish(world, period, unit=None, actor=None):
    return result_publish(
        actor=actor or world.head,
        unit=unit or world.dukcapil,
        period_key=period.key,
        published_at=period.end + timedelta(days=1),
        media=["website"],
    )


@pytest.fixture
def published(world, period, settings, django_capture_on_commit_callbacks):
    """Dukcapil's last quarter: 6 responses (U1 weakest), 4 comments on the queue,
    a follow-up item planned before publishing, the report kept on publication."""
    settings.MUTU_REPORTS_KEEP_ON_PUBLISH = True
    world.dukcapil.head_name = "Drs. Suparman"
    world.dukcapil.save()
    for n in range(6):
        _answer(world, period, comment="Antrean masih panjang." if n < 4 else "")
    follow_up_create(
        actor=world.operator,
        unit=world.dukcapil,
        period_key=period.key,
        element="U1",
        action="Daftar persyaratan dipasang di loket",
        person_in_charge="Kasi Pelayanan",
        due_date=period.end + timedelta(days=60),
    )
    with django_capture_on_commit_callbacks(execute=True):
        _publish(world, period)
    return period


def _pdf_text(content: bytes) -> str:
    return subprocess.run(
        PDF_TEXT, input=content, capture_output=True, check=True
    ).stdout.decode()


def test_publishing_keeps_the_report_with_its_checksum(world, published):
    """Publishing (immediate task backend) keeps a PDF and an XLSX, each with its
    SHA-256 and an audit row; keeping again renders nothing new."""
    kept = {r.kind: r for r in KeptReport.objects.filter(unit=world.dukcapil)}
    assert set(kept) == {"skm_pdf", "skm_xlsx"}
    pdf = bytes(kept["skm_pdf"].content)
    assert pdf.startswith(b"%PDF")
    assert kept["skm_pdf"].sha256 == hashlib.sha256(pdf).hexdigest()
    assert AuditEvent.objects.filter(action="report.keep").count() == 2
    again = skm_report_keep(unit=world.dukcapil, period_key=published.key)
    assert again["skm_pdf"].pk == kept["skm_pdf"].pk
    assert AuditEvent.objects.filter(action="report.keep").count() == 2


def test_report_pdf_has_the_parts_of_a_published_report(world, client, published):
    """The PDF holds the title, the legal basis, method with the sample, the IKM
    (U1 at 2, the rest 4: IKM 3,778, converted 94,44, A), the theme "antre panjang"
    with its 4 comments, the follow-up plan, the head's name and the tallies."""
    response = client.get(
        reverse("reports:skm_report_pdf", args=[world.dukcapil.pk, published.key])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(_pdf_text(response.content).split())
    for part in (
        "Survei Kepuasan Masyarakat",
        "Lembar Pengesahan",
        "Drs. Suparman",
        "Undang-Undang Nomor 25 Tahun 2009",
        "BAB II Metodologi",
        "94,44",
        "antre panjang 4",
        "U1 Daftar persyaratan",  # the table's cells wrap in the text
        "Kasi Pelayanan Direncanakan",
        "Unsur dengan nilai terendah: Persyaratan;",
        "Tabulasi jawaban",
    ):
        assert part in text, part


def test_report_is_served_as_kept_even_if_data_changes(world, client, published):
    """The file served is the kept one: byte for byte, after new data arrives."""
    kept = KeptReport.objects.get(unit=world.dukcapil, kind="skm_pdf")
    factories.service(world.dukcapil, "Akta Kelahiran")
    response = client.get(
        reverse("reports:skm_report_pdf", args=[world.dukcapil.pk, published.key])
    )
    assert response.content == bytes(kept.content)


def test_report_xlsx_has_the_tables_and_no_formula(world, client, period, settings):
    """The XLSX has a sheet per table; a comment typed as a formula is inert text."""
    for _n in range(3):
        _answer(world, period, comment='=HYPERLINK("http://x")')
    _publish(world, period)
    response = client.get(
        reverse("reports:skm_report_xlsx", args=[world.dukcapil.pk, period.key])
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Ringkasan",
        "Unsur",
        "Profil responden",
        "Tindak lanjut",
        "Tabulasi",
        "Tema komentar",
    ]
    summary = {row[0]: row[1] for row in book["Ringkasan"].iter_rows(values_only=True)}
    assert summary["Jumlah responden"] == 3
    assert summary["Mutu pelayanan"] == "A"
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            assert not any(isinstance(v, str) and v.startswith("=") for v in row)


def test_unpublished_period_has_no_report(world, client, period):
    _answer(world, period)
    url = reverse("reports:skm_report_pdf", args=[world.dukcapil.pk, period.key])
    assert client.get(url).status_code == 404
    assert client.get(url.replace(period.key, "2025-Q9")).status_code == 404
    assert not KeptReport.objects.exists()


def test_region_bundle_zips_the_units_reports(world, client, period):
    """The coordinator's ZIP holds each published unit's PDF and lists the units
    that did not publish; a unit operator gets 404."""
    dinsos = world.dinsos
    _answer(world, period)
    _publish(world, period)
    login(client, world.coordinator)
    url = reverse(
        "reports:region_skm_reports",
        args=[world.dukcapil.government.region.code, period.key],
    )
    response = client.get(url)
    assert response.status_code == 200
    bundle = zipfile.ZipFile(io.BytesIO(response.content))
    names = bundle.namelist()
    pdfs = [n for n in names if n.endswith(".pdf")]
    assert len(pdfs) == 1
    assert period.key in pdfs[0]
    assert bundle.read(pdfs[0]).startswith(b"%PDF")
    assert dinsos.name in bundle.read("belum-dipublikasikan.txt").decode()
    client.logout()
    login(client, world.operator)
    assert client.get(url).status_code == 404


def test_region_page_links_the_bundle_of_published_periods(world, client, period):
    _answer(world, period)
    _publish(world, period)
    login(client, world.coordinator)
    code = world.dukcapil.government.region.code
    page = client.get(reverse("registry:region_detail", args=[code])).content.decode()
    assert reverse("reports:region_skm_reports", args=[code, period.key]) in page


def test_equal_nrrs_share_their_place(world, period):
    """U1 at 2, U2–U9 all at 4: U2–U9 share place 1 and U1 is 9th."""
    from mutu.reports.skm_report import skm_report_gather

    _answer(world, period)
    places = {
        e["code"]: e["rank"] for e in skm_report_gather(world.dukcapil, period).elements
    }
    assert places["U1"] == 9
    assert {places[f"U{i}"] for i in range(2, 10)} == {1}
