"""The dashboards: a region's league table of units and of its sub-regions, a unit's
own trend, an MPP's tenants (issue 15 items 1, 2 and 4).

Every figure is read in bulk (a fixed number of queries whatever the number of
units: :func:`mutu.surveys.selectors.tally_sums_map` over the rollups and the bulk reads
of :mod:`mutu.reports.selectors`) and computed by :mod:`mutu.measures`: the IKM and
its interval by ``skm``/``uncertainty``, the sample by ``sampling`` (D5), the
region's figure by ``comparison.regional_figure`` (D10), places and significant
differences by ``comparison.league``/``differs`` (D12). How regions are ranked and
what an MPP shows the public: docs/regulations.md D23.
"""

from __future__ import annotations

import hashlib
import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from mutu.complaints.selectors import UnitComplaintFigures, complaint_figures_map
from mutu.evaluations.models import Result
from mutu.evaluations.selectors import latest_published_result_map
from mutu.lookups import IdArray
from mutu.measures.comparison import (
    RegionalFigure,
    differs,
    league,
    rankable,
    regional_figure,
)
from mutu.measures.errors import MeasureInputError
from mutu.measures.rounding import round_half_up
from mutu.measures.sampling import required_sample
from mutu.measures.skm import SkmResult, skm_result
from mutu.measures.tally import Tally
from mutu.measures.uncertainty import SkmUncertainty, skm_uncertainty
from mutu.registry.models import Mpp, Region, ServiceUnit
from mutu.registry.selectors import UnitBrief
from mutu.reports import selectors
from mutu.surveys.periods import Period, PeriodKind, period_containing
from mutu.surveys.selectors import (
    tally_from_sums,
    tally_sums_by_range,
    tally_sums_map,
)
from mutu.surveys.summaries import NO_SUMMARY, unit_summaries

TREND_PERIODS = 4
"""Periods in a unit's small-multiple trend: the chosen one and three before it."""
UNIT_TREND_PERIODS = 8
"""Periods on a unit's own dashboard."""
PAGE_SIZE = 50
"""Units per page of a league table (the figures of all units are computed; only
the page's rows read their trends)."""
TOP_COUNT = 5


def minimum_sample() -> int:
    """D12's minimum when a unit states no population (setting, default 50)."""
    return int(settings.MUTU_RANKING_MINIMUM_SAMPLE)


LeagueUnit = ServiceUnit | UnitBrief
"""A unit in a league table: a model instance, or only its id, name and path."""

Figures = tuple[Tally | None, SkmResult | None, SkmUncertainty | None]
"""A unit's tally, SKM result and interval for a period (``None``: not known)."""
NO_FIGURES: Figures = (None, None, None)


def _figures_compute(sums: tuple[int, ...]) -> Figures:
    """The figures of one unit's summed rollup columns (:func:`tally_sums_map`)."""
    tally = tally_from_sums(sums)
    try:
        result = skm_result(tally)
    except MeasureInputError:
        return tally, None, None
    return tally, result, skm_uncertainty(result)


@lru_cache(maxsize=4_096)
def _figures_of_sums(sums: tuple[int, ...]) -> Figures:
    """:func:`_figures_compute`, memoised by the sums themselves (pure): a page
    read again neither builds a tally nor computes an IKM for a unit whose
    rollups did not change. Holds the rows a page shows; the league of every
    unit reads only its :class:`~mutu.surveys.summaries.UnitSummary`."""
    return _figures_compute(sums)


def figures_map(
    unit_ids: Sequence[int], period: Period, *, pairs: bool = True
) -> dict[int, Figures]:
    """Each unit's :data:`Figures` for *period*: one read of the rollups (the
    monthly ones for a period of whole months). Units without counted responses
    are absent. Without *pairs* the interval is the conservative one (for
    figures that need only the IKM: a fifth of the columns to read)."""
    sums = tally_sums_map(unit_ids, period.start, period.end, pairs=pairs)
    return {unit_id: _figures_of_sums(row) for unit_id, row in sums.items()}


def figures_maps(
    unit_ids: Sequence[int], periods: Sequence[Period], *, pairs: bool = True
) -> list[dict[int, Figures]]:
    """:func:`figures_map` for each of *periods*, in order, from one read of the
    rollups (:func:`mutu.surveys.selectors.tally_sums_by_range`)."""
    ranges = [(period.start, period.end) for period in periods]
    return [
        {unit_id: _figures_of_sums(row) for unit_id, row in sums.items()}
        for sums in tally_sums_by_range(unit_ids, ranges, pairs=pairs)
    ]


def _periods_before(period: Period, count: int) -> list[Period]:
    """The *count* periods of *period*'s kind before it, newest first."""
    earlier = [period.previous()] if count > 0 else []
    while len(earlier) < count:
        earlier.append(earlier[-1].previous())
    return earlier


def _percent(share: Fraction | None) -> int | None:
    """A share as a whole percent, rounded half-up."""
    return None if share is None else int(round_half_up(share * 100, 0))


@dataclass
class UnitRow:
    """One unit in a league table for one period."""

    unit: LeagueUnit
    responses: int
    result: SkmResult | None
    uncertainty: SkmUncertainty | None
    population: int | None
    required: int
    sample_ok: bool
    published: bool = False
    place: int | None = None
    above_differs: bool | None = None
    predicate: Result | None = None
    complaints: UnitComplaintFigures | None = None
    follow_up: tuple[int, int] | None = None
    standards: tuple[int, int] | None = None
    trend: list[dict[str, Any]] = field(default_factory=list)
    ikm: Fraction | None = None
    """The converted IKM, which ranks the row (from the unit's summary), with its
    standard error ``se``; ``result`` and ``uncertainty`` are filled only for the
    rows a page shows (:func:`rows_figures_fill`)."""
    se: float = math.inf
    period: Period | None = None
    """The row's period where rows of several periods are shown together."""
    spark: str = ""
    """The trend as a small SVG (set by the view)."""
    change: str = ""
    """``up``/``down`` when the IKM differs significantly from the previous period
    (D12), ``same`` when it does not, ``""`` when either period has no IKM."""

    @property
    def follow_up_percent(self) -> int | None:
        if not self.follow_up or not self.follow_up[1]:
            return None
        return self.follow_up[0] * 100 // self.follow_up[1]

    @property
    def standards_percent(self) -> int | None:
        if not self.standards or not self.standards[1]:
            return None
        return self.standards[0] * 100 // self.standards[1]

    @property
    def on_time_share(self) -> Fraction | None:
        return self.complaints.figures.answered_share if self.complaints else None

    @property
    def solved_share(self) -> Fraction | None:
        return self.complaints.figures.solved_share if self.complaints else None

    @property
    def on_time_percent(self) -> int | None:
        return _percent(self.on_time_share)

    @property
    def solved_percent(self) -> int | None:
        return _percent(self.solved_share)


@dataclass
class RegionRow:
    """One sub-region: its D10 figure over the units under it that have an IKM."""

    region: Region
    units: int
    figure: RegionalFigure | None
    rankable: int
    se: float
    place: int | None = None
    above_differs: bool | None = None


@dataclass
class Dashboard:
    """A region's (or an MPP's) dashboard for one period."""

    period: Period
    units: int
    figure: RegionalFigure | None
    se: float
    rankable: int
    rows: list[UnitRow]
    """This page's rows, in the chosen order."""
    top: list[UnitRow]
    children: list[RegionRow] = field(default_factory=list)
    page: int = 1
    pages: int = 1
    sort: str = "peringkat"
    trend: list[dict[str, Any]] = field(default_factory=list)
    """The region's D10 figure over the chosen period and the ones before it,
    oldest first: ``{"period", "figure"}`` (:func:`region_trend`)."""


def period_choices(today: date | None = None) -> list[Period]:
    """The periods a dashboard offers: this and the previous 11 quarters, then
    this and the previous two years, newest first."""
    today = today or timezone.localdate()
    quarters = [period_containing(today, PeriodKind.QUARTER)]
    while len(quarters) < 12:
        quarters.append(quarters[-1].previous())
    years = [period_containing(today, PeriodKind.YEAR)]
    while len(years) < 3:
        years.append(years[-1].previous())
    return quarters + years


def region_se(rows: Iterable[UnitRow]) -> float:
    """The standard error of a D10 mean: √(Σ seᵢ²) / n over the units with an IKM
    (the units are fixed, their IKMs independent; D23). Infinite when any unit's
    is unknown, so such a region never differs significantly."""
    errors = [row.se for row in rows if row.ikm is not None]
    if not errors:
        return math.inf
    return math.sqrt(sum(se * se for se in errors)) / len(errors)


def unit_rows(
    units: Sequence[LeagueUnit],
    period: Period,
    *,
    minimum: int | None = None,
    open_ids: set[int] | None = None,
    columns: bool = True,
    full: bool = True,
) -> list[UnitRow]:
    """One :class:`UnitRow` per unit for *period*, ranked by D12 (``place``,
    ``above_differs``), from the units' summaries
    (:func:`mutu.surveys.summaries.unit_summaries`). Nine queries whatever the
    number of units (five without *columns*; more the first time a period is
    read after its rollups changed).

    *open_ids* (the MPP page, D23): the units whose unpublished figures the reader
    may see; any other unit that did not publish the period counts as having no
    figures. ``None``: every unit's. Without *columns* the other apps' columns
    are left for :func:`add_columns` (a league page fills only its own rows);
    without *full* so are each row's result and interval
    (:func:`rows_figures_fill`): the league needs only each unit's summary.
    """
    minimum = minimum_sample() if minimum is None else minimum
    ids = [unit.pk for unit in units]
    summaries = unit_summaries(ids, period.start, period.end)
    id_array = IdArray(ids)
    populations = selectors.population_map(id_array, period.key)
    published = {u for u, _ in selectors.published_pairs(id_array, [period.key])}
    rows: list[UnitRow] = []
    entries = []  # the league's (key, IKM, SE, may be ranked), read once per unit
    for unit in units:
        pk = unit.pk
        figures = summaries.get(pk, NO_SUMMARY)
        if open_ids is not None and pk not in open_ids and pk not in published:
            figures = NO_SUMMARY
        population = populations.get(pk)
        required = minimum if population is None else required_sample(population)
        sample_ok = rankable(figures.responses, population, minimum=minimum)
        rows.append(
            UnitRow(
                unit,
                figures.responses,
                None,
                None,
                population,
                required,
                sample_ok,
                published=pk in published,
                ikm=figures.ikm,
                se=figures.se,
            )
        )
        entries.append((len(rows) - 1, figures.ikm, figures.se, sample_ok))
    if full:
        rows_figures_fill(rows, period)
    for ranked in league(entries):
        row = rows[ranked.key]
        row.place, row.above_differs = ranked.place, ranked.above_differs
    if columns:
        add_columns(rows, period)
    return rows


def rows_figures_fill(rows: Sequence[UnitRow], period: Period) -> None:
    """Give *rows* (the ones a page shows) their result and interval: one rollup
    read for them. Rows without an IKM in the league (none, or hidden from the
    reader) are left without. Read after the league, so a response stored in
    between can show in a row's figures before it moves the row's place."""
    need = [row for row in rows if row.result is None and row.ikm is not None]
    if not need:
        return
    sums = tally_sums_map([row.unit.pk for row in need], period.start, period.end)
    for row in need:
        if row.unit.pk in sums:
            _tally, row.result, row.uncertainty = _figures_of_sums(sums[row.unit.pk])


def add_columns(rows: Sequence[UnitRow], period: Period) -> None:
    """Fill the columns read from the other apps: the latest evaluation
    predicate, the complaint figures of the period, its follow-up plan and the
    standards' completeness. Four queries whatever the number of rows."""
    ids = [row.unit.pk for row in rows]
    follow_ups = selectors.follow_up_map(ids, period.key)
    standards = selectors.standards_map(ids)
    complaints = complaint_figures_map(ids, period.start, period.end)
    predicates = latest_published_result_map(ids)
    for row in rows:
        pk = row.unit.pk
        row.follow_up = follow_ups.get(pk)
        row.standards = standards.get(pk)
        row.complaints = complaints.get(pk)
        row.predicate = predicates.get(pk)


def add_trends(
    rows: Sequence[UnitRow],
    period: Period,
    *,
    count: int = TREND_PERIODS,
    open_ids: set[int] | None = None,
) -> None:
    """Fill each row's ``trend`` (oldest first) and ``change`` against the period
    before (D12's test). One rollup query for the earlier periods; with
    *open_ids* (as for :func:`unit_rows`) one more, and an earlier period a unit
    outside them did not publish has no point."""
    earlier = _periods_before(period, count - 1)
    ids = [row.unit.pk for row in rows]
    maps = figures_maps(ids, earlier)
    if open_ids is not None:
        published = selectors.published_pairs(ids, [p.key for p in earlier])
        for p, figures in zip(earlier, maps, strict=True):
            for unit_id in list(figures):
                if unit_id not in open_ids and (unit_id, p.key) not in published:
                    del figures[unit_id]
    for row in rows:
        points = [
            {"period": p, "result": m.get(row.unit.pk, NO_FIGURES)[1]}
            for p, m in zip(earlier, maps, strict=True)
        ]
        row.trend = [*reversed(points), {"period": period, "result": row.result}]
        _tally, before, before_unc = (
            maps[0].get(row.unit.pk, NO_FIGURES) if maps else NO_FIGURES
        )
        if row.result is None or before is None or before_unc is None:
            row.change = ""
        elif differs(
            row.result.ikm_converted,
            row.se,
            before.ikm_converted,
            before_unc.se_converted,
        ):
            row.change = (
                "up" if row.result.ikm_converted > before.ikm_converted else "down"
            )
        else:
            row.change = "same"


def _ratio(value: Fraction | None) -> tuple[int, Fraction]:
    return (0, Fraction(0)) if value is None else (1, value)


SORTS: dict[str, Callable[[UnitRow], Any]] = {
    "nama": lambda r: r.unit.name.casefold(),
    "ikm": lambda r: _ratio(r.ikm),
    "sampel": lambda r: (r.sample_ok, r.responses),
    "predikat": lambda r: _ratio(Fraction(r.predicate.index) if r.predicate else None),
    "tepat-waktu": lambda r: _ratio(r.on_time_share),
    "selesai": lambda r: _ratio(r.solved_share),
    "rtl": lambda r: _ratio(
        Fraction(*r.follow_up) if r.follow_up and r.follow_up[1] else None
    ),
    "standar": lambda r: _ratio(
        Fraction(*r.standards) if r.standards and r.standards[1] else None
    ),
}
"""Sort keys of a league table (``?urut=ikm``; ``?urut=-ikm`` reverses). Blanks
sort as the lowest value. The default ``peringkat`` is D12's order: the ranked
units by place, then the unranked by name."""
COLUMN_SORTS = {"predikat", "tepat-waktu", "selesai", "rtl", "standar"}
"""Sorts by a column :func:`add_columns` fills."""
DESCENDING_FIRST = {
    "ikm",
    "sampel",
    "predikat",
    "tepat-waktu",
    "selesai",
    "rtl",
    "standar",
}


def sort_rows(rows: list[UnitRow], sort: str) -> tuple[list[UnitRow], str]:
    """*rows* in the order *sort* names, and the sort actually applied (an
    unknown key falls back to ``peringkat``)."""
    name = sort.removeprefix("-")
    if name not in SORTS:
        ranked = sorted((r for r in rows if r.place), key=lambda r: r.place or 0)
        rest = sorted((r for r in rows if not r.place), key=SORTS["nama"])
        return ranked + rest, "peringkat"
    reverse = (name in DESCENDING_FIRST) != sort.startswith("-")
    ordered = sorted(rows, key=SORTS["nama"])
    return sorted(ordered, key=SORTS[name], reverse=reverse), sort


def _dashboard(
    rows: list[UnitRow],
    period: Period,
    *,
    sort: str,
    page: int,
    open_ids: set[int] | None = None,
    page_size: int = PAGE_SIZE,
) -> Dashboard:
    measured = [row for row in rows if row.ikm is not None]
    figure = regional_figure([row.ikm for row in measured])  # type: ignore[misc]
    if sort.removeprefix("-") in COLUMN_SORTS:
        add_columns(rows, period)  # every row's, to sort by them
    ordered, applied = sort_rows(rows, sort)
    pages = max(1, math.ceil(len(ordered) / page_size))
    page = min(max(page, 1), pages)
    shown = ordered[(page - 1) * page_size : page * page_size]
    if sort.removeprefix("-") not in COLUMN_SORTS:
        add_columns(shown, period)
    top = sorted((r for r in rows if r.place), key=lambda r: r.place or 0)[:TOP_COUNT]
    rows_figures_fill([*shown, *top], period)
    add_trends(shown, period, open_ids=open_ids)
    return Dashboard(
        period=period,
        units=len(rows),
        figure=figure,
        se=region_se(measured),
        rankable=sum(1 for row in rows if row.sample_ok and row.ikm is not None),
        rows=shown,
        top=top,
        page=page,
        pages=pages,
        sort=applied,
    )


def child_region_rows(region: Region, rows: Sequence[UnitRow]) -> list[RegionRow]:
    """The direct sub-regions of *region* holding any of *rows*' units, each with
    its D10 figure and ranked like units (D23): by its figure, only when at least
    one of its units may be ranked (D12), marked where it differs significantly
    from the region above it. One query."""
    depth = region.path.count("/")
    buckets: dict[str, list[UnitRow]] = {}
    for row in rows:
        prefix = "/".join(row.unit.path.split("/")[: depth + 1]) + "/"
        if prefix != region.path:
            buckets.setdefault(prefix, []).append(row)
    children = list(region.children.filter(path__in=list(buckets)).order_by("code"))
    out: list[RegionRow] = []
    for child in children:
        members = buckets[child.path]
        measured = [row for row in members if row.ikm is not None]
        out.append(
            RegionRow(
                child,
                len(members),
                regional_figure([row.ikm for row in measured]),  # type: ignore[misc]
                sum(1 for row in measured if row.sample_ok),
                region_se(measured),
            )
        )
    by_pk = {row.region.pk: row for row in out}
    placed = league(
        [
            (
                row.region.pk,
                row.figure.mean if row.figure else None,
                row.se,
                row.rankable > 0,
            )
            for row in out
        ]
    )
    for ranked in placed:
        by_pk[ranked.key].place = ranked.place
        by_pk[ranked.key].above_differs = ranked.above_differs
    return sorted(out, key=lambda r: (r.place is None, r.place or 0, r.region.code))


def region_dashboard(
    region: Region,
    units: Sequence[LeagueUnit],
    period: Period,
    *,
    sort: str = "peringkat",
    page: int = 1,
) -> Dashboard:
    """The dashboard of *region* over *units* (already scoped to the reader)."""
    rows = unit_rows(units, period, columns=False, full=False)
    dashboard = _dashboard(rows, period, sort=sort, page=page)
    dashboard.children = child_region_rows(region, rows)
    dashboard.trend = region_trend(units, period, dashboard.figure)
    return dashboard


def region_trend(
    units: Sequence[LeagueUnit],
    period: Period,
    figure: RegionalFigure | None,
    *,
    count: int = TREND_PERIODS,
) -> list[dict[str, Any]]:
    """The D10 figure of *units* in each of the *count* periods up to *period*
    (whose *figure* is known), oldest first: the earlier periods from the units'
    summaries, the units that had an IKM then counted (D10; docs/regulations.md
    D23)."""
    earlier = _periods_before(period, count - 1)
    figures = _earlier_figures([unit.pk for unit in units], earlier)
    points = [{"period": period, "figure": figure}]
    points += [
        {"period": before, "figure": value}
        for before, value in zip(earlier, figures, strict=True)
    ]
    return list(reversed(points))


def _earlier_figures(
    unit_ids: list[int], periods: list[Period]
) -> list[RegionalFigure | None]:
    """The D10 figure of *unit_ids* in each of *periods* (the ones before a
    dashboard's period), kept ``MUTU_TREND_CACHE_SECONDS`` in Django's cache.

    Past periods rarely change (a late paper import, an exclusion), and reading
    them costs a national dashboard a third of its time; the figure of the chosen
    period, the league and every place are read fresh on each request. A change
    in a past period shows in the trend within the setting's seconds
    (docs/regulations.md D23).
    """
    seconds = int(settings.MUTU_TREND_CACHE_SECONDS)
    digest = hashlib.blake2b(digest_size=16)
    digest.update(",".join(map(str, sorted(unit_ids))).encode())
    digest.update(",".join(p.key for p in periods).encode())
    key = f"mutu-region-trend:{digest.hexdigest()}"
    cached: list[RegionalFigure | None] | None = cache.get(key) if seconds else None
    if cached is not None:
        return cached
    figures = [
        regional_figure(
            [
                summary.ikm
                for summary in unit_summaries(unit_ids, p.start, p.end).values()
                if summary.ikm is not None
            ]
        )
        for p in periods
    ]
    if seconds:
        cache.set(key, figures, seconds)
    return figures


def mpp_dashboard(
    tenants: Sequence[ServiceUnit],
    period: Period,
    *,
    open_ids: set[int],
    sort: str = "peringkat",
) -> Dashboard:
    """An MPP's figures over its tenant units (D10 over the tenants; D23: of a
    tenant outside *open_ids* only the periods it published), in *sort*'s order
    (:data:`SORTS`; a hidden figure sorts as a blank)."""
    rows = unit_rows(tenants, period, open_ids=open_ids, columns=False, full=False)
    # One page of every tenant: the MPP page lists them all, each with its row.
    return _dashboard(
        rows,
        period,
        sort=sort,
        page=1,
        open_ids=open_ids,
        page_size=max(1, len(rows)),
    )


def unit_history(unit: ServiceUnit, period: Period) -> list[UnitRow]:
    """The unit's rows for *period* and the :data:`UNIT_TREND_PERIODS` − 1 before
    it, oldest first, each with ``change`` against the one before."""
    periods = [*reversed(_periods_before(period, UNIT_TREND_PERIODS)), period]
    rows = [unit_rows([unit], p, columns=p == period)[0] for p in periods]
    for row, row_period in zip(rows, periods, strict=True):
        row.period = row_period
    for before, after in itertools.pairwise(rows):
        if after.result is None or before.result is None:
            after.change = ""
        elif differs(after.ikm, after.se, before.ikm, before.se):  # type: ignore[arg-type]
            after.change = "up" if after.ikm > before.ikm else "down"  # type: ignore[operator]
        else:
            after.change = "same"
    return rows[1:]


MPP_LIST_SIZE = 30
"""MPPs listed on a region's dashboard (a nation has hundreds: the list names
the first ones and says how many there are; a regency's page lists them all)."""


def mpp_list(region: Region) -> tuple[list[Mpp], int]:
    """The first :data:`MPP_LIST_SIZE` MPPs under *region* by name, and their
    number."""
    return selectors.mpp_list_in_region(region.path, most=MPP_LIST_SIZE)


def result_map(units: Sequence[ServiceUnit], period: Period) -> dict[int, SkmResult]:
    """Each unit's SKM result for *period* (one rollup read of the element
    counts: the region page's IKM column shows no interval); units without
    responses are absent."""
    figures = figures_map([unit.pk for unit in units], period, pairs=False)
    return {
        unit_id: result
        for unit_id, (_tally, result, _unc) in figures.items()
        if result is not None
    }
