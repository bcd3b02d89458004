"""Streaming CSV exports of responses (issue 14 item 6): scope, content, formulas."""

import csv
import io
import uuid
from datetime import UTC, date, datetime

from django.urls import reverse

from mutu.reports.spreadsheets import cell_text
from mutu.surveys.exports import BOM, HEADER, csv_chunks
from mutu.surveys.models import Response
from tests.accounts.login import login


def add_responses(unit, service, count: int, *, comment: str = "", day=None) -> None:
    """*count* plain responses of *unit* for *service* (bulk, no rules run)."""
    day = day or date(2026, 7, 15)
    at = datetime(day.year, day.month, day.day, 3, 0, tzinfo=UTC)
    Response.objects.bulk_create(
        Response(
            unit=unit,
            service=service,
            channel="web",
            submitted_at=at,
            day=day,
            client_id=uuid.uuid4(),
            content_hash="x" * 64,
            comment=comment,
            **{f"u{i}": 3 for i in range(1, 10)},
        )
        for _ in range(count)
    )


def _rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()
    assert body.startswith(BOM + HEADER)
    return list(csv.reader(io.StringIO(body.removeprefix(BOM))))[1:]


def test_unit_export_streams_the_units_rows_as_csv(client, world):
    """The unit's staff download the unit's responses, streamed, one line each."""
    add_responses(world.dukcapil, world.ktp, 3, comment="Antrean cepat")
    add_responses(world.dukcapil_bandung, world.ktp_bandung, 2)
    login(client, world.operator)
    response = client.get(
        reverse("surveys:export_unit", kwargs={"unit_id": world.dukcapil.pk})
    )
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"skm-unit-{world.dukcapil.pk}.csv" in response["Content-Disposition"]
    rows = _rows(response)
    assert len(rows) == 3
    header = HEADER.strip().split(",")
    first = dict(zip(header, rows[0], strict=True))
    assert first["unit"] == "Dukcapil Pesawaran"
    assert first["service"] == "Penerbitan KTP-el"
    assert (first["U1"], first["U9"], first["comment"]) == ("3", "3", "Antrean cepat")
    assert (first["flagged"], first["excluded"]) == ("0", "0")


def test_unit_export_of_a_period_keeps_only_its_days(client, world):
    """``?periode=2026-Q3`` keeps the quarter's responses; a bad key is 404."""
    add_responses(world.dukcapil, world.ktp, 2, day=date(2026, 7, 1))
    add_responses(world.dukcapil, world.ktp, 1, day=date(2026, 4, 1))
    login(client, world.head)
    url = reverse("surveys:export_unit", kwargs={"unit_id": world.dukcapil.pk})
    response = client.get(url, {"periode": "2026-Q3"})
    assert "skm-unit-" in response["Content-Disposition"]
    assert "-2026-Q3.csv" in response["Content-Disposition"]
    assert len(_rows(response)) == 2
    assert client.get(url, {"periode": "kemarin"}).status_code == 404


def test_unit_export_is_refused_outside_the_users_scope(client, world):
    """Another unit's staff, an evaluator and a visitor get no file."""
    add_responses(world.dukcapil_bandung, world.ktp_bandung, 1)
    url = reverse("surveys:export_unit", kwargs={"unit_id": world.dukcapil_bandung.pk})
    assert client.get(url).status_code == 302  # to the login page
    login(client, world.operator)
    assert client.get(url).status_code == 404
    login(client, world.evaluator)
    assert client.get(url).status_code == 404


def test_region_export_keeps_the_units_the_user_sees(client, world):
    """A province's coordinator exports the province's units, not another
    province's; a government's coordinator only that government's units, even
    through a larger region."""
    add_responses(world.dukcapil, world.ktp, 2)
    add_responses(world.rsud_bandar_lampung, world.ktp, 1)  # a Pesawaran service
    add_responses(world.dukcapil_bandung, world.ktp_bandung, 4)
    lampung = reverse("surveys:export_region", kwargs={"code": "18"})
    login(client, world.province_coordinator)
    rows = _rows(client.get(lampung))
    assert len(rows) == 3
    login(client, world.coordinator)  # the Pesawaran government's coordinator
    pesawaran = reverse("surveys:export_region", kwargs={"code": "18.09"})
    assert len(_rows(client.get(pesawaran))) == 2
    assert client.get(lampung).status_code == 404
    assert client.get(reverse("surveys:export_region", args=["32"])).status_code == 404


def test_national_export_is_for_national_admins(client, world):
    """``/wilayah/ID/skm/ekspor.csv`` holds every unit's responses; a province's
    coordinator gets 404 there."""
    add_responses(world.dukcapil, world.ktp, 2)
    add_responses(world.dukcapil_bandung, world.ktp_bandung, 3)
    url = reverse("surveys:export_region", kwargs={"code": "ID"})
    login(client, world.province_coordinator)
    assert client.get(url).status_code == 404
    login(client, world.admin)
    response = client.get(url)
    assert "skm-wilayah-ID.csv" in response["Content-Disposition"]
    assert len(_rows(response)) == 5


TRICKY = [
    '=HYPERLINK("http://x")',
    "+62 812",
    "-1+2",
    "@SUM(A1)",
    "\t=1+2",
    "\r=1+2",
    "\n=1+2",
    "  =1+2",
    "\uff1d1+2",
    "\uff20A1",
    "cmd|' /C calc'!A0",
    "Penerbitan KTP-el",
    "a=b",
    "  Antrean cepat",
    "",
]


def test_cells_that_start_like_a_formula_are_neutralised(world):
    """Comments, unit and service names leave as cell_text would write them (a
    leading ' before = + - @, their full-width forms after spaces, or a tab, CR or
    LF), done inside the query on either database; other text unchanged."""
    world.dukcapil.name = "=HYPERLINK(1)"
    world.dukcapil.save(update_fields=["name"])
    world.ktp.name = " +SUM(A1)"
    world.ktp.save(update_fields=["name"])
    for text in TRICKY:
        add_responses(world.dukcapil, world.ktp, 1, comment=text)
    expected = {
        str(pk): cell_text(comment)
        for pk, comment in Response.objects.values_list("pk", "comment")
    }
    body = b"".join(csv_chunks(Response.objects.all(), using="default")).decode()
    reader = csv.reader(io.StringIO(body.removeprefix(BOM), newline=""), strict=True)
    header = HEADER.strip().split(",")
    cells = [dict(zip(header, row, strict=True)) for row in list(reader)[1:]]
    assert {cell["id"]: cell["comment"] for cell in cells} == expected
    assert sum(value.startswith("'") for value in expected.values()) == 10
    assert {cell["unit"] for cell in cells} == {"'=HYPERLINK(1)"}
    assert {cell["service"] for cell in cells} == {"' +SUM(A1)"}


def test_export_sends_the_header_before_reading_rows(world):
    """The first chunk is the header alone, so the first byte leaves at once."""
    add_responses(world.dukcapil, world.ktp, 5)
    chunks = csv_chunks(Response.objects.all(), using="default")
    assert next(chunks) == (BOM + HEADER).encode()
    assert sum(chunk.count(b"\n") for chunk in chunks) == 5


def test_a_download_stopped_halfway_leaves_the_connection_usable(world):
    """A client that goes away mid-file closes the stream; the database connection
    (mid-COPY on PostgreSQL) answers the next query."""
    add_responses(world.dukcapil, world.ktp, 3000, comment="x" * 40)
    chunks = csv_chunks(Response.objects.all(), using="default")
    next(chunks)
    assert len(next(chunks)) >= 64 * 1024
    chunks.close()
    assert Response.objects.count() == 3000
