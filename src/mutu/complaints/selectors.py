"""Reads of the complaints app, always scoped to what the user may see.

Identity (D21): an anonymous complaint keeps none; an open complaint's identity is
shown to the handling unit's staff and those above it; a confidential one's only
to the unit's head and the regional coordinator. Never on the tracking page or in
the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from mutu.accounts.models import Role, RoleGrant, User
from mutu.accounts.scoping import SIGHT_ROLES, can_see, scope_queryset
from mutu.complaints.models import (
    AnswerTemplate,
    CalendarDay,
    Complaint,
    ComplaintAttachment,
    ComplaintRecap,
)
from mutu.measures.complaints import (
    ANSWER_DAYS,
    INSPECTION_DAYS,
    RESOLVE_DAYS,
    VERIFY_DAYS,
    ComplaintFacts,
    ComplaintFigures,
    complaint_figures_compute,
)
from mutu.measures.working_days import (
    WorkingCalendar,
    working_day_add,
    working_days_between,
)
from mutu.registry.models import ServiceUnit
from mutu.surveys.periods import period_from_key

NEARLY_LATE_DAYS = 1
"""A deadline is "nearly late" on its due day and the working day before."""


def working_calendar() -> WorkingCalendar:
    """The working-day calendar with the national admin's adjustments (D9)."""
    rows = list(CalendarDay.objects.values_list("day", "working"))
    return WorkingCalendar(
        added=frozenset(day for day, working in rows if not working),
        removed=frozenset(day for day, working in rows if working),
    )


def due_dates(
    filed_on: date,
    calendar: WorkingCalendar,
    *,
    field_inspection: bool = False,
    verify_days: int = VERIFY_DAYS,
    answer_days: int = ANSWER_DAYS,
    resolve_days: int = RESOLVE_DAYS,
) -> dict[str, date]:
    """The three due dates of a complaint filed on *filed_on* (D9)."""
    resolve = INSPECTION_DAYS if field_inspection else resolve_days
    return {
        "verify_due": working_day_add(filed_on, verify_days, calendar),
        "answer_due": working_day_add(filed_on, answer_days, calendar),
        "resolve_due": working_day_add(filed_on, resolve, calendar),
    }


def coordinators_of(unit: ServiceUnit) -> list[User]:
    """The regional coordinators whose scope holds *unit* (with an e-mail)."""
    grants = RoleGrant.objects.filter(role=Role.COORDINATOR).select_related("user")
    return sorted(
        {
            g.user
            for g in grants
            if unit.path.startswith(g.scope_path) and g.user.email and g.user.is_active
        },
        key=lambda u: u.pk,
    )


def identity_visible(user: User | None, complaint: Complaint) -> bool:
    """Whether *user* may see who filed *complaint* (D21)."""
    if user is None or complaint.privacy == Complaint.Privacy.ANONYMOUS:
        return False
    if complaint.privacy == Complaint.Privacy.CONFIDENTIAL:
        return can_see(user, complaint.unit, roles=(Role.UNIT_HEAD, Role.COORDINATOR))
    return can_see(user, complaint.unit, roles=SIGHT_ROLES)


def complaint_list_for_unit(
    user: User, unit: ServiceUnit, filters: dict[str, str] | None = None
) -> QuerySet[Complaint]:
    """The unit's complaints, newest first, narrowed by *filters*: ``status``,
    ``service``, ``channel``, ``kind``, ``due`` (``late``, ``soon``)."""
    rows = scope_queryset(user, Complaint.objects.filter(unit=unit)).select_related(
        "service"
    )
    filters = filters or {}
    for key in ("status", "channel", "kind"):
        if filters.get(key):
            rows = rows.filter(**{key: filters[key]})
    if (filters.get("service") or "").isdigit():
        rows = rows.filter(service_id=int(filters["service"]))
    today = timezone.localdate()
    if filters.get("due") == "late":
        rows = (
            rows.exclude(status__in=["closed", "archived"]).filter(
                resolve_due__lt=today
            )
            | rows.filter(status="received", verify_due__lt=today)
            | rows.filter(answered_at__isnull=True, answer_due__lt=today).exclude(
                status="archived"
            )
        )
    elif filters.get("due") == "soon":
        rows = rows.filter(answered_at__isnull=True, answer_due__gte=today).exclude(
            status="archived"
        )
    return rows.distinct().order_by("-filed_at", "-pk")


def complaint_get_for_user(
    user: User, unit: ServiceUnit, complaint_id: int
) -> Complaint:
    """One complaint of *unit* the user may see, else 404."""
    found = (
        scope_queryset(user, Complaint.objects.filter(unit=unit, pk=complaint_id))
        .select_related("unit", "service", "follow_up", "forwarded_from")
        .first()
    )
    if found is None:
        raise Http404
    return found


def complaint_by_code(code: str) -> Complaint | None:
    """The complaint of a tracking code (case-insensitive), if any."""
    code = (code or "").strip().upper()
    if len(code) != 10:
        return None
    return (
        Complaint.objects.select_related("unit", "service")
        .filter(tracking_code=code)
        .first()
    )


def attachment_get_for_user(user: User, attachment_id: int) -> ComplaintAttachment:
    """An attachment of a complaint *user* may see in its unit, else 404."""
    found = (
        scope_queryset(user, ComplaintAttachment.objects.filter(pk=attachment_id))
        .select_related("complaint")
        .first()
    )
    if found is None:
        raise Http404
    return found


def answer_templates_for(unit: ServiceUnit) -> list[AnswerTemplate]:
    return list(AnswerTemplate.objects.filter(unit=unit))


def _in_time(done: datetime | None, due: date, today: date) -> bool | None:
    if done is not None:
        return timezone.localdate(done) <= due
    return False if today > due else None


def deadline_state(complaint: Complaint, today: date | None = None) -> str:
    """``late``, ``soon`` (due today or tomorrow) or ``ok`` for the next pending
    deadline; ``""`` once closed or archived."""
    today = today or timezone.localdate()
    if complaint.status in (Complaint.Status.CLOSED, Complaint.Status.ARCHIVED):
        return ""
    pending = []
    if complaint.status == Complaint.Status.RECEIVED:
        pending.append(complaint.verify_due)
    if complaint.answered_at is None:
        pending.append(complaint.answer_due)
    pending.append(complaint.resolve_due)
    nearest = min(pending)
    if today > nearest:
        return "late"
    if (nearest - today).days <= NEARLY_LATE_DAYS:
        return "soon"
    return "ok"


def complaint_facts(
    complaint: Complaint, calendar: WorkingCalendar, today: date
) -> ComplaintFacts:
    close_days = None
    if complaint.status == Complaint.Status.CLOSED and complaint.closed_at:
        close_days = working_days_between(
            timezone.localdate(complaint.filed_at),
            timezone.localdate(complaint.closed_at),
            calendar,
        )
    return ComplaintFacts(
        kind=complaint.kind,
        channel=complaint.channel,
        status=complaint.status,
        verified_in_time=_in_time(complaint.verified_at, complaint.verify_due, today),
        answered_in_time=_in_time(complaint.answered_at, complaint.answer_due, today),
        close_days=close_days,
        rating=complaint.rating,
        reopened=complaint.reopened_at is not None,
        solved=complaint.solved,
        follow_up=complaint.follow_up_id is not None,
    )


@dataclass(frozen=True)
class UnitComplaintFigures:
    """A unit's complaint figures over ``start``–``end`` (filing dates)."""

    start: date
    end: date
    figures: ComplaintFigures

    def __getattr__(self, name: str) -> Any:
        return getattr(self.figures, name)

    def as_public(self) -> dict[str, Any]:
        """The recap's figures as JSON (percentages rounded to whole numbers)."""
        f = self.figures

        def percent(share: Fraction | None) -> int | None:
            return None if share is None else round(share * 100)

        return {
            "total": f.total,
            "by_kind": f.by_kind,
            "by_channel": f.by_channel,
            "verified_percent": percent(f.verified_share),
            "answered_percent": percent(f.answered_share),
            "closed": f.closed,
            "median_close_days": (
                None if f.median_close_days is None else float(f.median_close_days)
            ),
            "mean_rating": None if f.mean_rating is None else float(f.mean_rating),
            "reopened_percent": percent(f.reopened_share),
            "solved_percent": percent(f.solved_share),
        }


def complaint_figures(
    unit: ServiceUnit, start: date, end: date, *, today: date | None = None
) -> UnitComplaintFigures:
    """The figures of the complaints *unit* received from *start* to *end* (both
    included): counts by kind and channel, share verified within 3 and answered
    within 5 working days, median working days to close, ratings, reopened and
    solved shares (D9, D13). For the dashboards, the recap and the feeds."""
    today = today or timezone.localdate()
    calendar = working_calendar()
    rows = Complaint.objects.filter(
        unit=unit, filed_at__date__gte=start, filed_at__date__lte=end
    )
    facts = [complaint_facts(c, calendar, today) for c in rows.iterator()]
    return UnitComplaintFigures(start, end, complaint_figures_compute(facts))


def recap_list_public(unit: ServiceUnit) -> list[ComplaintRecap]:
    """The unit's published quarterly recaps, newest first (public)."""
    return list(ComplaintRecap.objects.filter(unit=unit).order_by("-period_key")[:8])


def recap_count(unit: ServiceUnit, start: date, end: date) -> int:
    """How many recaps the unit published from *start* to *end*."""
    return ComplaintRecap.objects.filter(
        unit=unit, published_at__date__gte=start, published_at__date__lte=end
    ).count()


@dataclass(frozen=True)
class PublishedMonth:
    """One unit's complaint figures of one month for the open data (D25)."""

    unit: ServiceUnit
    month: date
    """The first day of the month the complaints were filed in."""
    figures: ComplaintFigures


def _month_start(day: date) -> date:
    return day.replace(day=1)


def complaint_figures_published_months(
    *, today: date | None = None
) -> list[PublishedMonth]:
    """The complaint figures (D9, D13, D20) of every unit per month of filing, for
    the months inside a period whose recap the unit published: a unit that never
    published a recap, and a month without complaints, give no row (D25).

    Three queries whatever the number of units and months (the calendar, the
    recaps, the complaints); of a complaint only its dates, kind, channel, status,
    rating and answers are read, never its text or who filed it. Ordered by region
    code, unit name and month.
    """
    today = today or timezone.localdate()
    calendar = working_calendar()
    recaps = ComplaintRecap.objects.select_related("unit__government__region")
    covered: dict[int, list[tuple[date, date]]] = {}
    units: dict[int, ServiceUnit] = {}
    for recap in recaps:
        try:
            period = period_from_key(recap.period_key)
        except ValueError:
            continue
        covered.setdefault(recap.unit_id, []).append((period.start, period.end))
        units[recap.unit_id] = recap.unit
    if not covered:
        return []
    earliest = min(start for spans in covered.values() for start, _end in spans)
    rows = (
        Complaint.objects.filter(unit_id__in=covered, filed_at__date__gte=earliest)
        .only(
            "unit_id",
            "kind",
            "channel",
            "status",
            "filed_at",
            "verify_due",
            "answer_due",
            "verified_at",
            "answered_at",
            "closed_at",
            "reopened_at",
            "rating",
            "solved",
            "follow_up_id",
        )
        .order_by()
    )
    facts: dict[tuple[int, date], list[ComplaintFacts]] = {}
    for complaint in rows.iterator(chunk_size=2000):
        filed = timezone.localdate(complaint.filed_at)
        spans = covered[complaint.unit_id]
        if not any(start <= filed <= end for start, end in spans):
            continue
        key = (complaint.unit_id, _month_start(filed))
        facts.setdefault(key, []).append(complaint_facts(complaint, calendar, today))
    ordered = sorted(
        facts,
        key=lambda key: (
            units[key[0]].government.region.code,
            units[key[0]].name,
            key[0],
            key[1],
        ),
    )
    return [
        PublishedMonth(units[unit_id], month, complaint_figures_compute(facts[key]))
        for key in ordered
        for unit_id, month in [key]
    ]


def complaint_due_map(
    units: QuerySet[ServiceUnit], *, today: date | None = None
) -> dict[int, dict[str, int]]:
    """Each unit's open complaints by the state of their next deadline
    (:func:`deadline_state`, D9), in one query: ``late`` (a pending deadline has
    passed) and ``soon`` (not late, and one is due today or the next day); units
    with neither are absent. For the dashboards' to-dos and the weekly digest."""
    from datetime import timedelta

    from django.db.models import Count, Q

    today = today or timezone.localdate()
    soon = today + timedelta(days=NEARLY_LATE_DAYS)
    S = Complaint.Status
    late = (
        Q(resolve_due__lt=today)
        | Q(status=S.RECEIVED, verify_due__lt=today)
        | Q(answered_at__isnull=True, answer_due__lt=today)
    )
    due_soon = (
        Q(resolve_due__lte=soon)
        | Q(status=S.RECEIVED, verify_due__lte=soon)
        | Q(answered_at__isnull=True, answer_due__lte=soon)
    )
    rows = (
        Complaint.objects.filter(unit__in=units.values("pk"))
        .exclude(status__in=[S.CLOSED, S.ARCHIVED])
        .filter(due_soon)
        .values("unit_id")
        .annotate(
            late=Count("id", filter=late),
            soon=Count("id", filter=~late),
        )
        .order_by()
    )
    return {row["unit_id"]: {"late": row["late"], "soon": row["soon"]} for row in rows}


def complaint_figures_map(
    unit_ids: list[int], start: date, end: date, *, today: date | None = None
) -> dict[int, UnitComplaintFigures]:
    """:func:`complaint_figures` of many units at once (the dashboards' league
    tables): one query for the complaints filed from *start* to *end*, grouped by
    unit in Python. A unit that received none is absent from the result."""
    today = today or timezone.localdate()
    calendar = working_calendar()
    facts: dict[int, list[ComplaintFacts]] = {}
    rows = Complaint.objects.filter(
        unit_id__among=unit_ids, filed_at__date__gte=start, filed_at__date__lte=end
    ).order_by()
    for complaint in rows.iterator(chunk_size=2000):
        facts.setdefault(complaint.unit_id, []).append(
            complaint_facts(complaint, calendar, today)
        )
    return {
        unit_id: UnitComplaintFigures(start, end, complaint_figures_compute(items))
        for unit_id, items in facts.items()
    }
