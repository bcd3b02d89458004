"""Public forms leave the stored-data integrity rules to a task run after the commit."""

import random
import uuid
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django_tasks import default_task_backend

from mutu.surveys import integrity, tasks
from mutu.surveys.integrity import (
    STORED_DATA_RULES,
    batch_signals,
    pending_check,
    signals_for,
)
from mutu.surveys.models import Response, ResponseFlag, UnitSurveySettings
from mutu.surveys.services import response_submit
from tests.accounts.login import login
from tests.registry import factories
from tests.surveys.test_views import _post_data


@pytest.fixture
def point(world, settings):
    settings.MUTU_SURVEY_BURST_PER_MINUTE = 1
    cache.clear()
    counter = factories.point(world.dukcapil, code="dukcapil-1")
    counter.services.add(world.ktp)
    return counter


def _deferred(world, point, **extra):
    return response_submit(
        unit=world.dukcapil,
        service=world.ktp,
        point=point,
        channel="qr",
        answers={"U1": 3, "U2": 4},
        defer_integrity=True,
        **extra,
    ).response


def test_web_form_flags_after_the_commit(
    client, world, point, django_capture_on_commit_callbacks
):
    """The second post in a minute at a 1-per-minute counter is flagged once the
    transaction commits (the immediate task backend runs the check then)."""
    url = reverse("web:form", args=[point.code])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(url, _post_data(world))
        client.post(url, _post_data(world))
    assert Response.objects.filter(integrity_pending=True).count() == 2
    assert not ResponseFlag.objects.exists()

    for callback in callbacks:
        callback()

    assert not Response.objects.filter(integrity_pending=True).exists()
    first, second = Response.objects.order_by("id")
    assert (first.is_flagged, second.is_flagged) == (False, True)
    assert [f.rule for f in second.flags.all()] == ["burst"]


def test_own_network_is_flagged_while_storing(world, point):
    """The sender's address is never stored, so its rule cannot wait for the task."""
    UnitSurveySettings.objects.create(unit=world.dukcapil, own_networks="10.9.0.0/16")
    response = _deferred(world, point, client_ip="10.9.8.7")
    response.refresh_from_db()
    assert response.integrity_pending
    assert [f.rule for f in response.flags.all()] == ["own_network"]


def test_own_networks_change_is_seen_at_once(
    client, world, point, django_capture_on_commit_callbacks
):
    """Saving the survey settings drops the cached ranges of the unit."""
    assert _deferred(world, point, client_ip="10.9.8.7").is_flagged is False
    client.force_login(world.head)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            reverse("surveys:settings", args=[world.dukcapil.pk]),
            {"period_kind": "quarter", "own_networks": "10.9.0.0/16"},
        )
    assert answer.status_code == 302
    assert _deferred(world, point, client_ip="10.9.8.7").is_flagged is True


def test_pending_check_is_idempotent(world, point):
    """A second run checks nothing and writes no second flag."""
    now = timezone.now()
    for seconds in (0, 1, 2):
        _deferred(world, point, submitted_at=now + timedelta(seconds=seconds))
    assert pending_check() == 3
    assert pending_check() == 0
    assert ResponseFlag.objects.filter(rule="burst").count() == 2


def test_pending_check_stops_at_its_limit(world, point):
    for _ in range(3):
        _deferred(world, point)
    assert pending_check(limit=2) == 2
    assert Response.objects.filter(integrity_pending=True).count() == 1


def test_review_page_catches_up_with_pending_responses(client, world, point):
    """The coordinator's list includes what the background worker has not reached."""
    now = timezone.now()
    _deferred(world, point, submitted_at=now)
    late = _deferred(world, point, submitted_at=now + timedelta(seconds=5))
    login(client, world.coordinator)
    page = client.get(reverse("surveys:flagged", args=[world.dukcapil.pk]))
    assert page.status_code == 200
    late.refresh_from_db()
    assert late.is_flagged
    assert not late.integrity_pending
    assert "burst" in page.content.decode()


def test_review_page_says_how_many_are_still_pending(client, world, point, monkeypatch):
    monkeypatch.setattr("mutu.surveys.views.REVIEW_CATCH_UP_LIMIT", 1)
    for _ in range(3):
        _deferred(world, point)
    login(client, world.coordinator)
    page = client.get(reverse("surveys:flagged", args=[world.dukcapil.pk]))
    assert "2 respons baru masih diperiksa" in page.content.decode()


def test_one_deferred_task_serves_a_burst_of_submissions(settings, monkeypatch):
    """With a backend that can defer, one process enqueues one task per half delay."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }
    settings.MUTU_SURVEY_INTEGRITY_DELAY_SECONDS = 10
    monkeypatch.setattr(tasks, "_next_enqueue", 0.0)
    clock = iter([100.0, 101.0, 104.9, 105.0])
    monkeypatch.setattr(tasks.time, "monotonic", lambda: next(clock))
    default_task_backend.clear()
    for _ in range(4):
        tasks.integrity_check_soon()
    results = default_task_backend.results
    assert len(results) == 2
    assert all(result.task.run_after is not None for result in results)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_batch_check_equals_the_rules_one_by_one(world, settings, seed):
    """A random mix of points, devices, times and answers: the batched look-backs
    flag exactly what each rule flags response by response."""
    settings.MUTU_SURVEY_BURST_PER_MINUTE = 3
    settings.MUTU_SURVEY_DUPLICATE_WINDOW_MINUTES = 10
    settings.MUTU_SURVEY_FOURS_MIN_ANSWERS = 20
    rng = random.Random(seed)
    points = [factories.point(world.dukcapil, code=f"p{n}") for n in range(3)]
    services = [world.ktp, factories.service(world.dukcapil, "Akta Kelahiran")]
    start = timezone.now() - timedelta(hours=1)
    for n in range(80):
        value = rng.choice([3, 4, 4])
        response_submit(
            unit=world.dukcapil,
            service=rng.choice(services),
            point=rng.choice([*points, None]),
            channel="qr",
            answers={f"U{i}": value if rng.random() < 0.8 else 4 for i in range(1, 10)},
            device_key=rng.choice(["", "a", "b", "c"]),
            submitted_at=start + timedelta(seconds=rng.randrange(0, 400)),
            client_id=uuid.UUID(int=seed * 1000 + n),
            defer_integrity=True,
        )
    responses = list(Response.objects.select_related("point").order_by("id"))
    one_by_one = {r.pk: signals_for(r, STORED_DATA_RULES) for r in responses}
    rules = {signal.rule for signals in one_by_one.values() for signal in signals}
    assert {"burst", "duplicate"} <= rules
    assert batch_signals(responses) == one_by_one


def test_check_stops_at_what_was_pending_when_it_started(world, point, monkeypatch):
    """Responses that arrive while it runs wait for the next task: a checker never
    chases a steady stream (the worker has other tasks to run)."""
    _deferred(world, point)
    judge = integrity.batch_signals

    def judge_while_another_arrives(batch):
        _deferred(world, point)
        return judge(batch)

    monkeypatch.setattr(integrity, "batch_signals", judge_while_another_arrives)
    assert pending_check() == 1
    assert Response.objects.filter(integrity_pending=True).count() == 1
