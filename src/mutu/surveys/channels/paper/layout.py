"""The layout of the paper-survey workbook, shared by the template, the file check
and the row check: the sheet names, the data sheet's columns (answers keyed by
element code, D4) and the XLSX content types."""

from mutu.measures.skm_elements import ELEMENTS

SHEET_DATA = "Respons"
SHEET_HELP = "Petunjuk"
SHEET_LISTS = "Daftar"
ELEMENT_COLUMNS = tuple(e.code for e in ELEMENTS)
COLUMNS = (
    "tanggal",
    "layanan",
    *ELEMENT_COLUMNS,
    "jenis_kelamin",
    "usia",
    "pendidikan",
    "pekerjaan",
    "kritik_saran",
)
"""The header of the data sheet, in the template's order (any order is read)."""

XLSX_CONTENT_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
)
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
