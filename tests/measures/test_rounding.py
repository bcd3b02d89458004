"""Half-up rounding and Indonesian number formatting (docs/regulations.md D1)."""

from decimal import Decimal
from fractions import Fraction

import pytest

from mutu.measures.rounding import format_en, format_id, round_half_up


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("88.305"), Decimal("88.31")),
        (Decimal("88.3049"), Decimal("88.30")),
        (Decimal("4.505"), Decimal("4.51")),
        (Fraction(1, 8), Decimal("0.13")),
        (Fraction(23875, 261), Decimal("91.48")),
        (Decimal("-2.345"), Decimal("-2.35")),
        (Decimal("-0.004"), Decimal("0.00")),
        (7, Decimal("7.00")),
    ],
)
def test_round_half_up_exact_values(
    value: Fraction | Decimal | int, expected: Decimal
) -> None:
    """Halves round away from zero and the result keeps exactly 2 decimals."""
    # given an exact value / when rounded / then half-up to 2 places
    result = round_half_up(value)
    assert result == expected
    assert str(result) == str(expected)


def test_round_half_up_refuses_floats() -> None:
    """A float is refused: 88.305 as a binary float is 88.30499… (D1)."""
    with pytest.raises(TypeError):
        round_half_up(88.305)  # type: ignore[arg-type]


def test_round_half_up_other_places() -> None:
    """Any number of places works, including 0 and 4."""
    assert round_half_up(Fraction(5, 2), 0) == Decimal(3)
    assert round_half_up(Fraction(955, 261), 4) == Decimal("3.6590")


def test_format_id_uses_decimal_comma_and_dot_grouping() -> None:
    """Indonesian output writes 88,31 and 1.234.567,00; English the reverse."""
    assert format_id(Decimal("88.305")) == "88,31"
    assert format_id(1234567, 2, group=True) == "1.234.567,00"
    assert format_en(1234567, 2, group=True) == "1,234,567.00"
