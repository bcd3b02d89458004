"""Reads of evaluations, always narrowed: units see their own assignments, evaluators
only the units assigned to them, coordinators and admins their scope."""

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from mutu.accounts.models import Role
from mutu.accounts.scoping import (
    MANAGER_ROLES,
    UNIT_ROLES,
    grant_paths,
    has_role,
    region_part,
    scope_queryset,
)
from mutu.evaluations import states
from mutu.evaluations.feeds import assignment_feeds, departs
from mutu.evaluations.instruments import cycle_instrument
from mutu.evaluations.models import (
    Answer,
    Assignment,
    Certificate,
    Cycle,
    FieldVisit,
    Result,
)
from mutu.measures.errors import MeasureInputError
from mutu.measures.evaluation import evaluate
from mutu.measures.rounding import round_half_up


def assignment_list_for_user(user: Any) -> QuerySet[Assignment]:
    """Assignments the user works on: own unit, assigned as evaluator, or managed."""
    managed = scope_queryset(
        user, Assignment.objects.all(), roles=[Role.NATIONAL_ADMIN, Role.COORDINATOR]
    )
    own = scope_queryset(user, Assignment.objects.all(), roles=UNIT_ROLES)
    mine = (
        Assignment.objects.filter(evaluators=user)
        if user.is_authenticated
        else Assignment.objects.none()
    )
    return (
        Assignment.objects.filter(
            Q(pk__in=managed.values("pk"))
            | Q(pk__in=own.values("pk"))
            | Q(pk__in=mine.values("pk"))
        )
        .select_related("cycle", "unit", "unit__government")
        .order_by("-cycle__year", "cycle__name", "unit__name")
    )


Side = Literal["unit", "evaluator", "manager"]


def assignment_get_for_user(
    user: Any, assignment_id: int, *, acting_as: Side | None = None
) -> Assignment:
    """One assignment the user may see (404 otherwise: an evaluator sees only his own).

    With *acting_as*, only when *user* is on that side of it (:func:`roles_on`), so
    a form answers 404 to whoever may not submit it: the unit fills in and submits
    its self-assessment, the evaluator scores, asks for the revision and records
    visits, a manager finalizes and corrects. The services check again.
    """
    try:
        assignment = assignment_list_for_user(user).get(pk=assignment_id)
    except Assignment.DoesNotExist as error:
        raise Http404 from error
    if acting_as is not None and not roles_on(user, assignment)[acting_as]:
        raise Http404
    return assignment


def roles_on(user: Any, assignment: Assignment) -> dict[str, bool]:
    """What *user* may do on *assignment*: unit side, evaluator, manager."""
    unit_side = scope_queryset(
        user, Assignment.objects.filter(pk=assignment.pk), roles=UNIT_ROLES
    ).exists()
    evaluator = assignment.evaluators.filter(pk=user.pk).exists()
    manager = scope_queryset(
        user,
        Assignment.objects.filter(pk=assignment.pk),
        roles=[Role.NATIONAL_ADMIN, Role.COORDINATOR],
    ).exists()
    return {"unit": unit_side, "evaluator": evaluator, "manager": manager}


def assignment_actions(
    user: Any, assignment: Assignment, *, today: date | None = None
) -> dict[str, bool]:
    """The actions *user* may take on *assignment* now: their side (``roles_on``)
    and what the assignment's state allows (``mutu.evaluations.states``, the same
    checks the services refuse with), so the page offers nothing the service
    would refuse."""
    today = today or timezone.localdate()
    roles = roles_on(user, assignment)
    evaluator_open = roles["evaluator"] and states.evaluator_side_open(
        assignment, today
    )
    return {
        **roles,
        "self_assess": roles["unit"] and states.unit_side_open(assignment, today),
        "score": evaluator_open,
        "request_revision": evaluator_open and states.revision_available(assignment),
        "visit": roles["evaluator"] and states.visit_open(assignment),
        "finalize": roles["manager"] and states.evaluator_side_open(assignment, today),
        "correct": roles["manager"] and states.result_correctable(assignment),
    }


def cycle_actions(cycle: Cycle, ranking: list[dict[str, Any]]) -> dict[str, bool]:
    """The cycle-wide actions its state allows now (for its manager, who alone sees
    the cycle page): publish while unpublished with a final result; issue
    certificates while a ranked result the instrument awards has none yet
    (*ranking* is ``cycle_results(cycle)``)."""
    instrument = cycle_instrument(cycle)
    return {
        "publish": states.cycle_publishable(cycle),
        "certificates": any(
            states.certificate_state_allows(row["result"])
            and instrument.awards(row["result"].predicate)
            and not hasattr(row["result"], "certificate")
            for row in ranking
        ),
    }


def answer_rows(
    assignment: Assignment, *, today: date | None = None
) -> list[dict[str, Any]]:
    """Indicators grouped by aspect, each with its answer, rubric and evidence, and
    the data Mutu proposes a level from (``feed``: recomputed on *today* until the
    result is final, frozen after; D11, D16) with each side's departure from it."""
    instrument = cycle_instrument(assignment.cycle)
    answers = {a.indicator: a for a in assignment.answers.prefetch_related("evidence")}
    feeds = assignment_feeds(assignment, today or timezone.localdate())
    rows = []
    for aspect in instrument.aspects:
        items: list[dict[str, Any]] = []
        for indicator in aspect.indicators:
            answer = answers[indicator.number]
            feed = feeds.get(indicator.number)
            items.append(
                {
                    "indicator": indicator,
                    "answer": answer,
                    "feed": feed,
                    "proposes": (feed or {}).get("level") is not None,
                    "self_departs": departs(feed, answer.self_level),
                    "score_departs": departs(feed, answer.score),
                }
            )
        filled = sum(1 for item in items if item["answer"].self_level is not None)
        rows.append(
            {"aspect": aspect, "items": items, "filled": filled, "total": len(items)}
        )
    return rows


def cycle_departures(cycle: Cycle) -> list[dict[str, Any]]:
    """Every level of the cycle's units that departs from the data's proposal
    (D11), unit by unit in indicator order: the self-assessment's and the
    evaluator's, each with its reason. The proposal is the one shown when the
    level was saved (frozen at finalization), kept on the answer."""
    rows: list[dict[str, Any]] = []
    answers = (
        Answer.objects.filter(assignment__cycle=cycle, feed__level__isnull=False)
        .exclude(self_level__isnull=True, score__isnull=True)
        .select_related("assignment__unit")
        .order_by("assignment__unit__name", "id")
    )
    for answer in answers:
        self_departs = departs(answer.feed, answer.self_level)
        score_departs = departs(answer.feed, answer.score)
        if self_departs or score_departs:
            rows.append(
                {
                    "assignment": answer.assignment,
                    "answer": answer,
                    "proposed": answer.feed["level"],
                    "self_departs": self_departs,
                    "score_departs": score_departs,
                }
            )
    return sorted(
        rows,
        key=lambda row: (
            row["assignment"].unit.name,
            int(row["answer"].indicator[1:]),
        ),
    )


def certificate_replacement(certificate: Certificate) -> Certificate | None:
    """The valid certificate that replaced a revoked one (same unit and cycle)."""
    if certificate.revoked_at is None:
        return None
    return (
        Certificate.objects.filter(
            result__assignment_id=certificate.result.assignment_id,
            revoked_at__isnull=True,
        )
        .order_by("-issued_at")
        .first()
    )


def current_result(assignment: Assignment) -> Result | None:
    return assignment.results.filter(is_current=True).first()


def result_certificate(result: Result | None) -> Certificate | None:
    """The certificate issued for *result*, if any (its page and PDF are public)."""
    if result is None:
        return None
    return Certificate.objects.filter(result=result).first()


def cycle_results(
    cycle: Cycle, *, region_code: str | None = None
) -> list[dict[str, Any]]:
    """Current results of a cycle, ranked (1 = best), with rank within the region
    and ``awarded``: whether the cycle's instrument awards the predicate (D14)."""
    instrument = cycle_instrument(cycle)
    results = list(
        Result.objects.filter(assignment__cycle=cycle, is_current=True)
        .select_related("assignment__unit__government__region", "certificate")
        .order_by("-index", "assignment__unit__name")
    )
    rows: list[dict[str, Any]] = []
    by_region: dict[int, int] = {}
    for rank, result in enumerate(results, start=1):
        region = result.assignment.unit.government.region
        by_region[region.pk] = by_region.get(region.pk, 0) + 1
        rows.append(
            {
                "rank": rank,
                "region_rank": by_region[region.pk],
                "result": result,
                "region": region,
                "awarded": instrument.awards(result.predicate),
            }
        )
    if region_code:
        rows = [
            row
            for row in rows
            if row["region"].code == region_code
            or row["region"].path.startswith(f"/ID/{region_code}/")
        ]
    return rows


def previous_results(assignment: Assignment) -> list[Result]:
    """The unit's current results in earlier cycles (for comparison)."""
    return list(
        Result.objects.filter(
            assignment__unit=assignment.unit,
            is_current=True,
            assignment__cycle__year__lt=assignment.cycle.year,
        ).select_related("assignment__cycle")
    )


def previous_cycle_result(assignment: Assignment) -> Result | None:
    """The unit's current result in its latest cycle before this one's year."""
    return (
        Result.objects.filter(
            assignment__unit=assignment.unit,
            is_current=True,
            assignment__cycle__year__lt=assignment.cycle.year,
        )
        .select_related("assignment__cycle")
        .order_by("-assignment__cycle__year", "-finalized_at")
        .first()
    )


def _provisional_aspects(assignment: Assignment) -> dict[str, Decimal] | None:
    """Aspect values from the evaluator's scores so far, once every scored
    indicator has one (F-02 only: F-03 does not change the aspects); else None."""
    instrument = cycle_instrument(assignment.cycle)
    scores = {
        answer.indicator: answer.score
        for answer in assignment.answers.all()
        if answer.score is not None
    }
    try:
        computed = evaluate(instrument, scores)
    except MeasureInputError:
        return None
    return {a.code: round_half_up(a.value, 4) for a in computed.aspects if a.scored}


def _stored_aspects(result: Result) -> dict[str, Decimal]:
    return {
        code: Decimal(str(aspect["value"]))
        for code, aspect in (result.aspects or {}).items()
    }


def aspect_comparison(assignment: Assignment) -> dict[str, Any] | None:
    """The six aspects of *assignment* beside the unit's previous cycle (issue 12).

    Values come from the current final result, or, before it, from the
    evaluator's scores once all are in (``provisional``); the previous cycle's from
    its current result. Rows follow this cycle's instrument (aspects matched by
    code; an aspect missing on one side is ``None`` there). None when there is
    nothing to show on either side.
    """
    result = current_result(assignment)
    provisional = result is None
    values = (
        _stored_aspects(result)
        if result is not None
        else _provisional_aspects(assignment)
    )
    previous = previous_cycle_result(assignment)
    before = _stored_aspects(previous) if previous is not None else {}
    if values is None and previous is None:
        return None
    values = values or {}
    rows = []
    for aspect in cycle_instrument(assignment.cycle).aspects:
        if not aspect.scored:
            continue
        value, earlier = values.get(aspect.code), before.get(aspect.code)
        rows.append(
            {
                "code": aspect.code,
                "name": aspect.name,
                "name_en": aspect.name_en,
                "weight": aspect.weight,
                "value": value,
                "previous": earlier,
                "change": round_half_up(value - earlier, 2)
                if value is not None and earlier is not None
                else None,
            }
        )
    return {
        "rows": rows,
        "has_values": bool(values),
        "provisional": provisional and bool(values),
        "previous": previous,
    }


def cycle_list_for_user(user: Any) -> QuerySet[Cycle]:
    """Cycles whose region lies inside a region the user manages (admin, coordinator).

    A regency coordinator's scope is its government (``/ID/18/18.09/g2/``); its region
    part (``/ID/18/18.09/``) decides, so it manages the regency's Mandiri rounds but
    never sees a provincial or national cycle.
    """
    condition = Q(pk__in=[])
    for path in grant_paths(user, roles=[Role.NATIONAL_ADMIN, Role.COORDINATOR]):
        condition |= Q(region__path__startswith=region_part(path))
    return Cycle.objects.filter(condition)


def cycle_ids_openable(user: Any) -> set[int]:
    """The ids of the cycles whose page *user* may open: those he manages and those
    he evaluates in (:func:`cycle_get_for_evaluator`), so lists link only those."""
    managed = cycle_list_for_user(user).values_list("pk", flat=True)
    evaluated = (
        Assignment.objects.filter(evaluators=user).values_list("cycle_id", flat=True)
        if getattr(user, "is_authenticated", False)
        else []
    )
    return {*managed, *evaluated}


def cycle_get_for_evaluator(user: Any, cycle_id: int) -> tuple[Cycle, list[Assignment]]:
    """A cycle *user* evaluates in, with only his own assignments of it (read-only).

    An evaluator manages no cycle (:func:`cycle_list_for_user`), but he may open the
    cycle he works in to find his units; the other units, the evaluators of others
    and the unpublished ranking stay hidden. ``Http404`` when he has no assignment
    in the cycle (or the cycle does not exist).
    """
    if not getattr(user, "is_authenticated", False):
        raise Http404
    assignments = list(
        Assignment.objects.filter(cycle_id=cycle_id, evaluators=user)
        .select_related("cycle", "unit", "unit__government")
        .order_by("unit__name")
    )
    if not assignments:
        raise Http404
    return assignments[0].cycle, assignments


def can_open_cycle(user: Any) -> bool:
    """Whether *user* may open an evaluation cycle somewhere: a national admin or a
    coordinator (the service checks the cycle's region against the scope)."""
    return has_role(user, *MANAGER_ROLES)


def published_cycles() -> QuerySet[Cycle]:
    return Cycle.objects.filter(status=Cycle.Status.PUBLISHED).order_by("-year", "name")


def published_cycle_list() -> list[Cycle]:
    """Published cycles, newest first, each with ``awarded``: its certificates, best
    index first (for the public results index; two queries whatever the count).

    Only the certificates of published cycles are listed: before publication the
    ranking is not public (each certificate's own page is, for its holder to show).
    """
    cycles = list(published_cycles())
    awarded: dict[int, list[Certificate]] = {cycle.pk: [] for cycle in cycles}
    certificates = (
        Certificate.objects.filter(
            result__is_current=True,
            result__assignment__cycle__in=cycles,
            revoked_at__isnull=True,
        )
        .annotate(cycle_pk=F("result__assignment__cycle_id"))
        .order_by("-result__index", "unit_name")
    )
    for certificate in certificates:
        awarded[certificate.cycle_pk].append(certificate)  # type: ignore[attr-defined]
    for cycle in cycles:
        cycle.awarded = awarded[cycle.pk]  # type: ignore[attr-defined]
    return cycles


# The evaluation reports (issue 15 item 6, docs/regulations.md D25) ---------------


def cycle_report_get_for_user(user: Any, cycle_id: int) -> Cycle:
    """The cycle whose report *user* may read: a published cycle for anyone (its
    results are public), an unpublished one only for its managers (404 else)."""
    cycle = Cycle.objects.select_related("region").filter(pk=cycle_id).first()
    if cycle is None:
        raise Http404
    if cycle.status == Cycle.Status.PUBLISHED:
        return cycle
    if not cycle_list_for_user(user).filter(pk=cycle.pk).exists():
        raise Http404
    return cycle


def report_assignments(cycle: Cycle) -> list[Assignment]:
    """The units a cycle's report shows: once published, those with a current
    result (what was published); before, every assignment (drafts included)."""
    rows = cycle.assignments.select_related("unit__government__region").order_by(
        "unit__name", "pk"
    )
    if cycle.status == Cycle.Status.PUBLISHED:
        rows = rows.filter(results__is_current=True)
    return list(rows)


def assignment_report_get_for_user(user: Any, assignment_id: int) -> Assignment:
    """The assignment whose score sheet *user* may read: a unit of a published
    cycle with a current result for anyone; otherwise whoever may see the
    assignment (its unit, its evaluator, the managers; 404 else)."""
    public = (
        Assignment.objects.select_related("cycle", "unit__government__region")
        .filter(
            pk=assignment_id,
            cycle__status=Cycle.Status.PUBLISHED,
            results__is_current=True,
        )
        .first()
    )
    if public is not None:
        return public
    assignment = assignment_get_for_user(user, assignment_id)
    return Assignment.objects.select_related("cycle", "unit__government__region").get(
        pk=assignment.pk
    )


def score_sheets(cycle: Cycle, assignments: list[Assignment]) -> list[dict[str, Any]]:
    """The score sheet of each of *assignments* (all of *cycle*), read in a fixed
    number of queries whatever their count: per aspect its indicators with the
    self-assessed level and the evaluator's score, their notes, the data's
    proposal (the feed frozen into the final result, or before it the one last
    shown beside a saved level) and each side's departure from it with its reason;
    the current result with its certificate, the figures the feeds used, the
    departures and the field visits (D11, D16)."""
    instrument = cycle_instrument(cycle)
    ids = [a.pk for a in assignments]
    answers: dict[int, dict[str, Answer]] = {pk: {} for pk in ids}
    for answer in Answer.objects.filter(assignment_id__in=ids):
        answers[answer.assignment_id][answer.indicator] = answer
    results = {
        r.assignment_id: r
        for r in Result.objects.filter(
            assignment_id__in=ids, is_current=True
        ).select_related("certificate")
    }
    visits: dict[int, list[FieldVisit]] = {pk: [] for pk in ids}
    for visit in FieldVisit.objects.filter(assignment_id__in=ids).order_by(
        "visited_on", "pk"
    ):
        visits[visit.assignment_id].append(visit)
    sheets = []
    for assignment in assignments:
        result = results.get(assignment.pk)
        frozen = (result.feeds or {}).get("indicators", {}) if result else {}
        aspect_values = (result.aspects or {}) if result else {}
        aspects = []
        departures = []
        for aspect in instrument.aspects:
            items = []
            for indicator in aspect.indicators:
                given = answers[assignment.pk].get(indicator.number)
                feed = frozen.get(indicator.number) or (given.feed if given else {})
                self_level = given.self_level if given else None
                score = given.score if given else None
                item = {
                    "indicator": indicator,
                    "answer": given,
                    "self_level": self_level,
                    "score": score,
                    "feed": feed or {},
                    "self_departs": departs(feed, self_level),
                    "score_departs": departs(feed, score),
                }
                items.append(item)
                if item["self_departs"] or item["score_departs"]:
                    departures.append(item)
            value = aspect_values.get(aspect.code, {}).get("value")
            aspects.append(
                {
                    "aspect": aspect,
                    "value": Decimal(value) if value is not None else None,
                    "items": items,
                }
            )
        certificate = getattr(result, "certificate", None) if result else None
        sheets.append(
            {
                "assignment": assignment,
                "unit": assignment.unit,
                "result": result,
                "certificate": certificate,
                "aspects": aspects,
                "departures": departures,
                "figures": (result.feeds or {}).get("figures", {}) if result else {},
                "window": (result.feeds or {}).get("window", {}) if result else {},
                "visits": visits[assignment.pk],
            }
        )
    return sheets


# ---------------------------------------------------------------------------------
# Bulk reads for the to-dos of the dashboards and the weekly digest
# (mutu.accounts.todos, docs/regulations.md D24): one query each.
# ---------------------------------------------------------------------------------


def unit_deadline_list(units: QuerySet[Any], *, today: date) -> list[Assignment]:
    """The assignments of open cycles where one of *units* may still answer and
    submit (:func:`mutu.evaluations.states.unit_side_open`), soonest deadline first."""
    rows = (
        Assignment.objects.filter(
            unit__in=units.values("pk"),
            cycle__status=Cycle.Status.OPEN,
            stage__in=[Assignment.Stage.DRAFT, Assignment.Stage.REVISION],
        )
        .select_related("cycle", "unit")
        .order_by("cycle__self_assessment_due", "pk")
    )
    open_rows = [row for row in rows if states.unit_side_open(row, today)]
    return sorted(open_rows, key=lambda row: (states.unit_deadline(row), row.pk))


def cycle_waiting_list(user: Any, *, today: date) -> list[dict[str, Any]]:
    """The open cycles *user* manages (:func:`cycle_list_for_user`) with units
    waiting on the evaluator's side or on finalization: ``submitted`` (sent by the
    unit, not final yet) and ``revision_expired`` (a revision ran out), per cycle."""
    expired = Q(stage=Assignment.Stage.REVISION, revision_due__lt=today)
    rows = (
        Assignment.objects.filter(
            cycle__in=cycle_list_for_user(user).filter(status=Cycle.Status.OPEN)
        )
        .filter(Q(stage=Assignment.Stage.SUBMITTED) | expired)
        .values("cycle_id", "cycle__name")
        .annotate(
            submitted=Count("id", filter=Q(stage=Assignment.Stage.SUBMITTED)),
            revision_expired=Count("id", filter=expired),
        )
        .order_by("cycle__name")
    )
    return [dict(row) for row in rows]


def evaluator_waiting_list(user: Any, *, today: date) -> list[Assignment]:
    """The assignments *user* evaluates whose evaluator side is open now
    (:func:`mutu.evaluations.states.evaluator_side_open`)."""
    if not getattr(user, "is_authenticated", False):
        return []
    rows = (
        Assignment.objects.filter(
            evaluators=user,
            cycle__status=Cycle.Status.OPEN,
            stage__in=[Assignment.Stage.SUBMITTED, Assignment.Stage.REVISION],
        )
        .select_related("cycle", "unit")
        .order_by("cycle__name", "unit__name")
    )
    return [row for row in rows if states.evaluator_side_open(row, today)]


def latest_published_result_map(unit_ids: list[int]) -> dict[int, Result]:
    """Each unit's current result in its newest published cycle (the predicate a
    dashboard shows), for many units in one query; units never evaluated in a
    published cycle are absent."""
    results = (
        Result.objects.filter(
            is_current=True,
            assignment__unit_id__among=unit_ids,
            assignment__cycle__status=Cycle.Status.PUBLISHED,
        )
        .select_related("assignment__cycle")
        .order_by("-assignment__cycle__year", "-assignment__cycle_id")
    )
    latest: dict[int, Result] = {}
    for result in results:
        latest.setdefault(result.assignment.unit_id, result)
    return latest
