"""The evaluator's side of an evaluation (F-02): a score per indicator, the one
revision round sent back to the unit, and field-visit observations."""

import secrets
from datetime import date, timedelta
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from mutu.audit.services import audit_record
from mutu.evaluations import states
from mutu.evaluations.evidence import check_upload
from mutu.evaluations.feeds import departs, indicator_feed
from mutu.evaluations.models import Answer, Assignment, FieldVisit
from mutu.evaluations.services.rules import (
    _answer,
    _departure_refused,
    _level,
    _lock,
    _refuse,
)


def _require_evaluator(actor: Any, assignment: Assignment) -> None:
    if not assignment.evaluators.filter(pk=getattr(actor, "pk", None) or 0).exists():
        raise _refuse(
            "Anda bukan evaluator unit ini.", "You are not an evaluator of this unit."
        )
    if not states.evaluator_side_open(assignment, timezone.localdate()):
        raise _refuse(
            "Unit ini belum mengajukan penilaian mandiri, sedang revisi, atau sudah final.",
            "This unit has not submitted, is in revision, or is final.",
        )


@transaction.atomic
def indicator_score(
    *,
    actor: Any,
    assignment: Assignment,
    indicator: str,
    score: int,
    note: str = "",
    reason: str = "",
) -> Answer:
    """The evaluator's score (F-02); a note is mandatory when it differs from F-01,
    a *reason* when it departs from the level Mutu's data propose (D11; kept only
    with a departure)."""
    assignment = _lock(assignment)
    _require_evaluator(actor, assignment)
    answer = _answer(assignment, indicator)
    score = _level(score, "score")
    feed = indicator_feed(assignment, indicator, timezone.localdate())
    reason = reason.strip() if departs(feed, score) else ""
    if departs(feed, score) and not reason:
        raise _departure_refused(indicator, score, feed)
    note = note.strip()
    if score != answer.self_level and not note:
        raise _refuse(
            "Tulis catatan: nilai berbeda dari penilaian mandiri unit.",
            "Write a note: the score differs from the unit's self-assessment.",
            field="note",
        )
    changes: dict[str, list[Any]] = {}
    if answer.score != score:
        changes["score"] = [answer.score, score]
    if answer.score_note != note:
        changes["score_note"] = [answer.score_note, note]
    if answer.score_reason != reason:
        changes["score_reason"] = [answer.score_reason, reason]
    if feed is not None and answer.feed != feed:
        answer.feed = feed  # the data shown beside the score when it was saved
        answer.save(update_fields=["feed"])
    if changes:
        answer.score, answer.score_note, answer.score_reason = score, note, reason
        answer.save()
        audit_record(
            actor=actor, action="evaluator.score", target=answer, changes=changes
        )
    return answer


@transaction.atomic
def revision_request(*, actor: Any, assignment: Assignment, note: str) -> Assignment:
    """Send the self-assessment back once, with a note and a deadline."""
    assignment = _lock(assignment)
    _require_evaluator(actor, assignment)
    if not states.revision_available(assignment):
        raise _refuse(
            "Revisi hanya satu putaran dan sudah dipakai.",
            "Only one revision round is allowed, and it was used.",
        )
    if not note.strip():
        raise _refuse(
            "Tulis apa yang harus direvisi.", "Say what to revise.", field="note"
        )
    assignment.stage = Assignment.Stage.REVISION
    assignment.revision_note = note.strip()
    assignment.revision_due = timezone.localdate() + timedelta(
        days=assignment.cycle.revision_days
    )
    assignment.revisions_used += 1
    assignment.save()
    audit_record(
        actor=actor,
        action="revision.request",
        target=assignment,
        changes={"stage": ["submitted", "revision"]},
        reason=assignment.revision_note,
    )
    return assignment


@transaction.atomic
def visit_record(
    *,
    actor: Any,
    assignment: Assignment,
    note: str,
    visited_on: date,
    photo: UploadedFile | None = None,
) -> FieldVisit:
    """An evaluator's field-visit observation, with an optional checked photo.

    Refused once the result is final: the evaluator then reads, never writes. The
    photo must decode as a JPEG or PNG (:func:`mutu.evaluations.evidence.check_upload`)
    and is stored as ``visits/<year>/<random>.jpg|.png``.
    """
    assignment = _lock(assignment)
    if not assignment.evaluators.filter(pk=getattr(actor, "pk", None) or 0).exists():
        raise _refuse(
            "Anda bukan evaluator unit ini.", "You are not an evaluator of this unit."
        )
    if not states.visit_open(assignment):
        raise _refuse(
            "Hasil unit ini sudah final; kunjungan tidak dapat dicatat lagi.",
            "This unit's result is final; no more visits can be recorded.",
        )
    visit = FieldVisit(
        assignment=assignment, note=note.strip(), visited_on=visited_on, evaluator=actor
    )
    if photo is not None:
        checked = check_upload(photo)
        if not checked.content_type.startswith("image/"):
            raise _refuse(
                "Foto harus JPG atau PNG.", "Photos must be JPG or PNG.", field="photo"
            )
        # Named by Mutu, with the extension of the detected type; never the
        # uploader's name.
        visit.photo.save(
            f"{secrets.token_hex(16)}{checked.extension}", photo, save=False
        )
    visit.save()
    audit_record(actor=actor, action="visit.record", target=visit)
    return visit
