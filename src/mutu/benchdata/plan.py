"""What one generation makes: sizes, scope and seed, and the presets."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Plan:
    """The size of a synthetic database.

    *scope* is a region code prefix where the units are placed (``""`` for the
    whole nation, ``"18"`` for Lampung, ``"18.09"`` for Kabupaten Pesawaran);
    every region is loaded whatever the scope. *year* is the year of the responses
    (fixed, so that a seed gives the same rows on any day).
    """

    units: int
    responses: int
    seed: int = 1
    scope: str = ""
    year: int = 2025
    assignments: int = 200


PRESETS: dict[str, Plan] = {
    # One regency: about the units of Kabupaten Pesawaran, a year of their SKM.
    "regency": Plan(units=40, responses=60_000, scope="18.09"),
    # One province: its regencies' and its own units.
    "province": Plan(units=1_000, responses=400_000, scope="18"),
    # The nation at full coverage (REGULATIONS.md §6: 10⁴–10⁵ units, ~10⁷ a year).
    "nation": Plan(units=25_000, responses=10_000_000, scope=""),
}
