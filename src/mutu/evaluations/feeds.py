"""Objective feeds: indicators whose evidence Mutu already holds, pre-filled for review.

The instrument declares which indicators are fed and by which rule (the ``feed`` of
an indicator in its file, docs/regulations.md D11, D13); this module only gathers
each rule's figures from the database, one gatherer per source of
:mod:`mutu.measures.feed_sources`, and lets :func:`mutu.measures.feeds.feed_propose`
turn them into a proposed level 0–5 with the data it came from and how it was
computed, in Indonesian. The evaluator confirms or changes the level. Survey data
is read through :mod:`mutu.surveys.selectors` only.
"""

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from mutu.complaints import selectors as complaints
from mutu.evaluations.instruments import cycle_instrument
from mutu.evaluations.models import Assignment, Cycle
from mutu.measures.complaints import COUNTER_GROUP
from mutu.measures.feed_sources import (
    FeedWindow,
    FigureValue,
    FollowUpPeriod,
    SamplePeriod,
    follow_up_speed,
    sample_periods,
)
from mutu.measures.feeds import feed_propose
from mutu.measures.instrument import (
    DEFAULT_PEKPPP_INSTRUMENT,
    Instrument,
    load_instrument,
)
from mutu.registry.models import (
    ServicePoint,
    ServiceStandard,
    ServiceUnit,
    UnitRecord,
)
from mutu.surveys import selectors as surveys
from mutu.surveys.models import FollowUpItem, Publication

Figures = dict[str, FigureValue]

NON_ELECTRONIC_MEDIA = frozenset({Publication.Medium.PRINT.value})
"""Publication media that count as non-electronic (cetak) for indicator 6 (§1.7)."""


def standard_figures(unit: ServiceUnit, window: FeedWindow) -> Figures:
    """Source ``standards``: the unit's active services' standards, complete, decreed.

    A standard is complete with all 14 components (UU 25/2009 Ps. 21) and counts as
    decreed only when it is complete and has a decree number.
    """
    standards = list(
        ServiceStandard.objects.filter(service__unit=unit, service__is_active=True)
    )
    complete = [s for s in standards if s.completeness.is_complete]
    return {
        "standards": len(standards),
        "complete": len(complete),
        "decreed": sum(bool(s.decree_number) for s in complete),
    }


def _done(item: FollowUpItem) -> bool:
    return item.status == FollowUpItem.Status.DONE


def skm_figures(unit: ServiceUnit, window: FeedWindow) -> Figures:
    """Source ``skm``: the window's responses, publications and their media, plan
    items done, and its survey periods measured against Krejcie & Morgan (D5, D17)."""
    publications = surveys.publication_list_between(unit, window.start, window.end)
    media = {medium for p in publications for medium in p.media}
    printed = media & NON_ELECTRONIC_MEDIA
    periods = [
        SamplePeriod(population, collected)
        for _period, population, collected in surveys.sample_list_between(
            unit, window.start, window.end
        )
    ]
    figures: Figures = {
        "responses": surveys.response_count_between(unit, window.start, window.end),
        "publications": len(publications),
        "media": len(media),
        "print_media": len(printed),
        "electronic_media": len(media - printed),
        "media_names": ", ".join(sorted(media)),
        "follow_up_done": sum(
            _done(i)
            for i in surveys.follow_up_list_between(unit, window.start, window.end)
        ),
    }
    return figures | sample_periods(periods)


def _completion(item: FollowUpItem) -> date | None:
    """The day an item was finished; ``None`` while open (or done without a date)."""
    return item.completed_at if _done(item) else None


def follow_up_figures(unit: ServiceUnit, window: FeedWindow) -> Figures:
    """Source ``skm_follow_up``: the window's plan items and how fast they finished.

    Speed (§1.7 indicator 9, D17) looks at every period of the window that was
    published: days from publication to the last item done, an unfinished plan
    counted up to the day of evaluation (``window.evaluated_on``).
    """
    items = surveys.follow_up_list_between(unit, window.start, window.end)
    by_period: dict[str, list[FollowUpItem]] = {}
    for item in items:
        by_period.setdefault(item.period_key, []).append(item)
    publications = surveys.publication_list_between(unit, window.start, window.end)
    speed = follow_up_speed(
        [
            FollowUpPeriod(
                p.published_at,
                tuple(_completion(i) for i in by_period.get(p.period_key, [])),
            )
            for p in publications
        ],
        window.evaluated_on,
    )
    return {
        "items": len(items),
        "done": sum(_done(i) for i in items),
    } | speed


def standard_publication_figures(unit: ServiceUnit, window: FeedWindow) -> Figures:
    """Source ``standard_publication`` (Q3, D19): where the active services'
    standards publish their service-delivery components, and SIPP Nasional.

    The registry keeps the current state (not a history), so the window does not
    narrow it; the weakest standard sets ``fewest_media``.
    """
    standards = list(
        ServiceStandard.objects.filter(service__unit=unit, service__is_active=True)
    )
    published = [s for s in standards if s.publication_media]
    return {
        "standards": len(standards),
        "published": len(published),
        "complete": sum(s.publication_complete for s in published),
        "fewest_media": min((len(s.publication_media) for s in standards), default=0),
        "sippn": sum(s.on_sippn for s in standards),
    }


def _unit_record(unit: ServiceUnit) -> UnitRecord:
    """The unit's record as stored now (not ``unit.record``, which a long-lived
    unit object would keep stale); an empty one when it has recorded nothing."""
    return UnitRecord.objects.filter(unit=unit).first() or UnitRecord(unit=unit)


def charter_figures(unit: ServiceUnit, window: FeedWindow) -> Figures:
    """Source ``service_charter`` (Q5, D19): the unit's Maklumat Pelayanan record."""
    record = _unit_record(unit)
    return {
        "drafted": record.charter_drafted,
        "decreed": record.charter_decreed,
        "content_checked": record.charter_content_checked,
        "print": record.charter_print,
        "electronic": record.charter_electronic,
    }


def service_hours_figures(unit: ServiceUnit, window: FeedWindow) -> Figures:
    """Source ``service_hours`` (Q10, D19): the hours policy and its elements; the
    counters' opening hours count when every counter has them (at least one)."""
    record = _unit_record(unit)
    points = list(ServicePoint.objects.filter(unit=unit))
    return {
        "policy": bool(record.hours_policy.strip()),
        "counter_hours": bool(points)
        and all(p.opens_at and p.closes_at for p in points),
        "no_break": record.hours_no_break,
        "extra_hours": record.hours_extra,
        "holiday": record.hours_holiday,
    }


def queue_figures(unit: ServiceUnit, window: FeedWindow) -> Figures:
    """Source ``queue_system`` (Q31, D19): the queue system at the unit's counters."""
    record = _unit_record(unit)
    return {
        "queue": record.has_queue,
        "machine": record.queue_machine,
        "display": record.queue_display,
        "online": record.queue_online,
        "priority": record.queue_priority,
    }


def complaint_figures(unit: ServiceUnit, window: FeedWindow) -> Figures:
    """Source ``complaints``: the complaints the unit received in the window, the
    media they came by, answers within their D9 deadline (as of the evaluation
    day), published recaps, closing and the citizens' "solved?" answers (D13).
    Read through :mod:`mutu.complaints.selectors` only."""
    figures = complaints.complaint_figures(
        unit, window.start, window.end, today=window.evaluated_on
    ).figures
    groups = figures.media_groups
    others = sorted(groups - {COUNTER_GROUP})
    return {
        "complaints": figures.total,
        "counter": figures.by_channel.get("counter", 0),
        "other_media": len(others),
        "media_names": ", ".join(others),
        "answer_measured": figures.answered_measured,
        "answered_in_time": figures.answered_in_time,
        "recaps": complaints.recap_count(unit, window.start, window.evaluated_on),
        "handled": figures.handled,
        "closed": figures.closed,
        "closed_with_follow_up": figures.closed_with_follow_up,
        "solved_yes": figures.solved_yes,
        "solved_no": figures.solved_no,
    }


GATHERERS: Mapping[str, Callable[[ServiceUnit, FeedWindow], Figures]] = {
    "standards": standard_figures,
    "skm": skm_figures,
    "skm_follow_up": follow_up_figures,
    "complaints": complaint_figures,
    "standard_publication": standard_publication_figures,
    "service_charter": charter_figures,
    "service_hours": service_hours_figures,
    "queue_system": queue_figures,
}
"""One gatherer per source of :data:`mutu.measures.feed_sources.FEED_SOURCES`."""


def _gather(
    unit: ServiceUnit, window: FeedWindow, instrument: Instrument
) -> tuple[dict[str, dict[str, Any]], dict[str, Figures]]:
    gathered: dict[str, Figures] = {}
    feeds: dict[str, dict[str, Any]] = {}
    for indicator in instrument.indicators:
        rule = indicator.feed
        if rule is None:
            continue
        if rule.source not in gathered:
            gathered[rule.source] = GATHERERS[rule.source](unit, window)
        feeds[indicator.number] = feed_propose(rule, gathered[rule.source]).as_dict()
    return feeds, gathered


def feeds_for(
    unit: ServiceUnit, window: FeedWindow, instrument: Instrument | None = None
) -> dict[str, dict[str, Any]]:
    """The proposed level of every fed indicator of *instrument* for *unit* over *window*.

    Keyed by indicator number; each value is the stored feed ``{"level", "value",
    "how", "source"}``. *instrument* defaults to the default PEKPPP instrument (D8).
    Each source is gathered once, and only when a fed indicator needs it.
    """
    return _gather(
        unit, window, instrument or load_instrument(DEFAULT_PEKPPP_INSTRUMENT)
    )[0]


def _stored(value: FigureValue) -> Any:
    """A figure as JSON keeps it: counts, flags, text and ``None`` as they are,
    exact numbers as text ("100/3")."""
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def feed_snapshot(
    unit: ServiceUnit, window: FeedWindow, instrument: Instrument
) -> dict[str, Any]:
    """The feeds of *unit* over *window* with the figures they used, as frozen
    into a final result (D11, D16): ``{"window": {...}, "indicators": {number:
    feed}, "figures": {source: {figure: value}}}``."""
    feeds, gathered = _gather(unit, window, instrument)
    return {
        "window": {
            "start": window.start.isoformat(),
            "end": window.end.isoformat(),
            "evaluated_on": window.evaluated_on.isoformat(),
        },
        "indicators": feeds,
        "figures": {
            source: {name: _stored(value) for name, value in figures.items()}
            for source, figures in gathered.items()
        },
    }


# The feeds of a cycle's unit: live until its result is final, frozen after ------


def cycle_window(cycle: Cycle, evaluated_on: date) -> FeedWindow:
    """The cycle's data window (``data_from``–``data_to``, D16), evaluated on a day."""
    return FeedWindow(cycle.data_from, cycle.data_to, evaluated_on)


def assignment_feeds(assignment: Assignment, today: date) -> dict[str, dict[str, Any]]:
    """The proposal of every fed indicator of *assignment*, as its pages show it.

    Recomputed from the cycle's window on *today* until the unit's result is final
    (D11); after that, the feeds frozen into the current result at finalization.
    """
    if assignment.stage == Assignment.Stage.FINALIZED:
        result = assignment.results.filter(is_current=True).first()
        if result is not None and "indicators" in result.feeds:
            return dict(result.feeds["indicators"])
        return {a.indicator: a.feed for a in assignment.answers.all() if a.feed}
    return feeds_for(
        assignment.unit,
        cycle_window(assignment.cycle, today),
        cycle_instrument(assignment.cycle),
    )


def indicator_feed(
    assignment: Assignment, indicator: str, today: date
) -> dict[str, Any] | None:
    """The live proposal for one indicator (``None`` when it is not fed): only
    its rule's source is gathered."""
    instrument = cycle_instrument(assignment.cycle)
    rule = next((i.feed for i in instrument.indicators if i.number == indicator), None)
    if rule is None:
        return None
    window = cycle_window(assignment.cycle, today)
    figures = GATHERERS[rule.source](assignment.unit, window)
    return feed_propose(rule, figures).as_dict()


def departs(feed: Mapping[str, Any] | None, level: int | None) -> bool:
    """Whether *level* departs from the level *feed* proposes (D11): only for a fed
    indicator with a proposal and a level given."""
    proposed = (feed or {}).get("level")
    return proposed is not None and level is not None and level != proposed
