"""Exact half-up rounding and number formatting for display (docs/regulations.md D1).

Values are kept exact (``Fraction`` or ``Decimal``) everywhere in ``mutu.measures``;
they are rounded only here, half-up ("setengah ke atas"), and only for display or for
classification where a decision says so (D2, D7). Floats are refused: ``88.305`` as a
binary float is 88.30499…, which would round the wrong way.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

Exact = Fraction | Decimal | int


def _as_fraction(value: Exact) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, Fraction | Decimal | int):
        raise TypeError(
            f"exact number required (Fraction, Decimal or int), got {type(value)!r}"
        )
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"finite number required, got {value}")
    return Fraction(value)


def round_half_up(value: Exact, places: int = 2) -> Decimal:
    """Round ``value`` half away from zero to ``places`` decimals, exactly.

    ``round_half_up(Decimal("88.305"))`` is ``Decimal("88.31")``; the result always
    carries exactly ``places`` decimals. Raises ``TypeError`` for floats (D1: only
    exact values are rounded).
    """
    if places < 0:
        raise ValueError("places must be >= 0")
    exact = _as_fraction(value)
    scaled = abs(exact) * 10**places
    digits = math.floor(scaled + Fraction(1, 2))
    sign = 1 if exact < 0 and digits != 0 else 0
    return Decimal((sign, tuple(int(d) for d in str(digits)), -places))


def format_id(value: Exact, places: int = 2, *, group: bool = False) -> str:
    """Format for Indonesian readers: decimal comma, optional ``.`` thousands.

    ``format_id(Fraction(17663, 200))`` is ``"88,32"``;
    ``format_id(1234567, 0, group=True)`` is ``"1.234.567"``.
    """
    rounded = round_half_up(value, places)
    text = format(rounded, f"{',' if group else ''}.{places}f")
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def format_en(value: Exact, places: int = 2, *, group: bool = False) -> str:
    """Format for English readers: decimal point, optional ``,`` thousands."""
    return format(round_half_up(value, places), f"{',' if group else ''}.{places}f")


def format_number(
    value: Exact, places: int = 2, *, lang: str = "id", group: bool = False
) -> str:
    """Format with :func:`format_id` or :func:`format_en` by language code."""
    if lang == "en":
        return format_en(value, places, group=group)
    return format_id(value, places, group=group)
