"""Typed reading of instrument-file fields: each failure names the file and path."""

from decimal import Decimal
from fractions import Fraction

import pytest

from mutu.measures.errors import InstrumentError
from mutu.measures.instrument_fields import FieldReader

READER = FieldReader("uji.json")


@pytest.mark.parametrize(
    ("value", "signed", "expected"),
    [
        (3, False, Fraction(3)),
        (Decimal("0.75"), False, Fraction(3, 4)),
        ("100/13", False, Fraction(100, 13)),
        (-1, True, Fraction(-1)),
        ("-12.5", True, Fraction(-25, 2)),
    ],
)
def test_number_reads_exact_values(value, signed, expected):
    """Integers, decimals and fraction strings are read exactly; signs on request."""
    assert READER.number(value, "x", signed=signed) == expected


@pytest.mark.parametrize(
    ("value", "words"), [(-1, "negatif"), ("-1", "≥ 0"), (True, "≥ 0"), ("1/0", "≥ 0")]
)
def test_number_refuses_negatives_and_non_numbers(value, words):
    """Without ``signed`` a negative is refused; booleans and junk always are."""
    with pytest.raises(InstrumentError, match=words) as caught:
        READER.number(value, "a.b")
    assert str(caught.value).startswith("uji.json: a.b: ")


def test_only_refuses_unknown_keys_naming_the_first():
    """A misspelt key is refused with its path and the keys that are known."""
    with pytest.raises(InstrumentError) as caught:
        READER.only({"level": 1, "levle": 2, "zzz": 3}, ("level", "when"), "rule")
    assert caught.value.message_en == (
        "uji.json: rule.levle: unknown key (known: level, when)"
    )


def test_field_text_flag_integer_items():
    """Required fields, non-empty text, booleans, integers and non-empty lists."""
    assert READER.field({"a": 1}, "a", "p") == 1
    with pytest.raises(InstrumentError, match=r"p\.b: wajib ada"):
        READER.field({"a": 1}, "b", "p")
    assert READER.text(None, "t", optional=True) == ""
    for call in (
        lambda: READER.text("  ", "t"),
        lambda: READER.flag(1, "f"),
        lambda: READER.integer(True, "i"),
        lambda: READER.items([], "l"),
        lambda: READER.obj([], "o"),
    ):
        with pytest.raises(InstrumentError):
            call()
