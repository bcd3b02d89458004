"""Reads of the reports app: the rows of the open datasets (issue 15 item 8), the
themes of a unit's comments for its results page (item 7), and the bulk reads of
the dashboards and MPP pages (items 1 and 4).

Only published figures leave through the datasets: SKM results of periods their
unit published, evaluation results of published cycles, complaint figures of the
quarters whose recap the unit published. Never a response row, never a person.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.db.models.functions import Length, Trim
from django.utils.text import slugify

from mutu.complaints import selectors as complaints
from mutu.evaluations.models import Cycle, Result
from mutu.lookups import IdArray
from mutu.measures.errors import MeasureInputError
from mutu.measures.rounding import round_half_up
from mutu.measures.skm import skm_result
from mutu.measures.skm_elements import ELEMENT_CODES, element_name
from mutu.measures.standards import COMPONENT_COUNT, STANDARD_COMPONENTS
from mutu.registry.models import Mpp, Service, ServiceUnit
from mutu.reports.comment_themes import comment_stems, elements_of, themes
from mutu.surveys import selectors as surveys
from mutu.surveys.models import FollowUpItem, PeriodPopulation, Publication, Response
from mutu.surveys.periods import Period, period_from_key


def _number(value: Any, places: int) -> Decimal | None:
    return None if value is None else round_half_up(value, places)


def open_skm_rows() -> Iterator[dict[str, Any]]:
    """One row per published unit period: the IKM, its grade and every element's NRR.

    Summed from the rollups: one ``GROUP BY unit`` (:func:`surveys.tally_map`)
    per distinct period key, whatever the number of units that published it, so
    the file costs a few queries, never one per unit (issue 15 item 9).
    """
    publications = list(
        Publication.objects.select_related("unit__government__region").order_by(
            "unit__government__region__code", "unit__name", "period_key"
        )
    )
    units_by_key: dict[str, list[int]] = {}
    for publication in publications:
        units_by_key.setdefault(publication.period_key, []).append(publication.unit_id)
    tallies: dict[tuple[int, str], Any] = {}
    for key, unit_ids in units_by_key.items():
        period = period_from_key(key)
        for unit_id, unit_tally in surveys.tally_map(
            unit_ids, period.start, period.end
        ).items():
            tallies[(unit_id, key)] = unit_tally
    for publication in publications:
        unit = publication.unit
        tally = tallies.get((unit.pk, publication.period_key))
        result = None
        if tally is not None and tally.responses:
            try:
                result = skm_result(tally)
            except MeasureInputError:
                result = None
        nrr = {e.code: e.nrr for e in result.elements} if result else {}
        yield {
            "unit_id": unit.pk,
            "unit": unit.name,
            "government": unit.government.name,
            "region_code": unit.government.region.code,
            "period": publication.period_key,
            "published_on": publication.published_at,
            "responses": tally.responses if tally is not None else 0,
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


def _percent(share: Any) -> Decimal | None:
    """A share 0–1 as a percentage with one decimal (None stays None)."""
    return None if share is None else round_half_up(share * 100, 1)


def open_complaint_rows() -> Iterator[dict[str, Any]]:
    """One row per unit and month of filing inside a period whose complaints recap
    the unit published (D25): counts and on-time, closed and solved shares (D9,
    D20), never a complaint's text or who filed it."""
    for item in complaints.complaint_figures_published_months():
        f, unit = item.figures, item.unit
        yield {
            "unit_id": unit.pk,
            "unit": unit.name,
            "government": unit.government.name,
            "region_code": unit.government.region.code,
            "month": f"{item.month:%Y-%m}",
            "received": f.total,
            "complaints": f.by_kind.get("pengaduan", 0),
            "handled": f.handled,
            "verified_on_time_percent": _percent(f.verified_share),
            "answered_on_time_percent": _percent(f.answered_share),
            "closed": f.closed,
            "closed_percent": _percent(f.closed_share),
            "median_close_days": _number(f.median_close_days, 1),
            "solved_yes": f.solved_yes,
            "solved_no": f.solved_no,
            "solved_percent": _percent(f.solved_share),
            "reopened": f.reopened,
            "mean_rating": _number(f.mean_rating, 2),
        }


# The themes of a unit's comments (issue 15 item 7) ---------------------------------

OTHER = "lainnya"
"""The group of comments that concern no element by Mutu's keyword lists."""


@dataclass(frozen=True)
class Comment:
    text: str
    submitted_at: datetime
    service: str


@dataclass(frozen=True)
class ThemeGroup:
    """A group of comments the page links to: ``slug`` (the ``?tema=`` value),
    ``label``, ``mentions`` (comments) and, for a term, the elements it concerns."""

    slug: str
    label: str
    mentions: int
    elements: tuple[str, ...]
    members: tuple[int, ...]


@dataclass(frozen=True)
class CommentThemes:
    """The comments read (newest first, at most ``limit``), grouped by element and
    by frequent term; ``chosen`` the group picked by ``?tema=`` with its comments."""

    read: int
    limit: int
    elements: list[ThemeGroup]
    terms: list[ThemeGroup]
    chosen: ThemeGroup | None
    comments: list[Comment]

    @property
    def bounded(self) -> bool:
        """Whether the period has more comments than were read."""
        return self.read >= self.limit


def comment_read(unit: ServiceUnit, period: Period, *, limit: int) -> list[Comment]:
    """The newest *limit* non-empty comments of *unit*'s counted responses in
    *period*: one unit and one period through the (unit, day) index, only the
    three columns shown, never who wrote them (there is no one to show)."""
    rows = (
        Response.objects.filter(
            unit=unit,
            day__gte=period.start,
            day__lte=period.end,
            is_excluded=False,
        )
        .exclude(comment="")
        .order_by("-day", "-submitted_at", "-pk")
        .values_list("comment", "submitted_at", "service__name")[:limit]
    )
    return [Comment(text, at, service) for text, at, service in rows]


def comment_themes_for(
    unit: ServiceUnit,
    period: Period,
    *,
    chosen: str = "",
    limit: int | None = None,
    most: int = 12,
    shown: int = 200,
) -> CommentThemes:
    """The themes of *unit*'s comments in *period* for its results page.

    Reads at most *limit* comments (default ``MUTU_COMMENT_THEMES_READ``), groups
    them by the SKM element they concern (a comment may concern several, or none:
    "lainnya") and into the *most* frequent terms of
    :func:`mutu.reports.comment_themes.themes`; *chosen* (a group's slug) picks
    the group whose comments the page lists, the newest *shown* of them.
    """
    limit = limit or settings.MUTU_COMMENT_THEMES_READ
    comments = comment_read(unit, period, limit=limit)
    texts = [c.text for c in comments]
    by_element: dict[str, list[int]] = {}
    for index, text in enumerate(texts):
        for code in elements_of(comment_stems(text)) or [OTHER]:
            by_element.setdefault(code, []).append(index)
    elements = [
        ThemeGroup(
            f"unsur-{code.lower()}",
            f"{code} {element_name(code)}" if code != OTHER else OTHER,
            len(members),
            (code,) if code != OTHER else (),
            tuple(members),
        )
        for code, members in sorted(
            by_element.items(), key=lambda kv: (kv[0] == OTHER, -len(kv[1]), kv[0])
        )
    ]
    terms = [
        ThemeGroup(
            slugify(theme.label),
            theme.label,
            theme.mentions,
            theme.elements,
            theme.comments,
        )
        for theme in themes(texts, most=most)
    ]
    picked = next((g for g in elements + terms if chosen and g.slug == chosen), None)
    return CommentThemes(
        read=len(comments),
        limit=limit,
        elements=elements,
        terms=terms,
        chosen=picked,
        comments=[comments[i] for i in picked.members[:shown]] if picked else [],
    )


# ---------------------------------------------------------------------------------
# Bulk reads of the dashboards (issue 15 items 1 and 4): one query each, whatever
# the number of units, so a league table of 2,000 units costs what one of 5 does.
# ---------------------------------------------------------------------------------


def population_map(unit_ids: list[int] | IdArray, period_key: str) -> dict[int, int]:
    """The population each unit stated for *period_key* (D5); absent when none."""
    return dict(
        PeriodPopulation.objects.filter(unit_id__among=unit_ids, period_key=period_key)
        .order_by()
        .values_list("unit_id", "population")
    )


def follow_up_map(unit_ids: list[int], period_key: str) -> dict[int, tuple[int, int]]:
    """``(done, planned)`` follow-up items of each unit for *period_key*; absent
    when the unit planned none."""
    rows = (
        FollowUpItem.objects.filter(unit_id__among=unit_ids, period_key=period_key)
        .values("unit_id")
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(status=FollowUpItem.Status.DONE)),
        )
        .order_by()
    )
    return {row["unit_id"]: (row["done"], row["total"]) for row in rows}


def published_pairs(
    unit_ids: list[int] | IdArray, period_keys: list[str]
) -> set[tuple[int, str]]:
    """The ``(unit id, period key)`` pairs among *unit_ids* × *period_keys* that
    the unit published."""
    return set(
        Publication.objects.filter(unit_id__among=unit_ids, period_key__in=period_keys)
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
        Service.objects.filter(unit_id__among=unit_ids, is_active=True)
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


def mpp_list_in_region(path: str, *, most: int) -> tuple[list[Mpp], int]:
    """The first *most* MPPs (by name) run by governments under the region with
    *path*, and how many there are in all (one more query only when there are
    more than *most*)."""
    mpps = Mpp.objects.filter(government__path__startswith=path)
    first = list(mpps.select_related("government").order_by("name")[: most + 1])
    if len(first) <= most:
        return first, len(first)
    return first[:most], mpps.count()


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
        Publication.objects.filter(unit_id__among=unit_ids)
        .order_by()
        .values_list("period_key", flat=True)
    )
    return sorted(keys, key=lambda key: period_from_key(key).start, reverse=True)
