"""Comparing units and regions fairly: regional figures (D10) and rankings (D12).

A region's SKM figure is the plain mean of its units' converted IKM, each unit
counted once, with the number of units and their spread (docs/regulations.md D10).
A unit enters a ranking only with a sufficient sample: the Krejcie & Morgan size
for its stated population (D5), or a minimum (default 50) when none is stated; two
IKMs differ only when ``|a − b| > 1,96 × √(se_a² + se_b²)`` (D12). Rankings use
competition ranking ("1, 2, 2, 4"): units with equal IKM share a place.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Generic, TypeVar

from mutu.measures.errors import MeasureInputError
from mutu.measures.sampling import meets

__all__ = [
    "DEFAULT_MINIMUM_SAMPLE",
    "SIGNIFICANCE_Z",
    "Ranked",
    "RegionalFigure",
    "differs",
    "league",
    "rankable",
    "regional_figure",
]

DEFAULT_MINIMUM_SAMPLE = 50
"""Responses a unit needs for a ranking when it states no population (D12)."""

SIGNIFICANCE_Z = Fraction(196, 100)
"""The multiplier of the combined standard error in D12 (1,96, written as the rule)."""

_Z_SQUARED = float(SIGNIFICANCE_Z) ** 2

Key = TypeVar("Key", bound=Hashable)


@dataclass(frozen=True, slots=True)
class RegionalFigure:
    """A region's figure by D10: the mean of ``units`` IKMs, exact, and their spread.

    ``spread`` is the sample standard deviation of the units' IKMs (``None`` for a
    single unit); ``lowest``/``highest`` give the range.
    """

    mean: Fraction
    units: int
    spread: float | None
    lowest: Fraction
    highest: Fraction


def _exact(value: Fraction | Decimal | int, name: str) -> Fraction:
    if type(value) is Fraction:  # the common case, and Fraction(v) is slow
        return value
    if isinstance(value, bool) or not isinstance(value, Fraction | Decimal | int):
        raise MeasureInputError(
            f"{name} harus berupa angka pasti",
            f"{name} must be an exact number",
            column=name,
        )
    if isinstance(value, Decimal) and not value.is_finite():
        raise MeasureInputError(
            f"{name} tidak boleh NaN atau tak hingga",
            f"{name} must not be NaN or infinite",
            column=name,
        )
    return Fraction(value)


def regional_figure(ikms: Sequence[Fraction | Decimal | int]) -> RegionalFigure | None:
    """The D10 figure of a region whose units have the converted IKMs *ikms*.

    ``None`` when no unit has an IKM: a region with no measured unit has no figure
    (never 0). Responses are not pooled: a unit with 5,000 responses and one with
    50 weigh the same.
    """
    values = [_exact(v, "ikm") for v in ikms]
    if not values:
        return None
    mean = _exact_sum(values) / len(values)
    # Each value as a float once (a national table has 25,000 of them).
    floats = [float(v) for v in values]
    spread = None
    if len(values) > 1:
        # A float, like the spread itself: the exact squares of thousands of IKMs
        # with unlike denominators cost a national table a second.
        centre = float(mean)
        squares = math.fsum((f - centre) ** 2 for f in floats)
        spread = math.sqrt(squares / (len(values) - 1))
    # The float decides unless two are equal; then the exact values do.
    low, high = min(floats), max(floats)
    lowest = min(v for v, f in zip(values, floats, strict=True) if f == low)
    highest = max(v for v, f in zip(values, floats, strict=True) if f == high)
    return RegionalFigure(mean, len(values), spread, lowest, highest)


def _exact_sum(values: Sequence[Fraction]) -> Fraction:
    """The exact sum of *values*, over their least common denominator at once
    (adding Fractions one by one normalises every partial sum)."""
    common = math.lcm(*(v.denominator for v in values))
    return Fraction(
        sum(v.numerator * (common // v.denominator) for v in values), common
    )


def rankable(
    collected: int,
    population: int | None = None,
    *,
    minimum: int = DEFAULT_MINIMUM_SAMPLE,
) -> bool:
    """Whether a unit with *collected* responses may be ranked (D12).

    With a stated *population* the Krejcie & Morgan size decides (D5); a sample
    larger than the population (a population stated too low) counts as meeting it.
    Without one, at least *minimum* responses.
    """
    if isinstance(collected, bool) or not isinstance(collected, int) or collected < 0:
        raise MeasureInputError(
            "jumlah responden harus bilangan bulat ≥ 0",
            "the number of respondents must be an integer ≥ 0",
            column="collected",
        )
    if population is None:
        return collected >= minimum
    return meets(population, min(collected, population))


def differs(
    a: Fraction | Decimal | int,
    se_a: float,
    b: Fraction | Decimal | int,
    se_b: float,
) -> bool:
    """Whether IKMs *a* and *b* with standard errors *se_a*, *se_b* differ (D12).

    ``|a − b| > 1,96 × √(se_a² + se_b²)``, strictly. An unknown (infinite or NaN)
    standard error never makes a difference significant.
    """
    if not (math.isfinite(se_a) and math.isfinite(se_b)) or se_a < 0 or se_b < 0:
        return False  # before the IKMs are read, as the rule promises
    exact_a, exact_b = _exact(a, "a"), _exact(b, "b")
    return _differs(exact_a, float(exact_a), se_a, exact_b, float(exact_b), se_b)


def _differs(
    a: Fraction, float_a: float, se_a: float, b: Fraction, float_b: float, se_b: float
) -> bool:
    """:func:`differs` of exact *a* and *b* given with their floats (a league
    converts each IKM once), standard errors checked."""
    if not (math.isfinite(se_a) and math.isfinite(se_b)) or se_a < 0 or se_b < 0:
        return False
    # Floats first (a league table tests a thousand pairs): their error is far
    # below the margin, so they decide whenever the two sides are not within it.
    float_gap = float_a - float_b
    left = float_gap * float_gap
    right = _Z_SQUARED * (se_a * se_a + se_b * se_b)
    if abs(left - right) > 1e-9 * max(left, right) + 1e-12:
        return left > right
    gap = a - b
    # Squared, in exact fractions of the floats given: no rounding at the boundary.
    return gap**2 > SIGNIFICANCE_Z**2 * (Fraction(se_a) ** 2 + Fraction(se_b) ** 2)


@dataclass(frozen=True, slots=True)
class Ranked(Generic[Key]):
    """One unit in a league: ``place`` is ``None`` when the unit is not ranked
    (insufficient sample or no IKM); ``above_differs`` says whether its IKM differs
    significantly (D12) from the next ranked unit above it (``None`` for the top
    and for unranked units)."""

    key: Key
    ikm: Fraction | None
    place: int | None
    above_differs: bool | None


def league(
    entries: Sequence[tuple[Key, Fraction | Decimal | None, float, bool]],
) -> list[Ranked[Key]]:
    """Rank ``(key, ikm, se, sample_ok)`` entries, highest IKM first (D12).

    Only entries with an IKM and ``sample_ok`` get a place; ties share it
    (competition ranking). The unranked follow in their given order, so a "top"
    list taken from the front never contains one.
    """
    exact = [
        (key, value, float(value), se)
        for key, value, se in (
            (key, _exact(ikm, "ikm"), se)
            for key, ikm, se, ok in entries
            if ikm is not None and ok
        )
    ]
    ranked = sorted(
        exact,
        # Highest first, ties in the given order (a stable sort); the float
        # decides fast, the exact value only between equal floats.
        key=lambda entry: (entry[2], entry[1]),
        reverse=True,
    )
    out: list[Ranked[Key]] = []
    for index, (key, value, as_float, se) in enumerate(ranked):
        place = out[-1].place if index and out[-1].ikm == value else index + 1
        above = None
        if index:
            _, above_ikm, above_float, above_se = ranked[index - 1]
            above = _differs(above_ikm, above_float, above_se, value, as_float, se)
        out.append(Ranked(key, value, place, above))
    for key, ikm, _, ok in entries:
        if ikm is None or not ok:
            shown = None if ikm is None else _exact(ikm, "ikm")
            out.append(Ranked(key, shown, None, None))
    return out
