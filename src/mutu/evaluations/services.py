"""Writes of the evaluation workflow: open → self-assess → verify → F-03 → finalize →
publish → certificate. Every change is audited (who, when, old → new, why)."""

import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from mutu.accounts.models import Role
from mutu.accounts.scoping import can_see, grant_paths, region_part
from mutu.audit.services import audit_record
from mutu.errors import MutuError
from mutu.evaluations.evidence import check_upload
from mutu.evaluations.f03 import F03_ITEMS
from mutu.evaluations.feeds import feeds_for
from mutu.evaluations.models import (
    Answer,
    Assignment,
    Certificate,
    Cycle,
    Evidence,
    FieldVisit,
    Result,
    UserAssessment,
)
from mutu.measures.errors import MeasureInputError
from mutu.measures.evaluation import evaluate
from mutu.measures.instrument import Instrument, load_instrument
from mutu.measures.rounding import round_half_up
from mutu.registry.models import Region, ServiceUnit

UNIT_ROLES = (Role.UNIT_HEAD, Role.UNIT_OPERATOR)
MANAGER_ROLES = (Role.NATIONAL_ADMIN, Role.COORDINATOR)
AWARD_PREDICATES = ("A", "A-")


def _refuse(message_id: str, message_en: str, **details: Any) -> MutuError:
    return MutuError(message_id, message_en, **details)


def cycle_instrument(cycle: Cycle) -> Instrument:
    """The instrument the cycle was opened with (D8: kept forever)."""
    instrument = load_instrument(cycle.instrument_id)
    if instrument.version != cycle.instrument_version:
        raise _refuse(
            f"Versi instrumen {cycle.instrument_id} berubah; siklus memakai "
            f"{cycle.instrument_version}.",
            f"Instrument {cycle.instrument_id} changed; the cycle uses "
            f"{cycle.instrument_version}.",
        )
    return instrument


def _can_manage_cycle(actor: Any, cycle: Cycle) -> bool:
    """National cycles belong to national admins; a Mandiri round to a coordinator
    whose scope covers the round's region (a regency coordinator's scope is its
    government; the region part of that scope is the regency)."""
    if cycle.scheme == Cycle.Scheme.NATIONAL:
        return can_see(actor, cycle.region, roles=[Role.NATIONAL_ADMIN])
    region_path = cycle.region.path
    return any(
        region_path.startswith(region_part(path))
        for path in grant_paths(actor, roles=MANAGER_ROLES)
    )


@transaction.atomic
def cycle_open(
    *,
    actor: Any,
    year: int,
    name: str,
    scheme: str,
    region: Region,
    units: Iterable[ServiceUnit],
    self_assessment_due: date,
    verification_due: date,
    instrument_id: str = "pekppp-2022",
    evaluators: Mapping[int, Sequence[Any]] | None = None,
) -> Cycle:
    """Open an evaluation cycle over *units* (the lokus), with answers pre-fed.

    A national cycle is opened by a national admin; a PEKPPP Mandiri round by a
    coordinator for units inside the coordinator's region. Raises ``MutuError`` for
    a unit outside *region*, an unknown instrument, or deadlines out of order.
    """
    try:
        instrument = load_instrument(instrument_id)
    except MeasureInputError as error:
        raise _refuse(
            str(error.message_id), str(error.message_en), field="instrument"
        ) from error
    cycle = Cycle(
        year=year,
        name=name.strip(),
        scheme=scheme,
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        region=region,
        self_assessment_due=self_assessment_due,
        verification_due=verification_due,
        opened_by=actor,
    )
    if not _can_manage_cycle(actor, cycle):
        raise _refuse(
            "Anda tidak berwenang membuka siklus evaluasi di wilayah ini.",
            "You may not open an evaluation cycle in this region.",
        )
    if verification_due < self_assessment_due:
        raise _refuse(
            "Tenggat verifikasi harus sesudah tenggat penilaian mandiri.",
            "The verification deadline must follow the self-assessment deadline.",
            field="verification_due",
        )
    if Cycle.objects.filter(year=year, name=cycle.name).exists():
        raise _refuse(
            "Siklus dengan nama itu sudah ada.",
            "A cycle with that name exists.",
            field="name",
        )
    units = list(units)
    outside = [
        u.name
        for u in units
        if not u.path.startswith(region.path)
        or not can_see(actor, u, roles=MANAGER_ROLES)
    ]
    if outside or not units:
        raise _refuse(
            f"Unit di luar wilayah siklus: {', '.join(outside) or '-'}.",
            f"Units outside the cycle's region: {', '.join(outside) or '-'}.",
            field="units",
        )
    cycle.save()
    for unit in units:
        assignment = Assignment.objects.create(cycle=cycle, unit=unit)
        feeds = feeds_for(unit, year) if instrument.id == "pekppp-2022" else {}
        Answer.objects.bulk_create(
            Answer(
                assignment=assignment,
                indicator=item.number,
                feed=feeds.get(item.number, {}),
            )
            for item in instrument.indicators
        )
        if evaluators and unit.pk in evaluators:
            assignment.evaluators.set(evaluators[unit.pk])
    audit_record(
        actor=actor,
        action="cycle.open",
        target=cycle,
        changes={
            "units": [None, [u.pk for u in units]],
            "instrument": [None, instrument.id],
        },
    )
    return cycle


def f03_closed_reason(
    assignment: Assignment, channel: str = "web", today: date | None = None
) -> MutuError | None:
    """Why F-03 answers can no longer be taken for *assignment*, or ``None``."""
    if assignment.stage == Assignment.Stage.FINALIZED:
        return _refuse(
            "Evaluasi unit ini sudah final.", "This unit's evaluation is final."
        )
    due = assignment.cycle.verification_due
    if channel == "web" and (today or timezone.localdate()) > due:
        return _refuse(
            f"Pengisian penilaian pengguna (F-03) ditutup setelah {due:%d-%m-%Y}.",
            f"The user assessment (F-03) closed after {due:%d-%m-%Y}.",
        )
    return None


@transaction.atomic
def cycle_deadlines_set(
    *,
    actor: Any,
    cycle: Cycle,
    self_assessment_due: date,
    verification_due: date,
    reason: str,
) -> Cycle:
    """Move a cycle's deadlines (e.g. extend the self-assessment for late units).

    Only the cycle's manager may; a reason is required and the change is audited.
    Saving the same dates again changes and records nothing.
    """
    cycle = Cycle.objects.select_for_update().select_related("region").get(pk=cycle.pk)
    if not _can_manage_cycle(actor, cycle):
        raise _refuse(
            "Hanya pengelola siklus yang dapat mengubah tenggat.",
            "Only the cycle's manager can change its deadlines.",
        )
    if not (reason or "").strip():
        raise _refuse(
            "Tuliskan alasan perubahan tenggat.",
            "Give a reason for changing the deadlines.",
            field="reason",
        )
    if verification_due < self_assessment_due:
        raise _refuse(
            "Tenggat verifikasi tidak boleh sebelum tenggat penilaian mandiri.",
            "The verification deadline cannot precede the self-assessment deadline.",
            field="verification_due",
        )
    changes = {
        name: [getattr(cycle, name).isoformat(), value.isoformat()]
        for name, value in (
            ("self_assessment_due", self_assessment_due),
            ("verification_due", verification_due),
        )
        if getattr(cycle, name) != value
    }
    if changes:
        cycle.self_assessment_due = self_assessment_due
        cycle.verification_due = verification_due
        cycle.save(update_fields=["self_assessment_due", "verification_due"])
        audit_record(
            actor=actor,
            action="cycle.deadlines",
            target=cycle,
            changes=changes,
            reason=reason.strip(),
        )
    return cycle


@transaction.atomic
def evaluators_assign(
    *, actor: Any, assignment: Assignment, evaluators: Sequence[Any]
) -> None:
    """Set the evaluators of one unit in a cycle (each must hold the evaluator role)."""
    if not _can_manage_cycle(actor, assignment.cycle) or not can_see(
        actor, assignment.unit, roles=MANAGER_ROLES
    ):
        raise _refuse("Anda tidak berwenang.", "You are not allowed to do this.")
    for user in evaluators:
        if not user.grants.filter(role=Role.EVALUATOR).exists():
            raise _refuse(
                f"{user} bukan evaluator.",
                f"{user} is not an evaluator.",
                field="evaluators",
            )
    before = sorted(assignment.evaluators.values_list("pk", flat=True))
    assignment.evaluators.set(evaluators)
    audit_record(
        actor=actor,
        action="assignment.evaluators",
        target=assignment,
        changes={"evaluators": [before, sorted(u.pk for u in evaluators)]},
    )


def _lock(assignment: Assignment) -> Assignment:
    return (
        Assignment.objects.select_for_update()
        .select_related("cycle", "unit")
        .get(pk=assignment.pk)
    )


def _unit_deadline(assignment: Assignment) -> date | None:
    """The last day the unit may change its side: the cycle's self-assessment
    deadline, or the revision deadline while a revision is open."""
    if assignment.stage == Assignment.Stage.REVISION:
        return assignment.revision_due
    return assignment.cycle.self_assessment_due


def _revision_expired(assignment: Assignment, today: date) -> bool:
    return (
        assignment.stage == Assignment.Stage.REVISION
        and assignment.revision_due is not None
        and today > assignment.revision_due
    )


def _require_unit_side(
    actor: Any, assignment: Assignment, today: date | None = None
) -> None:
    if not can_see(actor, assignment.unit, roles=UNIT_ROLES):
        raise _refuse(
            "Hanya operator atau kepala unit yang mengisi penilaian mandiri.",
            "Only the unit's operator or head fills in the self-assessment.",
        )
    if assignment.stage not in (Assignment.Stage.DRAFT, Assignment.Stage.REVISION):
        raise _refuse(
            "Penilaian mandiri sudah diajukan dan terkunci.",
            "The self-assessment was submitted and is locked.",
        )
    deadline = _unit_deadline(assignment)
    if deadline is not None and (today or timezone.localdate()) > deadline:
        raise _refuse(
            f"Tenggat {deadline:%d-%m-%Y} sudah lewat; penilaian mandiri tidak dapat "
            "diubah lagi. Minta pengelola siklus memperpanjang tenggat.",
            f"The deadline {deadline:%d-%m-%Y} has passed; the self-assessment can no "
            "longer change. Ask the cycle's manager to extend it.",
            deadline=deadline.isoformat(),
        )


def _answer(assignment: Assignment, indicator: str) -> Answer:
    try:
        return assignment.answers.get(indicator=indicator)
    except Answer.DoesNotExist as error:
        raise _refuse(
            f"Indikator tidak dikenal: {indicator}.",
            f"Unknown indicator: {indicator}.",
            field="indicator",
        ) from error


def _level(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 5:
        raise _refuse(
            "Nilai harus bilangan bulat 0–5.",
            "The value must be a whole number 0–5.",
            field=field,
        )
    return value


@transaction.atomic
def self_answer_save(
    *,
    actor: Any,
    assignment: Assignment,
    indicator: str,
    level: int,
    note: str = "",
    today: date | None = None,
) -> Answer:
    """The unit's self-assessment (F-01) of one indicator: a rubric level 0–5.

    Refused after the deadline (*today* defaults to the current date in WIB).
    """
    assignment = _lock(assignment)
    _require_unit_side(actor, assignment, today)
    answer = _answer(assignment, indicator)
    level = _level(level, "level")
    changes: dict[str, list[Any]] = {}
    if answer.self_level != level:
        changes["self_level"] = [answer.self_level, level]
    if answer.self_note != note.strip():
        changes["self_note"] = [answer.self_note, note.strip()]
    if changes:
        answer.self_level, answer.self_note = level, note.strip()
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

    The file is checked by content and size before anything is stored; a refused
    upload leaves no row and no file.
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
        evidence.content_type, evidence.sha256 = check_upload(upload)
        evidence.size = upload.size or 0
        evidence.file.save(upload.name or "bukti", upload, save=False)
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


def _require_evaluator(actor: Any, assignment: Assignment) -> None:
    if not assignment.evaluators.filter(pk=getattr(actor, "pk", None) or 0).exists():
        raise _refuse(
            "Anda bukan evaluator unit ini.", "You are not an evaluator of this unit."
        )
    if assignment.stage != Assignment.Stage.SUBMITTED and not _revision_expired(
        assignment, timezone.localdate()
    ):
        raise _refuse(
            "Unit ini belum mengajukan penilaian mandiri, sedang revisi, atau sudah final.",
            "This unit has not submitted, is in revision, or is final.",
        )


@transaction.atomic
def indicator_score(
    *, actor: Any, assignment: Assignment, indicator: str, score: int, note: str = ""
) -> Answer:
    """The evaluator's score (F-02); a note is mandatory when it differs from F-01."""
    assignment = _lock(assignment)
    _require_evaluator(actor, assignment)
    answer = _answer(assignment, indicator)
    score = _level(score, "score")
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
    if changes:
        answer.score, answer.score_note = score, note
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
    if assignment.revisions_used >= 1:
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
    """An evaluator's field-visit observation, with an optional checked photo."""
    if not assignment.evaluators.filter(pk=getattr(actor, "pk", None) or 0).exists():
        raise _refuse(
            "Anda bukan evaluator unit ini.", "You are not an evaluator of this unit."
        )
    visit = FieldVisit(
        assignment=assignment, note=note.strip(), visited_on=visited_on, evaluator=actor
    )
    if photo is not None:
        content_type, _digest = check_upload(photo)
        if not content_type.startswith("image/"):
            raise _refuse(
                "Foto harus JPG atau PNG.", "Photos must be JPG or PNG.", field="photo"
            )
        visit.photo.save(photo.name or "foto", photo, save=False)
    visit.save()
    audit_record(actor=actor, action="visit.record", target=visit)
    return visit


def user_assessment_add(
    *,
    assignment: Assignment,
    scores: Sequence[Any],
    client_id: uuid.UUID | str,
    channel: str = "web",
) -> tuple[UserAssessment, bool]:
    """Store one F-03 respondent (idempotent by *client_id*); returns (row, created).

    Refused once the unit's result is final and, on the public web form, after the
    cycle's verification deadline (the link stops working then).
    """
    refusal = f03_closed_reason(assignment, channel)
    if refusal is not None:
        raise refusal
    if len(scores) != len(F03_ITEMS):
        raise _refuse(
            f"Isi semua {len(F03_ITEMS)} butir.",
            f"Answer all {len(F03_ITEMS)} items.",
            field="scores",
        )
    cleaned = [_level(value, "scores") for value in scores]
    client_uuid = uuid.UUID(str(client_id))
    row, created = UserAssessment.objects.get_or_create(
        client_id=client_uuid,
        defaults={"assignment": assignment, "scores": cleaned, "channel": channel},
    )
    if not created and (row.assignment_id != assignment.pk or row.scores != cleaned):
        raise _refuse(
            "client_id ini sudah dipakai untuk isian lain.",
            "This client_id was already used for another answer.",
        )
    return row, created


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
    if assignment.stage != Assignment.Stage.SUBMITTED and not _revision_expired(
        assignment, timezone.localdate()
    ):
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
    if Certificate.objects.filter(result__assignment=assignment).exists():
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
def cycle_publish(*, actor: Any, cycle: Cycle) -> Cycle:
    """Publish a cycle's finalized results on its public page (idempotent)."""
    if not _can_manage_cycle(actor, cycle):
        raise _refuse("Anda tidak berwenang.", "You are not allowed to do this.")
    if cycle.status == Cycle.Status.PUBLISHED:
        return cycle
    if not Result.objects.filter(assignment__cycle=cycle, is_current=True).exists():
        raise _refuse("Belum ada hasil final.", "There is no final result yet.")
    cycle.status = Cycle.Status.PUBLISHED
    cycle.published_at = timezone.now()
    cycle.save()
    audit_record(
        actor=actor,
        action="cycle.publish",
        target=cycle,
        changes={"status": ["open", "published"]},
    )
    return cycle


@transaction.atomic
def certificate_issue(*, actor: Any, result: Result) -> Certificate:
    """Issue the award certificate of an A or A- result of a published cycle (idempotent)."""
    existing = Certificate.objects.filter(result=result).first()
    if existing:
        return existing
    cycle = result.assignment.cycle
    if not _can_manage_cycle(actor, cycle):
        raise _refuse("Anda tidak berwenang.", "You are not allowed to do this.")
    if cycle.status != Cycle.Status.PUBLISHED or not result.is_current:
        raise _refuse(
            "Piagam hanya untuk hasil terkini dari siklus yang sudah dipublikasikan.",
            "Certificates are only for current results of published cycles.",
        )
    if result.predicate not in AWARD_PREDICATES:
        raise _refuse(
            "Piagam hanya untuk predikat A dan A-.",
            "Certificates are only for A and A-.",
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
