"""The one error type of ``mutu.measures``: bad input, in Indonesian and English.

Every function of the package raises :class:`MeasureInputError` (or its subclass
:class:`InstrumentError`) for input it cannot measure; interfaces map it once to an
HTTP 400, a form error or a CLI exit code 2 (STYLE.md §12).
"""

from __future__ import annotations


def _location_id(row: int | None, column: str | None) -> str:
    parts = []
    if row is not None:
        parts.append(f"baris data {row}")
    if column is not None:
        parts.append(f"kolom {column}")
    return ", ".join(parts)


def _location_en(row: int | None, column: str | None) -> str:
    parts = []
    if row is not None:
        parts.append(f"data row {row}")
    if column is not None:
        parts.append(f"column {column}")
    return ", ".join(parts)


def _one_line(text: str) -> str:
    return " ".join(text.split())


class MeasureInputError(ValueError):
    """Input that cannot be measured, with its place and a bilingual message.

    ``row`` is the 1-based data row (the header is not counted) or ``None``;
    ``column`` names the column, element or field; ``message_id`` and ``message_en``
    are complete one-line sentences that already name the row and column, so they
    can be shown as they are (``detail_id``/``detail_en`` are the same without the
    place). ``str(error)`` is ``"<Indonesian> / <English>"``.
    """

    def __init__(
        self,
        message_id: str,
        message_en: str,
        *,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        where_id = _location_id(row, column)
        where_en = _location_en(row, column)
        self.row = row
        self.column = column
        self.detail_id = _one_line(message_id)
        self.detail_en = _one_line(message_en)
        self.message_id = _one_line(
            f"{where_id[:1].upper()}{where_id[1:]}: {message_id}"
            if where_id
            else message_id
        )
        self.message_en = _one_line(
            f"{where_en[:1].upper()}{where_en[1:]}: {message_en}"
            if where_en
            else message_en
        )
        super().__init__(f"{self.message_id} / {self.message_en}")


class InstrumentError(MeasureInputError):
    """An instrument file that fails validation, naming the file and field path.

    The messages start with ``"<file>: <path>: "``, e.g.
    ``"pekppp-2022.json: aspects[2].indicators[1].weight: ..."``.
    """

    def __init__(self, file: str, path: str, message_id: str, message_en: str) -> None:
        self.file = file
        self.path = path
        prefix = f"{file}: {path}: " if path else f"{file}: "
        super().__init__(prefix + message_id, prefix + message_en, column=None)
