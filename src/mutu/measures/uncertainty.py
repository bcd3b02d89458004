"""How sure an SKM result is: 95 % intervals, grade risk and period-to-period change.

The point estimates stay exact (``skm``); statistics here are approximations and use
floats. Method (delta method / normal approximation on the tallies):

* An element's NRR is the mean of its nᵢ answers: Var(NRRᵢ) = sᵢ² / nᵢ with sᵢ² the
  sample variance of those answers (from the 1–4 counts).
* The IKM is Σ w·NRRᵢ, so Var(IKM) = w² Σᵢ Σⱼ Cov(NRRᵢ, NRRⱼ). Answers of one
  respondent to different elements are positively correlated, which per-element
  counts cannot show. Two cases:

  - **covariance** (tally from raw responses, ``Tally.pairs`` present): the exact
    co-answer sums of every element pair give Cov(NRRᵢ, NRRⱼ) =
    Cᵢⱼ / (nᵢ·nⱼ) · Nᵢⱼ / (Nᵢⱼ − 1), where Nᵢⱼ responses answered both and
    Cᵢⱼ = Σ (xᵢ − NRRᵢ)(xⱼ − NRRⱼ) over them. This is the linearised
    (influence-function) variance of the estimator, valid with missing answers when
    they are missing at random; with no missing answers it is exactly
    Var(respondent mean)/n. Pair sums are integer sums, so summed tallies of a
    rollup carry them too.
  - **conservative** (only per-element counts known, e.g. JSON tallies): the
    Cauchy–Schwarz bound sd(IKM) ≤ Σ w·sd(NRRᵢ), i.e. as if all elements were
    perfectly correlated. The interval is then at least as wide as the true one.

  The 95 % interval is estimate ± 1,96·sd, converted ×25 and clamped to [25, 100]
  (element intervals to [1, 4]). With fewer than two answers there is no variance
  estimate and the interval is the whole scale.

Under these assumptions the interval is a large-sample one: with very small samples
or all answers equal (sample variance 0) it is too narrow, as any normal interval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from mutu.measures.predicates import SKM_TABLE
from mutu.measures.skm import CONVERSION_FACTOR, SkmResult
from mutu.measures.tally import ElementTally, Tally

__all__ = [
    "Z95",
    "ChangeTest",
    "Interval",
    "SkmUncertainty",
    "grade_uncertainty",
    "period_change_test",
    "skm_uncertainty",
]

Z95 = 1.959963984540054
"""The 97,5 % quantile of the standard normal distribution."""

SCALE_LOW, SCALE_HIGH = 1.0, 4.0
CONVERTED_LOW, CONVERTED_HIGH = 25.0, 100.0

Method = Literal["covariance", "conservative"]


@dataclass(frozen=True, slots=True)
class Interval:
    """A closed interval ``[low, high]`` (floats; approximate by nature)."""

    low: float
    high: float

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies in the interval, ends included."""
        return self.low <= value <= self.high

    @property
    def width(self) -> float:
        """``high - low``."""
        return self.high - self.low


@dataclass(frozen=True, slots=True)
class SkmUncertainty:
    """Standard errors and 95 % intervals of an SKM result.

    ``se_converted`` is the standard error of the converted IKM (``inf`` when it
    cannot be estimated); ``ci95`` is clamped to [25, 100]; ``elements`` maps each
    element code to its NRR interval, clamped to [1, 4]; ``method`` says which
    variance was used (see the module docstring).
    """

    method: Method
    se_ikm: float
    se_converted: float
    ci95: Interval
    elements: tuple[tuple[str, Interval], ...]

    def element(self, code: str) -> Interval:
        """The NRR interval of element ``code``; ``KeyError`` if not in use."""
        for item_code, interval in self.elements:
            if item_code == code:
                return interval
        raise KeyError(code)


@dataclass(frozen=True, slots=True)
class ChangeTest:
    """Two-sample z-test of the change in converted IKM between two periods."""

    difference: float
    z: float
    p_value: float
    significant: bool


def _variance_of_answers(item: ElementTally) -> Fraction | None:
    n = item.answered
    if n < 2:
        return None
    return Fraction(item.sum_squares * n - item.total**2, n * (n - 1))


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def _interval(center: float, se: float, low: float, high: float, z: float) -> Interval:
    if not math.isfinite(se):
        return Interval(low, high)
    return Interval(
        _clamp(center - z * se, low, high), _clamp(center + z * se, low, high)
    )


def _mean_variance(tally: Tally, weight: Fraction) -> tuple[Method, float]:
    """Variance of Σ w·NRRᵢ, by co-answer sums when known, else bounded.

    Every term is a ratio of exact integers divided once (Python rounds an
    integer division correctly) and the terms are added by ``math.fsum``: as
    close as floats get to the exact sum, at a fraction of the cost of adding
    fractions (a national table computes two thousand of these).
    """
    moments: dict[str, tuple[int, int]] = {}  # code: (nᵢ, Σ xᵢ)
    terms: list[float] = []  # Var(NRRᵢ) = sᵢ² / nᵢ, then 2·Cov(NRRᵢ, NRRⱼ)
    for item in tally.elements:
        n, total = item.answered, item.total
        if n < 2:
            method: Method = "conservative" if tally.pairs is None else "covariance"
            return method, math.inf
        moments[item.code] = (n, total)
        terms.append((item.sum_squares * n - total * total) / (n * n * (n - 1)))
    w = float(weight)
    if tally.pairs is None:
        sd = sum(math.sqrt(max(term, 0.0)) for term in terms)
        return "conservative", (w * sd) ** 2
    for pair in tally.pairs:
        if pair.n < 2:
            continue
        (n_a, t_a), (n_b, t_b) = moments[pair.a], moments[pair.b]
        # Cᵢⱼ·nᵢ·nⱼ, an integer: Σ (xᵢ − Tᵢ/nᵢ)(xⱼ − Tⱼ/nⱼ) over the co-answers,
        # times nᵢ·nⱼ.
        centred = (
            pair.sum_ab * n_a * n_b
            - t_b * n_a * pair.sum_a
            - t_a * n_b * pair.sum_b
            + t_a * t_b * pair.n
        )
        both = n_a * n_b
        terms.append(2 * centred * pair.n / (both * both * (pair.n - 1)))
    return "covariance", max(math.fsum(terms), 0.0) * w * w


def skm_uncertainty(result: SkmResult, *, z: float = Z95) -> SkmUncertainty:
    """95 % intervals (by default) of the converted IKM and of each NRR.

    See the module docstring for the method and its assumptions.
    """
    method, variance = _mean_variance(result.tally, result.weight)
    se_ikm = math.sqrt(variance)
    se_converted = se_ikm * CONVERSION_FACTOR
    ci95 = _interval(
        float(result.ikm_converted), se_converted, CONVERTED_LOW, CONVERTED_HIGH, z
    )
    elements = []
    for item in result.tally.elements:
        spread = _variance_of_answers(item)
        se = math.inf if spread is None else math.sqrt(float(spread) / item.answered)
        nrr = Fraction(item.total, item.answered)
        elements.append(
            (item.code, _interval(float(nrr), se, SCALE_LOW, SCALE_HIGH, z))
        )
    return SkmUncertainty(method, se_ikm, se_converted, ci95, tuple(elements))


def _normal_cdf(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def grade_uncertainty(result: SkmResult) -> float:
    """Probability that the true grade differs from the one shown (0–1).

    Normal approximation around the converted IKM with its standard error; the
    shown grade covers the raw values that round (half-up, 2 decimals, D2) into its
    band, e.g. B is [76,605, 88,305). Returns 0 when the standard error is 0 and 1
    when it cannot be estimated (fewer than two answers to some element).
    """
    se = skm_uncertainty(result).se_converted
    if not math.isfinite(se):
        return 1.0
    bands = SKM_TABLE.bands
    position = bands.index(result.grade)
    half_unit = 0.5 * 10 ** (-SKM_TABLE.places)
    lower = bands[position].lower
    low = -math.inf if lower is None else float(lower) - half_unit
    high = (
        math.inf if position == 0 else float(bands[position - 1].lower or 0) - half_unit
    )
    estimate = float(result.ikm_converted)
    if se == 0:
        return 0.0 if low <= estimate < high else 1.0
    inside = _normal_cdf((high - estimate) / se) - _normal_cdf((low - estimate) / se)
    return _clamp(1.0 - inside, 0.0, 1.0)


def period_change_test(
    before: SkmResult, after: SkmResult, *, alpha: float = 0.05
) -> ChangeTest:
    """Two-sided two-sample z-test of ``after − before`` in converted IKM.

    The periods' samples are assumed independent. ``p_value`` = P(|Z| ≥ |z|);
    ``significant`` is ``p_value < alpha``. With no estimable spread the test is
    not significant (z = 0, p = 1); with zero spread any difference is.
    """
    difference = float(after.ikm_converted - before.ikm_converted)
    se = math.hypot(
        skm_uncertainty(before).se_converted, skm_uncertainty(after).se_converted
    )
    if not math.isfinite(se):
        return ChangeTest(difference, 0.0, 1.0, False)
    if se == 0:
        if difference == 0:
            return ChangeTest(difference, 0.0, 1.0, False)
        return ChangeTest(difference, math.copysign(math.inf, difference), 0.0, True)
    z = difference / se
    p_value = math.erfc(abs(z) / math.sqrt(2.0))
    return ChangeTest(difference, z, p_value, p_value < alpha)
