"""Paper SKM forms typed into an XLSX sheet: the template, the file check, the row check.

PermenPANRB 14/2017 lets a unit run its survey on paper; the forms are typed later
into the template built here (one row per form: the date, the service, U1…U9 and the
respondent profile of REGULATIONS.md §1.5). Answers are keyed by element code (D4),
never by column position, so the header names the columns and their order is free.

Pure functions around openpyxl: no database, no settings. The caller passes the
unit's services, today's date and the limits; every problem found is returned as a
:class:`RowError` (row number as Excel shows it, column name, message in Indonesian
and English), so a file is either wholly valid or refused with the full list.

Split by sub-domain (STYLE.md §1): :mod:`mutu.surveys.paper.layout` (sheet names,
columns, content types), :mod:`mutu.surveys.paper.template` (the template),
:mod:`mutu.surveys.paper.workbook` (the file check and opening the sheet),
:mod:`mutu.surveys.paper.rows` (the row check) over
:mod:`mutu.surveys.paper.cells` (one cell at a time) and
:mod:`mutu.surveys.paper.results` (what the check gives back). Every public name is
re-exported here: ``from mutu.surveys import paper`` and ``paper.rows_check(...)``
work as before.
"""

from mutu.surveys.paper.cells import service_key
from mutu.surveys.paper.layout import (
    COLUMNS,
    ELEMENT_COLUMNS,
    SHEET_DATA,
    SHEET_HELP,
    SHEET_LISTS,
    XLSX_CONTENT_TYPE,
    XLSX_MIME,
)
from mutu.surveys.paper.results import PaperRow, RowError, SheetResult, file_error
from mutu.surveys.paper.rows import EARLIEST_DAY, rows_check
from mutu.surveys.paper.template import LAST_EXCEL_ROW, template_build
from mutu.surveys.paper.workbook import (
    BOMB_MIN_BYTES,
    BOMB_RATIO,
    OpenedSheet,
    sheet_open,
    xlsx_check,
)

__all__ = [
    "BOMB_MIN_BYTES",
    "BOMB_RATIO",
    "COLUMNS",
    "EARLIEST_DAY",
    "ELEMENT_COLUMNS",
    "LAST_EXCEL_ROW",
    "SHEET_DATA",
    "SHEET_HELP",
    "SHEET_LISTS",
    "XLSX_CONTENT_TYPE",
    "XLSX_MIME",
    "OpenedSheet",
    "PaperRow",
    "RowError",
    "SheetResult",
    "file_error",
    "rows_check",
    "service_key",
    "sheet_open",
    "template_build",
    "xlsx_check",
]
