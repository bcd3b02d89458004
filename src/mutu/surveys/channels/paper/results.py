"""What the row check gives back: each valid form as a
:class:`~mutu.surveys.bulk.rows.BulkRow`, each
problem as a :class:`RowError` (Excel row number, column, message in Indonesian
and English), both gathered in a :class:`SheetResult`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mutu.surveys.bulk.rows import BulkRow


@dataclass(frozen=True)
class RowError:
    """What is wrong in one cell (or with the whole file when *row* is ``None``)."""

    row: int | None
    column: str
    message: str
    message_en: str

    def text(self) -> str:
        """The full Indonesian sentence: "Baris 17, kolom U3: nilai 5 tidak valid…"."""
        where = []
        if self.row is not None:
            where.append(f"Baris {self.row}")
        if self.column:
            where.append(f"kolom {self.column}")
        return f"{', '.join(where)}: {self.message}" if where else self.message

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "message": self.message,
            "message_en": self.message_en,
        }


@dataclass
class SheetResult:
    """What :func:`rows_check` found: the valid rows, or the errors (both capped)."""

    rows: list[BulkRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    total: int = 0

    @property
    def ok(self) -> bool:
        return not self.error_count

    def error_dicts(self) -> list[dict[str, Any]]:
        """The errors as JSON, with one closing entry counting those left out."""
        listed = [error.as_dict() for error in self.errors]
        rest = self.error_count - len(self.errors)
        if rest > 0:
            listed.append(
                RowError(
                    None,
                    "",
                    f"… dan {rest} kesalahan lain tidak ditampilkan. Perbaiki yang di "
                    "atas, lalu unggah lagi.",
                    f"… and {rest} more errors not shown. Fix the ones above, then "
                    "upload again.",
                ).as_dict()
            )
        return listed


def file_error(message: str, message_en: str) -> RowError:
    """An error about the whole file (no row, no column)."""
    return RowError(None, "", message, message_en)
