"""Complaint figures as open data (issue 15 item 8, D25): per unit and month of a
period whose recap the unit published; never a complaint's text or who filed it."""

import csv
import io
from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mutu.complaints.services import (
    complaint_answer,
    complaint_close,
    complaint_file,
    complaint_recap_publish,
    complaint_verify,
)
from mutu.reports.open_data import DATASETS

NAME, EMAIL, PHONE = "Sutini Rahasia", "sutini@example.org", "081234567890"
TEXT = "Petugas loket meminta uang tambahan untuk KTP saya."


def _at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _file(unit, day: date, **identity):
    return complaint_file(
        unit=unit,
        text=TEXT,
        channel="web",
        now=_at(day),
        **identity,
    ).complaint


@pytest.fixture
def quarter():
    """2026 Q1: January and February hold complaints, March none."""
    return date(2026, 1, 1), date(2026, 3, 31)


@pytest.fixture
def published(world, quarter):
    """Dukcapil: 3 complaints in January (one verified, answered and closed on
    time), 1 in February, 1 in April (outside the published quarter); its Q1
    recap published. Dinas Sosial: 2 complaints in January, no recap."""
    january = date(2026, 1, 12)
    done = _file(
        world.dukcapil,
        january,
        reporter_name=NAME,
        reporter_email=EMAIL,
        reporter_phone=PHONE,
    )
    complaint_verify(actor=world.operator, complaint=done, now=_at(january, 11))
    done.refresh_from_db()
    complaint_answer(
        actor=world.operator,
        complaint=done,
        text="Pungutan itu tidak resmi; petugas sudah ditegur.",
        now=_at(january + timedelta(days=1)),
    )
    done.refresh_from_db()
    complaint_close(
        actor=world.operator, complaint=done, now=_at(january + timedelta(days=2))
    )
    for _ in range(2):
        _file(world.dukcapil, january, reporter_name=NAME)
    _file(world.dukcapil, date(2026, 2, 3), privacy="anonymous")
    _file(world.dukcapil, date(2026, 4, 6))
    for _ in range(2):
        _file(world.dinsos, january, reporter_name=NAME)
    complaint_recap_publish(
        actor=world.head,
        unit=world.dukcapil,
        period_key="2026-Q1",
        now=_at(date(2026, 4, 2)),
    )


def _csv(client) -> tuple[list[str], list[dict[str, str]], str]:
    response = client.get(reverse("reports:open_data_csv", args=["pengaduan"]))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    reader = csv.DictReader(io.StringIO(text))
    return list(reader.fieldnames or []), list(reader), text


def test_csv_columns_match_the_dictionary(world, client, published):
    """The CSV's header is the dataset's columns, each listed on the dictionary
    page with its meaning."""
    names, _rows, _text = _csv(client)
    assert names == [c.name for c in DATASETS["pengaduan"].columns]
    dictionary = client.get(reverse("reports:open_data_dictionary")).content.decode()
    for column in DATASETS["pengaduan"].columns:
        assert f"<code>{column.name}</code>" in dictionary
    index = client.get(reverse("reports:open_data")).content.decode()
    assert reverse("reports:open_data_csv", args=["pengaduan"]) in index


def test_rows_are_the_published_units_months_only(world, client, published):
    """Dukcapil's January (3 received, 1 closed, answered on time) and February
    (1); not April, outside the published recap; nothing of Dinas Sosial, which
    published no recap, nor of units without complaints."""
    _names, rows, _text = _csv(client)
    assert [(r["unit"], r["month"], r["received"]) for r in rows] == [
        (world.dukcapil.name, "2026-01", "3"),
        (world.dukcapil.name, "2026-02", "1"),
    ]
    january = rows[0]
    assert january["closed"] == "1"
    assert january["complaints"] == "3"
    assert january["region_code"] == world.dukcapil.government.region.code
    assert float(january["answered_on_time_percent"]) > 0
    assert world.dinsos.name not in _text
    assert world.dukcapil_bandung.name not in _text


def test_no_person_and_no_complaint_text_in_any_form(world, client, published):
    """CSV, JSON file and API carry neither the text nor the name, e-mail or
    phone of anyone who complained."""
    _names, _rows, text = _csv(client)
    document = client.get(reverse("reports:open_data_json", args=["pengaduan"]))
    api = client.get(reverse("api-v1-open-data", args=["pengaduan"]))
    assert document.json() == api.json()
    for body in (text, document.content.decode(), api.content.decode()):
        for secret in (NAME, EMAIL, PHONE, TEXT[:20], "ditegur"):
            assert secret not in body


def test_no_recap_means_an_empty_dataset(world, client):
    _file(world.dukcapil, date(2026, 1, 12), reporter_name=NAME)
    names, rows, _text = _csv(client)
    assert rows == []
    assert names[0] == "unit_id"
