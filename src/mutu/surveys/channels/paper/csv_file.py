"""A CSV of typed paper forms (docs/regulations.md D22): the sibling of the XLSX
workbook, with the same columns (:data:`~mutu.surveys.channels.paper.layout.COLUMNS`,
any order) and the same row check. UTF-8 (with or without the BOM Excel writes), comma- or
semicolon-separated (Excel in an Indonesian locale saves with ``;``)."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from mutu.errors import MutuError
from mutu.surveys.channels.paper.layout import COLUMNS
from mutu.surveys.channels.paper.workbook import OpenedSheet

SNIFF_BYTES = 64 * 1024


def not_paper_file() -> MutuError:
    return MutuError(
        "Berkas ini bukan XLSX atau CSV templat survei. Unduh templat, isi, lalu "
        "simpan sebagai Excel Workbook (.xlsx) atau CSV UTF-8 (.csv).",
        "This file is neither an XLSX workbook nor a CSV of the survey template. "
        "Download the template, fill it in and save it as an Excel Workbook (.xlsx) "
        "or CSV UTF-8 (.csv).",
        field="file",
    )


def _unreadable_csv() -> MutuError:
    return MutuError(
        "Berkas CSV tidak dapat dibaca: simpan ulang sebagai CSV UTF-8.",
        "The CSV file cannot be read: save it again as CSV UTF-8.",
        field="file",
    )


@dataclass(frozen=True)
class CsvHead:
    """The first line of a CSV and how the file is read."""

    header: list[str]
    delimiter: str
    bom: bool


def csv_head(handle: IO[bytes]) -> CsvHead:
    """The header of the CSV *handle*; raise :class:`MutuError` unless it is UTF-8
    text whose first line names a column of the template. Left at offset 0."""
    handle.seek(0)
    head = handle.read(SNIFF_BYTES)
    handle.seek(0)
    if not head or b"\x00" in head:
        raise not_paper_file()
    line = head.split(b"\n", 1)[0].rstrip(b"\r")
    try:
        text = line.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise not_paper_file() from error
    delimiter = ";" if text.count(";") > text.count(",") else ","
    header = next(csv.reader([text], delimiter=delimiter), [])
    known = {name.casefold() for name in COLUMNS}
    if not any(cell.strip().casefold() in known for cell in header):
        raise not_paper_file()
    return CsvHead(header, delimiter, head.startswith(codecs.BOM_UTF8))


def csv_open(handle: IO[bytes]) -> OpenedSheet:
    """Open the CSV *handle* for streamed rows of text cells (header first).

    ``estimated_rows`` counts the line breaks (a quoted comment may hold more).
    A byte that is not UTF-8, found while streaming, raises :class:`MutuError`.
    """
    head = csv_head(handle)
    lines = 0
    while chunk := handle.read(1 << 20):
        lines += chunk.count(b"\n")
    handle.seek(0)
    text = codecs.getreader("utf-8-sig")(handle)

    def rows() -> Iterator[list[Any]]:
        try:
            yield from csv.reader(text, delimiter=head.delimiter)
        except (UnicodeDecodeError, csv.Error) as error:
            raise _unreadable_csv() from error

    return OpenedSheet(rows(), max(lines - 1, 0), lambda: None)  # type: ignore[arg-type]
