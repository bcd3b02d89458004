"""Grade tables as data: the IPP predicate (PEKPPP) and the SKM mutu pelayanan.

Both tables are classified the same way: round the value half-up to 2 decimals, then
take the first band (highest first) whose inclusive lower bound it reaches.

* IPP predicate, 0–5 scale: PermenPANRB 17/2017 and 29/2022 implementations,
  docs/regulations.md §2.5 and decision D7.
* SKM mutu pelayanan on the converted value (IKM × 25, 25–100): PermenPANRB 14/2017,
  docs/regulations.md §1.4 and decision D2 (the NIK column decides; the NI column's edges
  disagree with it).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from mutu.measures.errors import MeasureInputError
from mutu.measures.rounding import Exact, round_half_up


@dataclass(frozen=True, slots=True)
class Band:
    """One row of a grade table: letter, labels, and inclusive lower bound.

    ``lower`` applies to the value rounded half-up to the table's ``places``;
    ``None`` marks the bottom band, which takes everything below the others.
    """

    letter: str
    label_id: str
    label_en: str
    lower: Decimal | None

    def label(self, lang: str = "id") -> str:
        """The label in ``"id"`` (Indonesian, default) or ``"en"``."""
        return self.label_en if lang == "en" else self.label_id


@dataclass(frozen=True, slots=True)
class PredicateTable:
    """A grade table: bands ordered from the highest lower bound down."""

    id: str
    title_id: str
    title_en: str
    source: str
    scale_min: Decimal
    scale_max: Decimal
    bands: tuple[Band, ...]
    places: int = 2

    def classify(self, value: Exact, *, below_scale_ok: bool = False) -> Band:
        """The band of ``value`` after half-up rounding to ``places`` decimals.

        Raises :class:`MeasureInputError` when the rounded value lies outside the
        table's scale; with ``below_scale_ok`` a value under the scale takes the
        bottom band (legacy SKM weights can push a converted IKM under 25, D1).
        """
        rounded = round_half_up(value, self.places)
        too_low = rounded < self.scale_min and not below_scale_ok
        if too_low or rounded > self.scale_max:
            raise MeasureInputError(
                f"nilai {rounded} di luar skala {self.scale_min}–{self.scale_max} "
                f"tabel {self.id}",
                f"value {rounded} is outside the {self.scale_min}–{self.scale_max} "
                f"scale of table {self.id}",
            )
        for band in self.bands:
            if band.lower is None or rounded >= band.lower:
                return band
        raise AssertionError("a predicate table must end with a bottom band")


IPP_TABLE = PredicateTable(
    id="ipp",
    title_id="Predikat Indeks Pelayanan Publik (IPP)",
    title_en="Public Service Index (IPP) predicate",
    source=(
        "PermenPANRB 17/2017 dan 29/2022 (implementasi); docs/regulations.md §2.5, D7"
    ),
    scale_min=Decimal("0.00"),
    scale_max=Decimal("5.00"),
    bands=(
        Band("A", "Pelayanan Prima", "Excellent service", Decimal("4.51")),
        Band("A-", "Sangat Baik", "Very good", Decimal("4.01")),
        Band("B", "Baik", "Good", Decimal("3.51")),
        Band("B-", "Baik (Dengan Catatan)", "Good (with notes)", Decimal("3.01")),
        Band("C", "Cukup", "Fair", Decimal("2.51")),
        Band("C-", "Cukup (Dengan Catatan)", "Fair (with notes)", Decimal("2.01")),
        Band("D", "Buruk", "Poor", Decimal("1.51")),
        Band("E", "Sangat Buruk", "Very poor", Decimal("1.01")),
        Band("F", "Gagal", "Failed", None),
    ),
)

SKM_TABLE = PredicateTable(
    id="skm-2017",
    title_id="Mutu pelayanan SKM (nilai interval konversi)",
    title_en="SKM service quality (converted interval value)",
    source="PermenPANRB 14/2017; docs/regulations.md §1.4, D2",
    scale_min=Decimal("25.00"),
    scale_max=Decimal("100.00"),
    bands=(
        Band("A", "Sangat Baik", "Very good", Decimal("88.31")),
        Band("B", "Baik", "Good", Decimal("76.61")),
        Band("C", "Kurang Baik", "Less than good", Decimal("65.00")),
        Band("D", "Tidak Baik", "Not good", None),
    ),
)

PREDICATE_TABLES: tuple[PredicateTable, ...] = (IPP_TABLE, SKM_TABLE)


def predicate_table(table_id: str) -> PredicateTable:
    """The table with ``table_id`` (``"ipp"`` or ``"skm-2017"``).

    Raises :class:`MeasureInputError` for an unknown id.
    """
    for table in PREDICATE_TABLES:
        if table.id == table_id:
            return table
    known = ", ".join(t.id for t in PREDICATE_TABLES)
    raise MeasureInputError(
        f"tabel predikat tidak dikenal: {table_id!r} (dikenal: {known})",
        f"unknown predicate table: {table_id!r} (known: {known})",
    )


def ipp_predicate(index: Exact) -> Band:
    """The IPP predicate of an index on the 0–5 scale (§2.5, D7).

    ``ipp_predicate(Decimal("4.505"))`` rounds to 4,51 and is ``A``.
    """
    return IPP_TABLE.classify(index)


def skm_grade(converted: Exact, *, below_scale_ok: bool = False) -> Band:
    """The SKM mutu pelayanan of a converted IKM on the 25–100 scale (§1.4, D2).

    ``skm_grade(Decimal("88.305"))`` rounds to 88,31 and is ``A``. With
    ``below_scale_ok`` (legacy weights only) a value under 25 is ``D``.
    """
    return SKM_TABLE.classify(converted, below_scale_ok=below_scale_ok)
