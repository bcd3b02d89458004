"""Reads of the surveys app: period tallies from rollups, results through ``measures``."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any, cast

from django.db import connections, router
from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from mutu.accounts.models import Role, User
from mutu.accounts.scoping import scope_queryset
from mutu.lookups import among_sql
from mutu.measures.errors import MeasureInputError
from mutu.measures.sampling import margin_of_error, required_sample
from mutu.measures.skm import SkmResult, skm_result
from mutu.measures.tally import PairSums, Tally
from mutu.measures.uncertainty import SkmUncertainty, skm_uncertainty
from mutu.registry.models import Region, ServiceUnit
from mutu.surveys.models import (
    AGE_BANDS,
    ELEMENT_FIELDS,
    ROLLUP_COUNT_FIELDS,
    ROLLUP_MARK_FIELDS,
    ROLLUP_PAIR_FIELDS,
    ROLLUP_PAIRS,
    ROLLUP_PROFILE_FIELDS,
    ROLLUP_PROFILE_VALUES,
    Channel,
    DailyRollup,
    Education,
    FollowUpItem,
    MonthlyRollup,
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


TALLY_FIELDS = ("responses", *ROLLUP_COUNT_FIELDS, *ROLLUP_PAIR_FIELDS)
"""The rollup columns a tally with its pair sums is made of."""
COUNT_TALLY_FIELDS = ("responses", *ROLLUP_COUNT_FIELDS)
"""The rollup columns of a tally without pair sums: enough for an IKM (not for
its covariance interval), a fifth of the columns to read."""


def _tally_from_sums(sums: dict[str, Any]) -> Tally:
    """:func:`tally_from_sums` of summed rollup columns by name (``responses``,
    the element counts and, when read, the pair sums)."""
    fields = TALLY_FIELDS if "u1u2_n" in sums else COUNT_TALLY_FIELDS
    return tally_from_sums(tuple(sums[name] for name in fields))


_COUNT_SLOTS = tuple(
    (field.upper(), tuple(TALLY_FIELDS.index(f"{field}_{v}") for v in (1, 2, 3, 4)))
    for field in ELEMENT_FIELDS
)
"""Each element's code and the positions of its four counts in a row of sums
(the same in :data:`TALLY_FIELDS` and its prefix :data:`COUNT_TALLY_FIELDS`)."""
_PAIR_SLOTS = tuple(
    (
        a.upper(),
        b.upper(),
        tuple(TALLY_FIELDS.index(f"{a}{b}_{part}") for part in ("n", "a", "b", "ab")),
    )
    for a, b in ROLLUP_PAIRS
)
"""Each element pair's codes and the positions of its four sums."""


def _rollup_sums(
    fields: Sequence[str],
    *,
    unit_ids: Sequence[int],
    start: date,
    end: date,
    service_id: int | None = None,
    group: str = "",
    monthly: bool = False,
) -> list[dict[str, Any]]:
    """:func:`rollup_rows` as dictionaries: ``group`` and each of *fields*."""
    rows = rollup_rows(
        fields,
        unit_ids=unit_ids,
        start=start,
        end=end,
        service_id=service_id,
        group=group,
        monthly=monthly,
    )
    return [
        {"group": row[0], **dict(zip(fields, row[1:], strict=True))} for row in rows
    ]


def rollup_rows(
    fields: Sequence[str],
    *,
    unit_ids: Sequence[int],
    start: date,
    end: date,
    service_id: int | None = None,
    group: str = "",
    monthly: bool = False,
) -> list[tuple[Any, ...]]:
    """``SUM`` of each rollup column of *fields* over the rows of *unit_ids* on the
    days start…end (and *service_id*), grouped by the SQL expression *group*
    (a column name, or a ``CASE`` made here; or several, comma-separated), as
    rows ``(*group, *sums)`` of ints.

    *monthly*: from the monthly rollups, whose months (first days) start…end
    are summed (no *service_id*, and *group* a column they have).

    Raw SQL because the ORM spends some 90 ms composing an aggregate of two
    hundred columns (more than the query itself); column names come from the
    model, values are parameters. Reads on the database the router picks (a
    replica for ``@replica_reads`` views).
    """
    model = MonthlyRollup if monthly else DailyRollup
    alias = router.db_for_read(model)
    quote = connections[alias].ops.quote_name
    table = quote(model._meta.db_table)
    day = "month" if monthly else "day"
    sums = ", ".join(f"COALESCE(SUM({quote(name)}), 0)" for name in fields)
    # One array parameter on PostgreSQL: a query with thousands of placeholders
    # costs the driver some 30 ms to split, each time (a national table).
    units, unit_params = among_sql("unit_id", list(unit_ids), connections[alias].vendor)
    params: list[Any] = [*unit_params]
    sql = (
        f"SELECT {group or 'NULL'}, {sums} FROM {table} "  # noqa: S608
        f"WHERE {units} AND {day} >= %s AND {day} <= %s"
    )
    params += [start, end]
    if service_id:
        sql += " AND service_id = %s"
        params.append(service_id)
    if group:
        sql += f" GROUP BY {group}"
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        # Every rollup column is an integer, so each SUM is a bigint: a Python int.
        return cursor.fetchall()


def month_split(
    start: date, end: date
) -> tuple[tuple[date, date] | None, list[tuple[date, date]]]:
    """The days start…end as the whole months in them (first and last month's
    first day, or ``None``) and the day ranges left over at either end.

    A quarter, a semester or a year is whole months only: it reads the monthly
    rollups alone.
    """
    first = start if start.day == 1 else _next_month(start)
    after = _next_month(end)  # the first day after end's month
    last = after if end == after - timedelta(days=1) else end.replace(day=1)
    # Whole months: first … last (exclusive).
    if first >= last:
        return None, [(start, end)]
    edges = []
    if start < first:
        edges.append((start, first - timedelta(days=1)))
    if last <= end:
        edges.append((last, end))
    return (first, _previous_month(last)), edges


def _next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def _previous_month(first: date) -> date:
    return (first - timedelta(days=1)).replace(day=1)


def _unit_sums(
    fields: Sequence[str], unit_ids: Sequence[int], start: date, end: date
) -> dict[int, tuple[int, ...]]:
    """Each unit's sums of *fields* on the days start…end: the whole months from
    the monthly rollups (one row per unit and month), the days at either end from
    the daily ones (issue 15 item 9)."""
    months, edges = month_split(start, end)
    parts = [
        rollup_rows(fields, unit_ids=unit_ids, start=a, end=b, group="unit_id")
        for a, b in edges
    ]
    if months:
        parts.append(
            rollup_rows(
                fields,
                unit_ids=unit_ids,
                start=months[0],
                end=months[1],
                group="unit_id",
                monthly=True,
            )
        )
    totals: dict[int, tuple[int, ...]] = {}
    for rows in parts:
        for row in rows:
            before = totals.get(row[0])
            totals[row[0]] = (
                tuple(row[1:])
                if before is None
                else tuple(a + b for a, b in zip(before, row[1:], strict=True))
            )
    return totals


def _summed(
    unit: ServiceUnit, period: Period, fields: Sequence[str], service_id: int | None
) -> dict[str, Any]:
    return _rollup_sums(
        fields,
        unit_ids=[unit.pk],
        start=period.start,
        end=period.end,
        service_id=service_id,
    )[0]


def period_tally(
    unit: ServiceUnit, period: Period, *, service_id: int | None = None
) -> Tally:
    """The tally (with pair sums) of a unit's counted responses in *period*,
    summed from rollups."""
    return _tally_from_sums(_summed(unit, period, TALLY_FIELDS, service_id))


def tally_sums_map(
    unit_ids: Iterable[int], start: date, end: date, *, pairs: bool = True
) -> dict[int, tuple[int, ...]]:
    """Each unit's sums of the :data:`TALLY_FIELDS` rollup columns (in that order;
    without *pairs* the :data:`COUNT_TALLY_FIELDS`) on the days start…end; a unit
    without counted responses there is absent.

    What a dashboard or a league table reads for many units at once: one
    ``GROUP BY unit`` over the monthly rollups for the whole months of the range
    (one row per unit and month) and one over the daily rollups for each part
    month at either end (:func:`month_split`). Plain tuples, so a caller can
    memoise what it computes from them (:func:`tally_from_sums`).
    """
    ids = sorted(set(unit_ids))
    if not ids:
        return {}
    fields = TALLY_FIELDS if pairs else COUNT_TALLY_FIELDS
    return {
        unit_id: sums
        for unit_id, sums in _unit_sums(fields, ids, start, end).items()
        if sums[0]  # responses
    }


def tally_sums_by_range(
    unit_ids: Iterable[int],
    ranges: Sequence[tuple[date, date]],
    *,
    pairs: bool = True,
) -> list[dict[int, tuple[int, ...]]]:
    """:func:`tally_sums_map` for each of several day ranges (one dictionary per
    range, in order): a dashboard's trend over earlier periods.

    When every range is whole months (a quarter, a semester, a year), one query
    over the monthly rollups grouped by unit and range instead of one per range:
    the database scans the months once and the round trips do not add up.
    Ranges that overlap count a month in the first one only; so do not pass
    any (periods of one kind never overlap).
    """
    ids = sorted(set(unit_ids))
    months = [month_split(start, end) for start, end in ranges]
    if not ids or not ranges or any(edges for _whole, edges in months):
        return [tally_sums_map(ids, start, end, pairs=pairs) for start, end in ranges]
    # Each range's first and last month as literals made here from dates (no
    # user text): a parameter in the CASE would differ between the SELECT and
    # the GROUP BY, which PostgreSQL refuses.
    bucket = " ".join(
        f"WHEN month >= '{whole[0].isoformat()}' AND month <= '{whole[1].isoformat()}'"
        f" THEN {index}"
        for index, (whole, _edges) in enumerate(months)
        if whole
    )
    spans = [whole for whole, _edges in months if whole]
    fields = TALLY_FIELDS if pairs else COUNT_TALLY_FIELDS
    rows = rollup_rows(
        fields,
        unit_ids=ids,
        start=min(first for first, _last in spans),
        end=max(last for _first, last in spans),
        group=f"unit_id, CASE {bucket} END",
        monthly=True,
    )
    out: list[dict[int, tuple[int, ...]]] = [{} for _ in ranges]
    for unit_id, index, *sums in rows:
        if index is not None and sums[0]:  # sums[0]: responses
            out[index][unit_id] = tuple(sums)
    return out


def tally_from_sums(sums: Sequence[int | None]) -> Tally:
    """The tally of one row of :func:`tally_sums_map`: the sums of the
    :data:`TALLY_FIELDS` rollup columns in that order, or of the
    :data:`COUNT_TALLY_FIELDS` only (no pair sums read: the trend needs none).

    With the pair sums the interval uses the covariance method, the same as
    ``mutu measure`` on the raw answers (mutu.measures.uncertainty). Sums that do
    not fit the counts (a rollup row damaged by hand) leave the pairs unknown:
    the interval then falls back to the conservative bound.
    """
    counts = {}
    for code, slots in _COUNT_SLOTS:
        row = [sums[i] or 0 for i in slots]
        if any(row):
            counts[code] = row
    tally = Tally.from_counts(counts, responses=sums[0] or 0)
    if len(sums) < len(TALLY_FIELDS):
        return tally
    try:
        return replace(
            tally,
            pairs=tuple(
                PairSums(a, b, *(sums[i] or 0 for i in slots))
                for a, b, slots in _PAIR_SLOTS
                if a in counts and b in counts
            ),
        )
    except MeasureInputError:
        return tally


def tally_map(unit_ids: Iterable[int], start: date, end: date) -> dict[int, Tally]:
    """The tally (with pair sums) of each unit's counted responses on the days
    start…end (:func:`tally_sums_map`)."""
    return {
        unit_id: tally_from_sums(sums)
        for unit_id, sums in tally_sums_map(unit_ids, start, end).items()
    }


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
    """Everything the results page shows for one unit and period, from rollups only:
    two queries (the sums, the channels), whatever the number of responses."""
    rows = _rollups(unit, period, service_id)
    sums = _summed(unit, period, (*TALLY_FIELDS, *ROLLUP_MARK_FIELDS), service_id)
    tally = _tally_from_sums(sums)
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
        for row in rows.values("channel").annotate(n=Sum("responses")).order_by("-n")
        if row["n"]
    ]
    return PeriodResult(
        period,
        tally,
        result,
        uncertainty,
        channels,
        sums["flagged"] or 0,
        sums["excluded"] or 0,
    )


def _period_responses(unit: ServiceUnit, period: Period) -> QuerySet[Response]:
    return Response.objects.filter(
        unit=unit, day__gte=period.start, day__lte=period.end
    )


def profile_tables(
    unit: ServiceUnit, period: Period
) -> dict[str, list[dict[str, Any]]]:
    """Counted respondents by sex, age band, education and occupation (§1.5),
    summed from the rollups' profile columns."""
    sums = _summed(unit, period, ROLLUP_PROFILE_FIELDS, None)
    tables: dict[str, list[dict[str, Any]]] = {}
    for field, choices in (
        ("sex", Sex.choices),
        ("education", Education.choices),
        ("occupation", Occupation.choices),
    ):
        columns = {
            value: column
            for name, value, column in ROLLUP_PROFILE_VALUES
            if name == field
        }
        rows = [
            {"label": label, "n": sums[columns[value]] or 0} for value, label in choices
        ]
        rows.append({"label": _("Tidak diisi"), "n": sums[columns[""]] or 0})
        tables[field] = rows
    tables["age"] = [
        {
            "label": f"{low}–{high}" if high < 100 else f"≥ {low}",
            "n": sums[f"age_{low}"] or 0,
        }
        for low, high in AGE_BANDS
    ] + [{"label": _("Tidak diisi"), "n": sums["age_blank"] or 0}]
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
    """Answers to the unit's own questions in the period (counted responses only),
    summed from the rollups' ``x1_1`` … ``x5_4`` columns.

    Outside the IKM by design (docs/regulations.md §1: the index has nine elements).
    Answers are stored by position (X1…X5), so they show under the unit's current
    wording of each question.
    """
    questions = survey_settings_for(unit).extra_questions or []
    if not questions:
        return []
    codes = [f"x{n}" for n in range(1, len(questions) + 1)]
    sums = _summed(
        unit, period, [f"{c}_{v}" for c in codes for v in (1, 2, 3, 4)], None
    )
    return [
        ExtraQuestionResult(
            code.upper(),
            question,
            tuple(sums[f"{code}_{value}"] or 0 for value in (1, 2, 3, 4)),  # type: ignore[arg-type]
        )
        for code, question in zip(codes, questions, strict=True)
    ]


def comment_list(
    unit: ServiceUnit, period: Period, *, limit: int = 50
) -> list[Response]:
    """The newest non-empty comments of counted responses in the period.

    Read through the partial index ``response_comments`` (unit, day, time, id,
    newest first, of counted responses with a comment): the scan starts at the
    period's last day and stops after *limit* rows, whatever the period's size.
    """
    return list(
        _period_responses(unit, period)
        .filter(is_excluded=False)
        .exclude(comment="")
        .order_by("-day", "-submitted_at", "-id")
        .select_related("service")
        .only("comment", "submitted_at", "service__name")[:limit]
    )


def trend(unit: ServiceUnit, period: Period, *, count: int = 6) -> list[dict[str, Any]]:
    """The converted IKM of the last *count* periods of the same kind, oldest first
    (one query over the rollups, grouped by period)."""
    periods = [period]
    while len(periods) < count:
        periods.append(periods[-1].previous())
    periods.reverse()
    # Dates of Period objects only, never input: safe to write into the CASE.
    case = (
        "CASE "
        + " ".join(
            f"WHEN day >= '{p.start.isoformat()}' AND day <= '{p.end.isoformat()}' "
            f"THEN {index}"
            for index, p in enumerate(periods)
        )
        + " END"
    )
    sums = {
        row["group"]: row
        for row in _rollup_sums(
            ("responses", *ROLLUP_COUNT_FIELDS),
            unit_ids=[unit.pk],
            start=periods[0].start,
            end=periods[-1].end,
            group=case,
        )
    }
    rows = []
    for index, item in enumerate(periods):
        row = sums.get(index)
        tally = _tally_from_sums(row) if row else Tally.empty()
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
    return {
        row["unit_id"]: {name: row[name] or 0 for name in ranges}
        for row in cast("Iterable[dict[str, Any]]", rows)
    }


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
        row["response__unit_id"]: {name: row[name] for name in ranges}
        for row in cast("Iterable[dict[str, Any]]", rows)
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
