"""Storing one resolved item: who may write (WRITER_ROLES), the limits read from
settings (bulk size, backdating window, clock skew), the check of
``submitted_at``, and the call into the one write path of every channel."""

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from mutu.accounts.models import Role
from mutu.errors import MutuError
from mutu.surveys.api.items import _Place
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

BULK_MAX = 1000
"""Default most responses in one bulk (setting ``MUTU_API_BULK_MAX``)."""

MAX_BACKDATE_DAYS = 400
"""Default oldest ``submitted_at`` accepted, in days (``MUTU_API_MAX_BACKDATE_DAYS``).

A year and a month: a paper batch of last year's survey can still be typed in and
sent, an old export replayed by mistake cannot.
"""

CLOCK_SKEW_MINUTES = 5
"""Default tolerance for a caller's clock running ahead (``MUTU_API_CLOCK_SKEW_MINUTES``)."""


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def submitted_at_check(
    value: datetime | None,
    *,
    now: datetime | None = None,
    max_age_days: int | None = None,
    skew_minutes: int | None = None,
) -> None:
    """Refuse a submission time in the future or older than the backdating window.

    Raises :class:`MutuError` (field ``submitted_at``). ``None`` means "now" and
    always passes. The window and the clock tolerance default to the settings
    ``MUTU_API_MAX_BACKDATE_DAYS`` (400) and ``MUTU_API_CLOCK_SKEW_MINUTES`` (5).
    """
    if value is None:
        return
    now = now or timezone.now()
    days = max_age_days or _setting("MUTU_API_MAX_BACKDATE_DAYS", MAX_BACKDATE_DAYS)
    skew = skew_minutes or _setting("MUTU_API_CLOCK_SKEW_MINUTES", CLOCK_SKEW_MINUTES)
    if value > now + timedelta(minutes=skew):
        raise MutuError(
            "submitted_at: waktu pengisian tidak boleh di masa depan.",
            "submitted_at: the submission time may not be in the future.",
            field="submitted_at",
        )
    if value < now - timedelta(days=days):
        raise MutuError(
            f"submitted_at: waktu pengisian lebih tua dari {days} hari.",
            f"submitted_at: the submission time is older than {days} days.",
            field="submitted_at",
        )


def _submit(data: Mapping[str, Any], place: _Place) -> SubmitResult:
    """Store one resolved item through the one write path of every channel."""
    submitted_at_check(data.get("submitted_at"))
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


def _bulk_limit() -> int:
    return _setting("MUTU_API_BULK_MAX", BULK_MAX)
