"""The user assessment (F-03): service users' answers about a unit, taken until
its result is final and, on the public web form, until the cycle's
verification deadline. The items and their scale are the cycle instrument's
(``user_assessment`` in its file); an instrument without one takes no answers."""

import uuid
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from mutu.evaluations.instruments import cycle_instrument
from mutu.evaluations.models import Assignment, UserAssessment
from mutu.evaluations.services.rules import _level, _refuse
from mutu.measures.instrument import UserAssessment as UserForm


def user_form_for(assignment: Assignment, channel: str = "web") -> UserForm:
    """The F-03 form (items in order, scale) of *assignment*'s cycle instrument.

    Raises ``MutuError`` saying why when no answers can be taken: the instrument
    has no F-03, the unit's result is final, or (on the web) the cycle's
    verification deadline has passed.
    """
    form = cycle_instrument(assignment.cycle).user_assessment
    if form is None:
        raise _refuse(
            f"Instrumen {assignment.cycle.instrument_id} tidak memakai penilaian "
            "pengguna (F-03).",
            f"Instrument {assignment.cycle.instrument_id} has no user assessment "
            "(F-03).",
        )
    if assignment.stage == Assignment.Stage.FINALIZED:
        raise _refuse(
            "Evaluasi unit ini sudah final.", "This unit's evaluation is final."
        )
    due = assignment.cycle.verification_due
    if channel == "web" and timezone.localdate() > due:
        raise _refuse(
            f"Pengisian penilaian pengguna (F-03) ditutup setelah {due:%d-%m-%Y}.",
            f"The user assessment (F-03) closed after {due:%d-%m-%Y}.",
        )
    return form


def user_assessment_add(
    *,
    assignment: Assignment,
    scores: Sequence[Any],
    client_id: uuid.UUID | str,
    channel: str = "web",
) -> tuple[UserAssessment, bool]:
    """Store one F-03 respondent (idempotent by *client_id*); returns (row, created).

    *scores* answers every item of the instrument's F-03 form, in order, on its
    scale. Refused when the instrument has no F-03, once the unit's result is final
    and, on the public web form, after the cycle's verification deadline (the link
    stops working then).
    """
    form = user_form_for(assignment, channel)
    if len(scores) != len(form.items):
        raise _refuse(
            f"Isi semua {len(form.items)} butir.",
            f"Answer all {len(form.items)} items.",
            field="scores",
        )
    cleaned = [_level(value, "scores", form.scale) for value in scores]
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
