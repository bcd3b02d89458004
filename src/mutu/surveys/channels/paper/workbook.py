"""The uploaded file itself: checked by content to be an XLSX workbook (a renamed
CSV, an old .xls, a macro-enabled .xlsm or a zip bomb is refused), and its data
sheet opened read-only for streaming rows, with every formula cell marked as a
:class:`Formula` (never read as its cached value, nor as empty).

Reading: python-calamine (Rust) reads a sheet about ten times faster than
openpyxl, but gives a formula cell as its cached value. So the sheets' XML is
first scanned for a formula element (``<f>``, a byte search while inflating);
only a workbook that has one is read by openpyxl, which marks each formula cell.
Such a file is refused anyway, so its slower reading costs nothing that matters.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from openpyxl import load_workbook
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from mutu.errors import MutuError
from mutu.surveys.channels.paper.layout import SHEET_DATA, XLSX_CONTENT_TYPE

# A member that inflates more than this many times, and to more than BOMB_MIN_BYTES,
# is a zip bomb, not a spreadsheet (typed XLSX sheets compress about 5-30 times).
BOMB_RATIO = 200
BOMB_MIN_BYTES = 100 * 1024 * 1024


def xlsx_check(handle: IO[bytes]) -> None:
    """Check by content that *handle* is an XLSX workbook; raise :class:`MutuError`.

    An XLSX is a zip holding ``[Content_Types].xml`` that declares the spreadsheet
    main part and ``xl/workbook.xml``; a renamed CSV, an old binary .xls, a
    macro-enabled .xlsm or a zip bomb is refused. The handle is left at offset 0.
    """
    handle.seek(0)
    refused = MutuError(
        "Berkas ini bukan XLSX. Unduh templat, isi, lalu simpan sebagai Excel "
        "Workbook (.xlsx).",
        "This file is not an XLSX workbook. Download the template, fill it in and "
        "save it as an Excel Workbook (.xlsx).",
        field="file",
    )
    try:
        if not zipfile.is_zipfile(handle):
            raise refused
        handle.seek(0)
        with zipfile.ZipFile(handle) as archive:
            members = {member.filename: member for member in archive.infolist()}
            for member in members.values():
                # Python's zipfile never inflates past the declared size, so the
                # declared sizes are what has to be reasonable.
                if (
                    member.file_size > BOMB_MIN_BYTES
                    and member.file_size > BOMB_RATIO * max(member.compress_size, 1)
                ):
                    raise MutuError(
                        "Berkas XLSX ini rusak atau tidak wajar (isinya membengkak "
                        "ratusan kali). Simpan ulang dari Excel.",
                        "This XLSX file is damaged or abnormal (its content inflates "
                        "hundreds of times). Save it again from Excel.",
                        field="file",
                    )
            types_member = members.get("[Content_Types].xml")
            if (
                types_member is None
                or "xl/workbook.xml" not in members
                or types_member.file_size > 1024 * 1024
            ):
                raise refused
            types = archive.read(types_member)
    except (zipfile.BadZipFile, OSError, RuntimeError, KeyError) as error:
        raise refused from error
    finally:
        handle.seek(0)
    if XLSX_CONTENT_TYPE.encode() not in types:
        raise refused


@dataclass(frozen=True)
class Formula:
    """A cell that holds a formula (``=1+3``), as read from the file.

    A typed form holds values, and a formula's value is whatever the program that
    last saved the file computed (openpyxl, which wrote the tester's file, computes
    nothing, so the value read was empty). The row check refuses the cell.
    """

    text: str

    def __str__(self) -> str:
        return self.text


# What openpyxl gives for a formula cell when it is not asked for cached values:
# "=" + the formula's text, or one of these objects (array and data-table formulas).
_FORMULA_OBJECTS = (ArrayFormula, DataTableFormula)


@dataclass
class OpenedSheet:
    """The data sheet of an uploaded workbook, opened for streaming."""

    rows: Iterator[tuple[Any, ...]]
    estimated_rows: int
    close: Callable[[], None]


# A formula element of a sheet's XML: <f>, <f t="shared" …/>, or with a prefix
# (<x:f>); never <formula1> of a data validation (the template's dropdowns).
_FORMULA_ELEMENT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")


def has_formulas(handle: IO[bytes]) -> bool:
    """Whether any worksheet of the XLSX *handle* holds a formula element.

    Streams each ``xl/worksheets/*.xml`` member through the search in 1 MB
    pieces (with an overlap, so an element cut in two is still found). The
    handle is left at offset 0.
    """
    handle.seek(0)
    try:
        with zipfile.ZipFile(handle) as archive:
            for member in archive.namelist():
                if not (
                    member.startswith("xl/worksheets/") and member.endswith(".xml")
                ):
                    continue
                with archive.open(member) as part:
                    tail = b""
                    while chunk := part.read(1 << 20):
                        if _FORMULA_ELEMENT.search(tail + chunk):
                            return True
                        tail = chunk[-16:]
    except (zipfile.BadZipFile, OSError, RuntimeError, KeyError) as error:
        raise _unreadable() from error
    finally:
        handle.seek(0)
    return False


def sheet_open(handle: IO[bytes]) -> OpenedSheet:
    """Open the data sheet of *handle* for streamed rows of values.

    Reads the sheet named "Respons", or the first sheet, with python-calamine;
    a workbook holding any formula is read with openpyxl instead
    (:func:`sheet_open_openpyxl`), so that a formula cell comes out as a
    :class:`Formula`. Numbers come as ``float`` (4.0), empty cells as ``""``
    (calamine) or ``None`` (openpyxl): the row check takes both. Raises
    :class:`MutuError` when the file cannot be read.
    """
    if has_formulas(handle):
        return sheet_open_openpyxl(handle)
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(handle)
        names = workbook.sheet_names
        sheet = workbook.get_sheet_by_name(
            SHEET_DATA if SHEET_DATA in names else names[0]
        )
        estimated = max(sheet.height - 1, 0)
    except Exception as error:  # calamine raises its own kinds on damaged files
        raise _unreadable() from error

    def rows() -> Iterator[tuple[Any, ...] | list[Any]]:
        try:
            yield from sheet.iter_rows()
        except Exception as error:
            raise _unreadable() from error

    return OpenedSheet(rows(), estimated, workbook.close)  # type: ignore[arg-type]


def sheet_open_openpyxl(handle: IO[bytes]) -> OpenedSheet:
    """Open the data sheet of *handle* read-only for streamed rows of values.

    Reads the sheet named "Respons", or the first sheet. A formula cell comes out
    as a :class:`Formula`, whatever value the file cached for it; every other
    cell as its value. ``estimated_rows`` is the number of rows below the header
    that the file's dimension record announces (0 when it has none). Raises
    :class:`MutuError` when openpyxl cannot read it.

    Speed: rows are streamed as plain values (openpyxl's cheapest path). A
    formula cell then reads as text starting with "=", which a text cell (typed
    as ``'=…``) can also be; only a row holding such a text is looked up again in
    a second, cell-by-cell stream of the same sheet (which gives each cell's data
    type), advanced in step and only that far. A file without any text starting
    with "=" is read once, as before.
    """
    try:
        # data_only=False: a formula must read as a formula, never as the value
        # the file cached for it (or as nothing when it cached none).
        workbook = load_workbook(handle, read_only=True, data_only=False)
        sheet = (
            workbook[SHEET_DATA]
            if SHEET_DATA in workbook.sheetnames
            else workbook.worksheets[0]
        )
        estimated = max((sheet.max_row or 1) - 1, 0)
    except Exception as error:  # openpyxl raises many kinds on damaged files
        raise _unreadable() from error

    def rows() -> Iterator[tuple[Any, ...]]:
        cells: Iterator[tuple[Any, ...]] | None = None  # the second stream
        cells_at = 0  # rows taken from it so far
        try:
            for index, row in enumerate(sheet.iter_rows(values_only=True), 1):
                for value in row:
                    kind = value.__class__
                    if (kind is str and value[:1] == "=") or kind in _FORMULA_OBJECTS:
                        break
                else:
                    yield row
                    continue
                if cells is None:
                    cells = sheet.iter_rows()
                while cells_at < index:
                    typed = next(cells)
                    cells_at += 1
                yield tuple(
                    Formula(_formula_text(value))
                    if i < len(typed) and typed[i].data_type == "f"
                    else value
                    for i, value in enumerate(row)
                )
        except Exception as error:  # a damaged sheet part, found while streaming
            raise _unreadable() from error

    return OpenedSheet(rows(), estimated, workbook.close)


def _formula_text(value: Any) -> str:
    """The formula as typed: openpyxl gives "=…" text or an object holding it."""
    if isinstance(value, str):
        return value
    return str(getattr(value, "text", None) or "=")


def _unreadable() -> MutuError:
    return MutuError(
        "Berkas tidak dapat dibaca sebagai XLSX; simpan ulang dari Excel atau "
        "LibreOffice sebagai .xlsx.",
        "The file cannot be read as XLSX; save it again from Excel or "
        "LibreOffice as .xlsx.",
        field="file",
    )
