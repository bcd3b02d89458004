"""Working-day arithmetic for complaint deadlines (docs/regulations.md D9)."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mutu.measures.errors import MeasureInputError
from mutu.measures.working_days import (
    WorkingCalendar,
    national_holidays,
    working_day_add,
    working_days_between,
)

PLAIN = WorkingCalendar()


def test_weekend_is_skipped_and_friday_and_saturday_count_the_same_monday():
    """Filed on Friday or on the Saturday after, day 1 is the next Monday (D9)."""
    friday, saturday = date(2026, 10, 9), date(2026, 10, 10)
    assert working_day_add(friday, 1, PLAIN) == date(2026, 10, 12)
    assert working_day_add(saturday, 1, PLAIN) == date(2026, 10, 12)
    assert working_day_add(friday, 3, PLAIN) == date(2026, 10, 14)


def test_national_holiday_is_skipped():
    """17 August 2026 (a Monday) is Independence Day: not a working day."""
    assert date(2026, 8, 17) in national_holidays([2026])
    assert working_day_add(date(2026, 8, 14), 1, PLAIN) == date(2026, 8, 18)


def test_collective_leave_is_skipped():
    """Eid al-Fitr 2026 with its collective leave: 20, 23, 24 March are not worked."""
    # Thursday 19 March is Nyepi; Friday 20 and Monday 23–Tuesday 24 are cuti bersama.
    assert working_day_add(date(2026, 3, 18), 1, PLAIN) == date(2026, 3, 25)


def test_year_end_crosses_into_the_new_year():
    """Christmas, its collective leave and New Year's Day are skipped."""
    # 2026-12-23 Wed; 24 joint holiday; 25 Christmas; 28-31 work; 1 Jan holiday.
    assert working_day_add(date(2026, 12, 23), 1, PLAIN) == date(2026, 12, 28)
    assert working_day_add(date(2026, 12, 30), 2, PLAIN) == date(2027, 1, 4)


def test_admin_added_and_removed_dates():
    """A date the admin adds is not worked; a holiday the admin removes is."""
    added = WorkingCalendar(added=frozenset({date(2026, 10, 12)}))
    assert working_day_add(date(2026, 10, 9), 1, added) == date(2026, 10, 13)
    removed = WorkingCalendar(removed=frozenset({date(2026, 8, 17)}))
    assert working_day_add(date(2026, 8, 14), 1, removed) == date(2026, 8, 17)


def test_counting_back_matches_adding():
    """Working days between the filing and the n-th working day after it are n."""
    start = date(2026, 3, 16)
    for n in (1, 3, 5, 14, 60):
        assert working_days_between(start, working_day_add(start, n, PLAIN), PLAIN) == n
    assert working_days_between(start, start, PLAIN) == 0


def test_count_out_of_range_is_refused():
    with pytest.raises(MeasureInputError, match="hari kerja"):
        working_day_add(date(2026, 1, 5), 0, PLAIN)


days = st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31))
counts = st.sampled_from([1, 3, 5, 14, 60])
extra = st.frozensets(days, max_size=5)


@given(start=days, n=counts, added=extra, removed=extra)
def test_due_date_is_always_a_working_day(start, n, added, removed):
    calendar = WorkingCalendar(added=added, removed=removed)
    due = working_day_add(start, n, calendar)
    assert calendar.is_working_day(due)
    assert due > start


@given(start=days, later=st.integers(min_value=0, max_value=30), n=counts, added=extra)
def test_due_date_never_moves_earlier_when_filed_later(start, later, n, added):
    calendar = WorkingCalendar(added=added)
    assert working_day_add(start, n, calendar) <= working_day_add(
        start + timedelta(days=later), n, calendar
    )
