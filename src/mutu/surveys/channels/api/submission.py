"""Storing one resolved item: who may write (WRITER_ROLES) and the call into the
one write path of every channel, which checks every value, ``submitted_at``'s
window included (the API refuses a time outside it)."""

from collections.abc import Mapping
from typing import Any

from mutu.accounts.models import Role
from mutu.surveys.channels.api.items import _Place
from mutu.surveys.models import Channel
from mutu.surveys.services import SubmitResult, response_submit

WRITER_ROLES = (
    Role.NATIONAL_ADMIN,
    Role.COORDINATOR,
    Role.UNIT_HEAD,
    Role.UNIT_OPERATOR,
)
"""Grants that let a caller store responses for a unit in their scope.

An evaluator verifies what units report, so an evaluator's token writes nothing.
"""


def _submit(data: Mapping[str, Any], place: _Place) -> SubmitResult:
    """Store one resolved item through the one write path of every channel."""
    return response_submit(
        unit=place.unit,
        service=place.service,
        point=place.point,
        channel=Channel.API,
        answers=data["answers"],
        profile=data.get("profile") or {},
        comment=data.get("comment") or "",
        extra_answers=data.get("extra_answers") or {},
        client_id=data["client_id"],
        submitted_at=data.get("submitted_at"),
    )
