"""The to-dos of each role's dashboard (issue 15 item 3, D24): counts, links,
scoping, and a number of queries that does not grow with the number of units."""

from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mutu.accounts.todos import todo_list_for_user
from mutu.surveys.models import FollowUpItem, Response, ResponseFlag
from mutu.surveys.periods import PeriodKind, period_containing
from mutu.surveys.publishing import population_set
from mutu.surveys.services import response_submit
from tests.accounts.login import login
from tests.complaints.factories import complaint
from tests.registry import factories


def _late_complaint(unit, days_ago: int = 30):
    """A complaint filed long enough ago that its deadlines have passed."""
    return complaint(unit, now=timezone.now() - timedelta(days=days_ago))


def _overdue_follow_up(unit, days: int = 5) -> FollowUpItem:
    return FollowUpItem.objects.create(
        unit=unit,
        period_key="2025-Q1",
        element="U1",
        action="Sederhanakan syarat",
        person_in_charge="Kasi Pelayanan",
        due_date=timezone.localdate() - timedelta(days=days),
    )


def _response(unit, service, day, *, flagged: bool = False) -> Response:
    at = timezone.make_aware(datetime.combine(day, time(10)))
    response = response_submit(
        unit=unit,
        service=service,
        channel="web",
        answers={f"U{i}": 3 for i in range(1, 10)},
        submitted_at=min(at, timezone.now() - timedelta(minutes=1)),
    ).response
    if flagged:
        Response.objects.filter(pk=response.pk).update(is_flagged=True)
        ResponseFlag.objects.create(response=response, rule="test", reason="uji")
    return response


def _by_key(todos):
    return {todo.key: todo for todo in todos}


def test_operator_sees_late_complaints_and_overdue_plans_of_the_unit(world):
    """An operator of Dukcapil Pesawaran sees his unit's late complaints and overdue
    follow-up items with their counts and links; another unit's stay out."""
    # Given: two late complaints and one overdue plan at Dukcapil, one late
    # complaint at Dinas Sosial.
    _late_complaint(world.dukcapil)
    _late_complaint(world.dukcapil)
    _late_complaint(world.dinsos)
    _overdue_follow_up(world.dukcapil)
    # When: the operator's to-dos are read.
    todos = _by_key(todo_list_for_user(world.operator))
    # Then: the counts are his unit's, each linked to the page that handles it.
    assert todos["complaints_late"].count == 2
    assert todos["complaints_late"].urgency == "late"
    assert todos["complaints_late"].url == (
        reverse("complaints:inbox", args=[world.dukcapil.pk]) + "?due=late"
    )
    assert todos["follow_up_overdue"].count == 1
    assert todos["follow_up_overdue"].url == (
        reverse("surveys:unit_results", args=[world.dukcapil.pk]) + "?periode=2025-Q1"
    )


def test_done_follow_up_and_fixed_import_are_no_longer_due(world):
    """A plan item marked done is no to-do; a refused paper import is one until a
    later import of the unit succeeds."""
    from mutu.surveys.models import ImportJob

    item = _overdue_follow_up(world.dukcapil)
    item.status = FollowUpItem.Status.DONE
    item.save()
    refused = ImportJob.objects.create(
        unit=world.dukcapil, original_name="a.xlsx", status="refused"
    )
    assert "follow_up_overdue" not in _by_key(todo_list_for_user(world.operator))
    assert _by_key(todo_list_for_user(world.operator))["import_errors"].count == 1
    ImportJob.objects.create(unit=world.dukcapil, original_name="b.xlsx", status="done")
    ImportJob.objects.filter(pk=refused.pk).update(
        created_at=timezone.now() - timedelta(hours=1)
    )
    assert "import_errors" not in _by_key(todo_list_for_user(world.operator))


def test_head_sees_the_ended_period_waiting_for_publication(world):
    """The head of a unit with responses in the last ended quarter, unpublished,
    is asked to publish it, linked to that period's results."""
    ended = period_containing(timezone.localdate(), PeriodKind.QUARTER).previous()
    _response(world.dukcapil, world.ktp, ended.start + timedelta(days=3))
    todos = _by_key(todo_list_for_user(world.head))
    assert todos["publish"].count == 1
    assert todos["publish"].url.endswith(f"?periode={ended.key}")
    # The operator sees it as waiting for the head.
    assert _by_key(todo_list_for_user(world.operator))["publish"].urgency == "info"


def test_pesawaran_coordinator_counts_never_include_another_regency(world):
    """The Pesawaran coordinator's counts hold Pesawaran's units only; the province
    coordinator's hold Lampung's, broken down by regency; the national admin's hold
    every unit, broken down by province."""
    # Given: late complaints in Pesawaran (2), Bandar Lampung (1), Bandung (4).
    for _ in range(2):
        _late_complaint(world.dukcapil)
    _late_complaint(world.rsud_bandar_lampung)
    for _ in range(4):
        _late_complaint(world.dukcapil_bandung)
    # Then: each scope counts its own.
    regency = _by_key(todo_list_for_user(world.coordinator))["complaints_late"]
    assert regency.count == 2
    assert [(p.label, p.count) for p in regency.parts] == [("Dukcapil Pesawaran", 2)]
    assert regency.url == (
        reverse("complaints:inbox", args=[world.dukcapil.pk]) + "?due=late"
    )
    province = _by_key(todo_list_for_user(world.province_coordinator))[
        "complaints_late"
    ]
    assert province.count == 3
    assert {(p.label, p.count) for p in province.parts} == {
        ("Kabupaten Pesawaran", 2),
        ("Kota Bandar Lampung", 1),
    }
    national = _by_key(todo_list_for_user(world.admin))["complaints_late"]
    assert national.count == 7
    assert [(p.label, p.count, p.url) for p in national.parts] == [
        ("Jawa Barat", 4, reverse("registry:region_detail", args=["32"])),
        ("Lampung", 3, reverse("registry:region_detail", args=["18"])),
    ]


def test_coordinator_sees_units_without_survey_flags_and_small_samples(world):
    """Units with no response this period are counted; flagged responses still
    counted in an unpublished period wait for review; a stated population whose
    required sample the last ended period missed is a small sample."""
    today = timezone.localdate()
    ended = period_containing(today, PeriodKind.QUARTER).previous()
    _response(world.dukcapil, world.ktp, today, flagged=True)
    _response(world.dukcapil, world.ktp, ended.start + timedelta(days=1))
    population_set(
        actor=world.operator,
        unit=world.dukcapil,
        period_key=ended.key,
        population=1000,
    )
    todos = _by_key(todo_list_for_user(world.coordinator))
    # Dinas Sosial has none this period; Dukcapil has one today.
    assert todos["no_survey"].count == 1
    assert todos["no_survey"].parts[0].label == "Dinas Sosial Pesawaran"
    assert todos["flagged"].count == 1
    assert todos["flagged"].url.startswith(
        reverse("surveys:flagged", args=[world.dukcapil.pk])
    )
    assert todos["small_sample"].count == 1
    assert todos["small_sample"].url.endswith(f"?periode={ended.key}")


def test_excluded_flagged_response_is_reviewed(world):
    """A flagged response the coordinator excluded is no longer waiting."""
    response = _response(world.dukcapil, world.ktp, timezone.localdate(), flagged=True)
    Response.objects.filter(pk=response.pk).update(is_excluded=True)
    assert "flagged" not in _by_key(todo_list_for_user(world.coordinator))


def test_todo_queries_do_not_grow_with_the_number_of_units(world):
    """The coordinator's to-dos cost the same number of queries for 2 units as for
    14 units, each with late complaints and overdue plans."""

    def count_queries() -> int:
        world.coordinator.__dict__.pop("_mutu_grant_cache", None)
        with CaptureQueriesContext(connection) as queries:
            todo_list_for_user(world.coordinator)
        return len(queries.captured_queries)

    for unit in (world.dukcapil, world.dinsos):
        _late_complaint(unit)
        _overdue_follow_up(unit)
    few = count_queries()
    for number in range(12):
        unit = factories.unit(world.gov_pesawaran, f"Puskesmas {number}")
        _late_complaint(unit)
        _overdue_follow_up(unit)
    many = count_queries()
    assert many == few
    assert few <= 15
    todos = _by_key(todo_list_for_user(world.coordinator))
    assert todos["complaints_late"].count == 14
    assert len(todos["complaints_late"].parts) == 8
    assert todos["complaints_late"].more == 6


@pytest.mark.parametrize("who", ["stranger", "evaluator"])
def test_dashboard_says_nothing_waits(client, world, who):
    """A user with nothing due reads "Tidak ada yang menunggu Anda" on the Dasbor."""
    login(client, getattr(world, who))
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert "Yang menunggu Anda" in page
    assert "Tidak ada yang menunggu Anda." in page


def test_dashboard_lists_the_coordinators_todos(client, world):
    """The coordinator's Dasbor shows the late complaints with their count and the
    link to the unit's inbox; the link opens."""
    _late_complaint(world.dukcapil)
    login(client, world.coordinator)
    page = client.get(reverse("accounts:dashboard")).content.decode()
    inbox = reverse("complaints:inbox", args=[world.dukcapil.pk]) + "?due=late"
    assert "Pengaduan lewat tenggat" in page
    assert f'href="{inbox}"' in page
    assert "Tidak ada yang menunggu Anda." not in page
    assert client.get(inbox).status_code == 200


def _cycle(world, *, due_in: int = 5):
    from mutu.evaluations import services as evaluations

    cycle = evaluations.cycle_open(
        actor=world.admin,
        year=2026,
        name="PEKPPP 2026",
        scheme="nasional",
        region=world.pesawaran,
        units=[world.dukcapil, world.dinsos],
        self_assessment_due=timezone.localdate() + timedelta(days=due_in),
        verification_due=timezone.localdate() + timedelta(days=60),
    )
    for assignment in cycle.assignments.all():
        evaluations.evaluators_assign(
            actor=world.admin, assignment=assignment, evaluators=[world.evaluator]
        )
    return cycle


def test_head_sees_the_self_assessment_deadline(world):
    """While Dukcapil may still answer, its head sees the cycle's deadline in
    Indonesian, urgent within 7 days, linked to the assignment."""
    cycle = _cycle(world, due_in=5)
    assignment = cycle.assignments.get(unit=world.dukcapil)
    todos = _by_key(todo_list_for_user(world.head))
    deadline = todos["evaluation_deadline"]
    assert deadline.urgency == "soon"
    assert deadline.url == reverse("evaluations:assignment", args=[assignment.pk])
    due = timezone.localdate() + timedelta(days=5)
    assert f"{due.day} " in deadline.label
    assert str(due.year) in deadline.label
    assert due.isoformat() not in deadline.label


def test_submitted_assignment_waits_for_the_evaluator_and_the_coordinator(world):
    """Once Dukcapil submits, its deadline leaves the head's list; the evaluator
    sees it waiting for his scores; the coordinator and the admin see the cycle
    waiting; the Bandung coordinator's scope never does."""
    from mutu.evaluations.models import Assignment

    cycle = _cycle(world, due_in=20)
    Assignment.objects.filter(cycle=cycle, unit=world.dukcapil).update(
        stage=Assignment.Stage.SUBMITTED
    )
    assert "evaluation_deadline" not in _by_key(todo_list_for_user(world.head))
    evaluator = _by_key(todo_list_for_user(world.evaluator))["evaluator_waiting"]
    assert evaluator.count == 1
    for user in (world.coordinator, world.admin):
        waiting = _by_key(todo_list_for_user(user))["evaluation_waiting"]
        assert waiting.count == 1
        assert waiting.url == reverse("evaluations:cycle", args=[cycle.pk])
    from tests.accounts.factories import user_with_role

    bandung = user_with_role("bandung", "coordinator", world.gov_bandung)
    assert "evaluation_waiting" not in _by_key(todo_list_for_user(bandung))


def test_dashboard_page_queries_do_not_grow_with_the_number_of_units(client, world):
    """The coordinator's Dasbor, to-dos included, sends as many queries for 2 units
    as for 12 units, each with a late complaint."""
    login(client, world.coordinator)
    url = reverse("accounts:dashboard")

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries.captured_queries)

    for unit in (world.dukcapil, world.dinsos):
        _late_complaint(unit)
    few = count_queries()
    for number in range(10):
        _late_complaint(factories.unit(world.gov_pesawaran, f"Kecamatan {number}"))
    assert count_queries() == few
