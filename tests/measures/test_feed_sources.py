"""Feed sources: the figures the app passes, checked, and the ones derived from them."""

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mutu.measures.errors import MeasureInputError
from mutu.measures.feed_sources import (
    FEED_SOURCES,
    FeedSource,
    FeedWindow,
    Figure,
    FollowUpPeriod,
    SamplePeriod,
    follow_up_days,
    follow_up_speed,
    months_between,
    sample_periods,
    source_figures,
)
from mutu.measures.sampling import required_sample

FOLLOW_UP = FEED_SOURCES["skm_follow_up"]


def _follow_up(
    items: int, done: int, periods: int = 0, days=None, unplanned=0, unfinished=0
):
    return {
        "items": items,
        "done": done,
        "periods": periods,
        "unplanned": unplanned,
        "unfinished": unfinished,
        "slowest_days": days,
    }


def test_every_source_names_its_figures_once():
    """Figure names are unique per source, kinds are known, derived ones are listed."""
    for key, source in FEED_SOURCES.items():
        assert key == source.id
        names = [f.name for f in (*source.given, *source.derived)]
        assert len(names) == len(set(names))
        assert {f.kind for f in source.given + source.derived} <= {
            "count",
            "number",
            "flag",
            "text",
        }
    assert set(FEED_SOURCES) == {
        "standards",
        "skm",
        "skm_follow_up",
        "complaints",
        "standard_publication",  # Q3 (D19)
        "service_charter",  # Q5
        "service_hours",  # Q10
        "queue_system",  # Q31
    }


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2026, 1, 31), date(2026, 2, 1), 1),
        (date(2026, 1, 1), date(2026, 1, 31), 0),
        (date(2025, 11, 15), date(2026, 2, 3), 3),
        (date(2026, 3, 10), date(2026, 1, 10), -2),
    ],
)
def test_months_between_counts_calendar_months(start, end, months):
    """Months from one calendar month to another; days do not matter (§1.7 Q9)."""
    assert months_between(start, end) == months


@settings(max_examples=120, deadline=None)
@given(st.dates(), st.dates(), st.dates())
def test_months_between_adds_up(a, b, c):
    """a → b plus b → c is a → c, and b → a is minus a → b."""
    assert months_between(a, b) + months_between(b, c) == months_between(a, c)
    assert months_between(b, a) == -months_between(a, b)


@pytest.mark.parametrize(
    ("items", "done", "percent"),
    [(0, 0, None), (3, 0, Fraction(0)), (3, 1, Fraction(100, 3)), (8, 8, 100)],
)
def test_follow_up_share_is_exact(items, done, percent):
    """done_percent = done × 100 / items, exact; none without items (§1.7 Q8)."""
    figures = source_figures(FOLLOW_UP, _follow_up(items, done))
    assert figures["done_percent"] == percent


def test_numbers_are_read_exactly():
    """Number figures accept int, Fraction and finite Decimal, all made exact."""
    source = FeedSource("t", "uji", (Figure("share", "number", "uji", optional=True),))
    for value in (2, Fraction(5, 2), Decimal("2.5")):
        assert isinstance(source_figures(source, {"share": value})["share"], Fraction)
    with pytest.raises(MeasureInputError, match="angka"):
        source_figures(source, {"share": Decimal("NaN")})
    with pytest.raises(MeasureInputError, match="angka"):
        source_figures(source, {"share": 2.5})


@pytest.mark.parametrize(
    ("figures", "column"),
    [
        (_follow_up(2, 3), "done"),
        (_follow_up(2, 1, periods=1), "slowest_days"),
        (_follow_up(2, 1, periods=0, days=3), "slowest_days"),
        (_follow_up(2, 1, periods=1, days=3, unplanned=2), "unplanned"),
        (_follow_up(2, 1, periods=2, days=3, unplanned=1, unfinished=2), "unfinished"),
    ],
)
def test_follow_up_figures_must_agree(figures, column):
    """More items done than planned, a speed without a planned period (or none
    with one), more unplanned or unfinished periods than there are, fail."""
    with pytest.raises(MeasureInputError) as caught:
        source_figures(FOLLOW_UP, figures)
    assert caught.value.column == column


def test_skm_media_kinds_must_add_up():
    """Non-electronic plus electronic media must be all media."""
    figures = {
        "responses": 1,
        "publications": 1,
        "media": 3,
        "print_media": 1,
        "electronic_media": 1,
        "media_names": "print, website",
        "follow_up_done": 0,
        "periods": 1,
        "periods_sized": 1,
        "periods_short": 0,
        "periods_unstated": 0,
    }
    with pytest.raises(MeasureInputError, match="harus sama dengan media"):
        source_figures(FEED_SOURCES["skm"], figures)
    assert source_figures(FEED_SOURCES["skm"], figures | {"media": 2})["media"] == 2


def test_optional_and_text_figures():
    """Optional figures may be None; text must be text; nothing else may be None."""
    source = FeedSource(
        "uji",
        "uji",
        (Figure("note", "text", "catatan"), Figure("share", "number", "x", True)),
    )
    assert source_figures(source, {"note": "", "share": None}) == {
        "note": "",
        "share": None,
    }
    with pytest.raises(MeasureInputError, match="teks") as caught:
        source_figures(source, {"note": None, "share": None})
    assert caught.value.column == "note"


# Indicator 6: the Krejcie & Morgan size per period (D5, D17) -----------------------


@pytest.mark.parametrize(
    ("population", "collected", "figure"),
    [
        (None, 500, "periods_unstated"),
        (100, 79, "periods_short"),
        (100, 80, "periods_sized"),
        (1000, 277, "periods_short"),
        (1000, 278, "periods_sized"),
        (10, 10, "periods_sized"),
    ],
)
def test_a_period_counts_only_at_krejcie_morgan_size(population, collected, figure):
    """A period is sized at the table's size for its population (100 → 80, 1 000 →
    278), short one below; without a stated population it never counts (D17)."""
    figures = sample_periods([SamplePeriod(population, collected)])
    assert figures == {
        "periods": 1,
        "periods_sized": int(figure == "periods_sized"),
        "periods_short": int(figure == "periods_short"),
        "periods_unstated": int(figure == "periods_unstated"),
    }


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.one_of(st.none(), st.integers(1, 100_000)), st.integers(0, 500)),
        max_size=6,
    )
)
def test_sample_periods_add_up_and_agree_with_the_table(rows):
    """Every period lands in exactly one count, sized exactly when collected ≥
    required_sample(population); the source accepts the counts."""
    periods = [SamplePeriod(p, c) for p, c in rows]
    figures = sample_periods(periods)
    assert figures["periods"] == len(rows)
    assert figures["periods_sized"] == sum(
        1 for p, c in rows if p is not None and c >= required_sample(p)
    )
    assert figures["periods_unstated"] == sum(1 for p, _c in rows if p is None)
    given_figures = {
        "responses": 0,
        "publications": 0,
        "media": 0,
        "print_media": 0,
        "electronic_media": 0,
        "media_names": "",
        "follow_up_done": 0,
    } | figures
    source_figures(FEED_SOURCES["skm"], given_figures)


# Indicator 9: days from publication to the last follow-up action (D17) -------------

EVALUATED = date(2026, 3, 31)


@pytest.mark.parametrize(
    ("published", "completions", "days"),
    [
        (date(2026, 1, 10), (), None),
        (date(2026, 1, 10), (date(2026, 1, 20), date(2026, 2, 9)), 30),
        (date(2026, 1, 10), (date(2026, 1, 20), None), 80),
        (date(2026, 1, 10), (date(2025, 12, 1),), 0),
        (date(2025, 3, 31), (None,), 365),
    ],
)
def test_follow_up_days(published, completions, days):
    """Days to the last item done; an open item counts to the evaluation day; done
    before publication is 0; no plan is None."""
    assert follow_up_days(FollowUpPeriod(published, completions), EVALUATED) == days


def test_follow_up_speed_takes_the_slowest_period():
    """One fast period and one never finished: the unfinished one decides (D17)."""
    fast = FollowUpPeriod(date(2026, 1, 10), (date(2026, 1, 20),))
    open_ = FollowUpPeriod(date(2025, 4, 10), (date(2025, 4, 20), None))
    unplanned = FollowUpPeriod(date(2025, 7, 10), ())
    assert follow_up_speed([fast, open_, unplanned], EVALUATED) == {
        "periods": 3,
        "unplanned": 1,
        "unfinished": 1,
        "slowest_days": 355,
    }
    assert follow_up_speed([], EVALUATED)["slowest_days"] is None


@settings(max_examples=150, deadline=None)
@given(
    st.dates(date(2024, 1, 1), date(2026, 3, 31)),
    st.lists(st.one_of(st.none(), st.dates(date(2024, 1, 1), date(2026, 3, 31)))),
    st.integers(0, 400),
)
def test_follow_up_days_never_fall_as_the_evaluation_day_moves_on(
    published, completions, later
):
    """Waiting longer never makes an open plan look faster; a finished plan does
    not change at all."""
    period = FollowUpPeriod(published, tuple(completions))
    now = follow_up_days(period, EVALUATED)
    then = follow_up_days(period, EVALUATED + timedelta(days=later))
    if not completions:
        assert now is None
        assert then is None
        return
    assert now is not None
    assert then is not None
    assert 0 <= now <= then
    if None not in completions:
        assert now == then


def test_window_overlaps_periods():
    """A survey period belongs to the window when one of its days falls in it (D16)."""
    window = FeedWindow(date(2025, 7, 1), date(2026, 6, 30), date(2026, 7, 1))
    assert window.overlaps(date(2025, 1, 1), date(2025, 12, 31))
    assert window.overlaps(date(2026, 6, 30), date(2026, 9, 30))
    assert not window.overlaps(date(2025, 4, 1), date(2025, 6, 30))
    assert not window.overlaps(date(2026, 7, 1), date(2026, 9, 30))
