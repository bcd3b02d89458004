"""Reads of the messaging app: a unit's messaging log (never a phone number)."""

from datetime import datetime

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from mutu.messaging.models import OutboundMessage
from mutu.registry.models import ServiceUnit

Status = OutboundMessage.Status


def status_counts(unit: ServiceUnit, since: datetime) -> list[tuple[str, int]]:
    """``(status label, count)`` of the unit's outbound messages since *since*,
    every status listed (zero included), in the order of a message's life."""
    found = dict(
        OutboundMessage.objects.filter(unit=unit, created_at__gte=since)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return [(str(status.label), found.get(status.value, 0)) for status in Status]


def failure_list(
    unit: ServiceUnit, since: datetime, limit: int = 200
) -> QuerySet[OutboundMessage]:
    """The unit's failed and blocked messages since *since*, newest first (the
    fields a page may show: no number, no sealed number)."""
    return (
        OutboundMessage.objects.filter(
            unit=unit,
            created_at__gte=since,
            status__in=[Status.FAILED, Status.BLOCKED],
        )
        .only(
            "created_at",
            "status_at",
            "channel",
            "provider",
            "kind",
            "status",
            "attempts",
            "possibly_duplicated",
            "error_reason",
            "text",
        )
        .order_by("-created_at", "-pk")[:limit]
    )


def units_with_failures(
    units: QuerySet[ServiceUnit], since: datetime
) -> QuerySet[ServiceUnit]:
    """*units* annotated with ``message_failures``: failed messages since *since*."""
    failed = (
        OutboundMessage.objects.filter(
            unit=OuterRef("pk"), status=Status.FAILED, created_at__gte=since
        )
        .order_by()
        .values("unit")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return units.annotate(
        message_failures=Coalesce(
            Subquery(failed, output_field=IntegerField()), Value(0)
        )
    )
