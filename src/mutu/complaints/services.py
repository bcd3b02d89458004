"""Complaint workflows: intake on every channel, the unit's handling, the citizen's
rating, dispute and "solved?" answer, escalation, recaps and the calendar.

Every channel files through :func:`complaint_file`. The workflow (D20):

    received ─verify→ verified ─start→ in_progress ─answer→ answered ─close→ closed
    received ─forward→ received (another unit)      verified/in_progress ─answer→ …
    received ─archive→ archived
    answered/closed ─dispute (≤ 14 days) or "not solved"→ in_progress (once)

Each transition is audited with its old and new status; anything else is refused
with a message naming the status. Deadlines are working days after the filing
date (D9): verification 3, first answer 5, resolution 14 (60 with a field
inspection).
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from mutu.accounts.models import Role, User
from mutu.accounts.scoping import EDITOR_ROLES, can_see, grant_paths
from mutu.audit.services import audit_record
from mutu.complaints.models import (
    CalendarDay,
    Complaint,
    ComplaintAttachment,
    ComplaintEscalation,
    ComplaintEvent,
    ComplaintRecap,
)
from mutu.complaints.selectors import (
    ANSWER_DAYS,
    RESOLVE_DAYS,
    VERIFY_DAYS,
    complaint_figures,
    coordinators_of,
    due_dates,
    working_calendar,
)
from mutu.errors import ConflictError, MutuError
from mutu.evaluations.evidence import check_upload
from mutu.messaging.models import Contact
from mutu.messaging.services import contact_erase_schedule, outbound_queue
from mutu.registry.models import Service, ServiceStandard, ServiceUnit
from mutu.surveys.models import FollowUpItem
from mutu.surveys.periods import period_from_key

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
"""Tracking-code letters: digits and capitals without 0/O, 1/I/L (31 symbols)."""
CODE_LENGTH = 10

DISPUTE_DAYS = 14
MAX_ATTACHMENTS = 3
S = Complaint.Status
E = ComplaintEvent.Kind

STATUS_ACTIONS: dict[str, tuple[str, ...]] = {
    "verify": (S.RECEIVED,),
    "forward": (S.RECEIVED,),
    "archive": (S.RECEIVED,),
    "start": (S.VERIFIED,),
    "answer": (S.VERIFIED, S.IN_PROGRESS),
    "close": (S.ANSWERED,),
    "rate": (S.ANSWERED, S.CLOSED),
    "dispute": (S.ANSWERED, S.CLOSED),
    "solved": (S.ANSWERED, S.CLOSED),
}
"""Which statuses each action may start from (D20)."""

ACTION_NAMES = {
    "verify": ("diverifikasi", "verified"),
    "forward": ("diteruskan", "forwarded"),
    "archive": ("diarsipkan", "archived"),
    "start": ("mulai ditindaklanjuti", "started"),
    "answer": ("dijawab", "answered"),
    "close": ("ditutup", "closed"),
    "rate": ("dinilai", "rated"),
    "dispute": ("disanggah", "disputed"),
    "solved": ("ditanya selesai-tidaknya", "asked whether solved"),
}


def _tracking_code() -> str:
    """A fresh random tracking code (10 of 31 symbols: about 8 × 10^14 codes)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def _refuse(complaint: Complaint, action: str) -> MutuError:
    name_id, name_en = ACTION_NAMES[action]
    status = Complaint.Status(complaint.status)
    return MutuError(
        f"Pengaduan {complaint.tracking_code} berstatus «{status.label}» dan tidak "
        f"dapat {name_id}.",
        f"Complaint {complaint.tracking_code} is «{status.value}» and cannot be "
        f"{name_en}.",
        status=complaint.status,
        action=action,
    )


def _locked(complaint: Complaint, action: str) -> Complaint:
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if locked.status not in STATUS_ACTIONS[action]:
        raise _refuse(locked, action)
    return locked


def _require_staff(actor: User | None, complaint: Complaint) -> None:
    if actor is None or not can_see(actor, complaint.unit, roles=EDITOR_ROLES):
        raise MutuError(
            "Anda tidak berwenang menangani pengaduan unit ini.",
            "You may not handle this unit's complaints.",
        )


def _event(
    complaint: Complaint,
    kind: str,
    *,
    actor: User | None,
    now: datetime,
    old: str = "",
    text: str = "",
    public: bool = False,
) -> ComplaintEvent:
    return ComplaintEvent.objects.create(
        complaint=complaint,
        kind=kind,
        old_status=old,
        new_status=complaint.status,
        text=text,
        public=public,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        created_at=now,
    )


def _move(
    complaint: Complaint,
    *,
    actor: User | None,
    kind: str,
    new_status: str,
    now: datetime,
    fields: dict[str, object] | None = None,
    text: str = "",
    public: bool = False,
) -> dict[str, list[object]]:
    """Set the status (and *fields*) and write the event; the changes, old → new,
    for the caller's audit row."""
    old = complaint.status
    changes: dict[str, list[object]] = {"status": [old, new_status]}
    for name, value in (fields or {}).items():
        before = getattr(complaint, name)
        changes[name] = [_plain(before), _plain(value)]
        setattr(complaint, name, value)
    complaint.status = new_status
    complaint.save()
    _event(complaint, kind, actor=actor, now=now, old=old, text=text, public=public)
    return changes


def _plain(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


@dataclass(frozen=True)
class FileResult:
    """What :func:`complaint_file` stored (or found stored, ``created`` false)."""

    complaint: Complaint
    created: bool


def _same(existing: Complaint, unit: ServiceUnit, text: str, kind: str) -> bool:
    return (
        existing.unit_id == unit.pk and existing.text == text and existing.kind == kind
    )


@transaction.atomic
def _standard_limits(
    service: Service, longest: tuple[int, int, int]
) -> tuple[int, int, int]:
    """The complaint limits of *service*'s standard, D9's where it sets none."""
    standard = ServiceStandard.objects.filter(service=service).first()
    if standard is None:
        return longest
    given = (
        standard.complaint_verify_days,
        standard.complaint_answer_days,
        standard.complaint_resolve_days,
    )
    verify, answer, resolve = (
        mine or most for mine, most in zip(given, longest, strict=True)
    )
    return verify, answer, resolve


def complaint_file(
    *,
    unit: ServiceUnit,
    text: str,
    channel: str,
    kind: str = Complaint.Kind.COMPLAINT,
    privacy: str = Complaint.Privacy.OPEN,
    service: Service | None = None,
    reporter_name: str = "",
    reporter_email: str = "",
    reporter_phone: str = "",
    contact: Contact | None = None,
    attachments: Sequence[UploadedFile] = (),
    client_id: uuid.UUID | None = None,
    actor: User | None = None,
    now: datetime | None = None,
    limits: tuple[int, int, int] | None = None,
) -> FileResult:
    """File a complaint on any channel; the one intake of the web form, SMS and
    WhatsApp, the API and the operator's entry.

    Gives a fresh tracking code and the D9 due dates. An anonymous complaint keeps
    no identity (D21). Idempotent by *client_id*: the same id with the same
    content returns the stored complaint (``created`` false), with other content
    raises :class:`ConflictError`. Attachments (at most 3) are checked by content
    (PDF, JPG, PNG). *limits* (verification, first answer, resolution in working
    days) are shorter limits; by default those of *service*'s standard, where it
    sets them; D9's are the longest allowed.
    Raises :class:`MutuError` for invalid input; nothing is written then.
    """
    text = (text or "").strip()
    if client_id is not None:
        existing = Complaint.objects.filter(client_id=client_id).first()
        if existing is not None:
            if _same(existing, unit, text, kind):
                return FileResult(existing, created=False)
            raise ConflictError(
                "client_id ini sudah dipakai untuk pengaduan lain.",
                "This client_id was already used for another complaint.",
                field="client_id",
            )
    if len(text) < 10:
        raise MutuError(
            "Tuliskan pengaduan Anda (paling sedikit 10 huruf).",
            "Write your complaint (at least 10 characters).",
            field="text",
        )
    if len(text) > 5000:
        raise MutuError(
            "Pengaduan terlalu panjang (paling banyak 5000 huruf).",
            "The complaint is too long (at most 5000 characters).",
            field="text",
        )
    for value, choices, field in (
        (channel, Complaint.Channel.values, "channel"),
        (kind, Complaint.Kind.values, "kind"),
        (privacy, Complaint.Privacy.values, "privacy"),
    ):
        if value not in choices:
            raise MutuError(
                f"Nilai {field} tidak dikenal: {value!r}.",
                f"Unknown {field}: {value!r}.",
                field=field,
            )
    if service is not None and service.unit_id != unit.pk:
        raise MutuError(
            "Layanan itu bukan milik unit yang dipilih.",
            "That service does not belong to the chosen unit.",
            field="service",
        )
    if len(attachments) > MAX_ATTACHMENTS:
        raise MutuError(
            f"Paling banyak {MAX_ATTACHMENTS} lampiran.",
            f"At most {MAX_ATTACHMENTS} attachments.",
            field="attachments",
        )
    checked = [(upload, check_upload(upload)) for upload in attachments]
    if privacy == Complaint.Privacy.ANONYMOUS:
        reporter_name = reporter_email = reporter_phone = ""
    now = now or timezone.now()
    longest = (VERIFY_DAYS, ANSWER_DAYS, RESOLVE_DAYS)
    if limits is None and service is not None:
        limits = _standard_limits(service, longest)
    verify, answer, resolve = limits or longest
    if not all(
        1 <= mine <= most for mine, most in zip(limits or longest, longest, strict=True)
    ):
        raise MutuError(
            "Batas waktu standar pelayanan harus 1 hari kerja sampai batas D9 "
            "(3, 5, 14).",
            "A service standard's limits must be 1 working day up to D9's (3, 5, 14).",
            field="limits",
        )
    dues = due_dates(
        timezone.localdate(now),
        working_calendar(),
        verify_days=verify,
        answer_days=answer,
        resolve_days=resolve,
    )
    complaint = None
    for _attempt in range(5):
        try:
            with transaction.atomic():
                complaint = Complaint.objects.create(
                    tracking_code=_tracking_code(),
                    client_id=client_id,
                    unit=unit,
                    service=service,
                    kind=kind,
                    channel=channel,
                    privacy=privacy,
                    text=text,
                    reporter_name=reporter_name.strip()[:150],
                    reporter_email=reporter_email.strip()[:254],
                    reporter_phone=reporter_phone.strip()[:30],
                    contact=contact,
                    filed_at=now,
                    created_by=actor
                    if getattr(actor, "is_authenticated", False)
                    else None,
                    **dues,
                )
            break
        except IntegrityError:
            if (
                client_id is not None
                and Complaint.objects.filter(client_id=client_id).exists()
            ):
                raise
            continue  # a tracking code taken: draw another
    if complaint is None:  # pragma: no cover - 5 collisions in 8 × 10^14 codes
        raise MutuError("Kode lacak tidak dapat dibuat.", "No tracking code found.")
    for upload, info in checked:
        attachment = ComplaintAttachment(
            complaint=complaint,
            original_name=(upload.name or "")[:200],
            content_type=info.content_type,
            size=info.size,
            sha256=info.sha256,
            uploaded_by=complaint.created_by,
        )
        attachment.file.save(f"lampiran{info.extension}", upload, save=True)
    _event(complaint, E.FILED, actor=actor, now=now, public=True)
    audit_record(
        actor=actor,
        action="complaint.file",
        target=complaint,
        changes={
            "status": [None, complaint.status],
            "channel": [None, channel],
            "unit": [None, unit.pk],
        },
    )
    return FileResult(complaint, created=True)


@transaction.atomic
def complaint_verify(
    *,
    actor: User,
    complaint: Complaint,
    field_inspection: bool = False,
    now: datetime | None = None,
) -> Complaint:
    """Verify a received complaint (telaah, ≤ 3 working days); with a field
    inspection the resolution limit becomes 60 working days (D9)."""
    _require_staff(actor, complaint)
    complaint = _locked(complaint, "verify")
    now = now or timezone.now()
    fields: dict[str, object] = {"verified_at": now}
    if field_inspection:
        fields["field_inspection"] = True
        fields["resolve_due"] = due_dates(
            timezone.localdate(complaint.filed_at),
            working_calendar(),
            field_inspection=True,
        )["resolve_due"]
    changes = _move(
        complaint,
        actor=actor,
        kind=E.VERIFIED,
        new_status=S.VERIFIED,
        now=now,
        fields=fields,
        public=True,
    )
    audit_record(
        actor=actor,
        action="complaint.verify",
        target=complaint,
        changes=changes,
    )
    return complaint


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise MutuError(
            "Tuliskan alasannya (paling sedikit 5 huruf).",
            "Give the reason (at least 5 characters).",
            field="reason",
        )
    return reason


@transaction.atomic
def complaint_forward(
    *,
    actor: User,
    complaint: Complaint,
    unit: ServiceUnit,
    reason: str,
    now: datetime | None = None,
) -> Complaint:
    """Not this unit's authority: hand the complaint to *unit*, with a reason.

    It stays received (the other unit verifies it) and keeps its due dates."""
    _require_staff(actor, complaint)
    reason = _reason(reason)
    complaint = _locked(complaint, "forward")
    if unit.pk == complaint.unit_id:
        raise MutuError(
            "Pilih unit lain untuk meneruskan pengaduan.",
            "Choose another unit to forward the complaint to.",
            field="unit",
        )
    changes = _move(
        complaint,
        actor=actor,
        kind=E.FORWARDED,
        new_status=S.RECEIVED,
        now=now or timezone.now(),
        fields={"forwarded_from": complaint.unit, "unit": unit, "service": None},
        text=reason,
        public=True,
    )
    audit_record(
        actor=actor,
        action="complaint.forward",
        target=complaint,
        changes=changes,
        reason=reason,
    )
    return complaint


@transaction.atomic
def complaint_archive(
    *, actor: User, complaint: Complaint, reason: str, now: datetime | None = None
) -> Complaint:
    """Archive a received complaint that is not a complaint Mutu can handle."""
    _require_staff(actor, complaint)
    reason = _reason(reason)
    complaint = _locked(complaint, "archive")
    now = now or timezone.now()
    changes = _move(
        complaint,
        actor=actor,
        kind=E.ARCHIVED,
        new_status=S.ARCHIVED,
        now=now,
        fields={"closed_at": now},
        text=reason,
        public=True,
    )
    audit_record(
        actor=actor,
        action="complaint.archive",
        target=complaint,
        changes=changes,
        reason=reason,
    )
    return complaint


@transaction.atomic
def complaint_start(
    *, actor: User, complaint: Complaint, now: datetime | None = None
) -> Complaint:
    """Start following up a verified complaint."""
    _require_staff(actor, complaint)
    complaint = _locked(complaint, "start")
    changes = _move(
        complaint,
        actor=actor,
        kind=E.STARTED,
        new_status=S.IN_PROGRESS,
        now=now or timezone.now(),
        public=True,
    )
    audit_record(
        actor=actor,
        action="complaint.start",
        target=complaint,
        changes=changes,
    )
    return complaint


def _notify(
    complaint: Complaint, text: str, *, actor: User | None, now: datetime
) -> None:
    """Send *text* to the citizen on the channel they used (SMS/WhatsApp contact)."""
    contact = complaint.contact
    if contact is None or contact.erased_at is not None:
        return
    try:
        outbound_queue(
            actor=actor, contact=contact, text=text, purpose="complaint_update", now=now
        )
    except MutuError:
        # No sender configured (the demo without a gateway): the tracking page
        # still shows the message.
        return


@transaction.atomic
def complaint_answer(
    *, actor: User, complaint: Complaint, text: str, now: datetime | None = None
) -> Complaint:
    """Answer the citizen (public on the tracking page, sent on SMS/WhatsApp)."""
    _require_staff(actor, complaint)
    text = (text or "").strip()
    if len(text) < 10:
        raise MutuError(
            "Tuliskan jawaban (paling sedikit 10 huruf).",
            "Write the answer (at least 10 characters).",
            field="text",
        )
    complaint = _locked(complaint, "answer")
    now = now or timezone.now()
    fields: dict[str, object] = {}
    if complaint.answered_at is None:
        fields["answered_at"] = now
    changes = _move(
        complaint,
        actor=actor,
        kind=E.ANSWERED,
        new_status=S.ANSWERED,
        now=now,
        fields=fields,
        text=text,
        public=True,
    )
    audit_record(
        actor=actor,
        action="complaint.answer",
        target=complaint,
        changes=changes,
    )
    _notify(
        complaint,
        f"Jawaban atas pengaduan {complaint.tracking_code}: {text[:300]}",
        actor=actor,
        now=now,
    )
    return complaint


@transaction.atomic
def complaint_close(
    *, actor: User, complaint: Complaint, now: datetime | None = None
) -> Complaint:
    """Close an answered complaint (the citizen may still dispute it, D20)."""
    _require_staff(actor, complaint)
    complaint = _locked(complaint, "close")
    now = now or timezone.now()
    changes = _move(
        complaint,
        actor=actor,
        kind=E.CLOSED,
        new_status=S.CLOSED,
        now=now,
        fields={"closed_at": now},
        public=True,
    )
    audit_record(
        actor=actor,
        action="complaint.close",
        target=complaint,
        changes=changes,
    )
    if complaint.contact is not None:
        contact_erase_schedule(
            contact=complaint.contact,
            closed_at=now + timedelta(days=settings.MUTU_COMPLAINT_SOLVED_ASK_DAYS),
            actor=actor,
        )
    return complaint


@transaction.atomic
def complaint_rate(
    *, complaint: Complaint, rating: int, now: datetime | None = None
) -> Complaint:
    """The citizen rates the answer 1–4 (on the tracking page or by message)."""
    if rating not in (1, 2, 3, 4):
        raise MutuError(
            "Nilai jawaban harus 1–4.", "The rating must be 1–4.", field="rating"
        )
    complaint = _locked(complaint, "rate")
    now = now or timezone.now()
    changes = _move(
        complaint,
        actor=None,
        kind=E.RATED,
        new_status=complaint.status,
        now=now,
        fields={"rating": rating},
    )
    audit_record(
        actor=None,
        action="complaint.rate",
        target=complaint,
        changes=changes,
    )
    return complaint


def _reopen(
    complaint: Complaint, *, action: str, kind: str, why: str, text: str, now: datetime
) -> dict[str, list[object]]:
    """Reopen *complaint* (once in all, D20); the changes for the audit row."""
    if complaint.reopened_at is not None:
        raise MutuError(
            f"Pengaduan {complaint.tracking_code} sudah pernah dibuka kembali; "
            "pembukaan kembali hanya sekali.",
            f"Complaint {complaint.tracking_code} was already reopened once; it "
            "reopens only once.",
            action=action,
        )
    fields: dict[str, object] = {
        "reopened_at": now,
        "reopen_reason": why,
        "closed_at": None,
    }
    if why == "not_solved":
        fields["solved"] = False
    return _move(
        complaint,
        actor=None,
        kind=kind,
        new_status=S.IN_PROGRESS,
        now=now,
        fields=fields,
        text=text,
        public=True,
    )


@transaction.atomic
def complaint_dispute(
    *, complaint: Complaint, reason: str, now: datetime | None = None
) -> Complaint:
    """The citizen disputes the answer within 14 days of it: reopened (once, D20)."""
    reason = _reason(reason)
    complaint = _locked(complaint, "dispute")
    now = now or timezone.now()
    answered = complaint.answered_at or now
    if now - answered > timedelta(days=DISPUTE_DAYS):
        raise MutuError(
            f"Sanggahan hanya dalam {DISPUTE_DAYS} hari setelah jawaban.",
            f"A dispute is possible only within {DISPUTE_DAYS} days of the answer.",
            field="reason",
        )
    changes = _reopen(
        complaint,
        action="dispute",
        kind=E.DISPUTED,
        why="dispute",
        text=reason,
        now=now,
    )
    audit_record(
        actor=None,
        action="complaint.dispute",
        target=complaint,
        changes=changes,
        reason=reason,
    )
    return complaint


@transaction.atomic
def complaint_solved_answer(
    *, complaint: Complaint, solved: bool, now: datetime | None = None
) -> Complaint:
    """The citizen's answer to "Apakah masalah Anda sudah selesai?".

    A "no" reopens the complaint once and counts against the unit (D20); a "no"
    after the one reopening is recorded without reopening."""
    complaint = _locked(complaint, "solved")
    now = now or timezone.now()
    if complaint.solved is not None and complaint.reopened_at is not None:
        raise MutuError(
            "Jawaban Anda sudah tercatat.", "Your answer is already recorded."
        )
    if not solved and complaint.reopened_at is None:
        changes = _reopen(
            complaint,
            action="solved",
            kind=E.REOPENED,
            why="not_solved",
            text="Masalah belum selesai menurut pelapor.",
            now=now,
        )
        audit_record(
            actor=None,
            action="complaint.not_solved",
            target=complaint,
            changes=changes,
        )
        return complaint
    changes = _move(
        complaint,
        actor=None,
        kind=E.SOLVED,
        new_status=complaint.status,
        now=now,
        fields={"solved": solved},
        text="Ya" if solved else "Tidak",
        public=True,
    )
    audit_record(
        actor=None,
        action="complaint.solved",
        target=complaint,
        changes=changes,
    )
    return complaint


@transaction.atomic
def complaint_note_add(
    *, actor: User, complaint: Complaint, text: str, now: datetime | None = None
) -> ComplaintEvent:
    """An internal note of the unit (never shown to the citizen)."""
    _require_staff(actor, complaint)
    text = (text or "").strip()
    if not text:
        raise MutuError("Catatan kosong.", "The note is empty.", field="text")
    event = _event(complaint, E.NOTE, actor=actor, now=now or timezone.now(), text=text)
    audit_record(
        actor=actor,
        action="complaint.note",
        target=complaint,
        changes={"note": [None, text[:200]]},
    )
    return event


@transaction.atomic
def complaint_follow_up_link(
    *, actor: User, complaint: Complaint, item: FollowUpItem | None
) -> Complaint:
    """Link the complaint to the follow-up plan item (RTL) that fixes its cause."""
    _require_staff(actor, complaint)
    if item is not None and item.unit_id != complaint.unit_id:
        raise MutuError(
            "Rencana tindak lanjut itu milik unit lain.",
            "That follow-up plan item belongs to another unit.",
            field="follow_up",
        )
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    old = complaint.follow_up_id
    complaint.follow_up = item
    complaint.save(update_fields=["follow_up", "updated_at"])
    audit_record(
        actor=actor,
        action="complaint.follow_up",
        target=complaint,
        changes={"follow_up": [old, item.pk if item else None]},
    )
    return complaint


# --- the daily run -----------------------------------------------------------------

STAGE_MILESTONES = (
    (ComplaintEscalation.Stage.VERIFY, "verify_due"),
    (ComplaintEscalation.Stage.ANSWER, "answer_due"),
    (ComplaintEscalation.Stage.RESOLVE, "resolve_due"),
)


def _pending(complaint: Complaint, stage: str) -> bool:
    if stage == ComplaintEscalation.Stage.VERIFY:
        return complaint.status == S.RECEIVED
    if stage == ComplaintEscalation.Stage.ANSWER:
        return complaint.answered_at is None and complaint.status != S.ARCHIVED
    return complaint.status not in (S.CLOSED, S.ARCHIVED)


@transaction.atomic
def complaint_escalate(
    *, complaint: Complaint, stage: str, now: datetime | None = None
) -> ComplaintEscalation | None:
    """Escalate one missed deadline of *complaint* to the regional coordinator:
    recorded once (a second call returns ``None``), e-mailed after commit."""
    now = now or timezone.now()
    complaint = (
        Complaint.objects.select_for_update()
        .select_related("unit")
        .get(pk=complaint.pk)
    )
    due = getattr(complaint, {str(s): f for s, f in STAGE_MILESTONES}[stage])
    if ComplaintEscalation.objects.filter(complaint=complaint, stage=stage).exists():
        return None
    recipients = coordinators_of(complaint.unit)
    escalation = ComplaintEscalation.objects.create(
        complaint=complaint,
        stage=stage,
        due=due,
        recipients=len(recipients),
        created_at=now,
    )
    label = ComplaintEscalation.Stage(stage).label
    _event(
        complaint,
        E.ESCALATED,
        actor=None,
        now=now,
        old=complaint.status,
        text=f"Tenggat {label} ({due:%d-%m-%Y}) terlewati.",
    )
    audit_record(
        actor=None,
        action="complaint.escalate",
        target=complaint,
        changes={"escalated": [None, stage]},
    )
    emails = [u.email for u in recipients]
    if emails:
        subject = f"[Mutu] Pengaduan {complaint.tracking_code} melewati tenggat {label}"
        body = (
            f"Pengaduan {complaint.tracking_code} di {complaint.unit} melewati "
            f"tenggat {label} pada {due:%d-%m-%Y} (docs/regulations.md D9).\n"
            f"Status sekarang: {Complaint.Status(complaint.status).label}.\n"
        )
        transaction.on_commit(
            lambda: send_mail(
                subject, body, settings.DEFAULT_FROM_EMAIL, emails, fail_silently=True
            )
        )
    return escalation


def complaints_escalate_due(*, now: datetime | None = None) -> int:
    """Escalate every missed, still pending deadline not yet escalated; how many.

    Safe to run twice: each (complaint, deadline) is escalated once
    (``mutu complaints escalate``, daily)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    count = 0
    open_ = Complaint.objects.exclude(status__in=[S.CLOSED, S.ARCHIVED]).filter(
        verify_due__lt=today
    )
    done = set(ComplaintEscalation.objects.values_list("complaint_id", "stage"))
    for complaint in open_.iterator():
        for stage, due_field in STAGE_MILESTONES:
            if (complaint.pk, stage) in done:
                continue
            if getattr(complaint, due_field) < today and _pending(complaint, stage):
                if complaint_escalate(complaint=complaint, stage=stage, now=now):
                    count += 1
    return count


@transaction.atomic
def complaint_solved_ask(
    *, complaint: Complaint, now: datetime | None = None
) -> Complaint:
    """Ask "Apakah masalah Anda sudah selesai?" on the channel used (the tracking
    page always offers it once answered); recorded once."""
    now = now or timezone.now()
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.solved_asked_at is not None:
        return complaint
    complaint.solved_asked_at = now
    complaint.save(update_fields=["solved_asked_at", "updated_at"])
    audit_record(
        actor=None,
        action="complaint.solved_ask",
        target=complaint,
        changes={"solved_asked_at": [None, now.isoformat()]},
    )
    _notify(
        complaint,
        f"Pengaduan {complaint.tracking_code}: Apakah masalah Anda sudah selesai? "
        "Balas YA atau TIDAK.",
        actor=None,
        now=now,
    )
    return complaint


def complaints_solved_ask_due(
    *, now: datetime | None = None, days: int | None = None
) -> int:
    """Ask every complaint closed *days* (setting, default 14) ago or more and not
    yet asked; how many."""
    now = now or timezone.now()
    days = settings.MUTU_COMPLAINT_SOLVED_ASK_DAYS if days is None else days
    due = Complaint.objects.filter(
        status=S.CLOSED,
        solved_asked_at__isnull=True,
        solved__isnull=True,
        closed_at__lte=now - timedelta(days=days),
    )
    count = 0
    for complaint in due.iterator():
        complaint_solved_ask(complaint=complaint, now=now)
        count += 1
    return count


@transaction.atomic
def complaint_recap_publish(
    *, actor: User, unit: ServiceUnit, period_key: str, now: datetime | None = None
) -> ComplaintRecap:
    """Publish the unit's complaints recap of a quarter on its public page (Q27)."""
    if not can_see(actor, unit, roles=(Role.UNIT_HEAD, Role.NATIONAL_ADMIN)):
        raise MutuError(
            "Hanya kepala unit yang menerbitkan rekap pengaduan.",
            "Only the unit head publishes the complaints recap.",
        )
    try:
        period = period_from_key(period_key)
    except (ValueError, TypeError) as error:
        raise MutuError(
            f"Periode tidak dikenal: {period_key!r}.",
            f"Unknown period: {period_key!r}.",
            field="period_key",
        ) from error
    now = now or timezone.now()
    figures = complaint_figures(unit, period.start, period.end).as_public()
    recap, created = ComplaintRecap.objects.update_or_create(
        unit=unit,
        period_key=period.key,
        defaults={"figures": figures, "published_at": now, "published_by": actor},
    )
    audit_record(
        actor=actor,
        action="complaint.recap_publish",
        target=recap,
        changes={"published_at": [None if created else "ulang", now.isoformat()]},
    )
    return recap


@transaction.atomic
def calendar_day_set(
    *, actor: User, day: date, working: bool, reason: str
) -> CalendarDay:
    """The national admin adds a non-working date, or makes a listed holiday a
    working day, by decree (D9); future due dates follow, stored ones stay."""
    if "/" not in grant_paths(actor, [Role.NATIONAL_ADMIN]):
        raise MutuError(
            "Hanya admin nasional yang mengubah kalender hari kerja.",
            "Only a national admin changes the working-day calendar.",
        )
    reason = _reason(reason)
    row = CalendarDay.objects.filter(day=day).first()
    old = None if row is None else row.working
    row, _created = CalendarDay.objects.update_or_create(
        day=day, defaults={"working": working, "reason": reason}
    )
    audit_record(
        actor=actor,
        action="calendar.set",
        target=row,
        changes={"working": [old, working]},
        reason=reason,
    )
    return row
