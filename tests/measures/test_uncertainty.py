"""Uncertainty of SKM results: delta-method intervals, grade risk, change test.

The coverage and bootstrap checks simulate respondents whose answers to the nine
elements are correlated through a latent satisfaction type, as real SKM answers are.
"""

import math
import random
from collections import Counter
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mutu.measures.errors import MeasureInputError
from mutu.measures.skm import (
    ELEMENT_CODES,
    Tally,
    skm_result,
    tally_from_patterns,
    tally_from_responses,
)
from mutu.measures.uncertainty import (
    grade_uncertainty,
    period_change_test,
    skm_uncertainty,
)

# Three respondent types (share, answer distribution over 1..4); element i moves
# 0,02·(i mod 3) of probability from "3" to "4" so the elements differ.
PERCENT_TYPES = (
    (30, (25, 45, 25, 5)),  # unhappy
    (50, (5, 20, 55, 20)),  # neutral
    (20, (0, 5, 35, 60)),  # happy
)
TYPES = tuple(
    (Fraction(share, 100), tuple(Fraction(p, 100) for p in answers))
    for share, answers in PERCENT_TYPES
)
MISSING = 0.05


def _distribution(kind: int, element: int) -> tuple[Fraction, ...]:
    p = list(TYPES[kind][1])
    shift = Fraction(2, 100) * (element % 3)
    p[2] -= shift
    p[3] += shift
    return tuple(p)


def _true_converted() -> float:
    # E[IKM] = mean over elements of Σ_type share · Σ_v v·p(v); × 25
    means = [
        sum(
            share * sum((v + 1) * p for v, p in enumerate(_distribution(t, i)))
            for t, (share, _) in enumerate(TYPES)
        )
        for i in range(9)
    ]
    return float(sum(means, Fraction(0)) / 9 * 25)


CUMULATIVE = [
    [[float(sum(_distribution(t, i)[: v + 1])) for v in range(4)] for i in range(9)]
    for t in range(len(TYPES))
]
TYPE_CUMULATIVE = [float(sum(s for s, _ in TYPES[: t + 1])) for t in range(3)]


def _sample_patterns(rng: random.Random, n: int) -> Counter[tuple[int, ...]]:
    patterns: Counter[tuple[int, ...]] = Counter()
    while n:
        u = rng.random()
        kind = 0 if u < TYPE_CUMULATIVE[0] else 1 if u < TYPE_CUMULATIVE[1] else 2
        values = []
        for cumulative in CUMULATIVE[kind]:
            if rng.random() < MISSING:
                values.append(0)
                continue
            u = rng.random()
            values.append(
                1
                if u < cumulative[0]
                else 2
                if u < cumulative[1]
                else 3
                if u < cumulative[2]
                else 4
            )
        if any(values):
            patterns[tuple(values)] += 1
            n -= 1
    return patterns


def test_skm_uncertainty_covers_the_true_value_95_percent() -> None:
    """The 95 % interval covers the true converted IKM in 93–97 % of samples."""
    # given 2 000 seeded samples of 150 correlated respondents
    rng = random.Random(20_170_014)
    truth = _true_converted()
    covered = 0
    for _ in range(2_000):
        tally = tally_from_patterns(_sample_patterns(rng, 150), ELEMENT_CODES)
        # when the interval is computed from the tally
        interval = skm_uncertainty(skm_result(tally)).ci95
        covered += interval.contains(truth)
    # then about 95 % of the intervals hold the true value
    assert 0.93 <= covered / 2_000 <= 0.97


def test_skm_uncertainty_matches_bootstrap_width() -> None:
    """The delta-method width is within 15 % of a bootstrap percentile interval."""
    # given one fixed data set of 300 respondents
    rng = random.Random(7)
    patterns = _sample_patterns(rng, 300)
    rows = [p for p, times in patterns.items() for _ in range(times)]
    result = skm_result(tally_from_patterns(patterns, ELEMENT_CODES))
    delta = skm_uncertainty(result).ci95
    # when 1 000 bootstrap resamples of the respondents are scored
    estimates = []
    for _ in range(1_000):
        sums, counts = [0] * 9, [0] * 9
        for row in rng.choices(rows, k=len(rows)):
            for i, value in enumerate(row):
                if value:
                    sums[i] += value
                    counts[i] += 1
        estimates.append(sum(s / c for s, c in zip(sums, counts, strict=True)) / 9 * 25)
    estimates.sort()
    bootstrap_width = estimates[974] - estimates[24]
    # then the two widths agree within 15 %
    assert delta.width == pytest.approx(bootstrap_width, rel=0.15)


def test_skm_uncertainty_conservative_without_pair_sums() -> None:
    """Counts alone give the Cauchy–Schwarz bound: wider, never narrower."""
    rng = random.Random(11)
    tally = tally_from_patterns(_sample_patterns(rng, 200), ELEMENT_CODES)
    counts_only = Tally.from_counts(
        {e.code: e.counts for e in tally.elements}, responses=tally.responses
    )
    exact = skm_uncertainty(skm_result(tally))
    bound = skm_uncertainty(skm_result(counts_only))
    assert (exact.method, bound.method) == ("covariance", "conservative")
    assert bound.se_converted >= exact.se_converted
    # the bound is Σ w·sd(NRRᵢ) = mean of the element standard errors (× 25)
    element_se = [
        math.sqrt(
            (e.sum_squares - e.total**2 / e.answered) / (e.answered - 1) / e.answered
        )
        for e in tally.elements
    ]
    assert bound.se_converted == pytest.approx(sum(element_se) / 9 * 25)


def test_skm_uncertainty_complete_answers_equal_respondent_mean_variance() -> None:
    """With no missing answers, Var(IKM) = sample variance of respondent means / n."""
    # given four complete respondents over two elements
    rows = [
        {"U1": 4, "U2": 3},
        {"U1": 2, "U2": 2},
        {"U1": 3, "U2": 4},
        {"U1": 1, "U2": 1},
    ]
    result = skm_result(tally_from_responses(rows, codes=("U1", "U2")))
    # respondent means 3,5 2 3,5 1 → mean 2,5; sample variance
    # ((1)² + (0,5)² + (1)² + (1,5)²) / 3 = 4,5 / 3 = 1,5; / n = 0,375
    spread = skm_uncertainty(result)
    assert spread.se_ikm == pytest.approx(math.sqrt(1.5 / 4))
    assert spread.se_converted == pytest.approx(25 * math.sqrt(0.375))


def test_skm_uncertainty_clamps_and_handles_tiny_samples() -> None:
    """Intervals stay within 25–100 (and 1–4); one response gives the whole scale."""
    single = skm_result(tally_from_responses([{"U1": 4, "U2": 4}], codes=("U1", "U2")))
    spread = skm_uncertainty(single)
    assert (spread.ci95.low, spread.ci95.high) == (25.0, 100.0)
    assert spread.element("U1").width == 3.0
    assert grade_uncertainty(single) == 1.0
    top = [{"U1": 4, "U2": 4}] * 30 + [{"U1": 3, "U2": 4}]
    high = skm_uncertainty(skm_result(tally_from_responses(top, codes=("U1", "U2"))))
    assert high.ci95.high == 100.0
    assert high.element("U2").high == 4.0


def test_grade_uncertainty_near_and_far_from_a_boundary() -> None:
    """A result at a grade boundary has ~50 % risk; one deep inside, ~0 %."""
    # given 2 500 identical-looking respondents right at 88,31 (the A bound)
    counts = dict.fromkeys(ELEMENT_CODES, (0, 0, 1169, 1331))
    near = skm_result(Tally.from_counts(counts, responses=2500))
    # then roughly a coin toss whether the true grade is A
    assert 0.35 <= grade_uncertainty(near) <= 0.6
    # given all-4 answers except a few: far inside A
    far_rows = [dict.fromkeys(ELEMENT_CODES, 4) for _ in range(400)]
    far_rows[0]["U1"] = 3
    far = skm_result(tally_from_responses(far_rows))
    assert grade_uncertainty(far) < 1e-6


def test_period_change_test_detects_a_real_change() -> None:
    """A large shift between periods is significant; the same data is not."""
    rng = random.Random(5)
    before = skm_result(tally_from_patterns(_sample_patterns(rng, 300), ELEMENT_CODES))
    better_rows = [dict.fromkeys(ELEMENT_CODES, 4) for _ in range(200)] + [
        dict.fromkeys(ELEMENT_CODES, 3) for _ in range(100)
    ]
    after = skm_result(tally_from_responses(better_rows))
    change = period_change_test(before, after)
    assert change.difference == pytest.approx(
        float(after.ikm_converted - before.ikm_converted)
    )
    assert change.z > 0
    assert change.significant is True
    assert change.p_value < 0.001
    same = period_change_test(before, before)
    assert (same.z, same.p_value, same.significant) == (0.0, 1.0, False)


def test_period_change_test_p_value_is_two_sided_normal() -> None:
    """p = P(|Z| ≥ |z|): z = 1,96 gives p ≈ 0,05."""
    rng = random.Random(9)
    a = skm_result(tally_from_patterns(_sample_patterns(rng, 150), ELEMENT_CODES))
    b = skm_result(tally_from_patterns(_sample_patterns(rng, 150), ELEMENT_CODES))
    change = period_change_test(a, b)
    assert change.p_value == pytest.approx(math.erfc(abs(change.z) / math.sqrt(2)))
    assert change.significant is (change.p_value < 0.05)


def _exact_covariance_variance(tally: Tally, weight: Fraction) -> Fraction:
    """Var(Σ w·NRRᵢ) by the module's formula in exact fractions (the reference
    the float computation is held to)."""
    total = Fraction(0)
    for item in tally.elements:
        n = item.answered
        total += Fraction(item.sum_squares * n - item.total**2, n * (n - 1)) / n
    for pair in tally.pairs or ():
        if pair.n < 2:
            continue
        a, b = tally.element(pair.a), tally.element(pair.b)
        mean_a, mean_b = Fraction(a.total, a.answered), Fraction(b.total, b.answered)
        centred = (
            pair.sum_ab
            - mean_b * pair.sum_a
            - mean_a * pair.sum_b
            + mean_a * mean_b * pair.n
        )
        total += 2 * centred / (a.answered * b.answered) * pair.n / (pair.n - 1)
    return max(total, Fraction(0)) * weight * weight


@settings(max_examples=60, deadline=None)
@given(
    answers=st.lists(
        st.lists(st.one_of(st.none(), st.integers(1, 4)), min_size=9, max_size=9),
        min_size=3,
        max_size=60,
    ),
    scale=st.sampled_from([1, 7, 200]),
)
def test_the_float_variance_equals_the_exact_one(answers, scale) -> None:
    """The covariance variance, computed as correctly rounded integer ratios
    added by fsum, equals the exact fraction to 1e-12 (relative), also when
    the same answers come many times over (large sums)."""
    rows = [dict(zip(ELEMENT_CODES, row, strict=True)) for row in answers] * scale
    rows = [{k: v for k, v in row.items() if v is not None} for row in rows]
    try:
        result = skm_result(tally_from_responses(rows))
    except MeasureInputError:
        return  # an element nobody answered
    shown = skm_uncertainty(result)
    if not math.isfinite(shown.se_ikm):
        return  # an element with fewer than two answers
    exact = _exact_covariance_variance(result.tally, result.weight)
    assert shown.method == "covariance", shown.method
    assert shown.se_ikm**2 == pytest.approx(float(exact), rel=1e-12, abs=1e-300)
