"""Writes of the surveys app. Every channel stores a response through ``response_submit``."""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from mutu.accounts.models import Role, User
from mutu.accounts.scoping import can_see
from mutu.audit.services import audit_record
from mutu.errors import ConflictError, MutuError
from mutu.hashing import device_hash
from mutu.measures.skm_elements import ELEMENT_CODES
from mutu.registry.models import Service, ServicePoint, ServiceUnit
from mutu.surveys.hashing import response_content_hash
from mutu.surveys.integrity import flags_write, own_network_signal, signals_for
from mutu.surveys.keys import response_by_client_id
from mutu.surveys.models import Channel, Response
from mutu.surveys.published import published_period_refuse
from mutu.surveys.rollups import rollup_add, rollup_exclusion_set
from mutu.surveys.rules import (
    AGE_RANGE,
    COMMENT_MAX,
    INVALID,
    PROFILE_CHOICES,
    age_value,
    answer_value,
    comment_text,
    profile_code,
    submission_window,
)
from mutu.surveys.selectors import survey_settings_for
from mutu.surveys.tasks import integrity_check_soon

REVIEWER_ROLES = (Role.NATIONAL_ADMIN, Role.COORDINATOR)


@dataclass(frozen=True)
class SubmitResult:
    response: Response
    created: bool


def _answer(code: str, value: Any, field: str) -> int | None:
    answer = answer_value(value)
    if answer is INVALID:
        raise MutuError(
            f"Jawaban {code} harus 1, 2, 3 atau 4, bukan {value!r}.",
            f"Answer {code} must be 1, 2, 3 or 4, not {value!r}.",
            field=field,
        )
    return answer  # type: ignore[return-value]


def _clean_answers(answers: Mapping[str, Any]) -> dict[str, int | None]:
    unknown = sorted(set(answers) - set(ELEMENT_CODES))
    if unknown:
        raise MutuError(
            f"Unsur tidak dikenal: {', '.join(unknown)}.",
            f"Unknown element: {', '.join(unknown)}.",
            field=unknown[0],
        )
    cleaned = {code: _answer(code, answers.get(code), code) for code in ELEMENT_CODES}
    if all(value is None for value in cleaned.values()):
        raise MutuError(
            "Jawab paling sedikit satu pertanyaan penilaian.",
            "Answer at least one rating question.",
            field="U1",
        )
    return cleaned


def _clean_profile(profile: Mapping[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for name in PROFILE_CHOICES:
        value = profile.get(name) or ""
        code = profile_code(name, value)
        if code is INVALID:
            raise MutuError(
                f"Nilai {name} tidak dikenal: {value!r}.",
                f"Unknown {name} value: {value!r}.",
                field=name,
            )
        cleaned[name] = code
    age = age_value(profile.get("age"))
    if age is INVALID:
        raise MutuError(
            f"Usia harus {AGE_RANGE[0]}–{AGE_RANGE[1]} tahun.",
            f"Age must be {AGE_RANGE[0]}–{AGE_RANGE[1]} years.",
            field="age",
        )
    cleaned["age"] = age
    return cleaned


def _clean_comment(comment: Any) -> str:
    text = comment_text(comment)
    if text is INVALID:
        raise MutuError(
            f"Kritik dan saran paling panjang {COMMENT_MAX} karakter.",
            f"Comments may be at most {COMMENT_MAX} characters.",
            field="comment",
        )
    return text  # type: ignore[return-value]


def _clean_extra(unit: ServiceUnit, extra: Any) -> dict[str, int]:
    """Answers to the unit's own questions: keys X1…Xn for its n questions, values
    1–4 (the form's four labels). Looks the questions up only when answers came."""
    if not isinstance(extra, Mapping):
        raise MutuError(
            "extra_answers harus objek {X1: nilai}.",
            "extra_answers must be an object {X1: value}.",
            field="extra_answers",
        )
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
        answer = _answer(code, value, "extra_answers")
        if answer is not None:
            cleaned[code] = answer
    return cleaned


def _check_time(submitted_at: datetime, now: datetime | None) -> None:
    window = submission_window(now=now)
    if submitted_at > window.latest:
        raise MutuError(
            "submitted_at: waktu pengisian tidak boleh di masa depan.",
            "submitted_at: the submission time may not be in the future.",
            field="submitted_at",
        )
    if submitted_at < window.oldest:
        days = window.max_age_days
        raise MutuError(
            f"submitted_at: waktu pengisian lebih tua dari {days} hari.",
            f"submitted_at: the submission time is older than {days} days.",
            field="submitted_at",
        )


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
    now: datetime | None = None,
) -> SubmitResult:
    """Store one SKM response, count it into its rollup and raise integrity flags.

    With *defer_integrity* (the public web form and the kiosk) only the own-network
    rule runs now; the response is marked ``integrity_pending`` and a background
    task runs the other rules after the commit (see :mod:`mutu.surveys.integrity`).

    Every value is checked by the rules of :mod:`mutu.surveys.rules` (answers
    1–4 by element code, profile codes, age, comment length, the unit's own
    questions). A *submitted_at* given by the caller must lie inside the
    submission window (:func:`~mutu.surveys.rules.submission_window`) and outside
    the unit's published periods (:mod:`mutu.surveys.published`); ``None`` means
    now. *now* (default: the server's clock) is where the window is counted from. A channel with its own policy for a time outside the window (the kiosk
    files it at the time of receipt) applies it before calling.

    Idempotent by *client_id*: the same id with the same content returns the stored
    response (``created=False``), even when its service or period has since been
    closed; the same id with other content raises :class:`ConflictError`.
    *device_key* (a device cookie or a phone number) is kept only as a keyed hash;
    *client_ip* is used for the own-network signal and never stored. Raises
    :class:`MutuError` for any invalid input; nothing is written then.
    """
    if channel not in Channel.values:
        raise MutuError(
            f"Kanal tidak dikenal: {channel!r}.", f"Unknown channel: {channel!r}."
        )
    cleaned_answers = _clean_answers(answers)
    cleaned_profile = _clean_profile(profile or {})
    comment = _clean_comment(comment)
    extra_answers = _clean_extra(unit, extra_answers or {})
    try:
        client_uuid = uuid.UUID(str(client_id)) if client_id else uuid.uuid4()
    except ValueError as error:
        raise MutuError(
            "client_id harus UUID.", "client_id must be a UUID.", field="client_id"
        ) from error
    fingerprint = response_content_hash(
        unit_id=unit.pk,
        service_id=service.pk,
        point_id=point.pk if point else None,
        channel=channel,
        answers=list(cleaned_answers.values()),
        sex=cleaned_profile["sex"],
        age=cleaned_profile["age"],
        education=cleaned_profile["education"],
        occupation=cleaned_profile["occupation"],
        comment=comment,
        extra=extra_answers,
    )
    stamped_now = submitted_at is None
    submitted_at = submitted_at or timezone.now()
    try:
        _check_place(unit, service, point)
        if not stamped_now:
            _check_time(submitted_at, now)
            # Only a period that has ended can be published (result_publish), so a
            # response stamped with the server's clock never falls into one.
            published_period_refuse(unit.pk, timezone.localdate(submitted_at))
    except MutuError:
        # A retry of a stored response is answered even if its service has since
        # been deactivated or its period published: the client must learn that
        # nothing was lost. (A first submission needs no look-up: the unique
        # client id answers a retry below.)
        existing = response_by_client_id(client_uuid)
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
                # Not yet counted: rollup_add counts the flag with the rest.
                flags_write(
                    response,
                    signals_for(response, [own_network_signal]),
                    counted=False,
                )
                # Last, so the hot rollup row is locked for one statement only.
                rollup_add(response)
                transaction.on_commit(integrity_check_soon)
            else:
                rollup_add(response)  # first: the share-of-4s rule reads the rollups
                flags_write(response, signals_for(response), counted=True)
    except IntegrityError:
        existing = response_by_client_id(client_uuid)
        if existing is None:
            raise
        return _replay(existing, fingerprint)
    return SubmitResult(response, created=True)


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
    *, actor: User, response: Response, excluded: bool, reason: str
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
    published_period_refuse(locked.unit_id, locked.day)
    locked.is_excluded = excluded
    locked.save(update_fields=["is_excluded"])
    rollup_exclusion_set(locked, excluded=excluded)
    audit_record(
        actor=actor,
        action="response.exclude" if excluded else "response.include",
        target=locked,
        changes={"is_excluded": [not excluded, excluded]},
        reason=reason.strip(),
    )
    return locked
