"""Open data (issue 15 item 8): published figures only, as CSV, JSON and API, with a
dictionary and the licence from the settings."""

import csv
import io
from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mutu.surveys.periods import PeriodKind, period_containing
from mutu.surveys.publishing import result_publish
from mutu.surveys.services import response_submit


@pytest.fixture
def period():
    return period_containing(timezone.localdate(), PeriodKind.QUARTER).previous()


def _answer(world, unit, service, period, comment=""):
    response_submit(
        unit=unit,
        service=service,
        channel="web",
        answers={"U1": 2, **{f"U{i}": 4 for i in range(2, 10)}},
        comment=comment,
        submitted_at=timezone.make_aware(
            datetime.combine(period.start + timedelta(days=3), time(10))
        ),
    )


@pytest.fixture
def published(world, period):
    """Dukcapil published its quarter (2 responses); Dinas Sosial answered, unpublished."""
    for _ in range(2):
        _answer(world, world.dukcapil, world.ktp, period, comment="Nama saya Budi")
    result_publish(
        actor=world.head,
        unit=world.dukcapil,
        period_key=period.key,
        published_at=period.end + timedelta(days=1),
        media=["website"],
    )
    return period


def _csv(client, slug):
    response = client.get(reverse("reports:open_data_csv", args=[slug]))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_skm_dataset_holds_published_periods_only(world, client, published):
    """One row: Dukcapil's published quarter, IKM 3,778 → 94,44 A, U1's NRR 2,00;
    no comment and no response row anywhere in the file."""
    rows = _csv(client, "skm")
    assert len(rows) == 1
    row = rows[0]
    assert (row["unit"], row["period"], row["responses"]) == (
        world.dukcapil.name,
        published.key,
        "2",
    )
    assert (row["ikm"], row["ikm_converted"], row["grade"]) == ("3.778", "94.44", "A")
    assert row["nrr_u1"] == "2.00"
    assert row["published_on"] == (published.end + timedelta(days=1)).isoformat()
    assert "Budi" not in str(rows)


def test_json_file_and_api_are_the_same_document(world, client, published, settings):
    settings.MUTU_OPEN_DATA_LICENCE_NAME = "Lisensi Terbuka Pemerintah"
    page = client.get(reverse("reports:open_data_json", args=["skm"])).json()
    api = client.get(reverse("api-v1-open-data", args=["skm"])).json()
    assert page == api
    assert page["licence"]["name"] == "Lisensi Terbuka Pemerintah"
    assert page["rows"][0]["ikm_converted"] == 94.44
    assert [c["name"] for c in page["columns"]][:3] == ["unit_id", "unit", "government"]


def test_unknown_dataset_is_404_with_both_messages(client):
    assert client.get("/data/tidak-ada.csv").status_code == 404
    response = client.get(reverse("api-v1-open-data", args=["tidak-ada"]))
    assert response.status_code == 404
    body = response.json()
    assert "tidak ada" in str(body)
    assert "no dataset" in str(body)


def test_csv_cells_cannot_run_as_formulas(world, client, period):
    world.dukcapil.name = "=HYPERLINK(1)"
    world.dukcapil.save()
    _answer(world, world.dukcapil, world.ktp, period)
    result_publish(
        actor=world.head,
        unit=world.dukcapil,
        period_key=period.key,
        published_at=period.end + timedelta(days=1),
        media=["website"],
    )
    assert _csv(client, "skm")[0]["unit"] == "'=HYPERLINK(1)"


def test_evaluation_dataset_is_empty_without_a_published_cycle(db, client):
    rows = _csv(client, "evaluasi")
    assert rows == []


def test_pages_list_datasets_and_the_dictionary(client, settings):
    settings.MUTU_OPEN_DATA_LICENCE_URL = "https://data.example.go.id/lisensi"
    index = client.get(reverse("reports:open_data")).content.decode()
    assert reverse("reports:open_data_csv", args=["skm"]) in index
    assert reverse("reports:open_data_json", args=["evaluasi"]) in index
    assert "https://data.example.go.id/lisensi" in index
    dictionary = client.get(reverse("reports:open_data_dictionary")).content.decode()
    assert "ikm_converted" in dictionary
    assert "bilangan bulat" in dictionary
