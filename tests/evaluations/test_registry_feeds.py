"""Q3, Q5, Q10 and Q31 follow the unit's registry records (issue 12 item 6, D19).

The operator edits the records on the unit's pages; the proposed level of each
indicator follows, in the feeds and in an open cycle's answers.
"""

from datetime import date, time

import pytest
from django.urls import reverse

from mutu.audit.models import AuditEvent
from mutu.evaluations.feeds import feeds_for
from mutu.evaluations.models import Answer
from mutu.measures.feed_sources import FeedWindow
from mutu.registry.models import ServicePoint, UnitRecord
from mutu.registry.services import standard_update, unit_record_update

pytestmark = pytest.mark.django_db

WINDOW = FeedWindow.for_year(2026)


def _level(world, number: str) -> int | None:
    return feeds_for(world.dukcapil, WINDOW)[number]["level"]


def _records_url(world) -> str:
    return reverse("registry:unit_records", kwargs={"unit_id": world.dukcapil.pk})


def test_q5_follows_the_maklumat_the_operator_records(world, client):
    """Nothing recorded → 0; each step the operator records raises the proposal."""
    assert _level(world, "Q5") == 0
    client.force_login(world.operator)
    url = _records_url(world)
    steps = [
        ({"charter_text": "Dengan ini kami menyatakan sanggup ..."}, 1),
        (
            {
                "charter_decree_number": "SK 12/2026",
                "charter_decree_date": "2026-02-01",
            },
            2,
        ),
        ({"charter_content_checked": "on"}, 3),
        ({"charter_print": "on"}, 4),
        ({"charter_electronic": "on"}, 5),
    ]
    data: dict[str, str] = {}
    for step, level in steps:
        data |= step
        response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:500]
        assert _level(world, "Q5") == level
    record = UnitRecord.objects.get(unit=world.dukcapil)
    assert record.charter_decree_date == date(2026, 2, 1)
    assert AuditEvent.objects.filter(action="unit_record.update").count() == 5


def test_a_decree_number_without_its_date_is_refused(world, client):
    client.force_login(world.operator)
    response = client.post(
        _records_url(world),
        {"charter_text": "Maklumat", "charter_decree_number": "SK 1"},
    )
    assert response.status_code == 400
    assert "Isi nomor dan tanggal penetapan maklumat bersama-sama." in (
        response.content.decode()
    )
    assert _level(world, "Q5") == 0


def test_q10_counts_the_policy_and_the_counters_hours(world):
    assert _level(world, "Q10") == 0
    unit_record_update(
        actor=world.operator,
        unit=world.dukcapil,
        data={"hours_policy": "SK Kepala Dinas 5/2026 tentang jam pelayanan"},
    )
    assert _level(world, "Q10") == 1
    ServicePoint.objects.create(
        unit=world.dukcapil,
        name="Loket 1",
        code="dk-1",
        opens_at=time(7, 30),
        closes_at=time(15, 30),
    )
    assert _level(world, "Q10") == 2
    # a second counter without hours: the counters' hours no longer count
    ServicePoint.objects.create(unit=world.dukcapil, name="Loket 2", code="dk-2")
    assert _level(world, "Q10") == 1
    unit_record_update(
        actor=world.operator,
        unit=world.dukcapil,
        data={"hours_no_break": True, "hours_extra": True, "hours_holiday": True},
    )
    assert _level(world, "Q10") == 4


def test_q31_follows_the_queue_record_with_mutus_thresholds(world):
    feed = feeds_for(world.dukcapil, WINDOW)["Q31"]
    assert feed["level"] == 0
    assert "Ambang Mutu" in feed["how"]
    unit_record_update(
        actor=world.operator,
        unit=world.dukcapil,
        data={"queue_numbers": True, "queue_machine": True, "queue_online": True},
    )
    assert _level(world, "Q31") == 3


def test_q3_follows_the_publication_recorded_on_the_standard_page(world, client):
    """The operator ticks the media on the standard's page; the weakest standard
    sets the level."""
    assert _level(world, "Q3") == 0
    client.force_login(world.operator)
    url = reverse(
        "registry:standard_edit",
        kwargs={"unit_id": world.dukcapil.pk, "service_id": world.ktp.pk},
    )
    form = {"legal_basis": "UU 24/2013", "publication_media": ["board", "website"]}
    assert client.post(url, form).status_code == 302
    assert _level(world, "Q3") == 1  # part of the components only
    form |= {"publication_complete": "on"}
    assert client.post(url, form).status_code == 302
    assert _level(world, "Q3") == 2  # not on SIPP Nasional
    form |= {"on_sippn": "on", "publication_media": ["board", "website", "app"]}
    assert client.post(url, form).status_code == 302
    assert _level(world, "Q3") == 4
    assert client.post(url, form | {"publication_media": ["tv"]}).status_code == 400


def test_q3_refuses_unknown_media_in_the_service(world):
    with pytest.raises(Exception, match="Media publikasi tidak dikenal: tv"):
        standard_update(
            actor=world.operator, service=world.ktp, data={"publication_media": ["tv"]}
        )


def test_an_open_cycle_proposes_from_the_records(world):
    """Opening a cycle stores the proposals of the records in the unit's answers."""
    from mutu.evaluations.services import cycle_open

    unit_record_update(
        actor=world.operator,
        unit=world.dukcapil,
        data={"charter_text": "Maklumat", "queue_numbers": True},
    )
    cycle = cycle_open(
        actor=world.admin,
        year=2026,
        name="Uji catatan",
        scheme="nasional",
        region=world.pesawaran,
        units=[world.dukcapil],
        self_assessment_due=date(2026, 5, 1),
        verification_due=date(2026, 6, 1),
    )
    answers = Answer.objects.filter(assignment__cycle=cycle)
    assert answers.get(indicator="Q5").feed["level"] == 1
    assert answers.get(indicator="Q31").feed["level"] == 1
    assert answers.get(indicator="Q10").feed["level"] == 0


def test_the_self_assessment_form_shows_evidence_and_unofficial_texts(
    world, client, assignment
):
    """Each indicator lists its expected evidence; Q18–Q31 say their official
    level texts are not loaded, Q1–Q17 do not."""
    client.force_login(world.operator)
    page = client.get(
        reverse("evaluations:assignment", args=[assignment.pk])
    ).content.decode()
    assert "Bukti dukung yang diharapkan" in page
    assert "Screenshoot publikasi di SIPPN" in page  # Q3's evidence, verbatim
    q1 = page[page.index('id="Q1"') : page.index('id="Q2"')]
    q18 = page[page.index('id="Q18"') : page.index('id="Q19"')]
    assert "teks resmi belum dimuat" not in q1
    assert "teks resmi belum dimuat" in q18
    assert page.count("teks resmi belum dimuat") == 14  # Q18–Q31


@pytest.mark.parametrize("level", range(6))
def test_demo_records_propose_the_level_asked_for(world, level):
    """mutu.demo.records writes records whose feeds propose the level it is given."""
    from mutu.demo.records import records_load

    if level == 5:  # Q10's fifth level needs the counters' hours too
        ServicePoint.objects.create(
            unit=world.dukcapil,
            name="Loket 1",
            code="dk-1",
            opens_at=time(8),
            closes_at=time(15),
        )
    records_load({"dukcapil": world.dukcapil}, {"dukcapil": level})
    feeds = feeds_for(world.dukcapil, WINDOW)
    assert [feeds[n]["level"] for n in ("Q3", "Q5", "Q10", "Q31")] == [level] * 4
