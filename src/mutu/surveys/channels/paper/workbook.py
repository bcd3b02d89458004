"""The uploaded file itself: checked by content to be an XLSX workbook (a renamed
CSV, an old .xls, a macro-enabled .xlsm or a zip bomb is refused), and its data
sheet opened read-only for streaming rows."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from openpyxl import load_workbook

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


@dataclass
class OpenedSheet:
    """The data sheet of an uploaded workbook, opened for streaming."""

    rows: Iterator[tuple[Any, ...]]
    estimated_rows: int
    close: Callable[[], None]


def sheet_open(handle: IO[bytes]) -> OpenedSheet:
    """Open the data sheet of *handle* read-only, values only (streamed rows).

    Reads the sheet named "Respons", or the first sheet. ``estimated_rows`` is the
    number of rows below the header that the file's dimension record announces (0
    when it has none). Raises :class:`MutuError` when openpyxl cannot read it.
    """
    try:
        workbook = load_workbook(handle, read_only=True, data_only=True)
        sheet = (
            workbook[SHEET_DATA]
            if SHEET_DATA in workbook.sheetnames
            else workbook.worksheets[0]
        )
        estimated = max((sheet.max_row or 1) - 1, 0)
    except Exception as error:  # openpyxl raises many kinds on damaged files
        raise _unreadable() from error

    def rows() -> Iterator[tuple[Any, ...]]:
        try:
            yield from sheet.iter_rows(values_only=True)
        except Exception as error:  # a damaged sheet part, found while streaming
            raise _unreadable() from error

    return OpenedSheet(rows(), estimated, workbook.close)


def _unreadable() -> MutuError:
    return MutuError(
        "Berkas tidak dapat dibaca sebagai XLSX; simpan ulang dari Excel atau "
        "LibreOffice sebagai .xlsx.",
        "The file cannot be read as XLSX; save it again from Excel or "
        "LibreOffice as .xlsx.",
        field="file",
    )
