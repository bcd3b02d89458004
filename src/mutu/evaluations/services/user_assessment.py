"""The user assessment (F-03): service users' answers about a unit, taken until
its result is final and, on the public web form, until the cycle's
verification deadline."""

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.utils import timezone

from mutu.errors import MutuError
from mutu.evaluations.f03 import F03_ITEMS
from mutu.evaluations.models import Assignment, UserAssessment
from mutu.evaluations.services.rules import _level, _refuse


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
