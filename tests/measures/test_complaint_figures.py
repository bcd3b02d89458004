"""Complaint figures from facts (docs/regulations.md D9, D13)."""

from fractions import Fraction

from mutu.measures.complaints import ComplaintFacts, complaint_figures_compute


def _facts(**extra):
    data = {
        "kind": "pengaduan",
        "channel": "web",
        "status": "closed",
        "verified_in_time": True,
        "answered_in_time": True,
        "close_days": 4,
        "rating": None,
        "reopened": False,
        "solved": None,
        "follow_up": False,
    }
    data.update(extra)
    return ComplaintFacts(**data)


def test_shares_median_and_counts():
    facts = [
        _facts(close_days=2, rating=4, solved=True, follow_up=True),
        _facts(close_days=6, rating=2, solved=False, reopened=True),
        _facts(status="in_progress", close_days=None, answered_in_time=False),
        _facts(status="received", verified_in_time=None, answered_in_time=None),
        _facts(status="archived", channel="counter", kind="aspirasi"),
    ]
    f = complaint_figures_compute(facts)
    assert (f.total, f.handled, f.closed) == (5, 4, 2)
    assert f.by_channel == {"web": 4, "counter": 1}
    assert f.by_kind == {"pengaduan": 4, "aspirasi": 1}
    assert f.verified_share == 1
    assert f.answered_share == Fraction(2, 3)
    assert f.median_close_days == 4
    assert f.mean_rating == 3
    assert f.reopened_share == Fraction(1, 4)
    assert f.solved_share == Fraction(1, 2)
    assert f.closed_with_follow_up == 1
    assert f.media_groups == {"daring", "loket"}


def test_nothing_measurable_is_none():
    f = complaint_figures_compute([])
    assert f.verified_share is None
    assert f.median_close_days is None
    assert f.mean_rating is None
