"""Reads of the reports app: the rows of the open datasets (issue 15 item 8) and
the bulk reads of the dashboards and MPP pages (items 1 and 4).

Only published figures leave here: SKM results of periods their unit published,
evaluation results of published cycles. Never a response row, never a person.
"""

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.db.models.functions import Length, Trim

from mutu.evaluations.models import Cycle, Result
from mutu.measures.rounding import round_half_up
from mutu.measures.skm_elements import ELEMENT_CODES
from mutu.measures.standards import COMPONENT_COUNT, STANDARD_COMPONENTS
from mutu.registry.models import Mpp, Service, ServiceUnit
from mutu.surveys import selectors as surveys
from mutu.surveys.models import FollowUpItem, PeriodPopulation, Publication
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


# ---------------------------------------------------------------------------------
# Bulk reads of the dashboards (issue 15 items 1 and 4): one query each, whatever
# the number of units, so a league table of 2,000 units costs what one of 5 does.
# ---------------------------------------------------------------------------------


def population_map(unit_ids: list[int], period_key: str) -> dict[int, int]:
    """The population each unit stated for *period_key* (D5); absent when none."""
    return dict(
        PeriodPopulation.objects.filter(unit_id__in=unit_ids, period_key=period_key)
        .order_by()
        .values_list("unit_id", "population")
    )


def follow_up_map(unit_ids: list[int], period_key: str) -> dict[int, tuple[int, int]]:
    """``(done, planned)`` follow-up items of each unit for *period_key*; absent
    when the unit planned none."""
    rows = (
        FollowUpItem.objects.filter(unit_id__in=unit_ids, period_key=period_key)
        .values("unit_id")
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(status=FollowUpItem.Status.DONE)),
        )
        .order_by()
    )
    return {row["unit_id"]: (row["done"], row["total"]) for row in rows}


def published_pairs(
    unit_ids: list[int], period_keys: list[str]
) -> set[tuple[int, str]]:
    """The ``(unit id, period key)`` pairs among *unit_ids* × *period_keys* that
    the unit published."""
    return set(
        Publication.objects.filter(unit_id__in=unit_ids, period_key__in=period_keys)
        .order_by()
        .values_list("unit_id", "period_key")
    )


def standards_map(unit_ids: list[int]) -> dict[int, tuple[int, int]]:
    """``(complete, active services)`` of each unit: how many of its active
    services have a standard with all 14 components filled (UU 25/2009 Pasal 21;
    a component of spaces only is missing, as in
    :func:`mutu.measures.standards.standard_completeness`). One query over the
    services; units without an active service are absent."""
    trimmed = {
        f"{c.field}_len": Length(Trim(f"standard__{c.field}"))
        for c in STANDARD_COMPONENTS
    }
    filled = sum(
        (
            Case(
                When(**{f"{c.field}_len__gt": 0}, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
            for c in STANDARD_COMPONENTS
        ),
        Value(0),
    )
    rows = (
        Service.objects.filter(unit_id__in=unit_ids, is_active=True)
        .alias(**trimmed)
        .annotate(filled=filled)
        .order_by()
        .values_list("unit_id", "filled")
    )
    out: dict[int, tuple[int, int]] = {}
    for unit_id, count in rows:
        complete, total = out.get(unit_id, (0, 0))
        out[unit_id] = (complete + (count == COMPONENT_COUNT), total + 1)
    return out


def mpp_list_in_region(path: str) -> list[Mpp]:
    """The MPPs run by governments under the region with *path*, by name."""
    return list(
        Mpp.objects.filter(government__path__startswith=path)
        .select_related("government")
        .order_by("name")
    )


def mpp_tenant_list(mpp: Mpp) -> list[ServiceUnit]:
    """The units with a counter in *mpp* (its tenants), each with ``mpp_points``:
    their counters there. Two queries."""
    points = list(
        mpp.points.select_related("unit__government").order_by("unit__name", "name")
    )
    tenants: dict[int, ServiceUnit] = {}
    for point in points:
        unit = tenants.setdefault(point.unit_id, point.unit)
        unit.mpp_points = [*getattr(unit, "mpp_points", []), point]  # type: ignore[attr-defined]
    return list(tenants.values())


def mpp_get(mpp_id: int) -> Mpp | None:
    """The MPP *mpp_id* with its government, or ``None``."""
    return Mpp.objects.select_related("government__region").filter(pk=mpp_id).first()


def published_keys(unit_ids: list[int]) -> list[str]:
    """The period keys any of *unit_ids* published, newest first."""
    keys = set(
        Publication.objects.filter(unit_id__in=unit_ids)
        .order_by()
        .values_list("period_key", flat=True)
    )
    return sorted(keys, key=lambda key: period_from_key(key).start, reverse=True)
