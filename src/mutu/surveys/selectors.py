"""Reads of the surveys app: period tallies from rollups, results through ``measures``."""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from itertools import combinations
from typing import Any

from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from mutu.accounts.models import Role, User
from mutu.accounts.scoping import scope_queryset
from mutu.measures.errors import MeasureInputError
from mutu.measures.sampling import margin_of_error, required_sample
from mutu.measures.skm import SkmResult, skm_result
from mutu.measures.tally import PairSums, Tally
from mutu.measures.uncertainty import SkmUncertainty, skm_uncertainty
from mutu.registry.models import Region, ServiceUnit
from mutu.surveys.models import (
    ELEMENT_FIELDS,
    ROLLUP_COUNT_FIELDS,
    Channel,
    DailyRollup,
    Education,
    FollowUpItem,
    Occupation,
    PeriodPopulation,
    Publication,
    Response,
    Sex,
    UnitSurveySettings,
)
from mutu.surveys.periods import Period, period_containing, period_from_key


def _rollups(unit: ServiceUnit, period: Period, service_id: int | None) -> QuerySet:
    rows = DailyRollup.objects.filter(
        unit=unit, day__gte=period.start, day__lte=period.end
    )
    return rows.filter(service_id=service_id) if service_id else rows


def _tally_from_sums(sums: dict[str, Any]) -> Tally:
    """A tally from summed rollup columns (``responses`` and the element counts)."""
    counts = {
        field.upper(): [sums[f"{field}_{v}"] or 0 for v in (1, 2, 3, 4)]
        for field in ELEMENT_FIELDS
    }
    counts = {code: row for code, row in counts.items() if sum(row)}
    return Tally.from_counts(counts, responses=sums["responses"] or 0)


def period_tally(
    unit: ServiceUnit, period: Period, *, service_id: int | None = None
) -> Tally:
    """The tally of a unit's counted responses in *period*, summed from rollups."""
    sums = _rollups(unit, period, service_id).aggregate(
        responses=Sum("responses"), **{name: Sum(name) for name in ROLLUP_COUNT_FIELDS}
    )
    return _tally_from_sums(sums)


def tally_map(unit_ids: Iterable[int], start: date, end: date) -> dict[int, Tally]:
    """The tally of each unit's counted responses on the days start…end.

    One ``GROUP BY unit`` over the rollups for all *unit_ids*: what a dashboard or
    a league table reads for many units at once. A unit without counted responses
    in the range is absent from the result.
    """
    rows = (
        DailyRollup.objects.filter(
            unit_id__in=list(unit_ids), day__gte=start, day__lte=end
        )
        .values("unit_id")
        .annotate(
            total=Sum("responses"),
            **{name: Sum(name) for name in ROLLUP_COUNT_FIELDS},
        )
        .order_by()
    )
    return {
        row["unit_id"]: _tally_from_sums({**row, "responses": row["total"]})
        for row in rows
        if row["total"]
    }


def _with_pair_sums(
    tally: Tally, unit: ServiceUnit, period: Period, service_id: int | None
) -> Tally:
    """*tally* with the co-answer sums of its element pairs, read from the counted
    responses in one query, so the interval uses the covariance method instead of
    the conservative bound (mutu.measures.uncertainty).

    Rollups hold per-element counts only (36 pairs × 4 sums would quadruple every
    rollup row). Should a response arrive between the two reads, the sums no longer
    fit the tally; the tally then keeps its conservative bound.
    """
    codes = [item.code.lower() for item in tally.elements]
    pairs = list(combinations(codes, 2))
    if not pairs:
        return tally
    responses = _period_responses(unit, period).filter(is_excluded=False)
    if service_id:
        responses = responses.filter(service_id=service_id)
    aggregates: dict[str, Any] = {}
    for a, b in pairs:
        both = Q(**{f"{a}__isnull": False, f"{b}__isnull": False})
        aggregates[f"{a}_{b}_n"] = Count("id", filter=both)
        aggregates[f"{a}_{b}_a"] = Sum(a, filter=both)
        aggregates[f"{a}_{b}_b"] = Sum(b, filter=both)
        aggregates[f"{a}_{b}_ab"] = Sum(F(a) * F(b), filter=both)
    sums = responses.aggregate(**aggregates)
    try:
        return replace(
            tally,
            pairs=tuple(
                PairSums(
                    a.upper(),
                    b.upper(),
                    sums[f"{a}_{b}_n"],
                    sums[f"{a}_{b}_a"] or 0,
                    sums[f"{a}_{b}_b"] or 0,
                    sums[f"{a}_{b}_ab"] or 0,
                )
                for a, b in pairs
            ),
        )
    except MeasureInputError:
        return tally


@dataclass(frozen=True)
class PeriodResult:
    period: Period
    tally: Tally
    result: SkmResult | None
    uncertainty: SkmUncertainty | None
    channels: list[dict[str, Any]]
    flagged: int
    excluded: int


def period_result(
    unit: ServiceUnit, period: Period, *, service_id: int | None = None
) -> PeriodResult:
    """Everything the results page shows for one unit and period."""
    tally = _with_pair_sums(
        period_tally(unit, period, service_id=service_id), unit, period, service_id
    )
    result = uncertainty = None
    if tally.responses:
        try:
            result = skm_result(tally)
            uncertainty = skm_uncertainty(result)
        except MeasureInputError:
            result = uncertainty = None
    channel_labels = dict(Channel.choices)
    channels = [
        {"channel": channel_labels.get(row["channel"], row["channel"]), "n": row["n"]}
        for row in _rollups(unit, period, service_id)
        .values("channel")
        .annotate(n=Sum("responses"))
        .order_by("-n")
        if row["n"]
    ]
    responses = Response.objects.filter(
        unit=unit, day__gte=period.start, day__lte=period.end
    )
    if service_id:
        responses = responses.filter(service_id=service_id)
    marks = responses.aggregate(
        flagged=Count("id", filter=Q(is_flagged=True)),
        excluded=Count("id", filter=Q(is_excluded=True)),
    )
    return PeriodResult(
        period,
        tally,
        result,
        uncertainty,
        channels,
        marks["flagged"],
        marks["excluded"],
    )


def _period_responses(unit: ServiceUnit, period: Period) -> QuerySet[Response]:
    return Response.objects.filter(
        unit=unit, day__gte=period.start, day__lte=period.end
    )


AGE_BANDS = ((15, 24), (25, 34), (35, 44), (45, 54), (55, 64), (65, 100))


def profile_tables(
    unit: ServiceUnit, period: Period
) -> dict[str, list[dict[str, Any]]]:
    """Counted respondents by sex, age band, education and occupation (§1.5)."""
    counted = _period_responses(unit, period).filter(is_excluded=False)
    tables: dict[str, list[dict[str, Any]]] = {}
    for field, choices in (
        ("sex", Sex.choices),
        ("education", Education.choices),
        ("occupation", Occupation.choices),
    ):
        counts = dict(
            counted.values_list(field)
            .annotate(n=Count("id"))
            .order_by()
            .values_list(field, "n")
        )
        rows = [{"label": label, "n": counts.get(value, 0)} for value, label in choices]
        rows.append({"label": _("Tidak diisi"), "n": counts.get("", 0)})
        tables[field] = rows
    ages = counted.aggregate(
        blank=Count("id", filter=Q(age__isnull=True)),
        **{
            f"a{low}": Count("id", filter=Q(age__gte=low, age__lte=high))
            for low, high in AGE_BANDS
        },
    )
    tables["age"] = [
        {"label": f"{low}–{high}" if high < 100 else f"≥ {low}", "n": ages[f"a{low}"]}
        for low, high in AGE_BANDS
    ] + [{"label": _("Tidak diisi"), "n": ages["blank"]}]
    return tables


@dataclass(frozen=True)
class ExtraQuestionResult:
    code: str
    question: str
    counts: tuple[int, int, int, int]
    """How many answered 1, 2, 3 and 4."""

    @property
    def answered(self) -> int:
        return sum(self.counts)

    @property
    def mean(self) -> float | None:
        if not self.answered:
            return None
        return sum(v * n for v, n in enumerate(self.counts, start=1)) / self.answered


def extra_question_results(
    unit: ServiceUnit, period: Period
) -> list[ExtraQuestionResult]:
    """Answers to the unit's own questions in the period (counted responses only).

    Outside the IKM by design (docs/regulations.md §1: the index has nine elements).
    Answers are stored by position (X1…X5), so they show under the unit's current
    wording of each question.
    """
    questions = survey_settings_for(unit).extra_questions or []
    if not questions:
        return []
    tallies = {f"X{n}": [0, 0, 0, 0] for n in range(1, len(questions) + 1)}
    answers = (
        _period_responses(unit, period)
        .filter(is_excluded=False)
        .exclude(extra_answers={})
        .values_list("extra_answers", flat=True)
    )
    for extra in answers.iterator(chunk_size=2000):
        for code, value in extra.items():
            if code in tallies and value in (1, 2, 3, 4):
                tallies[code][value - 1] += 1
    return [
        ExtraQuestionResult(code, question, tuple(tallies[code]))  # type: ignore[arg-type]
        for code, question in zip(tallies, questions, strict=True)
    ]


def comment_list(
    unit: ServiceUnit, period: Period, *, limit: int = 50
) -> list[Response]:
    """The newest non-empty comments of counted responses in the period."""
    return list(
        _period_responses(unit, period)
        .filter(is_excluded=False)
        .exclude(comment="")
        .select_related("service")
        .only("comment", "submitted_at", "service__name")[:limit]
    )


def trend(unit: ServiceUnit, period: Period, *, count: int = 6) -> list[dict[str, Any]]:
    """The converted IKM of the last *count* periods of the same kind, oldest first."""
    periods = [period]
    while len(periods) < count:
        periods.append(periods[-1].previous())
    rows = []
    for item in reversed(periods):
        tally = period_tally(unit, item)
        result = skm_result(tally) if tally.responses else None
        rows.append({"period": item, "result": result})
    return rows


def population_for(unit: ServiceUnit, period: Period) -> int | None:
    record = PeriodPopulation.objects.filter(unit=unit, period_key=period.key).first()
    return record.population if record else None


@dataclass(frozen=True)
class SampleStatus:
    population: int | None
    required: int | None
    collected: int
    meets: bool | None
    margin_of_error: float | None


def sample_status(unit: ServiceUnit, period: Period, collected: int) -> SampleStatus:
    """Krejcie & Morgan: required sample for the period's population, and whether met (D5)."""
    population = population_for(unit, period)
    if population is None:
        return SampleStatus(None, None, collected, None, None)
    required = required_sample(population)
    margin = None
    if 0 < collected <= population:
        margin = float(margin_of_error(population, collected))
    return SampleStatus(population, required, collected, collected >= required, margin)


@dataclass(frozen=True)
class FollowUpProgress:
    items: list[FollowUpItem]
    done: int
    percent: int | None
    months_to_complete: int | None


def follow_up_progress(unit: ServiceUnit, period: Period) -> FollowUpProgress:
    """Share of follow-up items done, and months from publication to the last one done.

    Feeds PEKPPP indicators 8 (share done) and 9 (speed), docs/regulations.md §1.7.
    """
    items = list(FollowUpItem.objects.filter(unit=unit, period_key=period.key))
    done = [item for item in items if item.status == FollowUpItem.Status.DONE]
    percent = len(done) * 100 // len(items) if items else None
    months = None
    publication = Publication.objects.filter(unit=unit, period_key=period.key).first()
    if publication and items and len(done) == len(items):
        last = max(item.completed_at for item in done if item.completed_at)
        months = max(
            0,
            (last.year - publication.published_at.year) * 12
            + last.month
            - publication.published_at.month,
        )
    return FollowUpProgress(items, len(done), percent, months)


def publication_for(unit: ServiceUnit, period: Period) -> Publication | None:
    return Publication.objects.filter(unit=unit, period_key=period.key).first()


def published_period_keys(units: QuerySet[ServiceUnit], *, most: int = 4) -> list[str]:
    """The *most* newest period keys that some of *units* published, newest first."""
    keys = set(
        Publication.objects.filter(unit__in=units).values_list("period_key", flat=True)
    )
    return sorted(keys, key=lambda key: period_from_key(key).start, reverse=True)[:most]


def publication_list_for_unit(unit: ServiceUnit) -> list[Publication]:
    """The unit's published periods, newest first: what anyone may read of its SKM
    results (the public pages, and what an evaluator reads of them)."""
    return list(unit.publications.order_by("-period_key"))


def unit_has_publication(unit: ServiceUnit) -> bool:
    """Whether *unit* has published at least one period (its public page exists)."""
    return unit.publications.exists()


def published_unit_list() -> QuerySet[ServiceUnit]:
    """Units with at least one published period (public page)."""
    return (
        ServiceUnit.objects.filter(publications__isnull=False)
        .select_related("government")
        .annotate(published=Count("publications"))
        .order_by("government__name", "name")
    )


def flagged_list_for_user(
    user: User, unit: ServiceUnit, period: Period
) -> QuerySet[Response]:
    """Flagged responses of a unit's period for a reviewer (coordinator or admin)."""
    return (
        scope_queryset(
            user,
            _period_responses(unit, period).filter(is_flagged=True),
            roles=[Role.NATIONAL_ADMIN, Role.COORDINATOR],
        )
        .prefetch_related("flags")
        .select_related("service", "point")
    )


def survey_settings_for(unit: ServiceUnit) -> UnitSurveySettings:
    """The unit's survey settings, or unsaved defaults when it has none yet."""
    return UnitSurveySettings.objects.filter(unit=unit).first() or UnitSurveySettings(
        unit=unit
    )


# ---------------------------------------------------------------------------------
# Reads for the evaluation feeds (mutu.evaluations.feeds; docs/regulations.md §1.7,
# D11 and D16): by the days start…end of a cycle's data window. A survey period
# belongs to the window when any of its days falls in it.
# ---------------------------------------------------------------------------------


def _period_touches(key: str, start: date, end: date) -> bool:
    try:
        period = period_from_key(key)
    except ValueError:
        return False
    return period.start <= end and period.end >= start


def response_count_between(unit: ServiceUnit, start: date, end: date) -> int:
    """Counted SKM responses of *unit* with a response day in start…end, from rollups."""
    total = DailyRollup.objects.filter(
        unit=unit, day__gte=start, day__lte=end
    ).aggregate(total=Sum("responses"))["total"]
    return total or 0


def publication_list_between(
    unit: ServiceUnit, start: date, end: date
) -> list[Publication]:
    """The publications of *unit*'s periods that touch start…end."""
    return [
        p
        for p in Publication.objects.filter(unit=unit)
        if _period_touches(p.period_key, start, end)
    ]


def follow_up_list_between(
    unit: ServiceUnit, start: date, end: date
) -> list[FollowUpItem]:
    """The follow-up plan items of *unit*'s periods that touch start…end."""
    return [
        item
        for item in FollowUpItem.objects.filter(unit=unit)
        if _period_touches(item.period_key, start, end)
    ]


def sample_list_between(
    unit: ServiceUnit, start: date, end: date
) -> list[tuple[Period, int | None, int]]:
    """The SKM periods of *unit* that touch start…end, each with its stated
    population (``None``: not stated) and its counted responses (D5, D17).

    The periods are those of the unit's survey period kind in which responses
    were collected, and any period for which a population was stated.
    """
    kind = survey_settings_for(unit).period_kind
    periods: set[Period] = set()
    populations: dict[Period, int] = {}
    for record in PeriodPopulation.objects.filter(unit=unit):
        try:
            period = period_from_key(record.period_key)
        except ValueError:
            continue
        if period.start <= end and period.end >= start:
            periods.add(period)
            populations[period] = record.population
    days = dict(
        DailyRollup.objects.filter(unit=unit, day__gte=start, day__lte=end)
        .values("day")
        .annotate(total=Sum("responses"))
        .values_list("day", "total")
    )
    for day, total in days.items():
        if total:
            periods.add(period_containing(day, kind))
    wide_start = min((p.start for p in periods), default=start)
    wide_end = max((p.end for p in periods), default=end)
    if wide_start < start or wide_end > end:
        days = dict(
            DailyRollup.objects.filter(
                unit=unit, day__gte=wide_start, day__lte=wide_end
            )
            .values("day")
            .annotate(total=Sum("responses"))
            .values_list("day", "total")
        )
    return [
        (
            period,
            populations.get(period),
            sum(
                total or 0
                for day, total in days.items()
                if period.start <= day <= period.end
            ),
        )
        for period in sorted(periods)
    ]


def _in_period(
    responses: QuerySet[Response], period: Period | None
) -> QuerySet[Response]:
    if period is None:
        return responses
    return responses.filter(day__gte=period.start, day__lte=period.end)


def response_export_for_unit(
    unit: ServiceUnit, period: Period | None
) -> QuerySet[Response]:
    """The responses of *unit* (of *period*, or all) for its CSV export.

    The caller has checked that the user may open the unit's working pages
    (:func:`mutu.registry.selectors.unit_get_for_user`): the export holds the
    citizens' comments, as the results page does.
    """
    return _in_period(Response.objects.filter(unit=unit), period)


def response_export_for_region(
    user: User, region: Region, period: Period | None
) -> QuerySet[Response]:
    """The responses under *region* that *user* may see (of *period*, or all).

    Narrowed as the region page narrows its units
    (:func:`mutu.registry.selectors.region_unit_list`): through *user*'s grants, so a
    coordinator of one government inside a larger region exports only its units.
    The nation is the region at the top (a national admin's).
    """
    responses = Response.objects.filter(unit__path__startswith=region.path)
    return _in_period(scope_queryset(user, responses), period)


# ---------------------------------------------------------------------------------
# Bulk reads for the to-dos of the dashboards and the weekly digest
# (mutu.accounts.todos, docs/regulations.md D24): each takes the units as a
# queryset (used as a subquery) and answers in one GROUP BY, whatever their number.
# ---------------------------------------------------------------------------------


def period_kind_map(units: QuerySet[ServiceUnit]) -> dict[int, str]:
    """The survey period kind of each unit that chose one (others: quarterly)."""
    return dict(
        UnitSurveySettings.objects.filter(unit__in=units.values("pk")).values_list(
            "unit_id", "period_kind"
        )
    )


def response_count_map(
    units: QuerySet[ServiceUnit], ranges: dict[str, tuple[date, date]]
) -> dict[int, dict[str, int]]:
    """Counted responses of each unit on the days of each named range (from the
    rollups, one query): ``{unit_id: {name: count}}``; units with none are absent."""
    if not ranges:
        return {}
    first = min(start for start, _end in ranges.values())
    last = max(end for _start, end in ranges.values())
    rows = (
        DailyRollup.objects.filter(
            unit__in=units.values("pk"), day__gte=first, day__lte=last
        )
        .values("unit_id")
        .annotate(
            **{
                name: Sum("responses", filter=Q(day__gte=start, day__lte=end))
                for name, (start, end) in ranges.items()
            }
        )
        .order_by()
    )
    return {row["unit_id"]: {name: row[name] or 0 for name in ranges} for row in rows}


def population_map(
    units: QuerySet[ServiceUnit], period_keys: Iterable[str]
) -> dict[tuple[int, str], int]:
    """The stated population of each (unit, period key) among *period_keys*."""
    return {
        (unit_id, key): population
        for unit_id, key, population in PeriodPopulation.objects.filter(
            unit__in=units.values("pk"), period_key__in=list(period_keys)
        ).values_list("unit_id", "period_key", "population")
    }


def published_keys(
    units: QuerySet[ServiceUnit], period_keys: Iterable[str]
) -> set[tuple[int, str]]:
    """The (unit, period key) pairs among *period_keys* that are published."""
    return set(
        Publication.objects.filter(
            unit__in=units.values("pk"), period_key__in=list(period_keys)
        ).values_list("unit_id", "period_key")
    )


def flagged_count_map(
    units: QuerySet[ServiceUnit], ranges: dict[str, tuple[date, date]]
) -> dict[int, dict[str, int]]:
    """Flagged responses still counted (not excluded) of each unit on the days of
    each named range: ``{unit_id: {name: count}}``.

    Read from the flags (few rows) joined to their responses, so the response table
    is reached by primary key only, never scanned.
    """
    from mutu.surveys.models import ResponseFlag

    if not ranges:
        return {}
    first = min(start for start, _end in ranges.values())
    last = max(end for _start, end in ranges.values())
    rows = (
        ResponseFlag.objects.filter(
            response__unit__in=units.values("pk"),
            response__day__gte=first,
            response__day__lte=last,
            response__is_excluded=False,
        )
        .values("response__unit_id")
        .annotate(
            **{
                name: Count(
                    "response_id",
                    distinct=True,
                    filter=Q(response__day__gte=start, response__day__lte=end),
                )
                for name, (start, end) in ranges.items()
            }
        )
        .order_by()
    )
    return {
        row["response__unit_id"]: {name: row[name] for name in ranges} for row in rows
    }


def follow_up_due_map(
    units: QuerySet[ServiceUnit], *, today: date, soon_until: date
) -> dict[int, dict[str, Any]]:
    """Open follow-up plan items (not done) of each unit: ``overdue`` (due before
    *today*), ``soon`` (due *today* … *soon_until*) and ``period_key``, the
    earliest period with such an item; units with none are absent."""
    rows = (
        FollowUpItem.objects.filter(
            unit__in=units.values("pk"), due_date__lte=soon_until
        )
        .exclude(status=FollowUpItem.Status.DONE)
        .values("unit_id")
        .annotate(
            overdue=Count("id", filter=Q(due_date__lt=today)),
            soon=Count("id", filter=Q(due_date__gte=today)),
            period_key=Min("period_key"),
        )
        .order_by()
    )
    return {
        row["unit_id"]: {
            "overdue": row["overdue"],
            "soon": row["soon"],
            "period_key": row["period_key"],
        }
        for row in rows
    }


def import_error_count_map(
    units: QuerySet[ServiceUnit], *, since: datetime
) -> dict[int, int]:
    """Paper imports of each unit refused or failed since *since* and not followed
    by a later import that succeeded (the operator has not fixed the file yet)."""
    from mutu.surveys.models import ImportJob

    later_done = ImportJob.objects.filter(
        unit_id=OuterRef("unit_id"),
        status=ImportJob.Status.DONE,
        created_at__gt=OuterRef("created_at"),
    )
    return dict(
        ImportJob.objects.filter(
            unit__in=units.values("pk"),
            created_at__gte=since,
            status__in=[ImportJob.Status.REFUSED, ImportJob.Status.FAILED],
        )
        .exclude(Exists(later_done))
        .values("unit_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("unit_id", "n")
    )
