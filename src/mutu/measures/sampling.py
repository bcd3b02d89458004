"""SKM sample size: Krejcie & Morgan (1970), and the margin of error of a sample.

PermenPANRB 14/2017 prints the Krejcie & Morgan lookup table; docs/regulations.md §1.6 and
decision D5 fix the formula

    s = χ²·N·P(1−P) / (d²·(N−1) + χ²·P(1−P)),  χ² = 3,841, P = 0,5, d = 0,05,

computed exactly (``Fraction``) and rounded half-up to a whole respondent. Every
N→S pair of the §1.6 table comes out of the formula (including 75 000→382,
100 000→383 and 1 000 000→384), so the formula is the single rule; ``conservative``
rounds up instead, for planners who want never to fall short.

The margin of error is a float (an approximation by nature): the normal-approximation
half-width z·√(P(1−P)/n) with the finite-population correction √((N−n)/(N−1)).
"""

from __future__ import annotations

import math
from fractions import Fraction

from mutu.measures.errors import MeasureInputError

__all__ = [
    "CHI_SQUARE",
    "MARGIN",
    "PROPORTION",
    "margin_of_error",
    "meets",
    "required_sample",
]

CHI_SQUARE = Fraction("3.841")
"""χ² for 1 degree of freedom at 95 % (§1.6)."""

PROPORTION = Fraction(1, 2)
"""P, the assumed population proportion (§1.6)."""

MARGIN = Fraction(1, 20)
"""d, the degree of accuracy 0,05 (§1.6)."""


def _check_population(population: object) -> int:
    if type(population) is not int or population < 1:
        raise MeasureInputError(
            f"populasi harus bilangan bulat ≥ 1, bukan {population!r}",
            f"the population must be an integer ≥ 1, not {population!r}",
            column="population",
        )
    return population


def _check_collected(population: int, collected: object) -> int:
    if type(collected) is not int or collected < 0:
        raise MeasureInputError(
            f"jumlah sampel harus bilangan bulat ≥ 0, bukan {collected!r}",
            f"the sample size must be an integer ≥ 0, not {collected!r}",
            column="collected",
        )
    if collected > population:
        raise MeasureInputError(
            f"sampel ({collected}) melebihi populasi ({population})",
            f"the sample ({collected}) exceeds the population ({population})",
            column="collected",
        )
    return collected


def krejcie_morgan(population: int) -> Fraction:
    """The unrounded Krejcie & Morgan sample size for ``population`` (exact)."""
    n = _check_population(population)
    spread = CHI_SQUARE * PROPORTION * (1 - PROPORTION)
    return spread * n / (MARGIN**2 * (n - 1) + spread)


def required_sample(population: int, *, conservative: bool = False) -> int:
    """Minimum SKM respondents for a period with ``population`` service users (D5).

    Rounded half-up (the published table's convention); ``conservative=True`` rounds
    up. Raises :class:`MeasureInputError` unless ``population`` is an integer ≥ 1.
    """
    exact = krejcie_morgan(population)
    if conservative:
        return math.ceil(exact)
    return math.floor(exact + Fraction(1, 2))


def meets(population: int, collected: int) -> bool:
    """Whether ``collected`` responses reach :func:`required_sample` (D5)."""
    _check_collected(_check_population(population), collected)
    return collected >= required_sample(population)


def margin_of_error(
    population: int, collected: int, p: float = 0.5, z: float = 1.96
) -> float:
    """Half-width of the ``z`` interval of a proportion ``p`` (0.05 = ±5 points).

    Uses the finite-population correction, so a census (``collected ==
    population``) has margin 0. Raises :class:`MeasureInputError` when
    ``collected`` is 0 or exceeds the population, or ``p`` is outside [0, 1].
    """
    n = _check_collected(_check_population(population), collected)
    if n == 0:
        raise MeasureInputError(
            "margin of error butuh sampel ≥ 1",
            "the margin of error needs a sample ≥ 1",
            column="collected",
        )
    if not 0.0 <= p <= 1.0 or z <= 0:
        raise MeasureInputError(
            "p harus di antara 0 dan 1, z harus positif",
            "p must lie between 0 and 1, z must be positive",
            column="p",
        )
    if population == 1:
        return 0.0
    correction = (population - n) / (population - 1)
    return z * math.sqrt(p * (1 - p) / n) * math.sqrt(correction)
