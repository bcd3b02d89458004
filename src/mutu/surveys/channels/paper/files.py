"""Which kind of file an upload is (XLSX or CSV), checked by content, and opening
it for the row check whatever its kind."""

from __future__ import annotations

from typing import IO, Literal

from mutu.surveys.channels.paper.csv_file import csv_head, csv_open
from mutu.surveys.channels.paper.workbook import OpenedSheet, sheet_open, xlsx_check

FileKind = Literal["xlsx", "csv"]

ZIP_MAGIC = b"PK\x03\x04"


def paper_file_kind(handle: IO[bytes]) -> FileKind:
    """``xlsx`` for a zip (an XLSX is one), else ``csv``; by content, not by name."""
    handle.seek(0)
    magic = handle.read(4)
    handle.seek(0)
    return "xlsx" if magic == ZIP_MAGIC else "csv"


def paper_file_check(handle: IO[bytes]) -> FileKind:
    """Check *handle* is an XLSX workbook or a CSV of the template; its kind.

    Raises :class:`~mutu.errors.MutuError` otherwise (a renamed file, an old
    .xls, a zip bomb, a CSV that is not UTF-8 or lacks the template's header).
    """
    kind = paper_file_kind(handle)
    if kind == "xlsx":
        xlsx_check(handle)
    else:
        csv_head(handle)
    return kind


def paper_file_open(handle: IO[bytes]) -> OpenedSheet:
    """The rows of an uploaded file of either kind, header first."""
    if paper_file_kind(handle) == "xlsx":
        return sheet_open(handle)
    return csv_open(handle)
