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
from mutu.evaluations.feeds import cycle_window, departs, feed_snapshot
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


def _departures(
    assignment: Assignment, proposals: Mapping[str, Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """The fed indicators whose score departs from the proposal, with the data and
    the reasons (D11), in indicator order."""
    rows = [
        {
            "indicator": answer.indicator,
            "proposed": proposals[answer.indicator]["level"],
            "value": proposals[answer.indicator].get("value", ""),
            "score": answer.score,
            "reason": answer.score_reason,
            "self_level": answer.self_level,
            "self_reason": answer.self_reason,
        }
        for answer in assignment.answers.all()
        if departs(proposals.get(answer.indicator), answer.score)
    ]
    return sorted(rows, key=lambda row: int(row["indicator"][1:]))


def _store_result(
    *,
    actor: Any,
    assignment: Assignment,
    revision: int,
    reason: str,
    feeds: dict[str, Any],
) -> Result:
    result, aspects = _compute(assignment)
    departures = _departures(assignment, feeds.get("indicators", {}))
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
        feeds=feeds,
        departures=departures,
        departures_count=len(departures),
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
    # The feeds are frozen now, with the figures they used (D11, D16); a score
    # that departs from them needs the evaluator's reason.
    feeds = feed_snapshot(
        assignment.unit,
        cycle_window(assignment.cycle, timezone.localdate()),
        cycle_instrument(assignment.cycle),
    )
    proposals = feeds["indicators"]
    answers = list(assignment.answers.all())
    unreasoned = sorted(
        (
            answer.indicator
            for answer in answers
            if departs(proposals.get(answer.indicator), answer.score)
            and not answer.score_reason.strip()
        ),
        key=lambda q: int(q[1:]),
    )
    if unreasoned:
        raise _refuse(
            f"Nilai evaluator berbeda dari usulan data Mutu tanpa alasan: "
            f"{', '.join(unreasoned)}. Tuliskan alasannya pada nilai itu.",
            f"Evaluator scores depart from Mutu's proposed level without a reason: "
            f"{', '.join(unreasoned)}. Give the reason with each score.",
            field=unreasoned[0],
        )
    for answer in answers:
        frozen = proposals.get(answer.indicator)
        if frozen is not None and answer.feed != frozen:
            answer.feed = frozen
            answer.save(update_fields=["feed"])
    result = _store_result(
        actor=actor, assignment=assignment, revision=1, reason="", feeds=feeds
    )
    assignment.stage = Assignment.Stage.FINALIZED
    assignment.save()
    audit_record(
        actor=actor,
        action="result.finalize",
        target=result,
        changes={
            "index": [None, str(result.index_display)],
            "predicate": [None, result.predicate],
            "departures": [None, result.departures_count],
        },
    )
    return result


@transaction.atomic
def result_revise(
    *, actor: Any, assignment: Assignment, scores: Mapping[str, int], reason: str
) -> Result:
    """Correct a finalized result: new scores, a new revision, the reason on record.

    The feeds stay as frozen at finalization; a corrected score that departs from
    them carries the correction's reason (D11). When the corrected result had a
    certificate, the certificate is revoked with the same reason, and a new one
    with a new number is issued if the new predicate still qualifies (D14, D18).
    """
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
    reason = reason.strip()
    previous = assignment.results.get(is_current=True)
    proposals = previous.feeds.get("indicators", {})
    changes: dict[str, list[Any]] = {}
    for indicator, score in scores.items():
        answer = _answer(assignment, indicator)
        score = _level(score, "score")
        if answer.score != score:
            changes[indicator] = [answer.score, score]
            answer.score = score
            answer.score_reason = (
                reason if departs(proposals.get(indicator), score) else ""
            )
            answer.save()
    if not changes:
        raise _refuse(
            "Tidak ada nilai yang berubah.", "No score changed.", field="scores"
        )
    certificate = (
        Certificate.objects.select_for_update()
        .filter(result=previous, revoked_at__isnull=True)
        .first()
    )
    revision = assignment.results.aggregate(top=Max("revision"))["top"] + 1
    result = _store_result(
        actor=actor,
        assignment=assignment,
        revision=revision,
        reason=reason,
        feeds=previous.feeds,
    )
    changes["index"] = [str(previous.index_display), str(result.index_display)]
    changes["predicate"] = [previous.predicate, result.predicate]
    changes["departures"] = [previous.departures_count, result.departures_count]
    if certificate is not None:
        replacement = _certificate_revoke(
            actor=actor, certificate=certificate, result=result, reason=reason
        )
        changes["certificate"] = [
            certificate.number,
            replacement.number if replacement else None,
        ]
    audit_record(
        actor=actor,
        action="result.revise",
        target=result,
        changes=changes,
        reason=reason,
    )
    return result


def _certificate_revoke(
    *, actor: Any, certificate: Certificate, result: Result, reason: str
) -> Certificate | None:
    """Revoke *certificate* after its result was corrected into *result*, and issue
    the replacement when *result* still qualifies (D14, D18). Returns it, if any."""
    certificate.revoked_at = timezone.now()
    certificate.revoked_reason = reason
    certificate.revoked_by = actor
    certificate.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
    replacement = None
    if cycle_instrument(result.assignment.cycle).awards(result.predicate):
        replacement = _certificate_create(actor=actor, result=result)
    audit_record(
        actor=actor,
        action="certificate.revoke",
        target=certificate,
        changes={
            "status": ["berlaku", "dicabut"],
            "predicate": [certificate.predicate, result.predicate],
            "replaced_by": [None, replacement.number if replacement else None],
        },
        reason=reason,
    )
    return replacement


def _certificate_create(*, actor: Any, result: Result) -> Certificate:
    """Number and store a certificate for *result* (numbers run on per cycle and
    count revoked certificates too, so a number is never reused: D14)."""
    cycle = result.assignment.cycle
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
    audit_record(
        actor=actor,
        action="certificate.issue",
        target=certificate,
        changes={"number": [None, certificate.number]},
    )
    return certificate


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
    return _certificate_create(actor=actor, result=result)
