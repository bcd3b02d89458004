"""The rules of what a response may hold, and the one submission window."""

from datetime import date, datetime, timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from mutu.errors import MutuError
from mutu.surveys.models import Publication
from mutu.surveys.periods import PeriodKind, period_containing
from mutu.surveys.published import PublishedPeriods, published_period_refuse
from mutu.surveys.rules import (
    AGE_RANGE,
    COMMENT_MAX,
    INVALID,
    age_value,
    answer_value,
    comment_text,
    profile_code,
    submission_window,
)

NOON = timezone.make_aware(datetime(2026, 3, 10, 12))  # noqa: DTZ001 - made aware


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1, 1),
        (4, 4),
        (3.0, INVALID),
        (" 2 ", 2),
        ("4", 4),
        (None, None),
        ("", None),
        ("  ", INVALID),
        (0, INVALID),
        (5, INVALID),
        (2.5, INVALID),
        ("4.0", INVALID),
        (True, INVALID),
        ([1], INVALID),
        ({"a": 1}, INVALID),
    ],
)
def test_answer_value_takes_one_to_four_or_nothing(value, expected):
    """Answers are 1–4 (spreadsheet numbers and text too) or empty; nothing else."""
    assert answer_value(value) is expected or answer_value(value) == expected


def test_answer_value_reads_a_spreadsheet_cell_as_a_person_means_it():
    """Excel stores 4 as 4.0 and a cell of spaces looks empty: the paper import
    reads them so; the API and the kiosk take neither."""
    assert answer_value(4.0, spreadsheet=True) == 4
    assert answer_value("  ", spreadsheet=True) is None
    assert answer_value(2.5, spreadsheet=True) is INVALID
    assert answer_value(True, spreadsheet=True) is INVALID


@given(st.integers())
def test_answer_value_accepts_exactly_the_four_scores(number):
    """Of all integers, only 1, 2, 3 and 4 are answers."""
    assert (answer_value(number) is not INVALID) == (1 <= number <= 4)


@given(st.integers(-10, 200))
def test_age_value_accepts_exactly_the_template_range(age):
    """An age is a whole number of years within the SKM template's range."""
    inside = AGE_RANGE[0] <= age <= AGE_RANGE[1]
    assert (age_value(age) is not INVALID) == inside
    assert (age_value(str(age)) is not INVALID) == (inside and age >= 0)
    assert (age_value(float(age)) is not INVALID) == inside


def test_age_value_refuses_fractions_and_words():
    """34.5 years, "tiga puluh" and True are not ages; empty is "not given"."""
    assert age_value(34.5) is INVALID
    assert age_value("tiga puluh") is INVALID
    assert age_value(True) is INVALID
    assert age_value("²") is INVALID  # a digit to str.isdigit, not a number
    assert age_value("") is None


def test_profile_code_and_comment_text():
    """Profile values are the template's codes; comments are stripped and capped."""
    assert profile_code("sex", " P ") == "P"
    assert profile_code("sex", None) == ""
    assert profile_code("sex", "X") is INVALID
    assert profile_code("education", 3) is INVALID
    assert comment_text("  Bagus  ") == "Bagus"
    assert comment_text("x" * COMMENT_MAX) == "x" * COMMENT_MAX
    assert comment_text("x" * (COMMENT_MAX + 1)) is INVALID


def test_submission_window_bounds_are_inclusive():
    """The oldest and the latest accepted times are inside; a second beyond is out."""
    window = submission_window(now=NOON, max_age_days=400, max_skew_minutes=5)
    assert window.contains(NOON - timedelta(days=400))
    assert not window.contains(NOON - timedelta(days=400, seconds=1))
    assert window.contains(NOON + timedelta(minutes=5))
    assert not window.contains(NOON + timedelta(minutes=5, seconds=1))
    assert window.contains_day(date(2026, 3, 10))
    assert not window.contains_day(date(2026, 3, 11))
    late = submission_window(now=NOON.replace(hour=23, minute=58))
    assert not late.contains_day(date(2026, 3, 11))  # the skew moves no day
    assert window.contains_day(NOON.date() - timedelta(days=400))
    assert not window.contains_day(NOON.date() - timedelta(days=401))


@override_settings(MUTU_SURVEY_MAX_AGE_DAYS=30, MUTU_SURVEY_MAX_SKEW_MINUTES=0)
def test_submission_window_defaults_come_from_settings():
    """The one pair of settings moves the window of every channel."""
    window = submission_window(now=NOON)
    assert window.max_age_days == 30
    assert window.oldest == NOON - timedelta(days=30)
    assert window.latest == NOON


@pytest.mark.parametrize(
    "day",
    [date(2025, 6, 30), date(2025, 7, 1), date(2025, 8, 15), date(2025, 9, 30)],
)
def test_published_periods_and_the_single_refusal_agree(world, day):
    """The bulk's loaded periods and the single path's refusal are one rule."""
    Publication.objects.create(
        unit=world.dukcapil,
        period_key=period_containing(date(2025, 8, 1), PeriodKind.QUARTER).key,
        published_at=date(2025, 10, 5),
        media=["website"],
    )
    closed = PublishedPeriods.of_unit(world.dukcapil.pk).containing(day)
    if closed is None:
        published_period_refuse(world.dukcapil.pk, day)
        assert day == date(2025, 6, 30)
    else:
        with pytest.raises(MutuError, match="sudah dipublikasikan"):
            published_period_refuse(world.dukcapil.pk, day)
        assert closed.key == "2025-Q3"
    published_period_refuse(world.dinsos.pk, day)  # another unit is not closed
