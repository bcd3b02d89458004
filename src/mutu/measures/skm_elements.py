"""The SKM elements (unsur) U1…U9 as data, for measures and the survey app alike.

PermenPANRB 14/2017, docs/regulations.md §1.2 (names, standard questions, answer labels
1→4) and D4: answers are keyed by element code, never by question position, because
questionnaire templates put sarana as Q8 and pengaduan as Q9. Agencies may add
elements beyond the nine (§1.1 "ruang lingkup minimal"); they are coded U10, U11, …
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from mutu.measures.errors import MeasureInputError

ANSWER_VALUES = (1, 2, 3, 4)

_CODE_RE = re.compile(r"U[1-9][0-9]*\Z")


@dataclass(frozen=True, slots=True)
class Element:
    """One SKM element (unsur) with its standard question and answer labels."""

    code: str
    name_id: str
    name_en: str
    question_id: str
    answers_id: tuple[str, str, str, str]
    answers_en: tuple[str, str, str, str]

    def name(self, lang: str = "id") -> str:
        """The element name in ``"id"`` (default) or ``"en"``."""
        return self.name_en if lang == "en" else self.name_id


ELEMENTS: tuple[Element, ...] = (
    Element(
        "U1",
        "Persyaratan",
        "Requirements",
        "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan "
        "jenis pelayanannya?",
        ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
        ("Not suitable", "Less suitable", "Suitable", "Very suitable"),
    ),
    Element(
        "U2",
        "Sistem, Mekanisme, dan Prosedur",
        "Systems, mechanisms and procedures",
        "Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?",
        ("Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"),
        ("Not easy", "Less easy", "Easy", "Very easy"),
    ),
    Element(
        "U3",
        "Waktu Penyelesaian",
        "Completion time",
        "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan "
        "pelayanan?",
        ("Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"),
        ("Not fast", "Less fast", "Fast", "Very fast"),
    ),
    Element(
        "U4",
        "Biaya/Tarif",
        "Cost/tariff",
        "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?",
        ("Sangat mahal", "Cukup mahal", "Murah", "Gratis"),
        ("Very expensive", "Fairly expensive", "Cheap", "Free"),
    ),
    Element(
        "U5",
        "Produk Spesifikasi Jenis Pelayanan",
        "Service product specification",
        "Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang "
        "tercantum dalam standar pelayanan dengan hasil yang diberikan?",
        ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
        ("Not suitable", "Less suitable", "Suitable", "Very suitable"),
    ),
    Element(
        "U6",
        "Kompetensi Pelaksana",
        "Staff competence",
        "Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam "
        "pelayanan?",
        ("Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten"),
        ("Not competent", "Less competent", "Competent", "Very competent"),
    ),
    Element(
        "U7",
        "Perilaku Pelaksana",
        "Staff conduct",
        # The template seed (S6) drops "tentang" here alone; the eight other questions
        # and the regulation's sentence pattern have it (docs/regulations.md §1.2).
        "Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait "
        "kesopanan dan keramahan?",
        (
            "Tidak sopan dan ramah",
            "Kurang sopan dan ramah",
            "Sopan dan ramah",
            "Sangat sopan dan ramah",
        ),
        (
            "Not polite and friendly",
            "Less polite and friendly",
            "Polite and friendly",
            "Very polite and friendly",
        ),
    ),
    Element(
        "U8",
        "Penanganan Pengaduan, Saran dan Masukan",
        "Handling of complaints, suggestions and feedback",
        "Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?",
        (
            "Tidak ada",
            "Ada tetapi tidak berfungsi",
            "Berfungsi kurang maksimal",
            "Dikelola dengan baik",
        ),
        ("None", "Exists but does not work", "Works, not fully", "Well managed"),
    ),
    Element(
        "U9",
        "Sarana dan prasarana",
        "Facilities and infrastructure",
        "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?",
        ("Buruk", "Cukup", "Baik", "Sangat Baik"),
        ("Poor", "Fair", "Good", "Very good"),
    ),
)
"""The nine standard elements in the order of the Permen's scope (§1.2, D4)."""

ELEMENT_CODES: tuple[str, ...] = tuple(e.code for e in ELEMENTS)


def element(code: str) -> Element:
    """The standard element with ``code``; raises ``MeasureInputError`` if unknown."""
    for item in ELEMENTS:
        if item.code == code:
            return item
    raise MeasureInputError(
        f"unsur tidak dikenal: {code!r}",
        f"unknown element: {code!r}",
        column=code,
    )


def element_name(code: str, lang: str = "id") -> str:
    """The element's name; additional elements (U10…) get a generic name (§1.1)."""
    for item in ELEMENTS:
        if item.code == code:
            return item.name(lang)
    return f"Additional element {code}" if lang == "en" else f"Unsur tambahan {code}"


@functools.lru_cache(maxsize=1024)
def _is_code(code: str) -> bool:
    # Cached: a national dashboard checks the same few codes some 250,000 times
    # (36 element pairs of every unit's tally).
    return _CODE_RE.match(code) is not None


def check_code(code: object) -> str:
    """Return ``code`` if it is an element code (U1, U2, …); else raise."""
    if not isinstance(code, str) or not _is_code(code):
        raise MeasureInputError(
            f"kode unsur tidak valid: {code!r} (harus U1, U2, …)",
            f"invalid element code: {code!r} (must be U1, U2, …)",
            column=str(code),
        )
    return code


def element_order(code: str) -> int:
    """Sort key of an element code: U2 before U10."""
    if isinstance(code, str):  # unhashable input is refused by check_code
        return _order(code)
    return int(check_code(code)[1:])


@functools.lru_cache(maxsize=1024)
def _order(code: str) -> int:
    """:func:`element_order` memoised (a national table orders the same nine codes
    about a million times; an invalid code raises and is not memoised)."""
    return int(check_code(code)[1:])
