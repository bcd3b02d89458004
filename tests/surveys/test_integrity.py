"""Integrity signals: hours, own network, 4s jump, rate limit; rollups stay exact."""

from datetime import datetime, time, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from mutu.surveys.models import (
    DailyRollup,
    MonthlyRevision,
    MonthlyRollup,
    Response,
    UnitSurveySettings,
)
from mutu.surveys.rollups import rollups_rebuild
from mutu.surveys.services import response_set_excluded, response_submit
from tests.registry import factories


def _at(day_offset: int, hour: int, minute: int = 0) -> datetime:
    day = timezone.localdate() - timedelta(days=day_offset)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@pytest.fixture
def counter(world):
    point = factories.point(world.dukcapil)
    point.opens_at, point.closes_at, point.open_weekdays = time(8), time(15), "1234567"
    point.save()
    return point


def _end_of_today() -> datetime:
    """Where the submission window is counted from, so that any time of today is
    inside it whatever the hour the suite runs (``_at(0, 9)`` is in the future
    before 09.00 WIB)."""
    return timezone.make_aware(datetime.combine(timezone.localdate(), time(23, 59)))


def _submit(world, **extra):
    extra.setdefault("answers", {"U1": 3, "U2": 4})
    extra.setdefault("now", _end_of_today())
    return response_submit(
        unit=world.dukcapil, service=world.ktp, channel="qr", **extra
    )


def test_outside_hours_flagged_with_grace(world, counter):
    """21.30 at a counter open 08–15 is flagged; 15.30 (within the hour of grace) is not."""
    late = _submit(world, point=counter, submitted_at=_at(1, 21, 30)).response
    near = _submit(world, point=counter, submitted_at=_at(1, 15, 30)).response
    assert [f.rule for f in late.flags.all()] == ["outside_hours"]
    assert not near.is_flagged


def test_closed_weekday_flagged(world, counter):
    """A counter closed on the day of submission flags the response."""
    counter.open_weekdays = ""
    counter.save()
    response = _submit(world, point=counter, submitted_at=_at(1, 10)).response
    assert response.flags.get().rule == "outside_hours"


def test_own_network_flagged_and_ip_not_stored(world):
    """A response from the unit's own range is flagged; the address is never stored."""
    UnitSurveySettings.objects.create(
        unit=world.dukcapil, own_networks="10.18.9.0/24\nrubbish"
    )
    inside = _submit(world, client_ip="10.18.9.77").response
    outside = _submit(world, client_ip="36.80.1.2").response
    assert inside.flags.get().rule == "own_network"
    assert not outside.is_flagged
    assert "10.18.9.77" not in str(Response.objects.filter(pk=inside.pk).values()[0])


def test_jump_in_share_of_fours_flagged(world, settings):
    """After weeks of mostly 3s, a day of all 4s gets flagged once enough answers come."""
    settings.MUTU_SURVEY_FOURS_MIN_ANSWERS = 20
    for offset in range(2, 12):
        _submit(world, answers={"U1": 3, "U2": 3}, submitted_at=_at(offset, 10))
        _submit(world, answers={"U1": 3, "U2": 4}, submitted_at=_at(offset, 11))
    today = [
        _submit(world, answers={"U1": 4, "U2": 4}, submitted_at=_at(0, 9, m)).response
        for m in range(12)
    ]
    rules = [[f.rule for f in r.flags.all()] for r in today]
    assert "fours_jump" not in rules[0]
    assert "fours_jump" in rules[-1]


def test_form_posts_are_rate_limited_per_address(client, world, settings):
    """The 4th post in a minute from one address gets 429 with an Indonesian page."""
    settings.MUTU_PUBLIC_POSTS_PER_MINUTE = 3
    cache.clear()
    point = factories.point(world.dukcapil, code="rl-1")
    point.services.add(world.ktp)
    url = reverse("web:form", args=[point.code])
    answers = [client.post(url, {}).status_code for _ in range(4)]
    assert answers[:3] == [400, 400, 400]
    assert answers[3] == 429
    assert "Terlalu banyak" in client.post(url, {}).content.decode()


answer = st.one_of(st.none(), st.integers(1, 4))
submission = st.fixed_dictionaries({f"U{i}": answer for i in range(1, 10)}).filter(
    lambda a: any(v is not None for v in a.values())
)


@hsettings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    batch=st.lists(
        st.tuples(
            submission, st.integers(0, 20), st.sampled_from(["web", "qr", "sms"])
        ),
        min_size=1,
        max_size=12,
    ),
    toggles=st.lists(st.integers(0, 11), max_size=8),
)
def test_rollups_equal_rebuild_after_random_submissions_and_exclusions(
    world, batch, toggles
):
    """Whatever mix of submissions and exclusions happens, rollups equal a rebuild."""
    Response.objects.all().delete()
    DailyRollup.objects.all().delete()
    MonthlyRollup.objects.all().delete()
    MonthlyRevision.objects.all().delete()
    stored = [
        response_submit(
            unit=world.dukcapil,
            service=world.ktp,
            channel=channel,
            answers=answers,
            submitted_at=_at(days, 10),
            now=_end_of_today(),
        ).response
        for answers, days, channel in batch
    ]
    for index in toggles:
        target = Response.objects.get(pk=stored[index % len(stored)].pk)
        response_set_excluded(
            actor=world.coordinator,
            response=target,
            excluded=not target.is_excluded,
            reason="uji",
        )
    assert rollups_rebuild(check_only=True).differences == []
