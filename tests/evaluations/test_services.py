"""Rules of the evaluation services that the HTTP workflow does not reach."""

from datetime import date

import pytest

from mutu.errors import MutuError
from mutu.evaluations.evidence import sniff
from mutu.evaluations.feeds import feeds_for
from mutu.evaluations.instruments import cycle_instrument
from mutu.evaluations.models import Cycle
from mutu.evaluations.services import cycle_open
from mutu.measures.feed_sources import FeedWindow
from tests.accounts.login import login


def _open(world, actor, scheme, units, region=None, **extra):
    return cycle_open(
        actor=actor,
        year=2026,
        name=extra.pop("name", "Uji"),
        scheme=scheme,
        region=region or world.pesawaran,
        units=units,
        self_assessment_due=extra.pop("self_due", date(2026, 5, 1)),
        verification_due=date(2026, 6, 1),
    )


def test_coordinator_opens_a_mandiri_round_in_its_region(world):
    """A regency coordinator opens PEKPPP Mandiri for its own units."""
    cycle = _open(world, world.coordinator, "mandiri", [world.dukcapil, world.dinsos])
    assert cycle.assignments.count() == 2
    assert cycle.instrument_version == "2022"


def test_coordinator_cannot_open_a_national_cycle(world):
    with pytest.raises(MutuError, match="tidak berwenang"):
        _open(world, world.coordinator, "nasional", [world.dukcapil])
    assert not Cycle.objects.exists()


def test_units_outside_the_region_are_refused(world):
    with pytest.raises(MutuError, match="di luar wilayah"):
        _open(world, world.admin, "nasional", [world.dukcapil, world.dukcapil_bandung])
    assert not Cycle.objects.exists()


def test_deadlines_out_of_order_are_refused(world):
    with pytest.raises(MutuError, match="Tenggat verifikasi"):
        _open(
            world, world.admin, "nasional", [world.dukcapil], self_due=date(2026, 7, 1)
        )


def test_cycle_keeps_its_instrument_version(world):
    """A cycle whose stored version differs from the file is refused, never re-scored."""
    cycle = _open(world, world.admin, "nasional", [world.dukcapil])
    Cycle.objects.filter(pk=cycle.pk).update(instrument_version="1999")
    cycle.refresh_from_db()
    with pytest.raises(MutuError, match="versi 1999 tidak ditemukan"):
        cycle_instrument(cycle)


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"%PDF-1.7\n", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n\x00", "image/png"),
        (b"\xff\xd8\xff\xe0\x00", "image/jpeg"),
        (b"MZ\x90\x00", None),
        (b"<html>", None),
    ],
)
def test_sniff_recognises_only_pdf_png_jpeg(head, expected):
    assert sniff(head) == expected


def test_feeds_describe_their_source(world):
    """Q1 is fed from the registry: one standard with 1/14 components gives level 1."""
    feeds = feeds_for(world.dukcapil, FeedWindow.for_year(2026))
    assert feeds["Q1"]["level"] == 1
    assert "14 komponen" in feeds["Q1"]["how"]
    assert feeds["Q6"]["level"] == 0
    assert feeds["Q25"]["level"] is None


def test_coordinator_sees_the_cycle_it_opened(world, client):
    """The regency coordinator (government scope) can open its Mandiri cycle's page."""
    from django.urls import reverse

    cycle = _open(world, world.coordinator, "mandiri", [world.dukcapil])
    login(client, world.coordinator)
    assert client.get(reverse("evaluations:cycle", args=[cycle.pk])).status_code == 200
    login(client, world.province_coordinator)
    assert client.get(reverse("evaluations:cycle", args=[cycle.pk])).status_code == 200
    client.force_login(world.operator)
    assert client.get(reverse("evaluations:cycle", args=[cycle.pk])).status_code == 404


def test_finalize_refuses_changed_scores_without_notes(world, assignment):
    """A score that no longer matches a revised self-level needs its note at finalize."""
    from mutu.evaluations.services import (
        indicator_score,
        result_finalize,
        revision_request,
        self_answer_save,
        self_assessment_submit,
    )

    numbers = [
        n for n in assignment.answers.values_list("indicator", flat=True) if n != "Q31"
    ]
    for number in numbers:
        self_answer_save(
            reason="Sesuai bukti dukung.",
            actor=world.operator,
            assignment=assignment,
            indicator=number,
            level=3,
        )
    self_assessment_submit(actor=world.operator, assignment=assignment)
    for number in numbers:
        indicator_score(
            reason="Sesuai bukti dukung.",
            actor=world.evaluator,
            assignment=assignment,
            indicator=number,
            score=3,
        )
    revision_request(actor=world.evaluator, assignment=assignment, note="Perbaiki Q1")
    self_answer_save(
        reason="Sesuai bukti dukung.",
        actor=world.operator,
        assignment=assignment,
        indicator="Q1",
        level=5,
    )
    self_assessment_submit(actor=world.operator, assignment=assignment)
    with pytest.raises(MutuError, match="tanpa catatan: Q1"):
        result_finalize(actor=world.coordinator, assignment=assignment)


def test_coordinator_cannot_manage_a_larger_regions_cycle(world):
    """A regency coordinator neither sees nor manages the province's Mandiri round."""
    from mutu.evaluations.selectors import cycle_list_for_user
    from mutu.evaluations.services import evaluators_assign

    cycle = _open(
        world,
        world.province_coordinator,
        "mandiri",
        [world.dukcapil, world.rsud_bandar_lampung],
        region=world.lampung,
    )
    assert not cycle_list_for_user(world.coordinator).filter(pk=cycle.pk).exists()
    with pytest.raises(MutuError):
        evaluators_assign(
            actor=world.coordinator,
            assignment=cycle.assignments.get(unit=world.rsud_bandar_lampung),
            evaluators=[world.evaluator],
        )
    with pytest.raises(MutuError):
        _open(
            world,
            world.coordinator,
            "mandiri",
            [world.dukcapil],
            region=world.national,
            name="x",
        )


def test_a_2017_cycle_has_no_feeds_and_takes_no_f03(world):
    """PEKPPP 2017 declares no fed indicator and no user form: its answers carry
    no feed, and F-03 answers are refused with the reason."""
    import uuid

    from mutu.evaluations.services import user_assessment_add

    # given a historical cycle scored with the 2017 instrument
    cycle = cycle_open(
        actor=world.admin,
        year=2026,
        name="Riwayat 2017",
        scheme="nasional",
        region=world.pesawaran,
        units=[world.dukcapil],
        self_assessment_due=date(2026, 5, 1),
        verification_due=date(2026, 6, 1),
        instrument_id="pekppp-2017",
    )
    assignment = cycle.assignments.get()
    # then no answer is pre-fed
    assert [a.feed for a in assignment.answers.all()] == [{}] * 37
    # and an F-03 answer is refused
    with pytest.raises(MutuError, match="tidak memakai penilaian pengguna"):
        user_assessment_add(
            assignment=assignment, scores=[4] * 11, client_id=uuid.uuid4()
        )


def test_only_the_instruments_award_predicates_get_a_certificate(world, assignment):
    """A final C result of a published cycle gets no certificate (D14: A and A-)."""
    from mutu.evaluations.models import Certificate, Result
    from mutu.evaluations.services import (
        certificate_issue,
        cycle_publish,
        indicator_score,
        result_finalize,
        self_answer_save,
        self_assessment_submit,
    )
    from tests.evaluations.conftest import SCORED

    # given every indicator self-assessed and scored 3, finalized and published
    for number in SCORED:
        self_answer_save(
            reason="Sesuai bukti dukung.",
            actor=world.operator,
            assignment=assignment,
            indicator=number,
            level=3,
        )
    self_assessment_submit(actor=world.operator, assignment=assignment)
    for number in SCORED:
        indicator_score(
            reason="Sesuai bukti dukung.",
            actor=world.evaluator,
            assignment=assignment,
            indicator=number,
            score=3,
        )
    result = result_finalize(actor=world.coordinator, assignment=assignment)
    cycle_publish(actor=world.admin, cycle=assignment.cycle)
    assert result.predicate == "C"
    # when a certificate is asked for / then it is refused, naming A and A-
    result = Result.objects.get(pk=result.pk)
    refusal = r"^Piagam hanya untuk predikat A dan A-\. / .* only for A and A-\.$"
    with pytest.raises(MutuError, match=refusal):
        certificate_issue(actor=world.admin, result=result)
    assert not Certificate.objects.exists()
