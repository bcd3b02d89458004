"""Paper-survey pages through real HTTP: template download, upload, job page."""

import io
import zipfile
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from mutu.accounts.models import Role
from mutu.surveys.channels.paper.layout import (
    COLUMNS,
    SHEET_DATA,
    SHEET_LISTS,
    XLSX_MIME,
)
from mutu.surveys.models import DailyRollup, ImportJob, Response
from tests.accounts.factories import user_with_role
from tests.accounts.login import login
from tests.registry import factories
from tests.surveys.test_paper import form_row, xlsx_bytes


def recent(days_ago: int) -> date:
    """A survey day inside the submission window whatever day the suite runs on
    (uploads through the pages count the window from today)."""
    return timezone.localdate() - timedelta(days=days_ago)


@pytest.fixture
def operator(client, world):
    client.force_login(world.operator)
    return world.operator


def upload(client, world, content: bytes, name="survei.xlsx"):
    return client.post(
        reverse("paper:upload", args=[world.dukcapil.pk]),
        {"file": SimpleUploadedFile(name, content, content_type=XLSX_MIME)},
    )


def test_template_download_is_an_xlsx_with_the_units_services(client, world, operator):
    """The operator downloads the template: headers, service dropdown, period."""
    url = reverse("paper:template", args=[world.dukcapil.pk])
    response = client.get(url, {"periode": "2025-Q3"})
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook[SHEET_DATA]
    rules = [(dv.type, str(dv.sqref)) for dv in sheet.data_validations.dataValidation]
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_MIME
    assert "2025-Q3.xlsx" in response["Content-Disposition"]
    assert [c.value for c in sheet[1]] == list(COLUMNS)
    assert workbook[SHEET_LISTS]["A2"].value == world.ktp.name
    assert ("list", "B2:B1048576") in rules
    assert ("whole", "C2:C1048576") in rules
    assert ("date", "A2:A1048576") in rules


def test_template_writes_a_formula_like_service_name_as_text(
    client, world, operator, django_capture_on_commit_callbacks
):
    """A service named =HYPERLINK(…) is listed as text ('=HYPERLINK(…)), nowhere
    as a formula; a row that picked it from the dropdown imports to that service."""
    name = '=HYPERLINK("http://x")'
    service = factories.service(world.dukcapil, name)
    response = client.get(reverse("paper:template", args=[world.dukcapil.pk]))
    workbook = load_workbook(io.BytesIO(response.content))
    listed = {
        cell.value: cell.data_type
        for row in workbook[SHEET_LISTS].iter_rows()
        for cell in row
    }
    help_cells = [
        cell for row in workbook["Petunjuk"].iter_rows() for cell in row if cell.value
    ]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    formulas = [
        member
        for member in archive.namelist()
        if member.startswith("xl/worksheets/") and b"<f>" in archive.read(member)
    ]
    assert listed["'" + name] == "s"
    assert name not in listed
    assert any(name in str(cell.value) for cell in help_cells)
    assert all(cell.data_type == "s" for cell in help_cells)
    assert formulas == []

    with django_capture_on_commit_callbacks(execute=True):
        upload(client, world, xlsx_bytes([form_row(recent(21), service="'" + name)]))
    assert ImportJob.objects.get().status == "done"
    assert Response.objects.get().service == service


def test_template_and_upload_are_404_for_who_cannot_edit_the_unit(client, world):
    """An evaluator (read-only) or another unit's operator gets 404, not a file."""
    other = user_with_role("operator-dinsos", Role.UNIT_OPERATOR, world.dinsos)
    for user in (world.evaluator, other):
        login(client, user)
        template = client.get(reverse("paper:template", args=[world.dukcapil.pk]))
        page = client.get(reverse("paper:upload", args=[world.dukcapil.pk]))
        assert (template.status_code, page.status_code) == (404, 404)
    client.force_login(world.operator)
    bad_period = client.get(
        reverse("paper:template", args=[world.dukcapil.pk]), {"periode": "kemarin"}
    )
    assert bad_period.status_code == 404


def test_upload_valid_file_imports_and_redirects_to_the_job(
    client, world, operator, django_capture_on_commit_callbacks
):
    """A valid 3-row upload runs (immediate task backend) and lands on its job page."""
    rows = [form_row(recent(20)), form_row(recent(19)), form_row(recent(20))]
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, world, xlsx_bytes(rows))
    job = ImportJob.objects.get()
    page = client.get(response["Location"])
    html = page.content.decode()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "paper:job", args=[world.dukcapil.pk, job.pk]
    )
    assert (job.status, job.created_count, job.task_id != "") == ("done", 3, True)
    assert Response.objects.filter(channel="paper").count() == 3
    assert DailyRollup.objects.filter(channel="paper").count() == 2
    assert 'value="100"' in html
    assert "3 respons survei kertas tersimpan" in html
    assert 'http-equiv="refresh"' not in html
    assert "Refresh" not in page


def test_upload_other_file_is_refused_with_a_clear_message(client, world, operator):
    """An old .xls, or a text without the template's header, is refused by content
    with status 400; no job exists."""
    for content in (b"\xd0\xcf\x11\xe0" + b"0" * 600, b"nama,alamat\nBudi,Gedong\n"):
        response = upload(client, world, content)
        assert response.status_code == 400
        assert "Berkas ini bukan XLSX atau CSV" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_upload_over_the_size_limit_is_refused(client, world, operator, settings):
    """A file above MUTU_IMPORT_MAX_MB is refused before anything is stored."""
    settings.MUTU_IMPORT_MAX_MB = 1
    response = upload(client, world, b"PK" + b"\0" * (1024 * 1024 + 10))
    assert response.status_code == 400
    assert "Berkas terlalu besar" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_upload_same_file_twice_imports_once_and_shows_the_first_job(
    client, world, operator, django_capture_on_commit_callbacks
):
    """Re-uploading the same bytes shows the first job; responses are not doubled."""
    content = xlsx_bytes([form_row(recent(21)), form_row(recent(21), answers=[1] * 9)])
    with django_capture_on_commit_callbacks(execute=True):
        first = upload(client, world, content)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        second = upload(client, world, content, name="salinan.xlsx")
    page = client.get(second["Location"])
    assert second["Location"] == first["Location"]
    assert callbacks == []
    assert ImportJob.objects.count() == 1
    assert Response.objects.count() == 2
    assert "sudah diunggah" in page.content.decode()


def test_job_page_refreshes_while_pending_and_hides_from_other_units(
    client, world, operator
):
    """A running job's page shows progress and refreshes itself without JavaScript;
    another unit's operator gets 404."""
    upload(
        client, world, xlsx_bytes([form_row(recent(21))])
    )  # not committed: stays pending
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(
        status="running", total_rows=200, processed_rows=50
    )
    url = reverse("paper:job", args=[world.dukcapil.pk, job.pk])
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert '<meta http-equiv="refresh" content="2">' in html
    assert page["Refresh"] == "2"
    assert '<progress id="diperiksa" max="100" value="25">' in html
    assert "25% (50 / 200)" in html
    assert "<script" not in html
    client.force_login(user_with_role("op-dinsos", Role.UNIT_OPERATOR, world.dinsos))
    assert client.get(url).status_code == 404
    login(client, world.coordinator)
    assert client.get(url).status_code == 200
    other_unit_url = reverse("paper:job", args=[world.dinsos.pk, job.pk])
    assert client.get(other_unit_url).status_code == 404


def test_job_page_lists_every_error_of_a_refused_file(
    client, world, operator, django_capture_on_commit_callbacks
):
    """A refused file's page says nothing was stored and lists row, column, reason."""
    rows = [
        form_row(recent(21)),
        form_row(recent(21), answers=[4, 4, 5, 4, 4, 4, 4, 4, 4]),
        form_row(age=7),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, world, xlsx_bytes(rows))
    html = client.get(response["Location"]).content.decode()
    assert "tidak ada respons yang disimpan" in html
    assert (
        "<td>3</td><td>U3</td><td>nilai 5 tidak valid; harus 1–4 atau kosong</td>"
        in html
    )
    assert "<td>4</td><td>usia</td>" in html
    assert not Response.objects.exists()


def test_upload_with_formulas_is_refused_and_the_page_names_the_cells(
    client, world, operator, django_capture_on_commit_callbacks
):
    """A file whose U1 holds "=1+3" and whose comment holds "=HYPERLINK(…)" is
    refused; the job page names both cells and nothing is stored."""
    rows = [
        form_row(recent(21), answers=["=1+3", *[4] * 8]),
        form_row(recent(21), comment='=HYPERLINK("http://x")'),
        form_row(recent(20)),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, world, xlsx_bytes(rows))
    job = ImportJob.objects.get()
    html = client.get(response["Location"]).content.decode()
    assert (job.status, job.created_count) == ("refused", 0)
    assert "<td>2</td><td>U1</td><td>rumus tidak diterima; ketik nilainya" in html
    assert "<td>3</td><td>kritik_saran</td><td>rumus tidak diterima" in html
    assert not Response.objects.exists()


def test_upload_page_lists_templates_and_recent_jobs(client, world, operator):
    """The upload page links the templates of this and last quarter, no script."""
    page = client.get(reverse("paper:upload", args=[world.dukcapil.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in html
    assert "templat.xlsx?periode=" in html
    assert "<script" not in html
