"""Typed reading of an instrument file's parsed JSON, failing with the field's path.

Shared by :mod:`mutu.measures.instrument` and the feed rules of
:mod:`mutu.measures.feeds`; every failure is an :class:`InstrumentError` whose
message starts with ``"<file>: <path>: "``, e.g.
``"pekppp-2022.json: aspects[0].indicators[5].feed.levels[1].when: ..."``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction

from mutu.measures.errors import InstrumentError

__all__ = ["FieldReader"]

_FRACTION_RE = re.compile(r"\d+(?:\.\d+)?(?:/[1-9]\d*)?\Z")


class FieldReader:
    """Typed access to parsed JSON (read with ``parse_float=Decimal``) of one file."""

    def __init__(self, filename: str) -> None:
        self.filename = filename

    def fail(self, path: str, message_id: str, message_en: str) -> InstrumentError:
        """The error to raise for the field at ``path``."""
        return InstrumentError(self.filename, path, message_id, message_en)

    def obj(self, value: object, path: str) -> Mapping[str, object]:
        """``value`` as a JSON object."""
        if not isinstance(value, dict):
            raise self.fail(path, "harus objek JSON", "must be a JSON object")
        return value

    def only(
        self, data: Mapping[str, object], allowed: Collection[str], path: str
    ) -> None:
        """Refuse keys outside ``allowed`` (a misspelt key must not pass silently)."""
        unknown = sorted(set(data) - set(allowed))
        if unknown:
            known = ", ".join(sorted(allowed))
            raise self.fail(
                f"{path}.{unknown[0]}" if path else unknown[0],
                f"kunci tidak dikenal (yang dikenal: {known})",
                f"unknown key (known: {known})",
            )

    def field(self, data: Mapping[str, object], key: str, path: str) -> object:
        """``data[key]``, required."""
        if key not in data:
            raise self.fail(
                f"{path}.{key}" if path else key,
                "wajib ada",
                "is required",
            )
        return data[key]

    def text(self, value: object, path: str, *, optional: bool = False) -> str:
        """Non-empty text (``""`` for ``None`` when ``optional``)."""
        if optional and value is None:
            return ""
        if not isinstance(value, str) or not value.strip():
            raise self.fail(path, "harus teks tidak kosong", "must be non-empty text")
        return value

    def flag(self, value: object, path: str) -> bool:
        """``true`` or ``false``."""
        if not isinstance(value, bool):
            raise self.fail(path, "harus true atau false", "must be true or false")
        return value

    def integer(self, value: object, path: str) -> int:
        """A JSON integer (not a boolean, not ``1.0``)."""
        if type(value) is not int:
            raise self.fail(path, "harus bilangan bulat", "must be an integer")
        return value

    def number(self, value: object, path: str, *, signed: bool = False) -> Fraction:
        """An exact number: a JSON number or a string such as ``"100/13"``.

        Negative numbers are refused unless ``signed``.
        """
        if type(value) is int or isinstance(value, Decimal):
            result = Fraction(value)
        elif isinstance(value, str) and _FRACTION_RE.match(
            value.strip().removeprefix("-") if signed else value.strip()
        ):
            result = Fraction(value.strip())
        else:
            least = "" if signed else " ≥ 0"
            raise self.fail(
                path,
                f'harus angka{least} (atau pecahan seperti "100/7"), bukan {value!r}',
                f'must be a number{least} (or a fraction like "100/7"), not {value!r}',
            )
        if result < 0 and not signed:
            raise self.fail(path, "tidak boleh negatif", "must not be negative")
        return result

    def items(self, value: object, path: str) -> Sequence[object]:
        """A non-empty JSON list."""
        if not isinstance(value, list) or not value:
            raise self.fail(
                path, "harus daftar tidak kosong", "must be a non-empty list"
            )
        return value
