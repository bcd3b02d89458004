"""Paper surveys: the XLSX template, the row check and the all-or-nothing import."""

import io
import random
import zipfile
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from openpyxl import Workbook, load_workbook

from mutu.errors import MutuError
from mutu.measures.skm_elements import ELEMENTS
from mutu.surveys.bulk.rows import day_noon
from mutu.surveys.channels.paper import jobs, upload
from mutu.surveys.channels.paper.jobs import (
    SideCounter,
    import_job_run,
    paper_client_id,
)
from mutu.surveys.channels.paper.layout import (
    COLUMNS,
    ELEMENT_COLUMNS,
    SHEET_DATA,
    SHEET_HELP,
    SHEET_LISTS,
    XLSX_CONTENT_TYPE,
    XLSX_MIME,
)
from mutu.surveys.channels.paper.rows import rows_check
from mutu.surveys.channels.paper.template import template_build
from mutu.surveys.channels.paper.upload import import_job_create
from mutu.surveys.channels.paper.workbook import (
    BOMB_MIN_BYTES,
    Formula,
    xlsx_check,
)
from mutu.surveys.models import (
    ELEMENT_FIELDS,
    ROLLUP_COUNT_FIELDS,
    DailyRollup,
    ImportJob,
    MonthlyRevision,
    MonthlyRollup,
    Response,
    ResponseFlag,
)
from mutu.surveys.rollups import rollups_rebuild
from mutu.surveys.rules import submission_window
from mutu.surveys.services import response_submit
from tests.registry import factories

TODAY = date(2025, 9, 30)


def form_row(day=date(2025, 7, 14), service="Penerbitan KTP-el", answers=None, **kw):
    """One typed paper form as a template row (``answers`` is U1…U9)."""
    answers = answers if answers is not None else [4, 3, 3, 4, 3, 4, 4, 3, 3]
    return [
        day,
        service,
        *answers,
        kw.get("sex", "P"),
        kw.get("age", 34),
        kw.get("education", "SMA"),
        kw.get("occupation", "SWASTA"),
        kw.get("comment", "Antrean cepat."),
    ]


def xlsx_bytes(rows, header=COLUMNS) -> bytes:
    """A workbook with the template's header (or *header*) and *rows*."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_DATA
    sheet.append(list(header))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def new_job(world, content: bytes, name="survei.xlsx", actor=None) -> ImportJob:
    """Create a job as the upload does (the task is enqueued only on commit)."""
    upload = SimpleUploadedFile(name, content, content_type=XLSX_MIME)
    return import_job_create(
        actor=actor or world.operator, unit=world.dukcapil, uploaded_file=upload
    ).job


def run(job, **knobs) -> ImportJob:
    knobs.setdefault("today", TODAY)
    return import_job_run(job.pk, **knobs)


# --- the template ------------------------------------------------------------------


def test_template_has_header_comments_dropdowns_and_help(world):
    """The template has the columns, element questions as comments and dropdowns."""
    content = template_build(
        unit_name="Dukcapil Pesawaran",
        services=["Penerbitan KTP-el", "Akta Kelahiran, Kematian"],
        period_label="Triwulan III 2025",
        period_start=date(2025, 7, 1),
        period_end=date(2025, 9, 30),
    )
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook[SHEET_DATA]
    header = [cell.value for cell in sheet[1]]
    rules = {
        str(dv.sqref).split(":")[0]: dv for dv in sheet.data_validations.dataValidation
    }
    lists = workbook[SHEET_LISTS]
    assert header == [
        "tanggal", "layanan", "U1", "U2", "U3", "U4", "U5", "U6", "U7", "U8", "U9",
        "jenis_kelamin", "usia", "pendidikan", "pekerjaan", "kritik_saran",
    ]  # fmt: skip
    assert workbook.sheetnames == [SHEET_DATA, SHEET_HELP, "Daftar"]
    assert lists.sheet_state == "hidden"
    assert [lists.cell(row=r, column=1).value for r in (2, 3)] == [
        "Penerbitan KTP-el",
        "Akta Kelahiran, Kematian",
    ]
    assert (rules["B2"].type, rules["B2"].formula1) == ("list", "Daftar!$A$2:$A$3")
    for column in "CDEFGHIJK":
        assert (rules[f"{column}2"].type, rules[f"{column}2"].formula1) == (
            "whole",
            "1",
        )
        assert rules[f"{column}2"].formula2 == "4"
    assert rules["L2"].formula1 == '"L,P"'
    assert "SMA" in rules["N2"].formula1
    assert "WIRAUSAHA" in rules["O2"].formula1
    u8 = sheet["J1"].comment.text
    assert ELEMENTS[7].question_id in u8
    assert "4 = Dikelola dengan baik" in u8
    help_text = "\n".join(
        str(row[0]) for row in workbook[SHEET_HELP].iter_rows(values_only=True)
    )
    assert "Triwulan III 2025" in help_text
    assert "1, 2, 3 atau 4" in help_text


# --- the file check ----------------------------------------------------------------


def test_xlsx_check_refuses_renamed_csv_and_xls():
    """A CSV or an old .xls is not an XLSX workbook, whatever its name."""
    for content in (
        b"tanggal,layanan\n2025-07-14,KTP\n",
        b"\xd0\xcf\x11\xe0" + b"0" * 600,
    ):
        with pytest.raises(MutuError, match="bukan XLSX"):
            xlsx_check(io.BytesIO(content))
    xlsx_check(io.BytesIO(xlsx_bytes([form_row()])))


def _zip(members: dict[str, bytes]) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer


def test_xlsx_check_refuses_macro_workbooks_and_zip_bombs():
    """An .xlsm renamed .xlsx, or a zip that inflates a thousandfold, is refused."""
    macro = _zip(
        {
            "[Content_Types].xml": b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
            "xl/workbook.xml": b"<workbook/>",
        }
    )
    bomb = _zip(
        {
            "[Content_Types].xml": XLSX_CONTENT_TYPE.encode(),
            "xl/workbook.xml": b"<workbook/>",
            "xl/sharedStrings.xml": b"\0" * (BOMB_MIN_BYTES + 1),
        }
    )
    with pytest.raises(MutuError, match="bukan XLSX"):
        xlsx_check(macro)
    with pytest.raises(MutuError, match="membengkak"):
        xlsx_check(bomb)


# --- the row check -----------------------------------------------------------------


def _check(rows, header=COLUMNS, **knobs):
    knobs.setdefault("max_rows", 1000)
    return rows_check(
        [header, *rows],
        services={"penerbitan ktp-el": 7},
        window=submission_window(now=day_noon(TODAY)),
        **knobs,
    )


def test_rows_check_cleans_values_and_skips_empty_rows():
    """Text numbers, labels, odd spacing and blank rows are read as a person means."""
    rows = [
        form_row(
            day="14/07/2025",
            service="  penerbitan  KTP-EL ",
            answers=["4", 3.0, None, "", 1, 2, 3, 4, " 2 "],
            sex="l",
            age="40",
            education="SMA/SMK",
            occupation="wirausaha",
            comment="  Bagus ",
        ),
        [None] * 16,
        form_row(datetime(2025, 7, 15, 9, 30), sex=None, age=None, comment=None),  # noqa: DTZ001 - Excel cells are naive
    ]
    result = _check(rows)
    first, second = result.rows
    assert result.ok
    assert result.total == 2
    assert first == (2, date(2025, 7, 14), 7, 4, 3, None, None, 1, 2, 3, 4, 2, "L", 40, "SMA", "WIRAUSAHA", "Bagus")  # fmt: skip
    assert (second.row, second.day, second.sex, second.age, second.comment) == (
        4, date(2025, 7, 15), "", None, "",
    )  # fmt: skip


def test_rows_check_reports_row_column_and_reason_in_indonesian():
    """Each bad cell gives its Excel row, the column and what is wrong."""
    rows = [form_row()] * 15 + [
        form_row(answers=[4, 4, 5, 4, 4, 4, 4, 4, 4]),
        form_row(day=date(2025, 10, 2), service="Paspor", age=12, education="SMK"),
        form_row(answers=[None] * 9),
    ]
    result = _check(rows)
    texts = [error.text() for error in result.errors]
    assert not result.ok
    assert result.rows == []
    assert texts == [
        "Baris 17, kolom U3: nilai 5 tidak valid; harus 1–4 atau kosong",
        "Baris 18, kolom tanggal: tanggal 2 Okt 2025 belum terjadi",
        "Baris 18, kolom layanan: 'Paspor' bukan layanan aktif unit ini; pilih dari "
        "daftar di templat",
        "Baris 18, kolom usia: nilai 12 tidak valid; harus bilangan bulat 15–100 atau "
        "kosong",
        "Baris 18, kolom pendidikan: nilai 'SMK' tidak valid; harus salah satu dari "
        "SD, SMP, SMA, D1-D3, S1, S2, S3 atau kosong",
        "Baris 19, kolom U1–U9: isi paling sedikit satu jawaban unsur",
    ]
    assert result.errors[0].message_en == "value 5 is not valid; must be 1–4 or empty"


def test_rows_check_caps_the_error_list_and_counts_the_rest():
    """Past the cap, errors are counted, not listed; a last entry says how many."""
    result = _check([form_row(answers=[9] * 9)] * 5, max_errors=10)
    listed = result.error_dicts()
    assert (result.error_count, len(result.errors), len(listed)) == (45, 10, 11)
    assert listed[-1]["row"] is None
    assert "35 kesalahan lain" in listed[-1]["message"]


def test_rows_check_refuses_wrong_header_and_too_many_rows():
    """A header not from the template, or more rows than allowed, refuses the file."""
    header = ["tanggal", "layanan", *ELEMENT_COLUMNS, "jk", "usia"]
    bad_header = _check([form_row()], header=header)
    too_many = _check([form_row()] * 4, max_rows=3)
    assert {(e.row, e.column) for e in bad_header.errors} >= {
        (1, "L"),
        (1, "jenis_kelamin"),
        (1, "kritik_saran"),
    }
    assert "lebih dari 3 baris" in too_many.errors[0].message


# --- the import ---------------------------------------------------------------------


def test_import_valid_file_stores_paper_responses_dated_noon_and_rolls_up(world):
    """Three valid rows become three paper responses on their survey days."""
    rows = [
        form_row(date(2025, 7, 14), answers=[4, 3, 3, 4, 3, 4, 4, 3, 3]),
        form_row(date(2025, 7, 14), answers=[1, 2, None, 4, 3, 2, 1, 2, 3], sex="L"),
        form_row(date(2025, 8, 1), answers=[2] * 9, education=None, comment=""),
    ]
    job = run(new_job(world, xlsx_bytes(rows)))
    stored = list(Response.objects.order_by("id"))
    july = DailyRollup.objects.get(day=date(2025, 7, 14))
    assert (job.status, job.created_count, job.processed_rows, job.total_rows) == (
        "done", 3, 3, 3,
    )  # fmt: skip
    assert {r.channel for r in stored} == {"paper"}
    assert [r.day for r in stored] == [date(2025, 7, 14)] * 2 + [date(2025, 8, 1)]
    assert stored[0].submitted_at == datetime(2025, 7, 14, 5, tzinfo=UTC)
    assert stored[1].answers() == {
        "U1": 1, "U2": 2, "U3": None, "U4": 4, "U5": 3, "U6": 2, "U7": 1, "U8": 2, "U9": 3,
    }  # fmt: skip
    assert (stored[1].sex, stored[1].age, stored[2].education) == ("L", 34, "")
    assert stored[0].client_id == paper_client_id(world.dukcapil.pk, job.file_sha256, 2)
    assert (july.channel, july.responses, july.u1_4, july.u1_1, july.u3_3) == (
        "paper", 2, 1, 1, 1,
    )  # fmt: skip
    assert rollups_rebuild(check_only=True).ok


def test_import_with_two_bad_rows_is_refused_and_stores_nothing(world):
    """One bad cell anywhere refuses the whole file; every error is listed."""
    rows = [form_row()] * 5 + [form_row(answers=[4, 4, 5, 4, 4, 4, 4, 4, 4])]
    rows += [form_row()] * 3 + [form_row(sex="X")]
    job = run(new_job(world, xlsx_bytes(rows)))
    assert job.status == "refused"
    assert [(e["row"], e["column"]) for e in job.errors] == [
        (7, "U3"),
        (11, "jenis_kelamin"),
    ]
    assert job.created_count == 0
    assert job.finished_at is not None
    assert not Response.objects.exists()
    assert not DailyRollup.objects.exists()


def test_import_of_a_damaged_workbook_is_refused(world):
    """A zip that passes the upload check but holds no readable workbook is refused."""
    damaged = _zip(
        {
            "[Content_Types].xml": XLSX_CONTENT_TYPE.encode(),
            "xl/workbook.xml": b"<not-a-workbook",
        }
    )
    job = run(new_job(world, damaged.getvalue()))
    assert job.status == "refused"
    assert "tidak dapat dibaca" in job.errors[0]["message"]
    assert not Response.objects.exists()


def test_import_run_again_stores_nothing_twice(world):
    """Running a job again, even after its status was reset, adds no response."""
    job = run(new_job(world, xlsx_bytes([form_row(), form_row(answers=[1] * 9)])))
    again = run(job)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.PENDING)
    reset = run(job)
    assert (again.status, reset.status, reset.created_count) == ("done", "done", 0)
    assert Response.objects.count() == 2
    assert DailyRollup.objects.get().responses == 2
    assert rollups_rebuild(check_only=True).ok


def test_import_create_same_file_same_unit_returns_the_existing_job(world):
    """Uploading the same bytes twice gives the first job back, created=False."""
    content = xlsx_bytes([form_row()])
    first = new_job(world, content)
    run(first)
    upload = SimpleUploadedFile("lagi.xlsx", content)
    again = import_job_create(
        actor=world.head, unit=world.dukcapil, uploaded_file=upload
    )
    assert (again.created, again.job.pk) == (False, first.pk)
    assert ImportJob.objects.count() == 1
    assert Response.objects.count() == 1


def test_import_create_refuses_non_editors_and_oversize_files(world, settings):
    """An evaluator cannot upload; a file over MUTU_IMPORT_MAX_MB is refused."""
    content = xlsx_bytes([form_row()])
    with pytest.raises(MutuError, match="tidak berwenang"):
        new_job(world, content, actor=world.evaluator)
    settings.MUTU_IMPORT_MAX_MB = 0
    with pytest.raises(MutuError, match="terlalu besar"):
        new_job(world, content)
    assert not ImportJob.objects.exists()


def test_import_2000_rows_keeps_rollups_equal_to_responses(world):
    """A larger import (several batches, many days) leaves rollups exact."""
    other = factories.service(world.dukcapil, "Akta Kelahiran")
    rng = random.Random(4)
    rows = [
        form_row(
            date(2025, 7, 1) + timedelta(days=rng.randrange(60)),
            service=rng.choice(["Penerbitan KTP-el", other.name]),
            answers=[rng.choice([None, 1, 2, 3, 4, 4, 4]) for _ in range(8)] + [3],
            age=rng.choice([None, 20, 55]),
        )
        for _ in range(2000)
    ]
    response_submit(
        unit=world.dukcapil, service=world.ktp, channel="paper", answers={"U1": 2}
    )
    job = run(new_job(world, xlsx_bytes(rows)), batch_size=300, progress_every=500)
    assert (job.status, job.created_count) == ("done", 2000)
    assert Response.objects.count() == 2001
    assert rollups_rebuild(check_only=True).ok


def _snapshot():
    responses = [
        (
            r.client_id, r.content_hash, r.day, r.submitted_at, r.service_id,
            r.channel, r.is_flagged, r.sex, r.age, r.education, r.occupation,
            r.comment, r.device_hash, r.extra_answers, r.point_id,
            *(getattr(r, f) for f in ELEMENT_FIELDS),
            sorted((f.rule, f.reason) for f in r.flags.all()),
        )
        for r in Response.objects.order_by("id").prefetch_related("flags")
    ]  # fmt: skip
    rollups = sorted(
        DailyRollup.objects.values_list(
            "service_id", "day", "channel", "responses", *ROLLUP_COUNT_FIELDS
        )
    )
    return responses, rollups


@pytest.mark.parametrize(("run_length", "seed"), [(3, 14), (2, 5), (5, 7)])
def test_bulk_import_writes_what_response_submit_writes(
    world, settings, run_length, seed
):
    """Row for row, the bulk path stores what response_submit(channel="paper") does.

    Same content hash, day, time, flags (straight-line runs across earlier paper
    responses and across days in any order) and rollup counts.
    """
    settings.MUTU_SURVEY_STRAIGHT_LINE_RUN = run_length
    rng = random.Random(seed)
    days = [date(2025, 7, d) for d in (3, 4, 5, 9, 10, 11, 12, 20)]
    rows = [
        form_row(
            rng.choice(days),
            answers=[rng.choice([4, 4, 4, 3])] * 9
            if rng.random() < 0.7
            else [rng.choice([None, 2, 3]) for _ in range(9)],
            sex=rng.choice(["L", "P", None]),
            comment=rng.choice(["", "Ramah", None]),
        )
        for _ in range(200)
    ]

    def earlier_paper_responses():
        for day, answers in (
            (days[0], [4] * 9),
            (days[1], [4] * 9),
            (days[2], [3] * 9),
            (days[4], [4] * 9),
            (days[4], [4] * 9),
            (days[5], [4, 3, 4, 4, 4, 4, 4, 4, 4]),
        ):
            response_submit(
                unit=world.dukcapil,
                service=world.ktp,
                channel="paper",
                answers=dict(zip(ELEMENT_COLUMNS, answers, strict=True)),
                submitted_at=day_noon(day),
                now=day_noon(TODAY),
            )

    earlier_paper_responses()
    job = run(new_job(world, xlsx_bytes(rows)), batch_size=17)
    bulk = _snapshot()
    assert job.created_count == 200
    assert ResponseFlag.objects.filter(
        response__client_id__in=[r[0] for r in bulk[0][6:]]
    ).exists()

    Response.objects.all().delete()
    DailyRollup.objects.all().delete()
    MonthlyRollup.objects.all().delete()
    MonthlyRevision.objects.all().delete()
    earlier_paper_responses()
    checked = _check(rows)
    for row in checked.rows:
        response_submit(
            unit=world.dukcapil,
            service=world.ktp,
            channel="paper",
            answers=dict(zip(ELEMENT_COLUMNS, row[3:12], strict=True)),
            profile={
                "sex": row.sex,
                "age": row.age,
                "education": row.education,
                "occupation": row.occupation,
            },
            comment=row.comment,
            client_id=paper_client_id(world.dukcapil.pk, job.file_sha256, row.row),
            submitted_at=day_noon(row.day),
            now=day_noon(TODAY),
        )
    one_by_one = _snapshot()
    # The earlier responses got random client ids, so compare them without.
    assert [r[1:] for r in bulk[0][:6]] == [r[1:] for r in one_by_one[0][:6]]
    assert bulk[0][6:] == one_by_one[0][6:]
    assert bulk[1] == one_by_one[1]


def test_import_progress_counts_rows_checked(world, monkeypatch):
    """processed_rows moves while rows are checked row by row and ends at the row
    count (the set-based path of PostgreSQL checks in one statement)."""
    monkeypatch.setattr(jobs, "staged_available", lambda: False)
    seen = []
    original = rows_check

    def watching(*args, **kwargs):
        report = kwargs["on_progress"]

        def spy(rows):
            report(rows)
            seen.append(ImportJob.objects.get().processed_rows)

        kwargs["on_progress"] = spy
        return original(*args, **kwargs)

    job = new_job(world, xlsx_bytes([form_row()] * 250))
    monkeypatch.setattr(jobs, "rows_check", watching)
    job = run(job, progress_every=100)
    assert seen == [100, 200]
    assert (job.processed_rows, job.total_rows, job.percent) == (250, 250, 100)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has a single writer"
)
@pytest.mark.django_db(transaction=True)
def test_import_progress_is_visible_to_another_connection_during_the_store(
    world, monkeypatch
):
    """While the row-by-row import transaction is open, another connection sees
    the stored counter move but none of the rows."""
    monkeypatch.setattr(upload, "_enqueue", lambda job_id: None)
    monkeypatch.setattr(jobs, "staged_available", lambda: False)
    job = new_job(world, xlsx_bytes([form_row()] * 1000))
    seen = []
    original = SideCounter.write

    def write_then_look(self, column, value):
        original(self, column, value)
        # Look from a third connection, as the job page would.
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute(
                    "SELECT created_count FROM surveys_importjob WHERE id = %s",
                    [job.pk],
                )
                counter = cursor.fetchone()[0]
                cursor.execute("SELECT COUNT(*) FROM surveys_response")
                seen.append((counter, cursor.fetchone()[0]))
        finally:
            other.close()

    monkeypatch.setattr(SideCounter, "write", write_then_look)
    job = run(job, batch_size=200, progress_every=200)
    assert job.status == "done"
    assert seen == [(200, 0), (400, 0), (600, 0), (800, 0), (1000, 0)]
    assert Response.objects.count() == 1000


def test_import_job_file_is_stored_under_its_hash(world):
    """The uploaded file is kept under its SHA-256, never the uploader's name."""
    job = new_job(world, xlsx_bytes([form_row()]), name="../../etc/passwd.xlsx")
    assert job.file.name.endswith(f"{job.file_sha256[:32]}.xlsx")
    assert job.original_name == "passwd.xlsx"


@pytest.mark.parametrize(("age", "refused"), [(400, False), (401, True)])
def test_rows_check_refuses_a_day_older_than_the_one_window(age, refused):
    """A paper form dated before the submission window of every channel
    (``MUTU_SURVEY_MAX_AGE_DAYS``, 400) is a typing slip; the import refuses it."""
    result = _check([form_row(TODAY - timedelta(days=age))])
    assert result.ok is not refused
    if refused:
        assert "terlalu lama" in result.errors[0].message
        assert "400 hari" in result.errors[0].message


def test_import_keeps_comments_with_tabs_newlines_and_backslashes(world):
    """Comments are stored exactly, whichever write path the database uses."""
    comment = 'Antre "lama"\n\tloket 2 \\ 3 — 😊'
    job = run(new_job(world, xlsx_bytes([form_row(comment=comment)])))
    assert job.status == "done"
    assert Response.objects.get().comment == comment


def test_import_into_a_published_period_is_refused(world):
    """A paper row dated inside a published period is an error; nothing is stored."""
    from mutu.surveys.models import Publication

    Publication.objects.create(
        unit=world.dukcapil,
        period_key="2025-Q3",
        published_at=date(2025, 10, 5),
        media=["website"],
    )
    job = run(
        new_job(
            world,
            xlsx_bytes([form_row(date(2025, 7, 20)), form_row(date(2025, 6, 30))]),
        )
    )
    assert job.status == "refused"
    assert [e["row"] for e in job.errors] == [2]
    assert "sudah dipublikasikan" in job.errors[0]["message"]
    assert not Response.objects.exists()


# --- formulas -----------------------------------------------------------------------


def _sheet_edited(content: bytes, *edits: tuple[str, str]) -> bytes:
    """*content* with its data sheet's XML edited (as Excel would have written it)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                for old, new in edits:
                    assert old in text, old
                    text = text.replace(old, new, 1)
                data = text.encode()
            target.writestr(item, data)
    return buffer.getvalue()


def _text_cell(value: str) -> dict:
    """A marker for :func:`_xlsx_with_text`: a text cell, even if it starts with =."""
    return {"text": value}


def _xlsx_with_text(rows) -> bytes:
    """Like :func:`xlsx_bytes`, but ``_text_cell`` values are written as text cells
    (as Excel stores ``'=bagus``), not as formulas."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_DATA
    sheet.append(list(COLUMNS))
    for row_number, row in enumerate(rows, 2):
        for column, value in enumerate(row, 1):
            if isinstance(value, dict):
                cell = sheet.cell(row=row_number, column=column, value=value["text"])
                cell.data_type = "s"
            else:
                sheet.cell(row=row_number, column=column, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_rows_check_refuses_formula_cells_and_checks_the_rest_of_the_row():
    """A formula is an error of its own cell (no second "required" error for it);
    the row's other cells are still checked, and nothing is kept."""
    rows = [
        form_row(),
        form_row(day=Formula("=TODAY()"), answers=[Formula("=1+3"), *[4] * 8]),
        form_row(service=Formula("=Daftar!A2"), age=12, comment=Formula("=A1")),
    ]
    result = _check(rows)
    assert not result.ok
    assert result.rows == []
    assert [error.text() for error in result.errors] == [
        "Baris 3, kolom tanggal: rumus tidak diterima; ketik nilainya (sel ini "
        "berisi '=TODAY()')",
        "Baris 3, kolom U1: rumus tidak diterima; ketik nilainya (sel ini berisi "
        "'=1+3')",
        "Baris 4, kolom layanan: rumus tidak diterima; ketik nilainya (sel ini "
        "berisi '=Daftar!A2')",
        "Baris 4, kolom kritik_saran: rumus tidak diterima; ketik nilainya (sel ini "
        "berisi '=A1')",
        "Baris 4, kolom usia: nilai 12 tidak valid; harus bilangan bulat 15–100 atau "
        "kosong",
    ]
    assert result.errors[1].message_en == (
        "formulas are not accepted; type the value (this cell holds '=1+3')"
    )


def test_import_refuses_formulas_without_a_cached_value_and_stores_nothing(world):
    """The tester's file: U1 "=1+3" and a comment "=HYPERLINK(…)" written by a
    program that computes nothing, so the file caches no value. Both cells are
    errors; the valid rows around them are not stored either."""
    rows = [
        form_row(),
        form_row(answers=["=1+3", *[4] * 8]),
        form_row(comment='=HYPERLINK("http://x", "klik")'),
        form_row(),
    ]
    job = run(new_job(world, xlsx_bytes(rows)))
    assert job.status == "refused"
    assert [(e["row"], e["column"]) for e in job.errors] == [
        (3, "U1"),
        (4, "kritik_saran"),
    ]
    assert job.errors[0]["message"].startswith("rumus tidak diterima; ketik nilainya")
    assert job.created_count == 0
    assert not Response.objects.exists()
    assert not DailyRollup.objects.exists()


def test_import_refuses_formulas_whatever_value_the_file_cached(world):
    """A file saved by Excel caches each formula's result (4 for "=1+3"): plain,
    shared (filled down) and array formulas are refused all the same, while a
    text cell that starts with "=" (typed as '=bagus) is text."""
    rows = [
        form_row(comment=_text_cell("=bagus, cepat")),
        form_row(answers=["=1+3", *[4] * 8]),
        form_row(answers=["=1+3", *[4] * 8]),
        form_row(answers=["=1+3", *[4] * 8]),
        form_row(answers=["=1+3", *[4] * 8]),
        form_row(comment=_text_cell("=)")),
    ]
    content = _sheet_edited(
        _xlsx_with_text(rows),
        ('<c r="C3"><f>1+3</f><v /></c>', '<c r="C3"><f>1+3</f><v>4</v></c>'),
        (
            '<c r="C4"><f>1+3</f><v /></c>',
            '<c r="C4"><f t="shared" ref="C4:C5" si="0">1+3</f><v>4</v></c>',
        ),
        (
            '<c r="C5"><f>1+3</f><v /></c>',
            '<c r="C5"><f t="shared" si="0" /><v>4</v></c>',
        ),
        (
            '<c r="C6"><f>1+3</f><v /></c>',
            '<c r="C6"><f t="array" ref="C6">1+3</f><v>4</v></c>',
        ),
    )
    cached = load_workbook(io.BytesIO(content), data_only=True)[SHEET_DATA]
    # What the import read before: the cached 4s, a valid answer.
    assert [cached[f"C{row}"].value for row in (3, 4, 5, 6)] == [4, 4, 4, 4]
    job = run(new_job(world, content))
    assert job.status == "refused"
    assert [(e["row"], e["column"]) for e in job.errors] == [
        (3, "U1"),
        (4, "U1"),
        (5, "U1"),
        (6, "U1"),
    ]
    assert not Response.objects.exists()

    text_only = _xlsx_with_text([rows[0], rows[5]])
    job = run(new_job(world, text_only))
    assert job.status == "done"
    assert sorted(Response.objects.values_list("comment", flat=True)) == [
        "=)",
        "=bagus, cepat",
    ]


def test_rows_check_writes_the_row_limit_with_a_thousands_separator():
    """The limit reads "1.000" in Indonesian and "1,000" in English, not "1000"."""
    too_many = _check([form_row()] * 1001, max_rows=1000)
    assert "lebih dari 1.000 baris" in too_many.errors[0].message
    assert "more than 1,000 data rows" in too_many.errors[0].message_en
