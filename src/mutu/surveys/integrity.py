"""Integrity signals on SKM responses: named rules, each with a reason a person can read.

A signal flags a response; it never drops it. The coordinator decides to include or
exclude flagged responses (audited, reversible). Thresholds are keyword arguments
whose defaults come from settings (``MUTU_SURVEY_*``), never buried in code.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings

from mutu.surveys.models import ELEMENT_FIELDS, Response


@dataclass(frozen=True)
class Signal:
    rule: str
    reason: str


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def duplicate_signal(
    response: Response, *, window_minutes: int | None = None
) -> Signal | None:
    """Same device (or phone hash) rated the same service within the window."""
    if not response.device_hash:
        return None
    window = window_minutes or _setting("MUTU_SURVEY_DUPLICATE_WINDOW_MINUTES", 24 * 60)
    since = response.submitted_at - timedelta(minutes=window)
    earlier = (
        Response.objects.filter(
            device_hash=response.device_hash,
            service_id=response.service_id,
            submitted_at__gte=since,
            submitted_at__lte=response.submitted_at,
        )
        .exclude(pk=response.pk)
        .exists()
    )
    if earlier:
        return Signal(
            "duplicate",
            f"Perangkat/nomor yang sama sudah menilai layanan ini dalam {window} menit.",
        )
    return None


def burst_signal(response: Response, *, per_minute: int | None = None) -> Signal | None:
    """More responses from one service point in a minute than a counter can serve."""
    if response.point_id is None:
        return None
    limit = per_minute or _setting("MUTU_SURVEY_BURST_PER_MINUTE", 6)
    since = response.submitted_at - timedelta(minutes=1)
    recent = Response.objects.filter(
        point_id=response.point_id,
        submitted_at__gte=since,
        submitted_at__lte=response.submitted_at,
    ).count()
    if recent > limit:
        return Signal(
            "burst",
            f"{recent} respons dari loket ini dalam satu menit (batas wajar {limit}).",
        )
    return None


def _straight(values: list[int | None]) -> bool:
    return (
        len(values) == len(ELEMENT_FIELDS)
        and None not in values
        and len(set(values)) == 1
    )


def straight_line_signal(
    response: Response, *, run: int | None = None
) -> Signal | None:
    """All nine answers identical, in a run of such responses from one point or device."""
    if not _straight([getattr(response, f) for f in ELEMENT_FIELDS]):
        return None
    length = run or _setting("MUTU_SURVEY_STRAIGHT_LINE_RUN", 3)
    same_source = Response.objects.exclude(pk=response.pk).filter(
        submitted_at__lte=response.submitted_at
    )
    if response.point_id:
        same_source = same_source.filter(point_id=response.point_id)
    elif response.device_hash:
        same_source = same_source.filter(device_hash=response.device_hash)
    else:
        same_source = same_source.filter(
            unit_id=response.unit_id, channel=response.channel
        )
    previous = same_source.order_by("-submitted_at", "-id").values_list(
        *ELEMENT_FIELDS
    )[: length - 1]
    if len(previous) == length - 1 and all(_straight(list(row)) for row in previous):
        return Signal(
            "straight_line",
            f"Sembilan jawaban sama, {length} respons berturut-turut dari sumber yang sama.",
        )
    return None


RULES = (duplicate_signal, burst_signal, straight_line_signal)


def signals_for(response: Response) -> list[Signal]:
    """Every integrity signal the stored *response* raises."""
    return [signal for rule in RULES if (signal := rule(response)) is not None]
