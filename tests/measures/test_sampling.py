"""Krejcie & Morgan sample size and margin of error (docs/regulations.md §1.6, D5)."""

from fractions import Fraction

import pytest

from mutu.measures.errors import MeasureInputError
from mutu.measures.sampling import (
    krejcie_morgan,
    margin_of_error,
    meets,
    required_sample,
)

# Every N→S pair printed in docs/regulations.md §1.6 (table plus the text's 100 000→383).
KM_TABLE = [
    (10, 10), (15, 14), (20, 19), (25, 24), (30, 28), (35, 32), (40, 36), (45, 40),
    (50, 44), (55, 48), (60, 52), (65, 56), (70, 59), (75, 63), (80, 66), (85, 70),
    (90, 73), (95, 76), (100, 80), (110, 86), (120, 92), (130, 97), (140, 103),
    (150, 108), (160, 113), (170, 118), (180, 123), (190, 127), (200, 132),
    (210, 136), (220, 140), (230, 144), (240, 148), (250, 152), (260, 155),
    (270, 159), (280, 162), (290, 165), (300, 169), (320, 175), (340, 181),
    (360, 186), (380, 191), (400, 196), (420, 201), (440, 205), (460, 210),
    (480, 214), (500, 217), (550, 226), (600, 234), (650, 242), (700, 248),
    (750, 254), (800, 260), (850, 265), (900, 269), (950, 274), (1_000, 278),
    (1_100, 285), (1_200, 291), (1_300, 297), (1_400, 302), (1_500, 306),
    (1_600, 310), (1_700, 313), (1_800, 317), (1_900, 320), (2_000, 322),
    (2_200, 327), (2_400, 331), (2_600, 335), (2_800, 338), (3_000, 341),
    (3_500, 346), (4_000, 351), (4_500, 354), (5_000, 357), (6_000, 361),
    (7_000, 364), (8_000, 367), (9_000, 368), (10_000, 370), (15_000, 375),
    (20_000, 377), (30_000, 379), (40_000, 380), (50_000, 381), (75_000, 382),
    (100_000, 383), (1_000_000, 384),
]  # fmt: skip


@pytest.mark.parametrize(("population", "sample"), KM_TABLE)
def test_required_sample_reproduces_the_table(population: int, sample: int) -> None:
    """The formula, rounded half-up, gives every published N→S pair (D5)."""
    assert required_sample(population) == sample


def test_krejcie_morgan_is_exact() -> None:
    """s = χ²NP(1−P) / (d²(N−1) + χ²P(1−P)) with χ² 3,841, P 0,5, d 0,05, exactly."""
    # N = 100: 3,841·100·0,25 / (0,0025·99 + 3,841·0,25)
    #        = 96,025 / (0,2475 + 0,96025) = 96,025 / 1,20775 = 79,507… → 80
    assert krejcie_morgan(100) == Fraction(96025, 1000) / Fraction(120775, 100000)
    assert required_sample(1) == 1


def test_required_sample_conservative_rounds_up() -> None:
    """The conservative option rounds up: N = 100 000 gives 383 (382,63…)."""
    assert required_sample(100_000, conservative=True) == 383
    assert required_sample(9_000, conservative=True) == 369


def test_meets_compares_collected_with_required() -> None:
    """278 of 1 000 meets the requirement, 277 does not."""
    assert meets(1_000, 278) is True
    assert meets(1_000, 277) is False


def test_margin_of_error_with_finite_population_correction() -> None:
    """1,96·√(0,25/n)·√((N−n)/(N−1)); a census has no error."""
    assert margin_of_error(1_000, 278) == pytest.approx(
        1.96 * (0.25 / 278) ** 0.5 * ((1_000 - 278) / 999) ** 0.5
    )
    assert margin_of_error(500, 500) == 0.0
    assert margin_of_error(10_000_000, 384) == pytest.approx(0.0500, abs=1e-4)


@pytest.mark.parametrize(
    ("call", "column"),
    [
        (lambda: required_sample(0), "population"),
        (lambda: required_sample(12.5), "population"),
        (lambda: meets(100, 101), "collected"),
        (lambda: meets(100, -1), "collected"),
        (lambda: margin_of_error(100, 0), "collected"),
        (lambda: margin_of_error(100, 10, p=1.5), "p"),
    ],
)
def test_sampling_bad_input(call: object, column: str) -> None:
    """Impossible populations and samples are input errors naming the field."""
    with pytest.raises(MeasureInputError) as caught:
        call()  # type: ignore[operator]
    assert caught.value.column == column
