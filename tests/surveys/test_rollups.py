"""Rollups carry every figure of a results page (issue 14 item 3): the pair sums of
the interval, the respondent profile, the extra questions, the flagged and excluded
counts; the pages read no raw response but the comments."""

import random
import re
from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from mutu.measures.skm import skm_result
from mutu.measures.tally import tally_from_responses
from mutu.measures.uncertainty import skm_uncertainty
from mutu.surveys import selectors
from mutu.surveys.integrity import flags_write, pending_check, straight_line_flag
from mutu.surveys.models import (
    DailyRollup,
    Education,
    MonthlyRollup,
    Occupation,
    Publication,
    Response,
    UnitSurveySettings,
)
from mutu.surveys.periods import PeriodKind, period_containing
from mutu.surveys.rollups import (
    COUNT_FIELDS,
    ROLLUP_FUNCTIONS,
    rollup_function_digest,
    rollup_functions_sql,
    rollups_group_sql,
    rollups_rebuild,
    rollups_upsert,
)
from mutu.surveys.services import response_set_excluded, response_submit
from tests.accounts.login import login
from tests.surveys.rollup_checks import (
    monthly_stored,
    months_of,
    rollups_by_python_rule,
    rollups_stored,
)

QUESTIONS = ["Apakah petugas berseragam?", "Apakah ruang tunggu nyaman?"]


def _sql_rollups() -> dict[tuple, list[int]]:
    with connection.cursor() as cursor:
        cursor.execute(rollups_group_sql(connection.ops.quote_name("surveys_response")))
        rows = cursor.fetchall()
    day = DailyRollup._meta.get_field("day")
    return {
        (row[0], row[1], day.to_python(row[2]), row[3]): [int(v) for v in row[4:]]
        for row in rows
    }


def _submit_mixed(world, rng: random.Random, count: int) -> None:
    UnitSurveySettings.objects.create(unit=world.dukcapil, extra_questions=QUESTIONS)
    for index in range(count):
        answers = {
            f"U{i}": None if rng.random() < 0.15 else rng.randint(1, 4)
            for i in range(1, 10)
        }
        answers["U1"] = answers["U1"] or 2
        extra = {"X1": rng.randint(1, 4)} if rng.random() < 0.5 else {}
        if rng.random() < 0.3:
            extra["X2"] = rng.randint(1, 4)
        response_submit(
            unit=world.dukcapil,
            service=world.ktp,
            channel=rng.choice(["api", "web", "sms"]),
            answers=answers,
            profile={
                "sex": rng.choice(["L", "P", ""]),
                "age": rng.choice([None, 15, 24, 25, 40, 64, 65, 100]),
                "education": rng.choice([*Education.values, ""]),
                "occupation": rng.choice([*Occupation.values, ""]),
            },
            extra_answers=extra,
            comment=f"Saran nomor {index}" if index % 4 == 0 else "",
            submitted_at=timezone.now() - timedelta(days=rng.randint(0, 3)),
        )


def test_stored_rollups_equal_the_python_rule_and_the_sql_rule(world):
    """Submissions, flags (at once and later), exclusions and re-inclusions keep
    every rollup column equal to the rule applied to the responses, in Python and
    in SQL; the set-based rebuild writes the same rows and its check finds none
    differing."""
    rng = random.Random(14)
    _submit_mixed(world, rng, 80)
    responses = list(Response.objects.order_by("id"))
    for response in responses[:6]:  # flagged after being counted
        flags_write(response, [straight_line_flag(3)], counted=True)
    for response in responses[3:12]:  # some flagged ones too
        response_set_excluded(
            actor=world.admin, response=response, excluded=True, reason="uji"
        )
    response_set_excluded(
        actor=world.admin, response=responses[4], excluded=False, reason="uji"
    )

    stored = rollups_stored()
    assert stored == rollups_by_python_rule()
    assert stored == _sql_rollups()
    assert rollups_rebuild(check_only=True).ok
    rollups_rebuild()
    assert rollups_stored() == stored
    assert sum(row[COUNT_FIELDS.index("excluded")] for row in stored.values()) == 8
    assert sum(row[COUNT_FIELDS.index("flagged")] for row in stored.values()) == 6


def test_rebuild_check_finds_a_damaged_pair_sum_or_profile_count(world):
    """The check compares every column: one pair sum or one profile count off is a
    difference; the rebuild repairs it."""
    _submit_mixed(world, random.Random(3), 10)
    DailyRollup.objects.filter(pk=DailyRollup.objects.first().pk).update(u1u2_ab=999)
    day, month = rollups_rebuild(check_only=True).differences
    assert "day=" in day  # against the responses
    assert "month=" in month  # the month no longer sums its days
    rollups_rebuild()
    assert rollups_rebuild(check_only=True).ok
    DailyRollup.objects.filter(pk=DailyRollup.objects.first().pk).update(excluded=4)
    assert not rollups_rebuild(check_only=True).ok


def test_deferred_integrity_flags_count_once(world, settings):
    """A public-form response flagged later by the background check counts once in
    ``flagged``; one flagged while stored (own network) counts once too."""
    settings.MUTU_SURVEY_STRAIGHT_LINE_RUN = 2
    UnitSurveySettings.objects.create(unit=world.dukcapil, own_networks="10.18.9.0/24")
    for address in ("10.18.9.7", "192.0.2.1", "192.0.2.2"):
        response_submit(
            unit=world.dukcapil,
            service=world.ktp,
            channel="web",
            answers={f"U{i}": 3 for i in range(1, 10)},
            client_ip=address,
            defer_integrity=True,
        )
    assert pending_check() == 3
    flagged = Response.objects.filter(is_flagged=True).count()
    assert flagged >= 2
    assert sum(DailyRollup.objects.values_list("flagged", flat=True)) == flagged
    assert rollups_rebuild(check_only=True).ok


def test_profile_and_extra_questions_from_rollups_equal_a_recount(world):
    """The profile tables and the extra questions' counts equal a count of the
    counted responses themselves."""
    _submit_mixed(world, random.Random(5), 60)
    dropped = Response.objects.order_by("id")[2]
    response_set_excluded(
        actor=world.admin, response=dropped, excluded=True, reason="uji"
    )
    period = period_containing(timezone.localdate(), PeriodKind.QUARTER)
    start = period.start
    counted = [
        r
        for r in Response.objects.filter(is_excluded=False)
        if period.start <= r.day <= period.end
    ]
    assert start <= min(r.day for r in counted)

    tables = selectors.profile_tables(world.dukcapil, period)
    extra = selectors.extra_question_results(world.dukcapil, period)

    assert [row["n"] for row in tables["sex"]] == [
        sum(r.sex == value for r in counted) for value in ("L", "P", "")
    ]
    assert [row["n"] for row in tables["education"]] == [
        sum(r.education == value for r in counted) for value in (*Education.values, "")
    ]
    assert [row["n"] for row in tables["occupation"]][-1] == sum(
        r.occupation == "" for r in counted
    )
    assert [row["n"] for row in tables["age"]] == [
        sum(r.age is not None and low <= r.age <= high for r in counted)
        for low, high in selectors.AGE_BANDS
    ] + [sum(r.age is None for r in counted)]
    assert [item.counts for item in extra] == [
        tuple(
            sum(r.extra_answers.get(code) == v for r in counted) for v in (1, 2, 3, 4)
        )
        for code in ("X1", "X2")
    ]
    result = selectors.period_result(world.dukcapil, period)
    assert (result.flagged, result.excluded) == (
        Response.objects.filter(is_flagged=True).count(),
        1,
    )


def test_tally_map_carries_the_pair_sums_of_the_raw_answers(world):
    """The bulk read of many units gives each unit's tally with its pair sums, equal
    to the tally ``mutu measure`` makes of the raw answers."""
    _submit_mixed(world, random.Random(9), 40)
    period = period_containing(timezone.localdate(), PeriodKind.QUARTER)

    tallies = selectors.tally_map([world.dukcapil.id], period.start, period.end)

    expected = tally_from_responses(
        [r.answers() for r in Response.objects.filter(is_excluded=False)]
    )
    assert tallies[world.dukcapil.id] == expected
    assert tallies[world.dukcapil.id].pairs is not None


RESPONSE_TABLE = re.compile(r'"surveys_response"(?!flag)|\bsurveys_response\b(?!flag)')


def _response_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if RESPONSE_TABLE.search(q["sql"])]


@pytest.fixture
def published(world):
    """An ended quarter with mixed responses, published by the unit head."""
    period = period_containing(timezone.localdate(), PeriodKind.QUARTER).previous()
    UnitSurveySettings.objects.create(unit=world.dukcapil, extra_questions=QUESTIONS)
    rng = random.Random(21)
    for index in range(30):
        response_submit(
            unit=world.dukcapil,
            service=world.ktp,
            channel="api",
            answers={f"U{i}": rng.randint(2, 4) for i in range(1, 10)},
            profile={"sex": "P", "age": 30, "education": "S1", "occupation": "PNS"},
            extra_answers={"X1": 4},
            comment="Bagus" if index % 3 == 0 else "",
            submitted_at=timezone.make_aware(
                datetime.combine(period.start + timedelta(days=index), time(10))
            ),
        )
    Publication.objects.create(
        unit=world.dukcapil,
        period_key=period.key,
        published_at=period.end + timedelta(days=3),
        media=["website"],
    )
    return period


def test_results_pages_read_no_response_but_the_comments(client, world, published):
    """The unit's results page reads the response table only for comments, each
    read bounded: the newest page of them, and the newest ones its themes group
    (``MUTU_COMMENT_THEMES_READ``); the public result page not at all. Both show
    the figures."""
    login(client, world.head)
    with CaptureQueriesContext(connection) as unit_page:
        page = client.get(f"/unit/{world.dukcapil.id}/skm/", {"periode": published.key})
    assert page.status_code == 200
    reads = _response_queries(unit_page.captured_queries)
    assert len(reads) == 2, reads
    assert all('"comment"' in read for read in reads), reads
    assert sorted(read.rsplit("LIMIT", 1)[1].strip() for read in reads) == [
        "50",
        "5000",
    ]
    assert "Bagus" in page.content.decode()

    client.logout()
    with CaptureQueriesContext(connection) as public_page:
        page = client.get(f"/hasil/unit/{world.dukcapil.id}/{published.key}/")
    assert page.status_code == 200
    assert _response_queries(public_page.captured_queries) == []
    assert "30" in page.content.decode()


def test_results_page_interval_from_rollups_is_the_covariance_one(world, published):
    """The page's interval comes from the rollups' pair sums: the covariance method,
    equal to the measure on the raw answers."""
    shown = selectors.period_result(world.dukcapil, published)
    expected = skm_uncertainty(
        skm_result(tally_from_responses([r.answers() for r in Response.objects.all()]))
    )
    assert shown.uncertainty.method == "covariance"
    assert shown.uncertainty.ci95 == expected.ci95


def _submit_across_months(world, days: list) -> None:
    """One response per day in *days* (dates), varied answers, at noon local."""
    zone = timezone.get_current_timezone()
    for index, day in enumerate(days):
        response_submit(
            unit=world.dukcapil,
            service=world.ktp,
            channel=("web", "sms", "api")[index % 3],
            answers={f"U{i}": 1 + (index + i) % 4 for i in range(1, 10)},
            submitted_at=min(
                datetime.combine(day, time(12), tzinfo=zone),
                timezone.now() - timedelta(minutes=1),
            ),
        )


def test_monthly_rollups_are_the_sums_of_the_daily_ones(world):
    """Every writer keeps the unit × month rows equal to the sum of their days
    (issue 15 item 9): submission, exclusion, re-inclusion, late flags; the
    check finds a damaged month and the rebuild repairs it."""
    today = timezone.localdate()
    first = today.replace(day=1)
    days = [first - timedelta(days=n) for n in (40, 3, 1)] + [first, today]
    _submit_across_months(world, days)
    responses = list(Response.objects.order_by("id"))
    response_set_excluded(
        actor=world.admin, response=responses[1], excluded=True, reason="uji"
    )
    flags_write(responses[2], [straight_line_flag(3)], counted=True)

    monthly = monthly_stored()
    assert monthly == months_of(rollups_stored())
    assert sorted(month for _unit, month in monthly) == sorted(
        {d.replace(day=1) for d in days}
    )
    assert sum(row[0] for row in monthly.values()) == len(days) - 1

    MonthlyRollup.objects.filter(month=first).update(u1u2_n=77)
    differences = rollups_rebuild(check_only=True).differences
    assert differences == [
        f"unit={world.dukcapil.pk} month={first:%Y-%m}: monthly stored "
        f"{monthly[(world.dukcapil.pk, first)][0]}, daily rollups "
        f"{monthly[(world.dukcapil.pk, first)][0]} (other figures differ)"
    ]
    rollups_rebuild()
    assert monthly_stored() == monthly
    assert rollups_rebuild(check_only=True).ok


@given(
    start=st.dates(date(2024, 1, 1), date(2026, 12, 31)),
    length=st.integers(0, 800),
)
def test_month_split_covers_each_day_once(start, length):
    """Whole months and the part months at either end cover start…end, each day
    exactly once; a range of whole months has no part month."""
    end = start + timedelta(days=length)
    months, edges = selectors.month_split(start, end)
    covered = []
    for a, b in edges:
        covered += [a + timedelta(days=n) for n in range((b - a).days + 1)]
        assert a <= b
    if months:
        month = months[0]
        assert month.day == 1
        assert months[1].day == 1
        while month <= months[1]:
            following = (month + timedelta(days=32)).replace(day=1)
            covered += [
                month + timedelta(days=n) for n in range((following - month).days)
            ]
            month = following
    assert sorted(covered) == [start + timedelta(days=n) for n in range(length + 1)]
    if start.day == 1 and (end + timedelta(days=1)).day == 1:
        assert edges == []


def test_tally_map_over_part_months_equals_the_raw_answers(world):
    """A range starting and ending inside months reads the whole months from the
    monthly rollups and the ends from the daily ones: the tally equals one made of
    the responses on those days, whole quarter or not."""
    today = timezone.localdate()
    first = today.replace(day=1)
    days = [first - timedelta(days=n) for n in (70, 45, 33, 20, 2, 1)] + [first]
    _submit_across_months(world, days)
    for start, end in [
        (days[0] + timedelta(days=1), today),
        (days[0], days[-1]),
        ((first - timedelta(days=40)).replace(day=1), first - timedelta(days=1)),
    ]:
        expected = tally_from_responses(
            [r.answers() for r in Response.objects.filter(day__gte=start, day__lte=end)]
        )
        tallies = selectors.tally_map([world.dukcapil.id], start, end)
        assert tallies[world.dukcapil.id] == expected, (start, end)


def test_sums_by_range_equal_one_read_per_range(world, django_assert_num_queries):
    """The trend's read of several periods at once gives each period the sums a
    read of that period alone gives, in one query when the periods are whole
    months, with or without the pair sums; part months fall back to one read
    per range, with the same sums."""
    today = timezone.localdate()
    first = today.replace(day=1)
    days = [first - timedelta(days=n) for n in (200, 120, 95, 40, 3)] + [first]
    _submit_across_months(world, days)
    quarter = period_containing(today, PeriodKind.QUARTER)
    periods = [quarter.previous(), quarter.previous().previous(), quarter]
    ranges = [(p.start, p.end) for p in periods]
    ids = [world.dukcapil.id, world.dinsos.id]
    for pairs in (True, False):
        with django_assert_num_queries(1):
            together = selectors.tally_sums_by_range(ids, ranges, pairs=pairs)
        alone = [selectors.tally_sums_map(ids, a, b, pairs=pairs) for a, b in ranges]
        assert together == alone
    assert sum(len(sums) for sums in together) >= 2  # periods with responses
    part = [(days[0] + timedelta(days=1), days[2]), (days[3], today)]
    assert selectors.tally_sums_by_range(ids, part) == [
        selectors.tally_sums_map(ids, a, b) for a, b in part
    ]


@pytest.mark.django_db
def test_the_installed_rollup_functions_are_the_codes(world):
    """PostgreSQL: the functions a submission's upserts call exist, under the
    digest of today's columns, with the body the code makes: the migrations made
    them from a frozen list of columns, so a change of ``COUNT_FIELDS`` without
    a migration of its own fails here. One call adds its counts to the row it
    creates, the next adds to it."""
    if connection.vendor != "postgresql":
        pytest.skip("the rollup functions exist on PostgreSQL only")
    made = {}
    for statement in rollup_functions_sql(COUNT_FIELDS):
        name = re.search(r"FUNCTION (\w+)\(", statement).group(1)
        made[name] = statement.split("$mutu$")[1]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT proname, prosrc FROM pg_proc WHERE proname = ANY(%s)",
            [[name for name, *_rest in ROLLUP_FUNCTIONS.values()]],
        )
        installed = dict(cursor.fetchall())
    assert installed == made
    assert all(rollup_function_digest(COUNT_FIELDS) in name for name in installed)

    day = date(2025, 2, 3)
    counts = [0] * len(COUNT_FIELDS)
    counts[0], counts[1] = 2, 1  # responses, then the first count column
    rollups_upsert({(world.dukcapil.pk, world.ktp.pk, day, "qr"): counts})
    rollups_upsert({(world.dukcapil.pk, world.ktp.pk, day, "qr"): counts})
    row = DailyRollup.objects.get(unit=world.dukcapil, day=day, channel="qr")
    month = MonthlyRollup.objects.get(unit=world.dukcapil, month=date(2025, 2, 1))
    first = COUNT_FIELDS[1]
    assert (row.responses, getattr(row, first)) == (4, 2)
    assert (month.responses, getattr(month, first)) == (4, 2)
