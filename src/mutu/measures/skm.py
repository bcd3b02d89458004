"""SKM (Survei Kepuasan Masyarakat): elements, tallies and the IKM.

PermenPANRB 14/2017 as recorded in docs/regulations.md §1.2–§1.4 and decisions D1–D4:

* answers are 1–4 per element (unsur), stored by element code U1…U9, never by
  question position (D4: templates swap U8 and U9);
* NRRᵢ = sum of answers to element i / number of responses that answered element i
  (D3, §1.3 "kuesioner yang terisi"); a response that answers no element is rejected;
* weight = exactly 1/k for the k elements in use (D1); IKM = Σ NRRᵢ × weight (1–4);
  IKM konversi = IKM × 25 (25–100); everything exact (``Fraction``), rounded half-up
  to 2 decimals only for display and for the grade (D2);
* legacy weights 0,111 or 0,11 exist only as an explicit option for the standard nine
  elements and are labelled "bobot lama (legacy)" in every output (D1).

Elements in use: a :class:`Tally` lists the elements in use; every one of them must
have at least one answer, otherwise :func:`skm_result` raises instead of silently
dropping it from the weight denominator. Leave an element out of the tally to take
it out of use.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from mutu.measures.errors import MeasureInputError
from mutu.measures.predicates import Band, skm_grade
from mutu.measures.rounding import format_en, format_id, round_half_up
from mutu.measures.skm_elements import (
    ELEMENT_CODES,
    ELEMENTS,
    Element,
    element,
    element_name,
    element_order,
)
from mutu.measures.tally import (
    ElementTally,
    PairSums,
    Tally,
    tally_from_patterns,
    tally_from_responses,
)

__all__ = [
    "CONVERSION_FACTOR",
    "ELEMENTS",
    "ELEMENT_CODES",
    "LEGACY_WEIGHTS",
    "Element",
    "ElementResult",
    "ElementTally",
    "PairSums",
    "SkmResult",
    "Tally",
    "element",
    "element_name",
    "element_order",
    "round_half_up",
    "skm_result",
    "tally_from_patterns",
    "tally_from_responses",
]

CONVERSION_FACTOR = 25
"""IKM konversi = IKM × 25, "nilai dasar 25" (§1.3)."""

LEGACY_WEIGHTS: tuple[Decimal, ...] = (Decimal("0.111"), Decimal("0.11"))
"""The rounded weights old reports used instead of 1/9 (§1.3, S2, S5; D1)."""


@dataclass(frozen=True, slots=True)
class ElementResult:
    """One element's NRR (exact) and weighted NRR."""

    code: str
    counts: tuple[int, int, int, int]
    answered: int
    nrr: Fraction
    weighted_nrr: Fraction

    def name(self, lang: str = "id") -> str:
        """The element's name in ``"id"`` or ``"en"``."""
        return element_name(self.code, lang)


@dataclass(frozen=True, slots=True)
class SkmResult:
    """The SKM result of one tally: NRRs, IKM, converted IKM and grade.

    All numbers are exact; use :func:`round_half_up` (or ``*_display``) to show
    them. ``ranking`` lists every element from the lowest NRR up (ties by code);
    ``weakest`` is its first three. ``legacy_weight`` is ``None`` for the D1 weight
    1/k, else the legacy 0,111 or 0,11 — then ``weight_note`` must be shown.
    """

    elements: tuple[ElementResult, ...]
    weight: Fraction
    ikm: Fraction
    ikm_converted: Fraction
    grade: Band
    n: int
    ranking: tuple[str, ...]
    legacy_weight: Decimal | None
    tally: Tally

    @property
    def legacy(self) -> bool:
        """Whether a legacy rounded weight was used (D1)."""
        return self.legacy_weight is not None

    @property
    def weakest(self) -> tuple[str, ...]:
        """The three elements with the lowest NRR (ties by code)."""
        return self.ranking[:3]

    @property
    def ikm_converted_display(self) -> Decimal:
        """The converted IKM rounded half-up to 2 decimals (D1, D2)."""
        return round_half_up(self.ikm_converted, 2)

    def element(self, code: str) -> ElementResult:
        """The result of one element; raises ``MeasureInputError`` if not in use."""
        for item in self.elements:
            if item.code == code:
                return item
        raise MeasureInputError(
            "unsur tidak dipakai", "element not in use", column=code
        )

    def weight_note(self, lang: str = "id") -> str | None:
        """The legacy-weight label required in every output, or ``None``."""
        if self.legacy_weight is None:
            return None
        k = len(self.elements)
        if lang == "en":
            return (
                f"legacy weight {format_en(self.legacy_weight, 3).rstrip('0')} "
                f"per element instead of exactly 1/{k} (not the D1 result)"
            )
        return (
            f"bobot lama (legacy) {format_id(self.legacy_weight, 3).rstrip('0')} "
            f"per unsur, bukan tepat 1/{k} (bukan hasil sesuai D1)"
        )


def skm_result(tally: Tally, *, legacy_weight: Decimal | None = None) -> SkmResult:
    """Compute NRRs, IKM, converted IKM and grade from a tally (§1.3, §1.4, D1–D3).

    Weight is exactly 1/k for the k elements in the tally. ``legacy_weight`` must be
    ``Decimal("0.111")`` or ``Decimal("0.11")`` and needs the standard nine
    elements. Raises :class:`MeasureInputError` when there are no responses or no
    elements, when an element in use has no answers, or for any other legacy weight.
    """
    if tally.responses == 0 or not tally.elements:
        raise MeasureInputError(
            "tidak ada respons untuk dihitung",
            "there are no responses to compute",
        )
    k = len(tally.elements)
    if legacy_weight is None:
        weight = Fraction(1, k)
    else:
        if not isinstance(legacy_weight, Decimal) or legacy_weight not in (
            LEGACY_WEIGHTS
        ):
            raise MeasureInputError(
                f"bobot lama hanya 0,111 atau 0,11, bukan {legacy_weight}",
                f"the legacy weight must be 0.111 or 0.11, not {legacy_weight}",
                column="legacy_weight",
            )
        if tally.codes != ELEMENT_CODES:
            raise MeasureInputError(
                "bobot lama hanya berlaku untuk sembilan unsur standar U1–U9",
                "legacy weights apply only to the nine standard elements U1–U9",
                column="legacy_weight",
            )
        weight = Fraction(legacy_weight)
    results = []
    for item in tally.elements:
        nrr = item.nrr
        results.append(
            ElementResult(item.code, item.counts, item.answered, nrr, nrr * weight)
        )
    ikm = sum((r.weighted_nrr for r in results), Fraction(0))
    converted = ikm * CONVERSION_FACTOR
    grade = skm_grade(converted, below_scale_ok=legacy_weight is not None)
    ranking = tuple(
        r.code for r in sorted(results, key=lambda r: (r.nrr, element_order(r.code)))
    )
    return SkmResult(
        elements=tuple(results),
        weight=weight,
        ikm=ikm,
        ikm_converted=converted,
        grade=grade,
        n=tally.responses,
        ranking=ranking,
        legacy_weight=legacy_weight,
        tally=tally,
    )
