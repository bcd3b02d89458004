"""Scores held against Mutu's own data (docs/regulations.md D11, D16): the feeds read
the cycle's data window, are recomputed until the result is final and frozen into
it; a level that departs from the proposal needs a reason, is marked and counted."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mutu.audit.models import AuditEvent
from mutu.errors import MutuError
from mutu.evaluations import services
from mutu.evaluations.feeds import assignment_feeds
from mutu.evaluations.models import Answer, Cycle, Result
from mutu.surveys.models import Channel, DailyRollup, PeriodPopulation, Publication
from tests.accounts.login import login
from tests.evaluations.conftest import SCORED

REASON = "Laporan SKM manual 2025 dilampirkan sebagai bukti."


def _proposals(assignment) -> dict[str, int | None]:
    assignment.refresh_from_db()
    return {
        number: feed.get("level")
        for number, feed in assignment_feeds(assignment, timezone.localdate()).items()
    }


def _self_assess(world, assignment, levels: dict[str, int], default: int = 4):
    """Every scored indicator at the proposed level (or *default* when not fed),
    except *levels*, which are given with a reason."""
    proposed = _proposals(assignment)
    for number in SCORED:
        level = levels.get(number, proposed.get(number))
        services.self_answer_save(
            actor=world.operator,
            assignment=assignment,
            indicator=number,
            level=default if level is None else level,
            reason=REASON if number in levels else "",
        )


def _score(world, assignment, levels: dict[str, int], default: int = 4):
    proposed = _proposals(assignment)
    for number in SCORED:
        level = levels.get(number, proposed.get(number))
        services.indicator_score(
            actor=world.evaluator,
            assignment=assignment,
            indicator=number,
            score=default if level is None else level,
            reason=REASON if number in levels else "",
        )


def _final(world, assignment, levels: dict[str, int], default: int = 4) -> Result:
    _self_assess(world, assignment, levels, default)
    services.self_assessment_submit(actor=world.operator, assignment=assignment)
    _score(world, assignment, levels, default)
    return services.result_finalize(actor=world.coordinator, assignment=assignment)


def _skm_2025(world, responses: int = 3, population: int | None = 3) -> None:
    """Responses in 2025-Q1 for Dukcapil, with the stated population."""
    DailyRollup.objects.create(
        unit=world.dukcapil,
        service=world.ktp,
        day=date(2025, 2, 3),
        channel=Channel.WEB,
        responses=responses,
    )
    if population is not None:
        PeriodPopulation.objects.create(
            unit=world.dukcapil, period_key="2025-Q1", population=population
        )


# The data window -----------------------------------------------------------------


def test_the_window_defaults_to_the_cycle_year_and_is_audited(world, cycle):
    """Opened without a window, a cycle reads its calendar year (D16)."""
    assert (cycle.data_from, cycle.data_to) == (date(2025, 1, 1), date(2025, 12, 31))
    event = AuditEvent.objects.get(action="cycle.open")
    assert event.changes["data_to"] == [None, "2025-12-31"]


def test_the_coordinator_sets_the_window_when_opening_and_editing(client, world):
    """The window is a field of the opening form and of the deadlines form; moving
    it is audited old → new; an end before the start is refused clearly."""
    login(client, world.admin)
    due = timezone.localdate() + timedelta(days=30)
    response = client.post(
        reverse("evaluations:cycle_create"),
        {
            "name": "PEKPPP 2025 Juli",
            "year": 2025,
            "scheme": "nasional",
            "region": world.pesawaran.code,
            "units": [world.dukcapil.pk],
            "self_assessment_due": due.isoformat(),
            "verification_due": (due + timedelta(days=30)).isoformat(),
            "data_from": "2024-07-01",
            "data_to": "2025-06-30",
        },
    )
    assert response.status_code == 302
    cycle = Cycle.objects.get(name="PEKPPP 2025 Juli")
    assert (cycle.data_from, cycle.data_to) == (date(2024, 7, 1), date(2025, 6, 30))
    deadlines = reverse("evaluations:cycle_deadlines", args=[cycle.pk])
    form = {
        "self_assessment_due": cycle.self_assessment_due.isoformat(),
        "verification_due": cycle.verification_due.isoformat(),
        "reason": "Data semester II 2025 ikut dihitung",
    }
    refused = client.post(
        deadlines, {**form, "data_from": "2025-12-31", "data_to": "2025-01-01"}
    )
    assert refused.status_code == 303
    page = client.get(reverse("evaluations:cycle", args=[cycle.pk])).content.decode()
    assert "tanggal akhir tidak boleh sebelum tanggal awal" in page
    client.post(deadlines, {**form, "data_from": "2025-01-01", "data_to": "2025-12-31"})
    cycle.refresh_from_db()
    assert cycle.data_from == date(2025, 1, 1)
    event = AuditEvent.objects.get(action="cycle.deadlines")
    assert event.changes["data_from"] == ["2024-07-01", "2025-01-01"]


def test_data_added_after_opening_moves_the_proposal_until_final_only(
    client, world, assignment
):
    """The proposal follows data added after the cycle opened, on the pages too,
    until finalization; then it is frozen with its figures and later data change
    nothing (D11, D16)."""
    # given the cycle opened on a unit without SKM data: Q6 proposes 0
    login(client, world.operator)
    url = reverse("evaluations:assignment", args=[assignment.pk])
    assert "tidak ada respons SKM → usulan level 0" in _text(client, url)
    # when 2025 responses of Krejcie & Morgan size arrive after the opening
    _skm_2025(world)
    # then the page and the service propose 2 ("sesuai Permen")
    assert "sampel cukup di 1 dari 1 periode → usulan level 2" in _text(client, url)
    assert _proposals(assignment)["Q6"] == 2
    stored = Answer.objects.get(assignment=assignment, indicator="Q6").feed
    assert stored["level"] == 0  # what the opening saw; pages read the live one
    # when the result is finalized
    result = _final(world, assignment, {})
    assert result.feeds["indicators"]["Q6"]["level"] == 2
    assert result.feeds["figures"]["skm"]["responses"] == 3
    assert result.feeds["figures"]["skm"]["periods_sized"] == 1
    assert result.feeds["window"]["start"] == "2025-01-01"
    assert result.feeds["window"]["evaluated_on"] == timezone.localdate().isoformat()
    # and data change afterwards: a publication in print and on the web (Q6 → 4)
    Publication.objects.create(
        unit=world.dukcapil,
        period_key="2025-Q1",
        published_at=date(2025, 4, 7),
        media=["print", "website"],
    )
    # then nothing moves: the frozen proposal is shown
    assert _proposals(assignment)["Q6"] == 2
    assert "sampel cukup di 1 dari 1 periode → usulan level 2" in _text(client, url)
    assert Answer.objects.get(assignment=assignment, indicator="Q6").feed["level"] == 2


def _text(client, url: str) -> str:
    return " ".join(client.get(url).content.decode().split())


# Departures ------------------------------------------------------------------------


def test_a_departure_without_reason_is_refused_clearly(world, assignment):
    """Q6 proposes 0 (no SKM); a self level of 4 without a reason is refused with
    the data in the message, in both languages; nothing is stored."""
    with pytest.raises(MutuError) as caught:
        services.self_answer_save(
            actor=world.operator, assignment=assignment, indicator="Q6", level=4
        )
    assert caught.value.message_for("id") == (
        "Q6: level 4 berbeda dari usulan data Mutu (level 0: tidak ada respons "
        "SKM). Tuliskan alasannya."
    )
    assert caught.value.message_for("en").startswith(
        "Q6: level 4 departs from Mutu's proposed level (0: "
    )
    answer = Answer.objects.get(assignment=assignment, indicator="Q6")
    assert (answer.self_level, answer.self_reason) == (None, "")
    assert not AuditEvent.objects.filter(action="self.answer").exists()


def test_the_form_refuses_a_departure_without_reason(client, world, assignment):
    """Through the page: the message says what to do, the reason field is there."""
    login(client, world.operator)
    url = reverse("evaluations:assignment", args=[assignment.pk])
    page = _text(client, url)
    assert 'name="reason" id="sr-Q6"' in page
    assert "Alasan (wajib bila level bukan 0, usulan data)" in page
    post = reverse("evaluations:self_answer", args=[assignment.pk, "Q6"])
    refused = client.post(post, {"level": 4, "note": ""}, follow=True)
    assert "level 4 berbeda dari usulan data Mutu" in refused.content.decode()
    client.post(post, {"level": 4, "note": "", "reason": REASON})
    page = _text(client, url)
    assert f"berbeda dari data</span> · Alasan: {REASON}" in page


def test_a_reason_is_kept_only_with_a_departure(world, assignment):
    """At the proposed level the reason is dropped: there is nothing to explain."""
    answer = services.self_answer_save(
        actor=world.operator,
        assignment=assignment,
        indicator="Q6",
        level=0,
        reason="tidak perlu",
    )
    assert answer.self_reason == ""
    answer = services.self_answer_save(
        actor=world.operator,
        assignment=assignment,
        indicator="Q6",
        level=3,
        reason=REASON,
    )
    assert answer.self_reason == REASON
    event = AuditEvent.objects.filter(action="self.answer").latest("id")
    assert event.changes["self_reason"] == ["", REASON]
    assert answer.feed["level"] == 0  # the data shown beside it, kept


def test_the_evaluator_needs_a_reason_too(world, assignment):
    """An evaluator's score away from the proposal needs its own reason."""
    _self_assess(world, assignment, {"Q6": 3})
    services.self_assessment_submit(actor=world.operator, assignment=assignment)
    with pytest.raises(MutuError, match=r"^Q6: level 3 berbeda dari usulan data"):
        services.indicator_score(
            actor=world.evaluator, assignment=assignment, indicator="Q6", score=3
        )
    answer = services.indicator_score(
        actor=world.evaluator,
        assignment=assignment,
        indicator="Q6",
        score=3,
        reason=REASON,
    )
    assert answer.score_reason == REASON


def test_submission_refuses_a_departure_that_arose_after_saving(world, assignment):
    """Data that move after a level was saved turn it into a departure: the unit
    cannot submit until it gives the reason."""
    _self_assess(world, assignment, {})  # Q6 at 0, as proposed
    _skm_2025(world)  # now Q6 proposes 2
    with pytest.raises(MutuError) as caught:
        services.self_assessment_submit(actor=world.operator, assignment=assignment)
    assert caught.value.message_for("id") == (
        "Level berbeda dari usulan data Mutu tanpa alasan: Q6. Tuliskan alasannya "
        "pada indikator itu."
    )


def test_finalization_refuses_an_unreasoned_departure(world, assignment):
    """The proposal is taken again at finalization: a score it no longer supports
    needs the evaluator's reason before the result can be final."""
    _self_assess(world, assignment, {})
    services.self_assessment_submit(actor=world.operator, assignment=assignment)
    _score(world, assignment, {})
    _skm_2025(world)
    with pytest.raises(MutuError, match="usulan data Mutu tanpa alasan: Q6"):
        services.result_finalize(actor=world.coordinator, assignment=assignment)
    assert not Result.objects.exists()


def test_departures_are_stored_marked_and_counted(client, world, assignment):
    """With reasons the departures are stored, marked on the score sheet, counted
    on the result with their list, and listed on the coordinator's cycle page."""
    result = _final(world, assignment, {"Q6": 3, "Q7": 2})
    assert result.departures_count == 2
    assert result.departures == [
        {
            "indicator": "Q6",
            "proposed": 0,
            "value": "tidak ada respons SKM",
            "score": 3,
            "reason": REASON,
            "self_level": 3,
            "self_reason": REASON,
        },
        {
            "indicator": "Q7",
            "proposed": 0,
            "value": "0 media",
            "score": 2,
            "reason": REASON,
            "self_level": 2,
            "self_reason": REASON,
        },
    ]
    event = AuditEvent.objects.get(action="result.finalize")
    assert event.changes["departures"] == [None, 2]
    # the score sheet marks each departure, both sides, and says how many
    login(client, world.coordinator)
    page = _text(client, reverse("evaluations:assignment", args=[assignment.pk]))
    assert page.count('class="departure"') == 4
    assert "2 nilai berbeda dari data Mutu: Q6 (usulan 0, nilai 3)" in page
    # the cycle page lists them across units
    cycle_page = _text(client, reverse("evaluations:cycle", args=[assignment.cycle.pk]))
    assert "Nilai yang berbeda dari data Mutu" in cycle_page
    assert cycle_page.count(f"<strong>3</strong> — {REASON}") == 2  # self, score
    assert "Dukcapil Pesawaran</a></td><td" in cycle_page


def test_an_award_names_its_departures_on_the_public_page(client, world, assignment):
    """An A/A- result of a published cycle that departs from a fed indicator names
    it on the public results page (D11)."""
    fed = {"Q1": 5, "Q6": 5, "Q7": 5, "Q8": 5, "Q9": 5}
    result = _final(world, assignment, fed, default=5)
    assert (result.predicate, result.departures_count) == ("A", 5)
    services.cycle_publish(actor=world.admin, cycle=assignment.cycle)
    page = _text(
        client, reverse("evaluations:public_cycle", args=[assignment.cycle.pk])
    )
    assert (
        "Nilai berbeda dari data Mutu: Q1 (usulan 1, nilai 5), Q6 (usulan 0, nilai "
        "5), Q7 (usulan 0, nilai 5), Q8 (usulan 0, nilai 5), Q9 (usulan 0, nilai 5)"
    ) in page


@pytest.mark.parametrize(
    ("data_from", "data_to", "message"),
    [
        (date(2025, 6, 1), date(2025, 5, 31), "tanggal akhir tidak boleh sebelum"),
        (date(2023, 1, 1), date(2025, 1, 2), "paling panjang dua tahun"),
    ],
)
def test_a_window_out_of_order_or_too_long_is_refused(
    world, data_from, data_to, message
):
    """Opening a cycle with a window ending before it starts, or longer than two
    years, is refused naming the field; no cycle is stored (D16)."""
    due = timezone.localdate() + timedelta(days=30)
    with pytest.raises(MutuError, match=message) as caught:
        services.cycle_open(
            actor=world.admin,
            year=2025,
            name="PEKPPP 2025 salah",
            scheme="nasional",
            region=world.pesawaran,
            units=[world.dukcapil],
            self_assessment_due=due,
            verification_due=due,
            data_from=data_from,
            data_to=data_to,
        )
    assert caught.value.details["field"] == "data_to"
    assert not Cycle.objects.filter(name="PEKPPP 2025 salah").exists()
