"""The unit's side of an evaluation (F-01): one answer per indicator, evidence
attached to it, and the submission that locks them; all refused after the
self-assessment or revision deadline."""

from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from mutu.accounts.scoping import UNIT_ROLES, can_see
from mutu.audit.services import audit_record
from mutu.evaluations import states
from mutu.evaluations.evidence import check_upload
from mutu.evaluations.feeds import cycle_window, departs, feeds_for, indicator_feed
from mutu.evaluations.instruments import cycle_instrument
from mutu.evaluations.models import Answer, Assignment, Evidence
from mutu.evaluations.services.rules import (
    _answer,
    _departure_refused,
    _level,
    _lock,
    _refuse,
)


def _require_unit_side(
    actor: Any, assignment: Assignment, today: date | None = None
) -> None:
    if not can_see(actor, assignment.unit, roles=UNIT_ROLES):
        raise _refuse(
            "Hanya operator atau kepala unit yang mengisi penilaian mandiri.",
            "Only the unit's operator or head fills in the self-assessment.",
        )
    if not states.unit_side_unlocked(assignment):
        raise _refuse(
            "Penilaian mandiri sudah diajukan dan terkunci.",
            "The self-assessment was submitted and is locked.",
        )
    deadline = states.unit_deadline(assignment)
    if deadline is not None and not states.unit_side_open(
        assignment, today or timezone.localdate()
    ):
        raise _refuse(
            f"Tenggat {deadline:%d-%m-%Y} sudah lewat; penilaian mandiri tidak dapat "
            "diubah lagi. Minta pengelola siklus memperpanjang tenggat.",
            f"The deadline {deadline:%d-%m-%Y} has passed; the self-assessment can no "
            "longer change. Ask the cycle's manager to extend it.",
            deadline=deadline.isoformat(),
        )


@transaction.atomic
def self_answer_save(
    *,
    actor: Any,
    assignment: Assignment,
    indicator: str,
    level: int,
    note: str = "",
    reason: str = "",
    today: date | None = None,
) -> Answer:
    """The unit's self-assessment (F-01) of one indicator: a rubric level 0–5.

    A level that departs from the level Mutu's data propose for a fed indicator
    needs a *reason* (D11); the reason is kept only with a departure. Refused
    after the deadline (*today* defaults to the current date in WIB; the data are
    read as of that day).
    """
    today = today or timezone.localdate()
    assignment = _lock(assignment)
    _require_unit_side(actor, assignment, today)
    answer = _answer(assignment, indicator)
    level = _level(level, "level")
    feed = indicator_feed(assignment, indicator, today)
    reason = reason.strip() if departs(feed, level) else ""
    if departs(feed, level) and not reason:
        raise _departure_refused(indicator, level, feed)
    changes: dict[str, list[Any]] = {}
    if answer.self_level != level:
        changes["self_level"] = [answer.self_level, level]
    if answer.self_note != note.strip():
        changes["self_note"] = [answer.self_note, note.strip()]
    if answer.self_reason != reason:
        changes["self_reason"] = [answer.self_reason, reason]
    if feed is not None and answer.feed != feed:
        answer.feed = feed  # the data shown beside the level when it was saved
        answer.save(update_fields=["feed"])
    if changes:
        answer.self_level, answer.self_note = level, note.strip()
        answer.self_reason = reason
        answer.save()
        audit_record(actor=actor, action="self.answer", target=answer, changes=changes)
    return answer


@transaction.atomic
def evidence_add(
    *,
    actor: Any,
    answer: Answer,
    description: str,
    upload: UploadedFile | None = None,
    url: str = "",
    today: date | None = None,
) -> Evidence:
    """Attach evidence (bukti dukung) to an answer: a checked file or a link.

    The file is checked by content and size before anything is stored
    (:func:`mutu.evaluations.evidence.check_upload`: a real PDF, PNG or JPEG); a
    refused upload leaves no row and no file. A stored file is named by Mutu
    (``evidence/<assignment>/<random>.pdf|.png|.jpg``, the extension of the
    detected type); the uploader's file name is kept in ``original_name``.
    """
    assignment = _lock(answer.assignment)
    _require_unit_side(actor, assignment, today)
    if not description.strip():
        raise _refuse(
            "Keterangan bukti wajib diisi.",
            "Describe the evidence.",
            field="description",
        )
    if (upload is None) == (not url):
        raise _refuse(
            "Lampirkan satu berkas atau satu tautan.",
            "Attach one file or one link.",
            field="file",
        )
    evidence = Evidence(
        answer=answer, description=description.strip(), uploaded_by=actor
    )
    if upload is not None:
        checked = check_upload(upload)
        evidence.content_type, evidence.sha256 = checked.content_type, checked.sha256
        evidence.size = checked.size
        # The uploader's name is data for display only; on disk the file gets a
        # name Mutu chooses, with the extension of the type found in its content.
        evidence.original_name = (upload.name or "")[:255]
        evidence.file.save(f"bukti{checked.extension}", upload, save=False)
    else:
        if not url.startswith(("https://", "http://")):
            raise _refuse(
                "Tautan harus diawali http(s)://.",
                "Links must start with http(s)://.",
                field="url",
            )
        evidence.url = url
    try:
        evidence.save()
    except Exception:
        if evidence.file:
            evidence.file.delete(save=False)
        raise
    audit_record(
        actor=actor,
        action="evidence.add",
        target=evidence,
        changes={"answer": [None, answer.indicator], "sha256": [None, evidence.sha256]},
    )
    return evidence


@transaction.atomic
def self_assessment_submit(
    *, actor: Any, assignment: Assignment, today: date | None = None
) -> Assignment:
    """Submit the self-assessment: every scored indicator needs a level; then it locks.

    Refused after the deadline, like every change of the unit's side.
    """
    assignment = _lock(assignment)
    _require_unit_side(actor, assignment, today)
    instrument = cycle_instrument(assignment.cycle)
    scored = {i.number for a in instrument.aspects if a.scored for i in a.indicators}
    missing = sorted(
        assignment.answers.filter(
            indicator__in=scored, self_level__isnull=True
        ).values_list("indicator", flat=True),
        key=lambda q: int(q[1:]),
    )
    if missing:
        raise _refuse(
            f"Belum diisi: {', '.join(missing)}.",
            f"Not answered yet: {', '.join(missing)}.",
            field=missing[0],
        )
    # The data may have moved since a level was saved: every departure from the
    # proposal as of today needs its reason (D11).
    feeds = feeds_for(
        assignment.unit,
        cycle_window(assignment.cycle, today or timezone.localdate()),
        instrument,
    )
    unexplained = sorted(
        (
            answer.indicator
            for answer in assignment.answers.all()
            if departs(feeds.get(answer.indicator), answer.self_level)
            and not answer.self_reason.strip()
        ),
        key=lambda q: int(q[1:]),
    )
    if unexplained:
        raise _refuse(
            f"Level berbeda dari usulan data Mutu tanpa alasan: "
            f"{', '.join(unexplained)}. Tuliskan alasannya pada indikator itu.",
            f"Levels depart from Mutu's proposed level without a reason: "
            f"{', '.join(unexplained)}. Give the reason on each indicator.",
            field=unexplained[0],
        )
    before = assignment.stage
    assignment.stage = Assignment.Stage.SUBMITTED
    assignment.submitted_at = timezone.now()
    assignment.save()
    audit_record(
        actor=actor,
        action="self.submit",
        target=assignment,
        changes={"stage": [before, assignment.stage]},
    )
    return assignment
