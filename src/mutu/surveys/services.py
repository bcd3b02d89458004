"""Writes of the surveys app. Every channel stores a response through ``response_submit``."""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from mutu.accounts.models import Role
from mutu.accounts.scoping import can_see
from mutu.audit.services import audit_record
from mutu.errors import MutuError
from mutu.registry.models import Service, ServicePoint, ServiceUnit
from mutu.surveys.hashing import content_hash, device_hash
from mutu.surveys.integrity import flags_write, own_network_signal, signals_for
from mutu.surveys.models import (
    ELEMENT_FIELDS,
    Channel,
    Education,
    Occupation,
    Publication,
    Response,
    Sex,
)
from mutu.surveys.periods import PeriodKind, period_containing
from mutu.surveys.rollups import rollup_add, rollup_subtract
from mutu.surveys.selectors import survey_settings_for
from mutu.surveys.tasks import integrity_check_soon

PROFILE_CHOICES = {
    "sex": set(Sex.values),
    "education": set(Education.values),
    "occupation": set(Occupation.values),
}
AGE_RANGE = (15, 100)
REVIEWER_ROLES = (Role.NATIONAL_ADMIN, Role.COORDINATOR)
COMMENT_MAX = 2000


class ConflictError(MutuError):
    """The client id is already stored with different content (HTTP 409)."""


@dataclass(frozen=True)
class SubmitResult:
    response: Response
    created: bool


def _one_to_four(code: str, value: Any, field: str) -> int | None:
    """An answer on the 1–4 scale (as number or text), ``None`` when left empty."""
    if value in (None, ""):
        return None
    if isinstance(value, bool) or str(value).strip() not in {"1", "2", "3", "4"}:
        raise MutuError(
            f"Jawaban {code} harus 1, 2, 3 atau 4, bukan {value!r}.",
            f"Answer {code} must be 1, 2, 3 or 4, not {value!r}.",
            field=field,
        )
    return int(str(value).strip())


def _clean_answers(answers: Mapping[str, Any]) -> dict[str, int | None]:
    known = {field.upper() for field in ELEMENT_FIELDS}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise MutuError(
            f"Unsur tidak dikenal: {', '.join(unknown)}.",
            f"Unknown element: {', '.join(unknown)}.",
            field=unknown[0],
        )
    cleaned = {
        code: _one_to_four(code, answers.get(code), code)
        for code in sorted(known, key=lambda c: int(c[1:]))
    }
    if all(value is None for value in cleaned.values()):
        raise MutuError(
            "Jawab paling sedikit satu pertanyaan penilaian.",
            "Answer at least one rating question.",
            field="U1",
        )
    return cleaned


def _clean_profile(profile: Mapping[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for name, allowed in PROFILE_CHOICES.items():
        value = (profile.get(name) or "").strip()
        if value and value not in allowed:
            raise MutuError(
                f"Nilai {name} tidak dikenal: {value!r}.",
                f"Unknown {name} value: {value!r}.",
                field=name,
            )
        cleaned[name] = value
    age = profile.get("age")
    if age in (None, ""):
        cleaned["age"] = None
    else:
        try:
            cleaned["age"] = int(age)
        except (TypeError, ValueError):
            cleaned["age"] = -1
        if not AGE_RANGE[0] <= cleaned["age"] <= AGE_RANGE[1]:
            raise MutuError(
                f"Usia harus {AGE_RANGE[0]}–{AGE_RANGE[1]} tahun.",
                f"Age must be {AGE_RANGE[0]}–{AGE_RANGE[1]} years.",
                field="age",
            )
    return cleaned


def _clean_extra(unit: ServiceUnit, extra: Mapping[str, Any]) -> dict[str, int]:
    """Answers to the unit's own questions: keys X1…Xn for its n questions, values
    1–4 (the form's four labels). Looks the questions up only when answers came."""
    if not extra:
        return {}
    count = len(survey_settings_for(unit).extra_questions or [])
    allowed = {f"X{n}" for n in range(1, count + 1)}
    cleaned: dict[str, int] = {}
    for code, value in extra.items():
        if code not in allowed:
            raise MutuError(
                f"Pertanyaan tambahan tidak dikenal: {code!r} (unit ini punya "
                f"{count}).",
                f"Unknown extra question: {code!r} (this unit has {count}).",
                field="extra_answers",
            )
        answer = _one_to_four(code, value, "extra_answers")
        if answer is not None:
            cleaned[code] = answer
    return cleaned


def _check_place(
    unit: ServiceUnit, service: Service, point: ServicePoint | None
) -> None:
    if service.unit_id != unit.pk or not service.is_active:
        raise MutuError(
            "Layanan itu bukan layanan aktif unit ini.",
            "That service is not an active service of this unit.",
            field="service",
        )
    if point is not None and point.unit_id != unit.pk:
        raise MutuError(
            "Loket itu bukan milik unit ini.",
            "That service point does not belong to this unit.",
            field="point",
        )


def response_submit(
    *,
    unit: ServiceUnit,
    service: Service,
    channel: str,
    answers: Mapping[str, Any],
    profile: Mapping[str, Any] | None = None,
    comment: str = "",
    extra_answers: Mapping[str, Any] | None = None,
    point: ServicePoint | None = None,
    client_id: uuid.UUID | str | None = None,
    device_key: str = "",
    client_ip: str = "",
    submitted_at: datetime | None = None,
    defer_integrity: bool = False,
) -> SubmitResult:
    """Store one SKM response, count it into its rollup and raise integrity flags.

    With *defer_integrity* (the public web form and the kiosk) only the own-network
    rule runs now; the response is marked ``integrity_pending`` and a background
    task runs the other rules after the commit (see :mod:`mutu.surveys.integrity`).

    Idempotent by *client_id*: the same id with the same content returns the stored
    response (``created=False``); the same id with other content raises
    :class:`ConflictError`. *device_key* (a device cookie or a phone number) is kept
    only as a keyed hash; *client_ip* is used for the own-network signal and never
    stored. Raises :class:`MutuError` for any invalid input; nothing is
    written then.
    """
    if channel not in Channel.values:
        raise MutuError(
            f"Kanal tidak dikenal: {channel!r}.", f"Unknown channel: {channel!r}."
        )
    cleaned_answers = _clean_answers(answers)
    cleaned_profile = _clean_profile(profile or {})
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise MutuError(
            f"Kritik dan saran paling panjang {COMMENT_MAX} karakter.",
            f"Comments may be at most {COMMENT_MAX} characters.",
            field="comment",
        )
    if not isinstance(extra_answers or {}, Mapping):
        raise MutuError(
            "extra_answers harus objek {X1: nilai}.",
            "extra_answers must be an object {X1: value}.",
            field="extra_answers",
        )
    extra_answers = _clean_extra(unit, extra_answers or {})
    try:
        client_uuid = uuid.UUID(str(client_id)) if client_id else uuid.uuid4()
    except ValueError as error:
        raise MutuError(
            "client_id harus UUID.", "client_id must be a UUID.", field="client_id"
        ) from error
    fingerprint = content_hash(
        {
            "unit": unit.pk,
            "service": service.pk,
            "point": point.pk if point else None,
            "channel": channel,
            "answers": cleaned_answers,
            "profile": cleaned_profile,
            "comment": comment,
            "extra": extra_answers,
        }
    )
    stamped_now = submitted_at is None
    submitted_at = submitted_at or timezone.now()
    try:
        _check_place(unit, service, point)
        if not stamped_now:
            # Only a period that has ended can be published (result_publish), so a
            # response stamped with the server's clock never falls into one.
            _refuse_if_published(unit, timezone.localdate(submitted_at))
    except MutuError:
        # A retry of a stored response is answered even if its service has since
        # been deactivated or its period published: the client must learn that
        # nothing was lost. (A first submission needs no look-up: the unique
        # client id answers a retry below.)
        existing = Response.objects.filter(client_id=client_uuid).first()
        if existing is not None:
            return _replay(existing, fingerprint)
        raise
    response = Response(
        unit=unit,
        service=service,
        point=point,
        channel=channel,
        submitted_at=submitted_at,
        day=timezone.localdate(submitted_at),
        comment=comment,
        extra_answers=extra_answers,
        client_id=client_uuid,
        content_hash=fingerprint,
        device_hash=device_hash(device_key),
        **{code.lower(): value for code, value in cleaned_answers.items()},
        integrity_pending=defer_integrity,
        **cleaned_profile,
    )
    response.client_ip = client_ip  # transient: read by the integrity rules only
    try:
        with transaction.atomic():
            response.save()
            if defer_integrity:
                flags_write(response, signals_for(response, [own_network_signal]))
                # Last, so the hot rollup row is locked for one statement only.
                rollup_add(response)
                transaction.on_commit(integrity_check_soon)
            else:
                rollup_add(response)  # first: the share-of-4s rule reads the rollups
                flags_write(response, signals_for(response))
    except IntegrityError:
        existing = Response.objects.filter(client_id=client_uuid).first()
        if existing is None:
            raise
        return _replay(existing, fingerprint)
    return SubmitResult(response, created=True)


def _refuse_if_published(unit: ServiceUnit, day: date) -> None:
    """Published figures never change (DESIGN.md): a period the unit head published is
    closed to new responses and to inclusion/exclusion decisions."""
    keys = [period_containing(day, kind).key for kind in PeriodKind.values]
    if Publication.objects.filter(unit=unit, period_key__in=keys).exists():
        raise MutuError(
            "Periode ini sudah dipublikasikan; hasilnya tidak dapat diubah lagi.",
            "This period was published; its figures can no longer change.",
            field="submitted_at",
        )


def _replay(existing: Response, fingerprint: str) -> SubmitResult:
    if existing.content_hash != fingerprint:
        raise ConflictError(
            "client_id ini sudah dipakai untuk respons lain.",
            "This client_id was already used for a different response.",
            field="client_id",
        )
    return SubmitResult(existing, created=False)


@transaction.atomic
def response_set_excluded(
    *, actor: Any, response: Response, excluded: bool, reason: str
) -> Response:
    """Exclude a response from every figure, or include it again; audited, reversible.

    Raises :class:`MutuError` without a reason. Repeating the same decision changes
    nothing and records nothing.
    """
    if not (reason or "").strip():
        raise MutuError(
            "Tuliskan alasan keputusan ini.",
            "Give a reason for this decision.",
            field="reason",
        )
    if not can_see(actor, response.unit, roles=REVIEWER_ROLES):
        raise MutuError(
            "Hanya koordinator atau admin yang dapat memutuskan respons bertanda.",
            "Only a coordinator or an admin can decide on flagged responses.",
        )
    locked = Response.objects.select_for_update().get(pk=response.pk)
    if locked.is_excluded == excluded:
        return locked
    _refuse_if_published(locked.unit, locked.day)
    locked.is_excluded = excluded
    locked.save(update_fields=["is_excluded"])
    if excluded:
        rollup_subtract(locked)
    else:
        rollup_add(locked)
    audit_record(
        actor=actor,
        action="response.exclude" if excluded else "response.include",
        target=locked,
        changes={"is_excluded": [not excluded, excluded]},
        reason=reason.strip(),
    )
    return locked
