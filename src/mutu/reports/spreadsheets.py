"""Cells of every spreadsheet Mutu writes (CSV and XLSX): text that a spreadsheet
program would run as a formula is written as inert text.

Mutu's exports carry text that people typed: service and unit names, citizens'
comments, complaint texts. Opened in Excel or LibreOffice, a cell whose text starts
with ``=``, ``+``, ``-`` or ``@`` is taken as a formula (``=HYPERLINK("http://x")``
becomes a link that leaks data when clicked; ``=cmd|…`` used DDE) - "CSV injection"
(OWASP). Every export passes each value through :func:`cell_text` just before
writing it; later exports (dashboards, open data, report tables) must do the same,
for every cell, header and list entry alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

_Value = TypeVar("_Value")

FORMULA_STARTS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
"""First characters that start a formula: ``= + - @`` and their full-width forms,
which some spreadsheet programs accept as the same characters."""

CONTROL_STARTS = ("\t", "\r", "\n")
"""Characters that spreadsheet programs trim or treat as a cell break before they
look for a formula, so ``"\\t=1+2"`` is refused as well."""


def cell_text(value: _Value) -> _Value | str:
    """*value* as it may be written into a CSV or XLSX cell.

    Text whose first character (ignoring leading spaces) starts a formula, or that
    starts with a tab, carriage return or line feed, gets a leading apostrophe
    (``'=HYPERLINK(…)``): every spreadsheet program then shows it as text, exactly
    as typed after the apostrophe. This is OWASP's advice for CSV and is also what
    keeps openpyxl from writing the text as a formula in an XLSX (openpyxl stores
    any text that starts with ``=`` as a formula). Numbers, dates, booleans and
    ``None`` are returned unchanged: a number is never a formula, and a negative
    number must stay a number.

    An importer that reads back a file Mutu wrote may meet the apostrophe: the
    paper import matches a service named ``=X`` by ``'=X`` as well
    (:func:`mutu.surveys.channels.paper.selectors.service_keys`).
    """
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(CONTROL_STARTS) or value.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + value
    return value


def rows_append(sheet: Any, rows: Iterable[Iterable[Any]]) -> None:
    """Append *rows* to an openpyxl *sheet*, every cell through :func:`cell_text`."""
    for row in rows:
        sheet.append([cell_text(value) for value in row])
