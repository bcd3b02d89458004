"""The nine SKM questions and answer labels, word for word (docs/regulations.md §1.2)."""

from __future__ import annotations

import re
from pathlib import Path

from mutu.measures.skm_elements import ELEMENTS

REGULATIONS = Path(__file__).resolve().parents[2] / "docs" / "regulations.md"

QUESTIONS = {
    "U1": "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan "
    "jenis pelayanannya?",
    "U2": "Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?",
    "U3": "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan "
    "pelayanan?",
    "U4": "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?",
    "U5": "Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang "
    "tercantum dalam standar pelayanan dengan hasil yang diberikan?",
    "U6": "Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam "
    "pelayanan?",
    "U7": "Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait "
    "kesopanan dan keramahan?",
    "U8": "Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?",
    "U9": "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?",
}
"""Pinned here, so a change to a question is a deliberate change to this file too."""


def _regulation_rows() -> dict[str, tuple[str, ...]]:
    """The table "Standard questions and answers" of §1.2: code -> question, 4 labels."""
    text = REGULATIONS.read_text(encoding="utf-8")
    section = text.split("### 1.2", 1)[1].split("### 1.3", 1)[0]
    table = section.split("**Standard questions and answers.**", 1)[1]
    rows = {}
    for line in table.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if cells and re.fullmatch(r"U[1-9]", cells[0]):
            rows[cells[0]] = tuple(cells[1:])
    return rows


def test_elements_ask_the_nine_pinned_questions() -> None:
    """Each element asks its standard question, Q7 with "tentang" like the others."""
    assert {e.code: e.question_id for e in ELEMENTS} == QUESTIONS


def test_elements_match_the_regulation_table() -> None:
    """Questions and the four answer labels equal docs/regulations.md §1.2 verbatim."""
    rows = _regulation_rows()
    assert list(rows) == [e.code for e in ELEMENTS]
    for element in ELEMENTS:
        assert rows[element.code] == (element.question_id, *element.answers_id)


def test_every_question_asks_about_something() -> None:
    """Every question reads "Bagaimana pendapat/pemahaman Saudara tentang …?"."""
    pattern = re.compile(r"Bagaimana (pendapat|pemahaman) Saudara tentang \S.*\?")
    assert all(pattern.fullmatch(e.question_id) for e in ELEMENTS)
