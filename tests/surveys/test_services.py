"""Storing SKM responses: validation, idempotency, rollups, flags and exclusion."""

import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from mutu.audit.models import AuditEvent
from mutu.errors import ConflictError, MutuError
from mutu.surveys.models import DailyRollup, Response, ResponseFlag
from mutu.surveys.periods import PeriodKind, period_containing
from mutu.surveys.rollups import rollups_rebuild
from mutu.surveys.selectors import period_result, period_tally
from mutu.surveys.services import response_set_excluded, response_submit
from tests.registry import factories

ALL_FOUR = {f"U{i}": 4 for i in range(1, 10)}


def submit(world, answers=None, **extra):
    extra.setdefault("channel", "web")
    return response_submit(
        unit=world.dukcapil,
        service=world.ktp,
        answers=ALL_FOUR if answers is None else answers,
        **extra,
    )


def test_submit_stores_answers_by_element_code_and_counts_rollup(world):
    """A response lands in its columns and in the day's rollup in one transaction."""
    answers = {"U1": 3, "U8": 2, "U9": 4}
    result = submit(world, answers, profile={"sex": "P", "age": "34"})
    response = result.response
    assert result.created
    assert (response.u1, response.u8, response.u9, response.u2) == (3, 2, 4, None)
    assert response.age == 34
    rollup = DailyRollup.objects.get()
    assert (rollup.responses, rollup.u1_3, rollup.u8_2, rollup.u9_4, rollup.u2_1) == (
        1, 1, 1, 1, 0,
    )  # fmt: skip


def test_submit_same_client_id_same_content_returns_the_stored_response(world):
    """A retried submission with the same client id stores nothing new."""
    client_id = uuid.uuid4()
    first = submit(world, client_id=client_id)
    again = submit(world, client_id=str(client_id))
    assert not again.created
    assert again.response.pk == first.response.pk
    assert Response.objects.count() == 1
    assert DailyRollup.objects.get().responses == 1


def test_submit_same_client_id_other_content_is_a_conflict(world):
    """The same client id with different answers is refused and changes nothing."""
    client_id = uuid.uuid4()
    submit(world, client_id=client_id)
    with pytest.raises(ConflictError):
        submit(world, {"U1": 1}, client_id=client_id)
    assert Response.objects.count() == 1


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"U1": 5}, "U1"),
        ({"U3": "tiga"}, "U3"),
        ({"U10": 4}, "U10"),
        ({"U1": None, "U2": ""}, "U1"),
        ({}, "U1"),
    ],
)
def test_submit_bad_answers_are_refused_and_nothing_is_written(world, answers, field):
    """Out-of-range, unknown and empty answers (D3) are refused before any write."""
    with pytest.raises(MutuError) as error:
        submit(world, answers)
    assert error.value.details["field"] == field
    assert not Response.objects.exists()
    assert not DailyRollup.objects.exists()


def test_submit_service_of_another_unit_is_refused(world):
    """A response cannot name a service of another unit."""
    with pytest.raises(MutuError, match="bukan layanan aktif"):
        response_submit(
            unit=world.dukcapil,
            service=world.ktp_bandung,
            channel="web",
            answers=ALL_FOUR,
        )


def test_submit_bad_age_is_refused(world):
    """An age outside 15–100 is refused with an Indonesian message."""
    with pytest.raises(MutuError, match="Usia harus 15–100"):
        submit(world, profile={"age": "7"})


def test_submit_phone_number_is_never_stored(world):
    """Only a keyed hash of the device key (a phone number here) is kept."""
    result = submit(world, channel="sms", device_key="+6281234567890")
    stored = Response.objects.filter(pk=result.response.pk).values()[0]
    assert "6281234567890" not in str(stored)
    assert len(result.response.device_hash) == 64


def test_duplicate_device_is_flagged_not_dropped(world):
    """A second rating of the same service from one device is stored and flagged."""
    submit(world, device_key="device-1")
    second = submit(world, device_key="device-1").response
    assert Response.objects.count() == 2
    assert second.is_flagged
    assert ResponseFlag.objects.get(response=second).rule == "duplicate"


def test_burst_from_one_point_is_flagged(world, settings):
    """More responses per minute from one counter than the limit are flagged."""
    settings.MUTU_SURVEY_BURST_PER_MINUTE = 3
    point = factories.point(world.dukcapil)
    now = timezone.now()
    results = [
        submit(
            world,
            {"U1": 3, "U2": 2},
            point=point,
            submitted_at=now + timedelta(seconds=i),
        )
        for i in range(5)
    ]
    flagged = [r.response.is_flagged for r in results]
    assert flagged == [False, False, False, True, True]


def test_straight_line_runs_are_flagged(world):
    """The third all-identical response in a row from one point is flagged."""
    point = factories.point(world.dukcapil)
    now = timezone.now()
    results = [
        submit(world, ALL_FOUR, point=point, submitted_at=now + timedelta(minutes=i))
        for i in range(3)
    ]
    assert [r.response.is_flagged for r in results] == [False, False, True]
    assert results[2].response.flags.get().rule == "straight_line"


def test_exclusion_is_audited_reversible_and_keeps_rollups_exact(world):
    """Excluding takes a response out of the figures; including puts it back."""
    kept = submit(world, {"U1": 4}).response
    doubtful = submit(world, {"U1": 1}).response
    period = period_containing(timezone.localdate(), PeriodKind.QUARTER)
    assert period_tally(world.dukcapil, period).element("U1").counts == (1, 0, 0, 1)
    response_set_excluded(
        actor=world.coordinator, response=doubtful, excluded=True, reason="uji"
    )
    assert period_tally(world.dukcapil, period).element("U1").counts == (0, 0, 0, 1)
    assert rollups_rebuild(check_only=True).ok
    response_set_excluded(
        actor=world.coordinator, response=doubtful, excluded=False, reason="keliru"
    )
    assert period_tally(world.dukcapil, period).element("U1").counts == (1, 0, 0, 1)
    actions = list(
        AuditEvent.objects.filter(target_type="surveys.response").values_list(
            "action", "reason"
        )
    )
    assert sorted(actions) == [
        ("response.exclude", "uji"),
        ("response.include", "keliru"),
    ]
    assert kept.pk != doubtful.pk


def test_exclusion_needs_a_reason_and_a_reviewer(world):
    """An operator cannot exclude, and nobody can without a reason."""
    response = submit(world).response
    with pytest.raises(MutuError, match="alasan"):
        response_set_excluded(
            actor=world.coordinator, response=response, excluded=True, reason=" "
        )
    with pytest.raises(MutuError, match="koordinator"):
        response_set_excluded(
            actor=world.operator, response=response, excluded=True, reason="x"
        )
    assert not Response.objects.get().is_excluded


def test_rebuild_rollups_finds_and_repairs_a_broken_rollup(world, capsys):
    """`surveys rebuild-rollups --check` reports a difference; a rebuild repairs it."""
    submit(world)
    submit(world, {"U1": 2})
    DailyRollup.objects.update(responses=7)
    with pytest.raises(Exception, match="rekap berbeda"):
        call_command("surveys", "rebuild-rollups", "--check")
    call_command("surveys", "rebuild-rollups")
    call_command("surveys", "rebuild-rollups", "--check")
    assert "Rekap cocok: 1 baris" in capsys.readouterr().out
    assert DailyRollup.objects.get().responses == 2


def test_period_result_uses_measures(world):
    """The period result equals mutu.measures for the same answers."""
    for answers in ({"U1": 4, "U2": 3}, {"U1": 3, "U2": 3}, {"U1": 2, "U2": 4}):
        submit(world, answers)
    period = period_containing(timezone.localdate(), PeriodKind.QUARTER)
    data = period_result(world.dukcapil, period)
    # U1: (4+3+2)/3 = 3; U2: (3+3+4)/3 = 10/3; IKM = (3 + 10/3)/2 = 19/6; ×25 = 79,1666…
    assert str(data.result.ikm_converted_display) == "79.17"
    assert data.result.grade.letter == "B"
    assert data.uncertainty.ci95.low < 79.17 < data.uncertainty.ci95.high
