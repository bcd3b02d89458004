"""Grade tables: IPP predicate (§2.5, D7) and SKM mutu pelayanan (§1.4, D2)."""

from decimal import Decimal
from fractions import Fraction

import pytest

from mutu.measures.errors import MeasureInputError
from mutu.measures.predicates import (
    IPP_TABLE,
    SKM_TABLE,
    ipp_predicate,
    predicate_table,
    skm_grade,
)

SKM_BOUNDARIES = [
    # (converted IKM, letter): both sides of every D2 lower bound
    ("100.00", "A"),
    ("88.31", "A"),
    ("88.30", "B"),
    ("76.61", "B"),
    ("76.60", "C"),
    ("65.00", "C"),
    ("64.99", "D"),
    ("25.00", "D"),
    # values that round across a bound (half-up to 2 decimals first)
    ("88.305", "A"),
    ("88.3049999", "B"),
    ("76.605", "B"),
    ("76.6049", "C"),
    ("64.995", "C"),
    ("64.9949", "D"),
]


@pytest.mark.parametrize(("value", "letter"), SKM_BOUNDARIES)
def test_skm_grade_boundaries(value: str, letter: str) -> None:
    """The converted IKM, rounded half-up to 2 decimals, meets D2's lower bounds."""
    # given a converted IKM / when classified / then the D2 letter
    assert skm_grade(Decimal(value)).letter == letter


def test_skm_grade_labels() -> None:
    """Labels follow D2 in Indonesian, with English labels for the English UI."""
    assert [(b.letter, b.label_id) for b in SKM_TABLE.bands] == [
        ("A", "Sangat Baik"),
        ("B", "Baik"),
        ("C", "Kurang Baik"),
        ("D", "Tidak Baik"),
    ]
    assert all(b.label_en for b in SKM_TABLE.bands)
    assert skm_grade(Decimal("90")).label("en") == "Very good"


IPP_BOUNDARIES = [
    ("5.00", "A"),
    ("4.51", "A"),
    ("4.50", "A-"),
    ("4.01", "A-"),
    ("4.00", "B"),
    ("3.51", "B"),
    ("3.50", "B-"),
    ("3.01", "B-"),
    ("3.00", "C"),
    ("2.51", "C"),
    ("2.50", "C-"),
    ("2.01", "C-"),
    ("2.00", "D"),
    ("1.51", "D"),
    ("1.50", "E"),
    ("1.01", "E"),
    ("1.00", "F"),
    ("0.00", "F"),
    ("4.505", "A"),
    ("4.5049", "A-"),
    ("4.005", "A-"),
    ("3.505", "B"),
    ("3.005", "B-"),
    ("2.505", "C"),
    ("2.005", "C-"),
    ("1.505", "D"),
    ("1.005", "E"),
    ("1.0049", "F"),
]


@pytest.mark.parametrize(("value", "letter"), IPP_BOUNDARIES)
def test_ipp_predicate_boundaries(value: str, letter: str) -> None:
    """The IPP, rounded half-up to 2 decimals, meets D7's lower bounds."""
    assert ipp_predicate(Decimal(value)).letter == letter


def test_ipp_predicate_labels() -> None:
    """Labels are §2.5's, in order, with English labels."""
    assert [(b.letter, b.label_id) for b in IPP_TABLE.bands] == [
        ("A", "Pelayanan Prima"),
        ("A-", "Sangat Baik"),
        ("B", "Baik"),
        ("B-", "Baik (Dengan Catatan)"),
        ("C", "Cukup"),
        ("C-", "Cukup (Dengan Catatan)"),
        ("D", "Buruk"),
        ("E", "Sangat Buruk"),
        ("F", "Gagal"),
    ]
    assert ipp_predicate(Fraction(46, 10)).label("en") == "Excellent service"


def test_predicate_exact_fraction_input() -> None:
    """Exact fractions classify without float error: 88,305 exactly is A."""
    assert skm_grade(Fraction(17661, 200)).letter == "A"


@pytest.mark.parametrize("value", ["5.01", "-0.01"])
def test_ipp_predicate_outside_scale_is_an_error(value: str) -> None:
    """An index outside 0–5 is bad input, not a grade."""
    with pytest.raises(MeasureInputError):
        ipp_predicate(Decimal(value))


def test_skm_grade_below_scale_only_when_allowed() -> None:
    """Legacy weights may give < 25; only then is it accepted (as D)."""
    with pytest.raises(MeasureInputError):
        skm_grade(Decimal("24.75"))
    assert skm_grade(Decimal("24.75"), below_scale_ok=True).letter == "D"


def test_predicate_table_lookup() -> None:
    """Tables are found by id; an unknown id is an error naming the known ones."""
    assert predicate_table("ipp") is IPP_TABLE
    with pytest.raises(MeasureInputError, match="skm-2017"):
        predicate_table("nope")
