"""Integrity signals on SKM responses: named rules, each with a reason a person can read.

A signal flags a response; it never drops it. The coordinator decides to include or
exclude flagged responses (audited, reversible). Thresholds are keyword arguments
whose defaults come from settings (``MUTU_SURVEY_*``), never buried in code.

When the rules run: the API and SMS check every rule while storing the response, so
their answer can show the flags. The public web form and the kiosk, where a citizen
waits and traffic peaks, check only the own-network rule then (it needs the sender's
address, which is never stored) and mark the response ``integrity_pending``; a
background task (:func:`pending_check`, enqueued after the commit) runs the other
rules moments later. They read only stored data, so the answer is the same, except
the share-of-4s rule, which then sees the day's later answers too. A coordinator's
review page first checks what is still pending, so it never lists a stale picture.
"""

import ipaddress
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import (
    Case,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Value,
    When,
)
from django.utils import timezone

from mutu.surveys.models import (
    ELEMENT_FIELDS,
    ROLLUP_COUNT_FIELDS,
    DailyRollup,
    Response,
    ResponseFlag,
    UnitSurveySettings,
)
from mutu.surveys.rollups import rollup_flags_add


@dataclass(frozen=True)
class Signal:
    rule: str
    reason: str


Rule = Callable[[Response], Signal | None]


def duplicate_signal(
    response: Response, *, window_minutes: int | None = None
) -> Signal | None:
    """Same device (or phone hash) rated the same service within the window."""
    if not response.device_hash:
        return None
    window = window_minutes or settings.MUTU_SURVEY_DUPLICATE_WINDOW_MINUTES
    since = response.submitted_at - timedelta(minutes=window)
    earlier = (
        Response.objects.filter(
            device_hash=response.device_hash,
            service_id=response.service_id,
            submitted_at__gte=since,
            submitted_at__lte=response.submitted_at,
            **_days(since, response.submitted_at),
        )
        .exclude(pk=response.pk)
        .exists()
    )
    return _duplicate(window) if earlier else None


def _days(since: datetime, until: datetime) -> dict[str, date]:
    """The days (WIB) of a look-back from *since* to *until*, as a filter.

    Redundant with the time bounds, but it names the days: on PostgreSQL the planner
    then reads only their monthly partitions (docs/scaling.md "Partitions and
    indexes") instead of probing every month's index.
    """
    return {
        "day__gte": timezone.localdate(since),
        "day__lte": timezone.localdate(until),
    }


def _duplicate(window: int) -> Signal:
    return Signal(
        "duplicate",
        f"Perangkat/nomor yang sama sudah menilai layanan ini dalam {window} menit.",
    )


def burst_signal(response: Response, *, per_minute: int | None = None) -> Signal | None:
    """More responses from one service point in a minute than a counter can serve."""
    if response.point_id is None:
        return None
    limit = per_minute or settings.MUTU_SURVEY_BURST_PER_MINUTE
    since = response.submitted_at - timedelta(minutes=1)
    # Counting stops at limit + 1: whether the limit is passed is all that matters.
    recent = Response.objects.filter(
        point_id=response.point_id,
        submitted_at__gte=since,
        submitted_at__lte=response.submitted_at,
        **_days(since, response.submitted_at),
    )[: limit + 1].count()
    return _burst(limit) if recent > limit else None


def _burst(limit: int) -> Signal:
    return Signal(
        "burst",
        f"Lebih dari {limit} respons dari loket ini dalam satu menit "
        f"(batas wajar {limit}).",
    )


STRAIGHT_LINE_RULE = "straight_line"


def is_straight_line(values: Sequence[int | None]) -> bool:
    """All nine elements answered, with one and the same value."""
    return (
        len(values) == len(ELEMENT_FIELDS)
        and None not in values
        and len(set(values)) == 1
    )


def straight_line_run(previous: Sequence[bool], *, run: int) -> bool:
    """Whether a straight line completes a run: the ``run - 1`` responses before it
    from the same source (newest first, *previous*) are all straight lines too."""
    need = max(run - 1, 0)
    return len(previous) >= need and all(previous[:need])


def straight_line_flag(run: int) -> Signal:
    return Signal(
        STRAIGHT_LINE_RULE,
        f"Sembilan jawaban sama, {run} respons berturut-turut dari sumber yang sama.",
    )


def straight_line_signal(
    response: Response, *, run: int | None = None
) -> Signal | None:
    """All nine answers identical, in a run of such responses from one point or device.

    The same source is the service point, else the device (or phone) hash, else
    the unit and channel (a paper import). :mod:`mutu.surveys.bulk.straight_lines`
    finds the same previous responses for a bulk without a query per row.
    """
    if not is_straight_line([getattr(response, f) for f in ELEMENT_FIELDS]):
        return None
    length = run or settings.MUTU_SURVEY_STRAIGHT_LINE_RUN
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
    )[: max(length - 1, 0)]
    if straight_line_run([is_straight_line(row) for row in previous], run=length):
        return straight_line_flag(length)
    return None


def outside_hours_signal(
    response: Response, *, grace_minutes: int | None = None
) -> Signal | None:
    """Submitted at a counter outside its opening days or hours (plus a grace period).

    A citizen may rate a little after closing time, so the grace period
    (``MUTU_SURVEY_HOURS_GRACE_MINUTES``) extends the hours on both sides.
    """
    point = response.point
    if point is None or point.opens_at is None or point.closes_at is None:
        return None
    grace = timedelta(
        minutes=grace_minutes
        if grace_minutes is not None
        else settings.MUTU_SURVEY_HOURS_GRACE_MINUTES
    )
    local = timezone.localtime(response.submitted_at)
    opens = datetime.combine(local.date(), point.opens_at, local.tzinfo) - grace
    closes = datetime.combine(local.date(), point.closes_at, local.tzinfo) + grace
    open_day = str(local.isoweekday()) in (point.open_weekdays or "")
    if open_day and opens <= local <= closes:
        return None
    return Signal(
        "outside_hours",
        f"Dikirim {local:%A %H.%M}, di luar jam layanan loket "
        f"({point.opens_at:%H.%M}–{point.closes_at:%H.%M}, hari {point.open_weekdays}).",
    )


OWN_NETWORKS_CACHE_SECONDS = 60


def own_networks_cache_key(unit_id: int) -> str:
    return f"mutu-own-networks:{unit_id}"


def _own_networks(unit_id: int) -> str:
    """The unit's own network ranges, one per line ("" when none are set).

    Read on every public submission, so kept in the cache for a minute; saving the
    unit's survey settings deletes the entry (other processes of a server with a
    per-process cache see the change within the minute).
    """
    networks: str | None = cache.get(own_networks_cache_key(unit_id))
    if networks is None:
        row = UnitSurveySettings.objects.filter(unit_id=unit_id).first()
        networks = row.own_networks if row is not None else ""
        cache.set(own_networks_cache_key(unit_id), networks, OWN_NETWORKS_CACHE_SECONDS)
    return networks


def own_network_signal(response: Response) -> Signal | None:
    """Sent from an address inside the unit's own network ranges (its staff's PCs).

    The only rule that needs the sender's address, which is never stored: so it is
    the one rule that always runs while the response is being stored.
    """
    address = getattr(response, "client_ip", "")
    if not address:
        return None
    networks = _own_networks(response.unit_id)
    if not networks.strip():
        return None
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    for line in networks.splitlines():
        try:
            network = ipaddress.ip_network(line.strip(), strict=False)
        except ValueError:
            continue
        if ip.version == network.version and ip in network:
            return Signal(
                "own_network", f"Dikirim dari jaringan internal unit ({network})."
            )
    return None


def _answers_and_fours(unit_id: int, **days: object) -> tuple[int, int]:
    """Total answers and answers of 4 in the unit's rollups of *days* (summed here:
    the rollup columns run u1_1 … u1_4, u2_1 …, so every fourth one counts 4s)."""
    total = fours = 0
    for row in DailyRollup.objects.filter(unit_id=unit_id, **days).values_list(
        *ROLLUP_COUNT_FIELDS
    ):
        total += sum(row)
        fours += sum(row[3::4])
    return total, fours


def share_of_fours_signal(
    response: Response,
    *,
    jump: float | None = None,
    minimum: int | None = None,
    baseline_days: int = 28,
    today: tuple[int, int] | None = None,
) -> Signal | None:
    """The unit's share of 4s today jumped far above its share in the weeks before.

    Today's share comes from today's few rollup rows; the baseline (the
    ``baseline_days`` before today) changes only once a day, so it is cached.
    Both need at least ``minimum`` answers.
    """
    jump = jump if jump is not None else settings.MUTU_SURVEY_FOURS_JUMP
    minimum = minimum or settings.MUTU_SURVEY_FOURS_MIN_ANSWERS
    today_total, today_fours = today or _answers_and_fours(
        response.unit_id, day=response.day
    )
    if today_total < minimum:
        return None
    since = response.day - timedelta(days=baseline_days)
    baseline: tuple[int, int] | None = cache.get_or_set(
        f"mutu-fours-baseline:{response.unit_id}:{response.day}:{baseline_days}",
        lambda: _answers_and_fours(
            response.unit_id, day__gte=since, day__lt=response.day
        ),
        timeout=3600,
    )
    base_total, base_fours = baseline or (0, 0)
    if base_total < minimum:
        return None
    today_share, base_share = today_fours / today_total, base_fours / base_total
    if today_share - base_share >= jump:
        return Signal(
            "fours_jump",
            f"Porsi jawaban 4 hari ini {today_share:.0%}, biasanya {base_share:.0%} "
            f"({baseline_days} hari sebelumnya).",
        )
    return None


RULES: tuple[Rule, ...] = (
    duplicate_signal,
    burst_signal,
    straight_line_signal,
    outside_hours_signal,
    own_network_signal,
    share_of_fours_signal,
)
STORED_DATA_RULES = tuple(rule for rule in RULES if rule is not own_network_signal)
"""The rules that read only stored data: they give the same answer in the request
or moments later, so public forms leave them to :func:`pending_check`."""


def signals_for(response: Response, rules: Iterable[Rule] = RULES) -> list[Signal]:
    """The integrity signals the stored *response* raises (after its rollup counts it)."""
    return [signal for rule in rules if (signal := rule(response)) is not None]


def flags_write(response: Response, signals: list[Signal], *, counted: bool) -> None:
    """Store *signals* as flags of *response* and mark it flagged (none: no write).

    *counted*: the response is already counted in its rollup, whose ``flagged``
    column then goes up here (otherwise ``rollup_add`` counts the flag later).
    """
    if not signals:
        return
    ResponseFlag.objects.bulk_create(
        ResponseFlag(response=response, rule=s.rule, reason=s.reason) for s in signals
    )
    Response.objects.filter(pk=response.pk, day=response.day).update(is_flagged=True)
    if counted and not response.is_flagged:
        rollup_flags_add([response])
    response.is_flagged = True


PENDING_BATCH = 500


def _look_backs(
    responses: list[Response], *, window: int, per_minute: int
) -> dict[int, tuple[bool, bool]]:
    """For each response: (an earlier one from its device for its service within
    *window* minutes, more than *per_minute* at its point in the minute up to it).

    One query for the whole batch: each look-back is a correlated sub-query that
    walks the indexes ``response_device`` and ``response_point_time`` and stops at
    the first row (duplicate) or the ``per_minute + 1``-th (burst), so its cost does
    not grow with a busy counter's traffic.
    """
    if not responses:
        return {}
    at = OuterRef("submitted_at")
    # The batch's days, so that PostgreSQL reads only their months' partitions.
    days = _days(
        min(r.submitted_at for r in responses) - timedelta(minutes=max(window, 1)),
        max(r.submitted_at for r in responses),
    )
    same_device = Response.objects.filter(
        device_hash=OuterRef("device_hash"),
        service_id=OuterRef("service_id"),
        submitted_at__gte=ExpressionWrapper(
            at - timedelta(minutes=window), output_field=DateTimeField()
        ),
        submitted_at__lte=at,
        **days,
    ).exclude(pk=OuterRef("pk"))
    same_point = Response.objects.filter(
        point_id=OuterRef("point_id"),
        submitted_at__gte=ExpressionWrapper(
            at - timedelta(minutes=1), output_field=DateTimeField()
        ),
        submitted_at__lte=at,
        **days,
    )
    rows = (
        Response.objects.filter(pk__in=[r.pk for r in responses], **days)
        .annotate(
            # Exists over rows offset by the limit: "more than per_minute of them".
            duplicate=Exists(same_device),
            burst=Exists(same_point.order_by()[per_minute:]),
        )
        .values_list("pk", "device_hash", "point_id", "duplicate", "burst")
    )
    return {
        pk: (bool(device) and duplicate, point is not None and burst)
        for pk, device, point, duplicate, burst in rows
    }


def batch_signals(responses: list[Response]) -> dict[int, list[Signal]]:
    """:data:`STORED_DATA_RULES` for many responses with a few queries in all.

    The same answers as :func:`signals_for` response by response (a test holds
    them equal), but the duplicate and burst look-backs are one query for the
    whole batch and the day's share of 4s one per unit and day.
    """
    window = settings.MUTU_SURVEY_DUPLICATE_WINDOW_MINUTES
    per_minute = settings.MUTU_SURVEY_BURST_PER_MINUTE
    look_backs = _look_backs(responses, window=window, per_minute=per_minute)
    days: dict[tuple[int, date], tuple[int, int]] = {}
    found: dict[int, list[Signal]] = {}
    for response in responses:
        signals = []
        duplicate, burst = look_backs[response.pk]
        if duplicate:
            signals.append(_duplicate(window))
        if burst:
            signals.append(_burst(per_minute))
        for rule in (straight_line_signal, outside_hours_signal):
            if (signal := rule(response)) is not None:
                signals.append(signal)
        key = (response.unit_id, response.day)
        if key not in days:
            days[key] = _answers_and_fours(response.unit_id, day=response.day)
        if (signal := share_of_fours_signal(response, today=days[key])) is not None:
            signals.append(signal)
        found[response.pk] = signals
    return found


def pending_check(*, unit_id: int | None = None, limit: int | None = None) -> int:
    """Run the stored-data rules on responses still marked ``integrity_pending``.

    Each batch is read and judged outside any transaction, then written in a short
    one that first locks the batch's rows still pending (``SKIP LOCKED`` on
    PostgreSQL): two workers (or a worker and a coordinator's page) never flag one
    response twice, and no transaction stays open while the rules run (a long one
    would hold back the clean-up of the busy rollup rows). Checks what is pending
    when it starts, at most *limit* responses when given; returns how many it
    checked. Safe to run at any time.
    """
    pending = Response.objects.filter(integrity_pending=True)
    if unit_id is not None:
        pending = pending.filter(unit_id=unit_id)
    # Only what is pending now: under steady traffic a checker that chased the
    # newest rows would never end and would hold up the worker's other tasks.
    last = pending.aggregate(last=Max("id"))["last"]
    pending = pending.filter(id__lte=last or 0)
    checked = 0
    while limit is None or checked < limit:
        size = PENDING_BATCH if limit is None else min(PENDING_BATCH, limit - checked)
        batch = list(pending.select_related("point").order_by("id")[:size])
        if not batch:
            break
        found = batch_signals(batch)
        with transaction.atomic():
            claimed = set(
                Response.objects.filter(
                    pk__in=[r.pk for r in batch], integrity_pending=True
                )
                .select_for_update(skip_locked=True)
                .values_list("pk", flat=True)
            )
            ResponseFlag.objects.bulk_create(
                ResponseFlag(response=r, rule=s.rule, reason=s.reason)
                for r in batch
                if r.pk in claimed
                for s in found[r.pk]
            )
            flagged = [pk for pk in claimed if found[pk]]
            # Counted in their rollups when stored; now their flags count too.
            rollup_flags_add([r for r in batch if r.pk in flagged and not r.is_flagged])
            # One UPDATE per row, not two: each version of a row costs index entries.
            Response.objects.filter(pk__in=claimed).update(
                integrity_pending=False,
                is_flagged=Case(
                    When(pk__in=flagged, then=Value(True)), default=F("is_flagged")
                ),
            )
        if not claimed:
            break  # another checker holds this batch and goes on after it
        checked += len(claimed)
    return checked


def pending_count(unit_id: int) -> int:
    return Response.objects.filter(unit_id=unit_id, integrity_pending=True).count()
