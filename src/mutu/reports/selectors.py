"""Reads of the reports app: the rows of the open datasets (issue 15 item 8).

Only published figures leave here: SKM results of periods their unit published,
evaluation results of published cycles. Never a response row, never a person.
"""

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from mutu.evaluations.models import Cycle, Result
from mutu.measures.rounding import round_half_up
from mutu.measures.skm_elements import ELEMENT_CODES
from mutu.surveys import selectors as surveys
from mutu.surveys.models import Publication
from mutu.surveys.periods import period_from_key


def _number(value: Any, places: int) -> Decimal | None:
    return None if value is None else round_half_up(value, places)


def open_skm_rows() -> Iterator[dict[str, Any]]:
    """One row per published unit period: the IKM, its grade and every element's NRR."""
    publications = Publication.objects.select_related(
        "unit__government__region"
    ).order_by("unit__government__region__code", "unit__name", "period_key")
    for publication in publications.iterator(chunk_size=500):
        unit = publication.unit
        period = period_from_key(publication.period_key)
        data = surveys.period_result(unit, period)
        result = data.result
        nrr = {e.code: e.nrr for e in result.elements} if result else {}
        yield {
            "unit_id": unit.pk,
            "unit": unit.name,
            "government": unit.government.name,
            "region_code": unit.government.region.code,
            "period": period.key,
            "published_on": publication.published_at,
            "responses": data.tally.responses,
            "ikm": _number(result.ikm if result else None, 3),
            "ikm_converted": _number(result.ikm_converted if result else None, 2),
            "grade": result.grade.letter if result else "",
            **{
                f"nrr_{code.lower()}": _number(nrr.get(code), 2)
                for code in ELEMENT_CODES
            },
        }


def open_evaluation_rows() -> Iterator[dict[str, Any]]:
    """One row per unit of a published evaluation cycle: its current result."""
    results = (
        Result.objects.filter(
            is_current=True, assignment__cycle__status=Cycle.Status.PUBLISHED
        )
        .select_related("assignment__cycle", "assignment__unit__government__region")
        .order_by(
            "assignment__cycle__year", "assignment__cycle_id", "assignment__unit__name"
        )
    )
    for result in results.iterator(chunk_size=500):
        cycle, unit = result.assignment.cycle, result.assignment.unit
        yield {
            "cycle_id": cycle.pk,
            "cycle": cycle.name,
            "year": cycle.year,
            "instrument": f"{cycle.instrument_id} {cycle.instrument_version}",
            "unit_id": unit.pk,
            "unit": unit.name,
            "region_code": unit.government.region.code,
            "index": result.index_display,
            "predicate": result.predicate,
            "predicate_label": result.predicate_label,
        }
