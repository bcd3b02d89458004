"""Instrument versions side by side (issue 12 item 5; docs/regulations.md D8, D19).

A national admin uploads a new version as a file, checked against the schema; the
versions live beside the shipped files; each cycle keeps the version it was opened
with; a retired version opens no new cycle.
"""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from mutu.audit.models import AuditEvent
from mutu.errors import MutuError
from mutu.evaluations.instruments import cycle_instrument, instrument_catalogue
from mutu.evaluations.models import InstrumentVersion
from mutu.evaluations.services import (
    cycle_open,
    instrument_version_retire,
    instrument_version_upload,
)
from mutu.measures.instrument import instrument_checksum
from tests.accounts.login import login

pytestmark = pytest.mark.django_db

URL = "/evaluasi/instrumen/"


def _shipped() -> dict:
    from importlib import resources

    folder = resources.files("mutu.measures").joinpath("instruments")
    return json.loads(folder.joinpath("pekppp-2022.json").read_text(encoding="utf-8"))


def _file(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1).encode()


def _version_2025() -> dict:
    """PEKPPP 2022 as a new version whose aspect I text differs (a real change)."""
    data = _shipped()
    data["version"] = "2025"
    data["title"] = "Instrumen PEKPPP 2025 (uji)"
    data["aspects"][0]["indicators"][1]["rubric"][0]["text"] = "Teks uji level 0."
    return data


def _open(world, name: str, **extra):
    return cycle_open(
        actor=world.admin,
        year=2026,
        name=name,
        scheme="nasional",
        region=world.pesawaran,
        units=[world.dukcapil],
        self_assessment_due=date(2026, 5, 1),
        verification_due=date(2026, 6, 1),
        **extra,
    )


def test_upload_refuses_aspect_weights_that_do_not_sum_to_100(world, client):
    """A file whose aspect weights sum to 99 is refused, naming the field (400)."""
    data = _version_2025()
    data["aspects"][0]["weight"] = 23  # 23 + 25 + 18 + 11 + 10 + 12 = 99
    login(client, world.admin)
    response = client.post(
        URL + "unggah/",
        {"file": SimpleUploadedFile("pekppp-baru.json", _file(data))},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "pekppp-baru.json: aspects: bobot aspek yang dinilai berjumlah 99" in page
    assert not InstrumentVersion.objects.exists()


def test_upload_refuses_an_indicator_without_a_level(world):
    """Every indicator lists every level 0–5: a missing level 3 is refused."""
    data = _version_2025()
    rubric = data["aspects"][1]["indicators"][2]["rubric"]
    del rubric[3]
    with pytest.raises(MutuError) as refused:
        instrument_version_upload(
            actor=world.admin, file_name="baru.json", data=_file(data)
        )
    assert refused.value.message_id.startswith(
        "baru.json: aspects[1].indicators[2].rubric: level harus tepat 0..5"
    )
    assert "levels must be exactly 0..5" in refused.value.message_en
    assert not InstrumentVersion.objects.exists()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["aspects"][0]["indicators"][0].update(weight=18), "berjumlah 101"),
        (lambda d: d.update(version="2022"), "sudah ada"),
        (lambda d: d.update(kind="skm"), "kind"),
        (lambda d: d.pop("combination"), "combination: wajib ada"),
    ],
)
def test_upload_refuses_other_schema_errors(world, change, expected):
    data = _version_2025()
    change(data)
    with pytest.raises(MutuError, match=expected):
        instrument_version_upload(
            actor=world.admin, file_name="x.json", data=_file(data)
        )


def test_upload_refuses_broken_json_and_non_admins(world):
    with pytest.raises(MutuError, match="JSON tidak valid"):
        instrument_version_upload(actor=world.admin, file_name="x.json", data=b"{")
    with pytest.raises(MutuError, match="admin nasional"):
        instrument_version_upload(
            actor=world.coordinator, file_name="x.json", data=_file(_version_2025())
        )


def test_a_cycle_keeps_its_version_after_a_newer_one_is_added(world, client):
    """Two versions side by side: the old cycle reads 2022, a new one 2025."""
    old = _open(world, "Siklus lama")
    content = _file(_version_2025())
    login(client, world.admin)
    response = client.post(
        URL + "unggah/", {"file": SimpleUploadedFile("pekppp-2025.json", content)}
    )
    assert response.status_code == 302
    record = InstrumentVersion.objects.get()
    assert (record.instrument_id, record.version) == ("pekppp-2022", "2025")
    assert record.sha256 == instrument_checksum(content)
    assert AuditEvent.objects.filter(action="instrument_version.upload").count() == 1
    new = _open(world, "Siklus baru", instrument_version="2025")
    old.refresh_from_db()
    assert cycle_instrument(old).version == "2022"
    assert cycle_instrument(old).indicator("Q2").rubric[0].text != "Teks uji level 0."
    assert cycle_instrument(new).version == "2025"
    assert cycle_instrument(new).indicator("Q2").rubric[0].text == "Teks uji level 0."
    # the list shows both versions of pekppp-2022
    page = client.get(URL).content.decode()
    assert "2025" in page
    assert record.sha256[:10] in page
    # the cycle form offers both
    form = client.get("/evaluasi/siklus/baru/").content.decode()
    assert 'value="pekppp-2022@2022"' in form
    assert 'value="pekppp-2022@2025"' in form


def test_retire_stops_new_cycles_and_keeps_old_ones(world, client):
    record = instrument_version_upload(
        actor=world.admin, file_name="v.json", data=_file(_version_2025())
    )
    cycle = _open(world, "Dengan 2025", instrument_version="2025")
    login(client, world.admin)
    refused = client.post(URL + f"{record.pk}/pensiun/", {"reason": ""})
    assert refused.status_code == 303  # reason required
    record.refresh_from_db()
    assert record.retired_at is None
    response = client.post(
        URL + f"{record.pk}/pensiun/", {"reason": "Diganti versi kementerian"}
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.retired_at is not None
    event = AuditEvent.objects.get(action="instrument_version.retire")
    assert event.reason == "Diganti versi kementerian"
    with pytest.raises(MutuError, match="dipensiunkan"):
        _open(world, "Tidak bisa", instrument_version="2025")
    assert cycle_instrument(cycle).version == "2025"  # the old cycle keeps it
    with pytest.raises(MutuError, match="sudah dipensiunkan"):
        instrument_version_retire(actor=world.admin, record=record, reason="lagi")
    entry = next(e for e in instrument_catalogue() if e.record == record)
    assert entry.retired


def test_only_national_admins_see_the_instrument_pages(world, client):
    login(client, world.coordinator)
    assert client.get(URL).status_code == 404
    assert client.post(URL + "unggah/", {}).status_code == 404
    login(client, world.admin)
    page = client.get(URL)
    assert page.status_code == 200
    assert "pekppp-2017" in page.content.decode()


def test_the_instruments_command_lists_shipped_and_uploaded_versions(world):
    instrument_version_upload(
        actor=world.admin, file_name="v.json", data=_file(_version_2025())
    )
    out = StringIO()
    call_command("instruments", "list", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    keys = {(r["id"], r["version"], r["origin"]) for r in rows}
    assert ("pekppp-2022", "2022", "bawaan") in keys
    assert ("skm-2017", "2017", "bawaan") in keys
    assert ("pekppp-2022", "2025", "unggahan") in keys
    text = StringIO()
    call_command("instruments", "list", stdout=text)
    assert "unggahan" in text.getvalue()
    assert "bawaan" in text.getvalue()
