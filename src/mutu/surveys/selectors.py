"""Reads of the surveys app: period tallies from rollups, results through ``measures``."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from mutu.measures.errors import MeasureInputError
from mutu.measures.skm import SkmResult, skm_result
from mutu.measures.tally import Tally
from mutu.measures.uncertainty import SkmUncertainty, skm_uncertainty
from mutu.registry.models import ServiceUnit
from mutu.surveys.models import (
    ELEMENT_FIELDS,
    ROLLUP_COUNT_FIELDS,
    Channel,
    DailyRollup,
    Response,
)
from mutu.surveys.periods import Period


def _rollups(unit: ServiceUnit, period: Period, service_id: int | None) -> QuerySet:
    rows = DailyRollup.objects.filter(
        unit=unit, day__gte=period.start, day__lte=period.end
    )
    return rows.filter(service_id=service_id) if service_id else rows


def period_tally(
    unit: ServiceUnit, period: Period, *, service_id: int | None = None
) -> Tally:
    """The tally of a unit's counted responses in *period*, summed from rollups."""
    sums = _rollups(unit, period, service_id).aggregate(
        responses=Sum("responses"), **{name: Sum(name) for name in ROLLUP_COUNT_FIELDS}
    )
    counts = {
        field.upper(): [sums[f"{field}_{v}"] or 0 for v in (1, 2, 3, 4)]
        for field in ELEMENT_FIELDS
    }
    counts = {code: row for code, row in counts.items() if sum(row)}
    return Tally.from_counts(counts, responses=sums["responses"] or 0)


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
    tally = period_tally(unit, period, service_id=service_id)
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
