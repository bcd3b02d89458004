"""Paper forms as CSV beside XLSX (issue 14 item 2): the same checks, all or none,
idempotency, and the same rows as the XLSX and API bulk paths; on PostgreSQL the
set-based path (COPY into staging, SQL checks) for canonical files."""

import codecs
import csv
import io
import random
from collections import Counter
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from mutu.errors import MutuError
from mutu.surveys.bulk.rows import day_noon
from mutu.surveys.channels.paper import jobs
from mutu.surveys.channels.paper.files import paper_file_check
from mutu.surveys.channels.paper.layout import COLUMNS
from mutu.surveys.channels.paper.rows import rows_check
from mutu.surveys.models import (
    ELEMENT_FIELDS,
    DailyRollup,
    ImportJob,
    MonthlyRevision,
    MonthlyRollup,
    Response,
)
from mutu.surveys.rollups import COUNT_FIELDS, rollups_rebuild
from mutu.surveys.rules import submission_window
from tests.api.factories import token_client
from tests.surveys.rollup_checks import rollups_by_python_rule, rollups_stored
from tests.surveys.test_paper import form_row, new_job, run, xlsx_bytes

SIZE = 10_000
"""Responses compared across CSV, XLSX and API bulk (issue 14: 10,000)."""

API_BULK = 1000
"""Items per API bulk request (``MUTU_API_BULK_MAX``)."""

POSTGRES = connection.vendor == "postgresql"


def csv_bytes(rows, header=COLUMNS, delimiter=",", bom=False) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            [
                v.isoformat() if hasattr(v, "isoformat") else ("" if v is None else v)
                for v in row
            ]
        )
    data = text.getvalue().encode()
    return codecs.BOM_UTF8 + data if bom else data


def _rows(count: int, seed: int = 14):
    """*count* valid forms of the last five days, never nine equal answers."""
    rng = random.Random(seed)
    today = timezone.localdate()
    days = [today - timedelta(days=n) for n in range(1, 6)]
    rows = []
    for _ in range(count):
        answers = [rng.choice([None, 1, 2, 3, 4, 4]) for _ in range(9)]
        answers[0], answers[1] = 3, 4  # something answered, never a straight line
        rows.append(
            form_row(
                rng.choice(days),
                service=rng.choice(["Penerbitan KTP-el", "Kartu Keluarga"]),
                answers=answers,
                sex=rng.choice(["L", "P", None]),
                age=rng.choice([None, 17, 34, 66]),
                education=rng.choice(["SD", "SMA", "S1", None]),
                occupation=rng.choice(["PNS", "SWASTA", None]),
                comment=rng.choice(["", "Ramah", 'Antrean "lama", mohon, ditambah']),
            )
        )
    return rows


def _content() -> Counter:
    """The stored responses as a multiset of what a respondent wrote."""
    return Counter(
        Response.objects.values_list(
            "service_id",
            "day",
            *ELEMENT_FIELDS,
            "sex",
            "age",
            "education",
            "occupation",
            "comment",
            "is_flagged",
        )
    )


def _rollups() -> Counter:
    """Every rollup column (element counts, pair sums, profile, flagged …) per
    service and day, summed over channels."""
    totals: Counter = Counter()
    for row in DailyRollup.objects.values_list("service_id", "day", *COUNT_FIELDS):
        for name, value in zip(COUNT_FIELDS, row[2:], strict=True):
            totals[(row[0], row[1], name)] += value
    return +totals


def _empty() -> None:
    Response.objects.all().delete()
    DailyRollup.objects.all().delete()
    MonthlyRollup.objects.all().delete()
    MonthlyRevision.objects.all().delete()


def test_csv_xlsx_and_api_bulk_store_identical_rows_and_rollups(world, settings):
    """The same 10,000 responses as a CSV, as an XLSX and as API bulks of 1,000:
    the same stored content and the same rollup counts (channels aside), and the
    rollups equal what the responses say."""
    settings.MUTU_IMPORT_MAX_ROWS = SIZE
    world.dukcapil.services.create(name="Kartu Keluarga")
    rows = _rows(SIZE)
    today = timezone.localdate()

    job = run(new_job(world, csv_bytes(rows), name="survei.csv"), today=today)
    assert (job.status, job.created_count) == ("done", SIZE), job.errors
    assert rollups_rebuild(check_only=True).ok
    assert rollups_stored() == rollups_by_python_rule()
    from_csv, rollups_csv = _content(), _rollups()
    _empty()

    job = run(new_job(world, xlsx_bytes(rows)), today=today)
    assert (job.status, job.created_count) == ("done", SIZE), job.errors
    assert rollups_rebuild(check_only=True).ok
    assert rollups_stored() == rollups_by_python_rule()
    from_xlsx, rollups_xlsx = _content(), _rollups()
    _empty()

    services = dict(world.dukcapil.services.values_list("name", "pk"))
    items = [
        {
            "client_id": f"00000000-0000-4000-8000-{n:012d}",
            "unit": world.dukcapil.pk,
            "service": services[row[1]],
            "submitted_at": day_noon(row[0]).isoformat(),
            "answers": {f"U{i}": row[1 + i] for i in range(1, 10)},
            "profile": {
                "sex": row[11] or "",
                "age": row[12],
                "education": row[13] or "",
                "occupation": row[14] or "",
            },
            "comment": row[15] or "",
        }
        for n, row in enumerate(rows)
    ]
    api = token_client(world.operator)
    for start in range(0, SIZE, API_BULK):
        answer = api.post(
            "/api/v1/responses/bulk", items[start : start + API_BULK], format="json"
        )
        assert answer.status_code == 200, answer.json()
    assert rollups_rebuild(check_only=True).ok
    assert rollups_stored() == rollups_by_python_rule()

    assert sum(from_csv.values()) == SIZE
    assert from_csv == from_xlsx == _content()
    assert rollups_csv == rollups_xlsx == _rollups()


def test_csv_import_on_postgresql_is_set_based(world, monkeypatch):
    """A canonical CSV never reaches the row-by-row check on PostgreSQL; rows,
    ids and hashes are those the row-by-row path stores (the XLSX twin test in
    test_paper.py compares them with response_submit)."""
    if not POSTGRES:
        pytest.skip("the set-based path is PostgreSQL's")

    def refuse(*args, **kwargs):
        raise AssertionError("rows_check called")

    monkeypatch.setattr(jobs, "rows_check", refuse)
    job = run(new_job(world, csv_bytes([form_row()] * 5), name="s.csv"))

    assert (job.status, job.created_count) == ("done", 5)
    client_ids = set(Response.objects.values_list("client_id", flat=True))
    assert client_ids == {
        jobs.paper_client_id(world.dukcapil.pk, job.file_sha256, row)
        for row in range(2, 7)
    }


def test_csv_with_an_error_is_refused_whole_with_row_and_column(world):
    """One bad answer refuses the file: nothing stored, the error names the row
    (as numbered in the file) and the column, in Indonesian."""
    rows = [form_row(), form_row(answers=[4, 4, 7, 4, 4, 4, 4, 4, 3]), form_row()]

    job = run(new_job(world, csv_bytes(rows), name="s.csv"))

    assert job.status == "refused"
    assert Response.objects.count() == 0
    assert {(e["row"], e["column"]) for e in job.errors} == {(3, "U3")}
    assert "nilai '7' tidak valid" in job.errors[0]["message"]


def test_csv_as_excel_saves_it_imports_with_the_same_rules(world):
    """Excel in an Indonesian locale: a BOM, semicolons, dates as 14/07/2025,
    labels for codes. The row check accepts what it accepts in XLSX."""
    rows = [
        [
            "14/07/2025", "Penerbitan KTP-el", 4, 3, 3, 4, 3, 4, 4, 3, 3,
            "Laki-laki", 40, "SMA/SMK", "Swasta", "Cepat; ramah.",
        ],
        [
            "2025-07-15", " penerbitan  ktp-el ", 3, "", 3, 4, 3, 4, 4, 3, 3,
            "P", "", "", "", "",
        ],
    ]  # fmt: skip
    content = csv_bytes(rows, delimiter=";", bom=True)

    job = run(new_job(world, content, name="s.csv"))

    assert (job.status, job.created_count) == ("done", 2), job.errors
    stored = list(
        Response.objects.order_by("id").values_list("sex", "education", "comment")
    )
    assert stored == [("L", "SMA", "Cepat; ramah."), ("P", "", "")]


def test_csv_run_again_stores_nothing_twice(world):
    """Running a done CSV job again, or a second job of the same file, stores
    nothing twice."""
    content = csv_bytes([form_row(), form_row(comment="Dua")])
    job = run(new_job(world, content, name="s.csv"))
    assert job.created_count == 2
    job.status = ImportJob.Status.PENDING
    job.save()

    again = run(job)

    assert again.status == "done"
    assert Response.objects.count() == 2
    assert DailyRollup.objects.get().responses == 2


def test_paper_file_check_takes_csv_and_refuses_other_text():
    """A UTF-8 CSV with the template's header is a paper file; a CSV of other
    columns, or a binary, is refused with one clear message."""
    assert paper_file_check(io.BytesIO(csv_bytes([form_row()]))) == "csv"
    assert paper_file_check(io.BytesIO(xlsx_bytes([form_row()]))) == "xlsx"
    for content in (b"nama,alamat\nBudi,Gedong\n", b"\xff\xfe\x00t\x00a"):
        with pytest.raises(MutuError, match="bukan XLSX atau CSV"):
            paper_file_check(io.BytesIO(content))


def test_rows_check_of_a_csv_reads_text_cells(world):
    """The row check takes a CSV's text cells as it takes a sheet's values."""
    result = rows_check(
        [
            list(COLUMNS),
            [
                "2025-07-14", "Penerbitan KTP-el", "4", *["3"] * 8,
                "P", "34", "SMA", "PNS", "Baik",
            ],
        ],
        services={"penerbitan ktp-el": world.ktp.pk},
        window=submission_window(now=day_noon(date(2025, 9, 30))),
        max_rows=10,
    )  # fmt: skip
    assert result.ok
    assert result.rows[0].age == 34


def test_upload_page_takes_a_csv(client, world, django_capture_on_commit_callbacks):
    """The upload form accepts a .csv; the job stores it under its hash as .csv
    and imports it."""
    client.force_login(world.operator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("paper:upload", args=[world.dukcapil.pk]),
            {
                "file": SimpleUploadedFile(
                    "survei.csv",
                    csv_bytes([form_row(timezone.localdate() - timedelta(days=1))]),
                    content_type="text/csv",
                )
            },
        )
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.file.name.endswith(".csv")
    job.refresh_from_db()
    assert (job.status, job.created_count) == ("done", 1), job.errors
