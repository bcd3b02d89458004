"""Spreadsheet cells: text that would run as a formula is written as text, and
every module that writes a CSV or an XLSX goes through the one function."""

import csv
import io
import re
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from mutu.reports.spreadsheets import cell_text

SOURCE = Path(__file__).resolve().parents[2] / "src" / "mutu"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+62 812", "'+62 812"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+2", "'\t=1+2"),
        ("\r=1+2", "'\r=1+2"),
        ("  =1+2", "'  =1+2"),
        ("\uff1d1+2", "'\uff1d1+2"),
        ("Penerbitan KTP-el", "Penerbitan KTP-el"),
        ("a=b", "a=b"),
        ("", ""),
        (-3, -3),
        (2.5, 2.5),
        (None, None),
        (date(2025, 7, 14), date(2025, 7, 14)),
    ],
)
def test_cell_text_neutralises_only_text_that_starts_a_formula(value, written):
    """Text starting with = + - @ (after spaces) or a tab/CR/LF gets an apostrophe;
    other text and every non-text value are written as they are."""
    assert cell_text(value) == written


def test_neutralised_text_is_text_in_xlsx_and_csv():
    """openpyxl writes a neutralised "=…" as a text cell, not a formula, and the CSV
    writer keeps the apostrophe in front."""
    name = '=HYPERLINK("http://x")'
    workbook = Workbook()
    workbook.active.append([cell_text(name), name])
    buffer = io.BytesIO()
    workbook.save(buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    text = io.StringIO()
    csv.writer(text).writerow([cell_text(name)])
    assert (sheet["A1"].data_type, sheet["A1"].value) == ("s", "'" + name)
    assert sheet["B1"].data_type == "f"  # what an unprotected export would write
    assert text.getvalue() == '"\'=HYPERLINK(""http://x"")"\r\n'


# A module writes a spreadsheet when it builds a csv writer or an openpyxl Workbook.
WRITERS = re.compile(r"csv\.(writer|DictWriter)\(|\bWorkbook\(")


def test_every_spreadsheet_export_uses_cell_text():
    """Each module of Mutu that writes CSV or XLSX imports cell_text, or rows_append
    that applies it to every cell (new exports: dashboards, open data, reports must
    too)."""
    writers = sorted(
        path.relative_to(SOURCE).as_posix()
        for path in SOURCE.rglob("*.py")
        if WRITERS.search(path.read_text(encoding="utf-8"))
    )
    protected = re.compile(
        r"from mutu\.reports\.spreadsheets import [^\n]*\b(cell_text|rows_append)\b"
    )
    unprotected = [
        name
        for name in writers
        if not protected.search((SOURCE / name).read_text(encoding="utf-8"))
    ]
    assert "surveys/channels/paper/template.py" in writers
    assert unprotected == []
