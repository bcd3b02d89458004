"""Regional figures (D10) and fair rankings (D12), docs/regulations.md."""

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mutu.measures.comparison import (
    differs,
    league,
    rankable,
    regional_figure,
)
from mutu.measures.errors import MeasureInputError

IKM = st.decimals(min_value=25, max_value=100, places=2)


def test_regional_figure_counts_each_unit_once() -> None:
    """Three units at 80, 90 and 70 give 80 whatever their numbers of responses
    (D10: units are not pooled), with n = 3, the range and a sample spread of 10."""
    figure = regional_figure([Decimal("80"), Decimal("90"), Decimal("70")])
    assert figure is not None
    assert figure.mean == 80
    assert figure.units == 3
    assert (figure.lowest, figure.highest) == (70, 90)
    assert figure.spread == pytest.approx(10.0)


def test_a_region_without_measured_units_has_no_figure() -> None:
    assert regional_figure([]) is None


def test_one_unit_has_no_spread() -> None:
    figure = regional_figure([Decimal("88.31")])
    assert figure is not None
    assert (figure.mean, figure.spread) == (Fraction(8831, 100), None)


def test_regional_figure_refuses_floats_and_nan() -> None:
    with pytest.raises(MeasureInputError):
        regional_figure([80.5])  # type: ignore[list-item]
    with pytest.raises(MeasureInputError):
        regional_figure([Decimal("NaN")])


@given(st.lists(IKM, min_size=1, max_size=40))
def test_regional_mean_lies_in_the_range(ikms: list[Decimal]) -> None:
    figure = regional_figure(ikms)
    assert figure is not None
    assert figure.lowest <= figure.mean <= figure.highest
    assert figure.units == len(ikms)


UNLIKE_IKM = st.builds(
    lambda n, share: Fraction(25) + Fraction(75 * share, n),
    st.integers(1, 5000),
    st.integers(0, 5000),
).filter(lambda ikm: ikm <= 100)


@given(st.lists(UNLIKE_IKM, min_size=2, max_size=60))
def test_regional_mean_is_exact_and_spread_the_sample_one(
    ikms: list[Fraction],
) -> None:
    """IKMs over unlike numbers of responses (unlike denominators): the mean is
    the exact one, the spread the sample standard deviation to float precision."""
    figure = regional_figure(ikms)
    assert figure is not None
    exact_mean = sum(ikms, Fraction(0)) / len(ikms)
    assert figure.mean == exact_mean
    squares = sum((v - exact_mean) ** 2 for v in ikms) / (len(ikms) - 1)
    assert figure.spread == pytest.approx(math.sqrt(squares), rel=1e-9, abs=1e-9)


@given(st.lists(IKM, min_size=1, max_size=20), st.randoms())
def test_regional_figure_ignores_order(ikms: list[Decimal], rnd) -> None:
    shuffled = list(ikms)
    rnd.shuffle(shuffled)
    assert regional_figure(ikms) == regional_figure(shuffled)


@pytest.mark.parametrize(
    ("collected", "population", "expected"),
    [
        (49, None, False),
        (50, None, True),
        (79, 100, False),  # Krejcie & Morgan: 100 → 80
        (80, 100, True),
        (377, 20_000, True),
        (376, 20_000, False),
        (12, 10, True),  # more responses than the stated population
    ],
)
def test_rankable_at_the_thresholds(
    collected: int, population: int | None, expected: bool
) -> None:
    assert rankable(collected, population) is expected


def test_rankable_minimum_is_a_setting() -> None:
    assert rankable(30, minimum=30)
    assert not rankable(29, minimum=30)


def test_rankable_refuses_a_negative_count() -> None:
    with pytest.raises(MeasureInputError):
        rankable(-1)


def test_differs_is_strict_at_the_boundary() -> None:
    """|a − b| = 1,96 × √(3² + 4²) = 9,8 exactly is not significant; 9,81 is."""
    assert not differs(Decimal("80"), 3.0, Decimal("89.8"), 4.0)
    assert differs(Decimal("80"), 3.0, Decimal("89.81"), 4.0)


def test_unknown_spread_never_differs() -> None:
    assert not differs(Decimal("25"), math.inf, Decimal("100"), 1.0)
    assert not differs(Decimal("25"), math.nan, Decimal("100"), 1.0)


@given(IKM, st.floats(0, 20), IKM, st.floats(0, 20))
def test_differs_is_symmetric(a: Decimal, se_a: float, b: Decimal, se_b: float) -> None:
    assert differs(a, se_a, b, se_b) == differs(b, se_b, a, se_a)


def test_league_ranks_ties_together_and_leaves_small_samples_unranked() -> None:
    table = league(
        [
            ("kecil", Decimal("99"), 1.0, False),  # best IKM, 12 responses
            ("a", Decimal("90"), 0.5, True),
            ("b", Decimal("85"), 0.5, True),
            ("c", Decimal("85"), 0.5, True),
            ("d", Decimal("70"), 0.5, True),
            ("kosong", None, math.inf, True),
        ]
    )
    assert [(r.key, r.place) for r in table] == [
        ("a", 1),
        ("b", 2),
        ("c", 2),
        ("d", 4),
        ("kecil", None),
        ("kosong", None),
    ]
    assert [r.above_differs for r in table] == [None, True, False, True, None, None]


@given(st.lists(st.tuples(IKM, st.booleans()), max_size=30))
def test_no_top_list_holds_an_unranked_unit(rows: list[tuple[Decimal, bool]]) -> None:
    table = league([(i, ikm, 1.0, ok) for i, (ikm, ok) in enumerate(rows)])
    ranked = [r for r in table if r.place is not None]
    assert table[: len(ranked)] == ranked
    assert all(rows[r.key][1] for r in ranked)
    assert [r.ikm for r in ranked] == sorted((r.ikm for r in ranked), reverse=True)


def _differs_exactly(a: Fraction, se_a: float, b: Fraction, se_b: float) -> bool:
    """D12's test in exact fractions only (the reference for the fast path)."""
    return (a - b) ** 2 > Fraction(196, 100) ** 2 * (
        Fraction(se_a) ** 2 + Fraction(se_b) ** 2
    )


@given(UNLIKE_IKM, UNLIKE_IKM, st.floats(0, 30), st.floats(-1e-6, 1e-6))
def test_differs_decides_as_the_exact_rule_even_at_the_boundary(
    a: Fraction, b: Fraction, se: float, nudge: float
) -> None:
    """The float shortcut never changes a verdict: random pairs, and pairs whose
    standard errors put them on (or within a hair of) the boundary."""
    assert differs(a, se, b, se / 2) == _differs_exactly(a, se, b, se / 2)
    boundary = float(abs(a - b)) / (1.96 * math.sqrt(2))
    near = max(0.0, boundary * (1 + nudge))
    assert differs(a, near, b, near) == _differs_exactly(a, near, b, near)
    assert differs(a, boundary, b, boundary) == _differs_exactly(
        a, boundary, b, boundary
    )
