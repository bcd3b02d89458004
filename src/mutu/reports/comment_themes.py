"""Citizens' comments read at scale: grouped by the SKM element they concern and by
frequent terms, so forty "Antrean masih panjang." read as one theme with 40 mentions.

Pure Python (no Django): words are stemmed with PySastrawi (Nazief–Adriani for
Indonesian), Sastrawi's stop-word list is dropped except the words that carry a
judgement ("tidak", "kurang", "belum", "lama" …), and a theme is the most frequent
pair of neighbouring content stems ("antre panjang"), or a single stem when no pair
repeats. Each comment counts once per theme (mentions = comments, not words).

The element of a comment is found by Mutu's own keyword lists below (stems), not by
any regulation: a comment may concern several elements or none ("lainnya").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from typing import Any

from Sastrawi.Stemmer.StemmerFactory import StemmerFactory
from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory

__all__ = ["ELEMENT_KEYWORDS", "Theme", "comment_stems", "elements_of", "themes"]

KEPT_WORDS = frozenset(
    {
        "tidak",
        "kurang",
        "belum",
        "lama",
        "lambat",
        "cepat",
        "baik",
        "buruk",
        "mahal",
        "sulit",
        "mudah",
        "jelas",
        "bersih",
        "kotor",
        "panjang",
        "ramah",
        "sopan",
        "antar",
        "masuk",
        "tunggu",
    }
)
"""Words Sastrawi lists as stop words that say something about a service here."""

EXTRA_STOP_WORDS = frozenset(
    {"masih", "sangat", "sekali", "banget", "sih", "ya", "nya", "pak", "bu", "mohon"}
)
"""Fillers of spoken Indonesian that Sastrawi's list lacks."""

ELEMENT_KEYWORDS: dict[str, frozenset[str]] = {
    "U1": frozenset({"syarat", "berkas", "dokumen", "fotokopi", "formulir", "kk"}),
    "U2": frozenset({"prosedur", "alur", "tahap", "ribet", "rumit", "bolak"}),
    "U3": frozenset({"antre", "antri", "lama", "lambat", "tunggu", "cepat", "jam"}),
    "U4": frozenset({"biaya", "bayar", "tarif", "pungli", "gratis", "mahal", "uang"}),
    "U5": frozenset({"hasil", "produk", "cetak", "salah", "jadi", "blangko"}),
    "U6": frozenset({"paham", "kompeten", "mampu", "ahli", "tahu", "jelas"}),
    "U7": frozenset({"ramah", "sopan", "judes", "senyum", "kasar", "sikap", "tugas"}),
    "U8": frozenset({"adu", "keluh", "saran", "lapor", "tanggap", "respon"}),
    "U9": frozenset(
        {"kursi", "toilet", "wc", "ac", "parkir", "ruang", "panas", "sarana", "bersih"}
    ),
}
"""Stems that tie a comment to an SKM element (U1–U9, docs/regulations.md §1.2).
Mutu's own lists; "tugas" is the stem of "petugas"."""

WORD = re.compile(r"[a-zA-Z]+")


@cache
def _stemmer() -> Any:  # Sastrawi has no type hints
    return StemmerFactory().create_stemmer()


@cache
def _stop_words() -> frozenset[str]:
    listed = frozenset(StopWordRemoverFactory().get_stop_words())
    return (listed - KEPT_WORDS) | EXTRA_STOP_WORDS


@cache
def _stem(word: str) -> str:
    return str(_stemmer().stem(word))


def comment_stems(text: str) -> tuple[str, ...]:
    """The content stems of *text*, in order: lower-cased, stop words dropped."""
    stops = _stop_words()
    stems = []
    for word in WORD.findall(text.lower()):
        if word in stops or len(word) < 2:
            continue
        stem = _stem(word)
        if stem and stem not in stops:
            stems.append(stem)
    return tuple(stems)


def elements_of(stems: Iterable[str]) -> list[str]:
    """The element codes whose keywords occur in *stems*, in element order."""
    present = set(stems)
    return [code for code, words in ELEMENT_KEYWORDS.items() if present & words]


@dataclass(frozen=True, slots=True)
class Theme:
    """Comments sharing a term: ``label`` (stems), ``mentions`` (comments),
    ``elements`` it concerns and the indexes of its ``comments`` in the input."""

    label: str
    mentions: int
    elements: tuple[str, ...]
    comments: tuple[int, ...]


def themes(
    comments: Sequence[str], *, most: int = 10, at_least: int = 2
) -> list[Theme]:
    """The *most* frequent themes of *comments*, each mentioned by ≥ *at_least*.

    Pairs of neighbouring stems are preferred: a pair mentioned by at least
    *at_least* comments becomes a theme, and its comments are then not counted again
    for the single stems inside it. Ties are broken by label, so the result does
    not depend on the order of equal counts.
    """
    stemmed = [comment_stems(text) for text in comments]
    pairs: dict[str, set[int]] = {}
    for index, stems in enumerate(stemmed):
        for first, second in pairwise(stems):
            if first != second:
                pairs.setdefault(f"{first} {second}", set()).add(index)
    chosen: list[tuple[str, set[int]]] = []
    covered: Counter[tuple[int, str]] = Counter()
    for label, members in sorted(pairs.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        if len(members) >= at_least:
            chosen.append((label, members))
            for index in members:
                for stem in label.split():
                    covered[(index, stem)] += 1
    singles: dict[str, set[int]] = {}
    for index, stems in enumerate(stemmed):
        for stem in set(stems):
            if not covered[(index, stem)]:
                singles.setdefault(stem, set()).add(index)
    chosen += [(label, m) for label, m in singles.items() if len(m) >= at_least]
    chosen.sort(key=lambda kv: (-len(kv[1]), kv[0]))
    return [
        Theme(
            label,
            len(members),
            tuple(elements_of(label.split())),
            tuple(sorted(members)),
        )
        for label, members in chosen[:most]
    ]
