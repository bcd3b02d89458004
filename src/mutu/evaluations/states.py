"""What each state of a cycle, an assignment and a result allows, in one place.

The services refuse a write when these say no (with their own message), and the
pages offer a button only when they say yes (through ``selectors.cycle_actions`` and
``selectors.assignment_actions``), so a page never offers what the service would
refuse. Reads only; who the actor is is checked elsewhere (roles and scopes).
"""

from datetime import date

from mutu.evaluations.models import Assignment, Cycle, Result


def revision_expired(assignment: Assignment, today: date) -> bool:
    """An open revision past its deadline: the unit's side closed, the evaluator's
    side and finalization reopen on what was submitted."""
    return (
        assignment.stage == Assignment.Stage.REVISION
        and assignment.revision_due is not None
        and today > assignment.revision_due
    )


def unit_deadline(assignment: Assignment) -> date | None:
    """The last day the unit may change its side: the cycle's self-assessment
    deadline, or the revision deadline while a revision is open."""
    if assignment.stage == Assignment.Stage.REVISION:
        return assignment.revision_due
    return assignment.cycle.self_assessment_due


def unit_side_unlocked(assignment: Assignment) -> bool:
    """Not yet submitted, or sent back for revision."""
    return assignment.stage in (Assignment.Stage.DRAFT, Assignment.Stage.REVISION)


def unit_side_open(assignment: Assignment, today: date) -> bool:
    """The unit may answer, attach evidence and submit now."""
    deadline = unit_deadline(assignment)
    return unit_side_unlocked(assignment) and (deadline is None or today <= deadline)


def evaluator_side_open(assignment: Assignment, today: date) -> bool:
    """The evaluator may score, visit and ask for a revision; the manager may
    finalize: after submission, or once a revision has run out."""
    return assignment.stage == Assignment.Stage.SUBMITTED or revision_expired(
        assignment, today
    )


def visit_open(assignment: Assignment) -> bool:
    """Field visits are recorded until the result is final."""
    return assignment.stage != Assignment.Stage.FINALIZED


def revision_available(assignment: Assignment) -> bool:
    """The one revision round is not used yet."""
    return assignment.revisions_used < 1


def result_correctable(assignment: Assignment) -> bool:
    """A final result may be corrected, even after its certificate was issued: the
    correction then revokes the certificate (D14, D18)."""
    return assignment.stage == Assignment.Stage.FINALIZED


def cycle_has_final_result(cycle: Cycle) -> bool:
    return Result.objects.filter(assignment__cycle=cycle, is_current=True).exists()


def cycle_publishable(cycle: Cycle) -> bool:
    """Not yet published and with at least one final result."""
    return cycle.status != Cycle.Status.PUBLISHED and cycle_has_final_result(cycle)


def certificate_state_allows(result: Result) -> bool:
    """A certificate goes to a current result of a published cycle (the predicate
    rule is the instrument's: ``Instrument.awards``)."""
    return (
        result.assignment.cycle.status == Cycle.Status.PUBLISHED and result.is_current
    )
