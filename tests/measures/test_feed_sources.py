"""Feed sources: the figures the app passes, checked, and the ones derived from them."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mutu.measures.errors import MeasureInputError
from mutu.measures.feed_sources import (
    FEED_SOURCES,
    FeedSource,
    Figure,
    months_between,
    source_figures,
)

FOLLOW_UP = FEED_SOURCES["skm_follow_up"]


def _follow_up(items: int, done: int, periods: int = 0, months=None):
    return {
        "items": items,
        "done": done,
        "periods_done": periods,
        "slowest_months": months,
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
    for value in (2, Fraction(5, 2), Decimal("2.5")):
        figures = source_figures(FOLLOW_UP, _follow_up(1, 1, 1, value))
        assert isinstance(figures["slowest_months"], Fraction)
    with pytest.raises(MeasureInputError, match="angka"):
        source_figures(FOLLOW_UP, _follow_up(1, 1, 1, Decimal("NaN")))
    with pytest.raises(MeasureInputError, match="angka"):
        source_figures(FOLLOW_UP, _follow_up(1, 1, 1, 2.5))


@pytest.mark.parametrize(
    ("figures", "column"),
    [
        (_follow_up(2, 3), "done"),
        (_follow_up(2, 1, periods=1), "slowest_months"),
        (_follow_up(2, 1, periods=0, months=3), "slowest_months"),
    ],
)
def test_follow_up_figures_must_agree(figures, column):
    """More items done than planned, or a speed without a finished period, fail."""
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
