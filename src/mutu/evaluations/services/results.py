"""A unit's result: computed with :mod:`mutu.measures`, finalized and locked by a
coordinator or admin, corrected as a new revision with a reason, and the award
certificate of an A or A- result of a published cycle."""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from mutu.accounts.scoping import MANAGER_ROLES, can_see
from mutu.audit.services import audit_record
from mutu.evaluations import states
from mutu.evaluations.instruments import cycle_instrument
from mutu.evaluations.models import Assignment, Certificate, Cycle, Result
from mutu.evaluations.services.rules import (
    _answer,
    _can_manage_cycle,
    _level,
    _lock,
    _refuse,
)
from mutu.measures.errors import MeasureInputError
from mutu.measures.evaluation import evaluate
from mutu.measures.rounding import round_half_up


def _listed(letters: tuple[str, ...], conjunction: str) -> str:
    """``A dan A-`` / ``A, A- dan B``; ``-`` when the instrument awards nothing."""
    if len(letters) < 2:
        return "".join(letters) or "-"
    return f"{', '.join(letters[:-1])} {conjunction} {letters[-1]}"


def _require_manager(actor: Any, assignment: Assignment) -> None:
    if not can_see(actor, assignment.unit, roles=MANAGER_ROLES):
        raise _refuse(
            "Hanya koordinator atau admin yang memfinalkan hasil.",
            "Only a coordinator or an admin finalizes results.",
        )


def _compute(assignment: Assignment) -> tuple[Any, dict[str, Any]]:
    instrument = cycle_instrument(assignment.cycle)
    scores = {
        answer.indicator: answer.score
        for answer in assignment.answers.all()
        if answer.score is not None
    }
    user_scores = [row.scores for row in assignment.user_assessments.all()]
    try:
        result = evaluate(instrument, scores, user_scores=user_scores or None)
    except MeasureInputError as error:
        raise _refuse(
            f"Belum dapat dihitung: {error.message_id}.",
            f"Cannot compute yet: {error.message_en}.",
            field=getattr(error, "column", None),
        ) from error
    aspects = {
        a.code: {
            "name": a.name,
            "weight": str(a.weight),
            "value": str(round_half_up(a.value, 4)),
        }
        for a in result.aspects
        if a.scored
    }
    return result, aspects


def _decimal(value: Any) -> Decimal:
    return round_half_up(value, 6)


def _store_result(
    *, actor: Any, assignment: Assignment, revision: int, reason: str
) -> Result:
    result, aspects = _compute(assignment)
    Result.objects.filter(assignment=assignment, is_current=True).update(
        is_current=False
    )
    return Result.objects.create(
        assignment=assignment,
        revision=revision,
        aspects=aspects,
        evaluator_index=_decimal(result.evaluator_index),
        user_index=_decimal(result.user_index)
        if result.user_index is not None
        else None,
        user_index_used=result.user_index_used,
        user_respondents=result.user_respondents,
        index=_decimal(result.index),
        index_display=round_half_up(result.index, 2),
        predicate=result.predicate.letter,
        predicate_label=result.predicate.label_id,
        basis=result.basis("id")[:255],
        reason=reason,
        finalized_by=actor,
        finalized_at=timezone.now(),
    )


@transaction.atomic
def result_finalize(*, actor: Any, assignment: Assignment) -> Result:
    """Compute the index and predicate (mutu.measures) and lock the unit's result."""
    assignment = _lock(assignment)
    _require_manager(actor, assignment)
    if assignment.stage == Assignment.Stage.FINALIZED:
        return assignment.results.get(is_current=True)
    if not states.evaluator_side_open(assignment, timezone.localdate()):
        raise _refuse(
            "Hasil hanya dapat difinalkan setelah unit mengajukan dan evaluator menilai.",
            "A result can be finalized only after submission and scoring.",
        )
    unexplained = sorted(
        (
            answer.indicator
            for answer in assignment.answers.exclude(score__isnull=True)
            if answer.score != answer.self_level and not answer.score_note.strip()
        ),
        key=lambda q: int(q[1:]),
    )
    if unexplained:
        raise _refuse(
            f"Nilai evaluator berbeda dari penilaian mandiri tanpa catatan: "
            f"{', '.join(unexplained)}.",
            f"Evaluator scores differ from the self-assessment without a note: "
            f"{', '.join(unexplained)}.",
            field=unexplained[0],
        )
    result = _store_result(actor=actor, assignment=assignment, revision=1, reason="")
    assignment.stage = Assignment.Stage.FINALIZED
    assignment.save()
    audit_record(
        actor=actor,
        action="result.finalize",
        target=result,
        changes={
            "index": [None, str(result.index_display)],
            "predicate": [None, result.predicate],
        },
    )
    return result


@transaction.atomic
def result_revise(
    *, actor: Any, assignment: Assignment, scores: Mapping[str, int], reason: str
) -> Result:
    """Correct a finalized result: new scores, a new revision, the reason on record."""
    assignment = _lock(assignment)
    _require_manager(actor, assignment)
    if assignment.stage != Assignment.Stage.FINALIZED:
        raise _refuse("Hasil belum final.", "The result is not final yet.")
    if not reason.strip():
        raise _refuse(
            "Alasan koreksi wajib diisi.",
            "A correction needs a reason.",
            field="reason",
        )
    if not states.result_correctable(assignment):
        raise _refuse(
            "Piagam sudah terbit untuk hasil ini; koreksi tidak dapat dilakukan.",
            "A certificate was issued for this result; it cannot be corrected.",
        )
    changes: dict[str, list[Any]] = {}
    for indicator, score in scores.items():
        answer = _answer(assignment, indicator)
        score = _level(score, "score")
        if answer.score != score:
            changes[indicator] = [answer.score, score]
            answer.score = score
            answer.save()
    if not changes:
        raise _refuse(
            "Tidak ada nilai yang berubah.", "No score changed.", field="scores"
        )
    previous = assignment.results.get(is_current=True)
    revision = assignment.results.aggregate(top=Max("revision"))["top"] + 1
    result = _store_result(
        actor=actor, assignment=assignment, revision=revision, reason=reason.strip()
    )
    changes["index"] = [str(previous.index_display), str(result.index_display)]
    changes["predicate"] = [previous.predicate, result.predicate]
    audit_record(
        actor=actor,
        action="result.revise",
        target=result,
        changes=changes,
        reason=reason.strip(),
    )
    return result


@transaction.atomic
def certificate_issue(*, actor: Any, result: Result) -> Certificate:
    """Issue the award certificate of a result of a published cycle (idempotent).

    Only a predicate the cycle's instrument awards qualifies (D14: A and A-).
    """
    existing = Certificate.objects.filter(result=result).first()
    if existing:
        return existing
    cycle = result.assignment.cycle
    if not _can_manage_cycle(actor, cycle):
        raise _refuse("Anda tidak berwenang.", "You are not allowed to do this.")
    if not states.certificate_state_allows(result):
        raise _refuse(
            "Piagam hanya untuk hasil terkini dari siklus yang sudah dipublikasikan.",
            "Certificates are only for current results of published cycles.",
        )
    awarded = cycle_instrument(cycle).award_predicates  # D14: A and A- in PEKPPP
    if result.predicate not in awarded:
        raise _refuse(
            f"Piagam hanya untuk predikat {_listed(awarded, 'dan')}.",
            f"Certificates are only for {_listed(awarded, 'and')}.",
        )
    unit = result.assignment.unit
    Cycle.objects.select_for_update().get(pk=cycle.pk)  # serialise the numbering
    sequence = Certificate.objects.filter(result__assignment__cycle=cycle).count() + 1
    certificate = Certificate.objects.create(
        result=result,
        number=f"MUTU/{cycle.year}/{cycle.pk:03d}/{sequence:04d}",
        unit_name=unit.name,
        head_name=unit.head_name or "-",
        head_title=unit.head_title or "-",
        predicate=result.predicate,
        predicate_label=result.predicate_label,
        cycle_name=cycle.name,
    )
    audit_record(actor=actor, action="certificate.issue", target=certificate)
    return certificate
