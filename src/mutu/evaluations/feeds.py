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
from mutu.measures.complaints import COUNTER_GROUP
from mutu.measures.feed_sources import FeedWindow, FigureValue, months_between
from mutu.measures.feeds import feed_propose
from mutu.measures.instrument import (
    DEFAULT_PEKPPP_INSTRUMENT,
    Instrument,
    load_instrument,
)
from mutu.registry.models import ServiceStandard, ServiceUnit
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
    """Source ``skm``: the year's responses, publications and their media, plan done."""
    year = window.year
    publications = surveys.publication_list_for_year(unit, year)
    media = {medium for p in publications for medium in p.media}
    printed = media & NON_ELECTRONIC_MEDIA
    return {
        "responses": surveys.response_count_for_year(unit, year),
        "publications": len(publications),
        "media": len(media),
        "print_media": len(printed),
        "electronic_media": len(media - printed),
        "media_names": ", ".join(sorted(media)),
        "follow_up_done": sum(
            _done(i) for i in surveys.follow_up_list_for_year(unit, year)
        ),
    }


def _months_to_finish(
    publication: Publication, items: list[FollowUpItem]
) -> int | None:
    """Months from publication to the last item done, or None while one is open."""
    if not items or not all(_done(i) and i.completed_at for i in items):
        return None
    last: date = max(i.completed_at for i in items if i.completed_at)
    return months_between(publication.published_at, last)


def follow_up_figures(unit: ServiceUnit, window: FeedWindow) -> Figures:
    """Source ``skm_follow_up``: the year's plan items and how fast plans finished.

    Speed looks at the periods published for the evaluation year and the year
    before (§1.7, indicator 9: the last two years); a period counts once every item
    of its plan is done with a completion date.
    """
    year = window.year
    items = surveys.follow_up_list_for_year(unit, year)
    publications = surveys.publication_list_for_year(
        unit, year
    ) + surveys.publication_list_for_year(unit, year - 1)
    by_period: dict[str, list[FollowUpItem]] = {}
    for item in surveys.follow_up_list_for_periods(
        unit, [p.period_key for p in publications]
    ):
        by_period.setdefault(item.period_key, []).append(item)
    months = [
        m
        for p in publications
        if (m := _months_to_finish(p, by_period.get(p.period_key, []))) is not None
    ]
    return {
        "items": len(items),
        "done": sum(_done(i) for i in items),
        "periods_done": len(months),
        "slowest_months": max(months) if months else None,
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
}
"""One gatherer per source of :data:`mutu.measures.feed_sources.FEED_SOURCES`."""


def feeds_for(
    unit: ServiceUnit, window: FeedWindow, instrument: Instrument | None = None
) -> dict[str, dict[str, Any]]:
    """The proposed level of every fed indicator of *instrument* for *unit* over *window*.

    Keyed by indicator number; each value is the stored feed ``{"level", "value",
    "how", "source"}``. *instrument* defaults to the default PEKPPP instrument (D8).
    Each source is gathered once, and only when a fed indicator needs it.
    """
    instrument = instrument or load_instrument(DEFAULT_PEKPPP_INSTRUMENT)
    gathered: dict[str, Figures] = {}
    feeds: dict[str, dict[str, Any]] = {}
    for indicator in instrument.indicators:
        rule = indicator.feed
        if rule is None:
            continue
        if rule.source not in gathered:
            gathered[rule.source] = GATHERERS[rule.source](unit, window)
        feeds[indicator.number] = feed_propose(rule, gathered[rule.source]).as_dict()
    return feeds
