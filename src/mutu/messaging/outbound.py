"""The outbound queue: messages recorded with the step that causes them, then sent.

Rules (issue 11, docs/sms-whatsapp.md "Sending replies", docs/regulations.md D15):

- A reply is an :class:`~mutu.messaging.models.OutboundMessage` row written in the
  same transaction as the conversation step; the django-tasks task
  :func:`outbound_send` is enqueued *on commit*, so a step
  that rolls back sends nothing.
- A row is sent at most once successfully: the sending task locks it, and only a
  ``queued`` row is sent. A 4xx answer fails it for good; a 5xx (or 429, or no
  connection) puts it back in the queue with a backoff of
  ``MUTU_MESSAGING_RETRY_SECONDS`` × 2^(attempt−1), up to
  ``MUTU_MESSAGING_MAX_ATTEMPTS`` attempts. A timeout is ambiguous (the Cloud API
  has no idempotency key): it is retried once, and the row is marked
  ``possibly_duplicated``; a second timeout fails it.
- Nothing goes to a number that sent BERHENTI/STOP, nor more than
  ``MUTU_MESSAGING_DAILY_CAP`` messages a day (WIB) to one number: such rows are
  ``blocked`` with the reason. A later message (not a direct reply within a
  conversation) is not sent between 21:00 and 06:00 WIB: it waits until 06:00.
- The number of a pending row is kept sealed (:mod:`mutu.messaging.crypto`) and
  erased as soon as the row is sent, failed or blocked.

Every function takes ``now`` so tests inject the clock; nothing here sleeps.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables
from django_tasks import task

from mutu.messaging.crypto import InvalidToken, phone_open, phone_reseal, phone_seal
from mutu.messaging.models import Contact, OptOut, OutboundMessage, SmsConversation
from mutu.messaging.senders import (
    AmbiguousFailure,
    Outgoing,
    PermanentFailure,
    RetriableFailure,
    Sender,
    sender_for,
)

if TYPE_CHECKING:
    from mutu.registry.models import ServiceUnit

logger = logging.getLogger(__name__)

WIB = ZoneInfo("Asia/Jakarta")
WINDOW = timedelta(hours=24)
"""WhatsApp's customer-service window: free text only this long after the
citizen's last message."""
RETRY_CAP_SECONDS = 3600
OPT_OUT_PURPOSE = "opt_out"
"""The purpose of the BERHENTI/MULAI confirmations: the one message sent despite
the opt-out."""

Status = OutboundMessage.Status
FINAL = (Status.SENT, Status.DELIVERED, Status.READ, Status.FAILED, Status.BLOCKED)


def reply_texts(channel: str, messages: Sequence[str]) -> list[str]:
    """The messages to send for one step's replies: each SMS as it is (≤ 160
    characters); over WhatsApp, which has no such limit, one message joined by
    newlines."""
    if channel == "whatsapp":
        return ["\n".join(messages)] if messages else []
    return [m for m in messages if m]


def in_quiet_hours(now: datetime) -> bool:
    """Whether *now* is between ``MUTU_MESSAGING_QUIET_START`` (21) and
    ``MUTU_MESSAGING_QUIET_END`` (6) o'clock WIB."""
    hour = now.astimezone(WIB).hour
    start, end = settings.MUTU_MESSAGING_QUIET_START, settings.MUTU_MESSAGING_QUIET_END
    return hour >= start or hour < end if start > end else start <= hour < end


def quiet_hours_end(now: datetime) -> datetime:
    """The next end of quiet hours (06:00 WIB) after *now*."""
    local = now.astimezone(WIB)
    end = datetime.combine(
        local.date(), time(settings.MUTU_MESSAGING_QUIET_END), tzinfo=WIB
    )
    return end if end > local else end + timedelta(days=1)


def opted_out(phone_hash: str) -> bool:
    return OptOut.objects.filter(phone_hash=phone_hash).exists()


def sent_today_count(phone_hash: str, now: datetime) -> int:
    local = now.astimezone(WIB)
    day_start = datetime.combine(local.date(), time(0), tzinfo=WIB)
    return (
        OutboundMessage.objects.filter(to_hash=phone_hash, created_at__gte=day_start)
        .exclude(status=Status.BLOCKED)
        .count()
    )


@sensitive_variables("phone")
def row_record(
    *,
    provider: str,
    channel: str,
    kind: str,
    phone: str,
    phone_hash: str,
    text: str,
    now: datetime,
    unit: ServiceUnit | None,
    conversation: SmsConversation | None = None,
    contact_id: int | None = None,
    inbound_id: str = "",
    purpose: str = "",
    sent_today: int,
) -> OutboundMessage:
    row = OutboundMessage(
        provider=provider,
        channel=channel,
        kind=kind,
        to_hash=phone_hash,
        text=text,
        purpose=purpose,
        unit=unit,
        conversation=conversation,
        contact_id=contact_id,
        inbound_id=inbound_id,
        created_at=now,
        status_at=now,
    )
    if purpose != OPT_OUT_PURPOSE and opted_out(phone_hash):
        row.status, row.error_reason = Status.BLOCKED, "opted out (BERHENTI/STOP)"
    elif sent_today >= settings.MUTU_MESSAGING_DAILY_CAP:
        row.status = Status.BLOCKED
        row.error_reason = (
            f"daily cap of {settings.MUTU_MESSAGING_DAILY_CAP} messages reached"
        )
    else:
        row.to_sealed = phone_seal(phone)
        if kind == OutboundMessage.Kind.FOLLOW_UP and in_quiet_hours(now):
            row.send_after = quiet_hours_end(now)
    row.save()
    return row


@sensitive_variables("phone")
def replies_record(
    *,
    provider: str,
    channel: str,
    phone: str,
    phone_hash: str,
    messages: Sequence[str],
    conversation: SmsConversation,
    inbound_id: str,
    now: datetime,
    purpose: str = "",
) -> list[OutboundMessage]:
    """Record one step's replies as outbound rows and send them after commit.

    Called inside the conversation's transaction (:func:`~mutu.messaging.services.
    conversation_handle`). Nothing is recorded when *provider* has no sender (the
    replies then travel in the webhook's answer only). Direct replies are exempt
    from quiet hours; the opt-out and the daily cap apply.
    """
    if sender_for(provider) is None:
        return []
    already = sent_today_count(phone_hash, now)
    rows: list[OutboundMessage] = []
    for text in reply_texts(channel, messages):
        rows.append(
            row_record(
                provider=provider,
                channel=channel,
                kind=OutboundMessage.Kind.REPLY,
                phone=phone,
                phone_hash=phone_hash,
                text=text,
                now=now,
                unit=conversation.unit,
                conversation=conversation,
                inbound_id=inbound_id,
                purpose=purpose,
                sent_today=already + len(rows),
            )
        )
    send_on_commit(rows)
    return rows


def send_on_commit(rows: Sequence[OutboundMessage]) -> None:
    """Enqueue the sending of *rows* (in order) once the transaction commits."""
    ids = [row.pk for row in rows if row.status == Status.QUEUED]
    if not ids:
        return
    run_after = max((row.send_after for row in rows if row.send_after), default=None)
    transaction.on_commit(lambda: enqueue(ids, run_after=run_after))


def enqueue(ids: list[int], *, run_after: datetime | None = None) -> None:
    """Enqueue :func:`outbound_send` for *ids*.

    A backend that cannot defer (the immediate one) gets no task for a later
    time: the row stays queued and :func:`outbound_send_due` (``mutu
    messaging_send_due``, every minute) sends it when it is due.
    """
    backend = outbound_send.get_backend()
    if run_after is None:
        outbound_send.enqueue(ids)
    elif backend.supports_defer:
        outbound_send.using(run_after=run_after).enqueue(ids)


def _backoff(attempts: int) -> timedelta:
    seconds = settings.MUTU_MESSAGING_RETRY_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, RETRY_CAP_SECONDS))


def _in_window(row: OutboundMessage, now: datetime) -> bool:
    """Whether the citizen wrote to this provider within 24 hours (WhatsApp)."""
    if row.kind == OutboundMessage.Kind.REPLY:
        return True
    last = (
        SmsConversation.objects.filter(provider=row.provider, phone_hash=row.to_hash)
        .values_list("updated_at", flat=True)
        .first()
    )
    return last is not None and now - last < WINDOW


def _finish(row: OutboundMessage, status: str, now: datetime, reason: str = "") -> None:
    row.status = status
    row.status_at = now
    row.to_sealed = ""  # the number lives only while the row is pending
    if reason:
        row.error_reason = reason[:300]
    if status == Status.SENT:
        row.sent_at = now


def _claim(pk: int, now: datetime) -> tuple[OutboundMessage | None, str]:
    """Lock a due queued row and mark it ``sending``; the number to send it to.

    Returns ``(None, "")`` for a row already sent or failed (never sent twice), and
    the row with an empty number when it was blocked here (opt-out since queued,
    or a key that no longer opens its number).
    """
    with transaction.atomic():
        row = OutboundMessage.objects.select_for_update().filter(pk=pk).first()
        if row is None or row.status != Status.QUEUED:
            return None, ""
        if row.send_after and row.send_after > now:
            return row, ""
        if row.purpose != OPT_OUT_PURPOSE and opted_out(row.to_hash):
            _finish(row, Status.BLOCKED, now, "opted out (BERHENTI/STOP)")
            row.save()
            return row, ""
        try:
            phone = phone_open(row.to_sealed)
        except InvalidToken:
            _finish(row, Status.FAILED, now, "the number cannot be opened (key?)")
            row.save()
            return row, ""
        row.status = Status.SENDING
        row.attempts += 1
        row.status_at = now
        row.save(update_fields=["status", "attempts", "status_at"])
        return row, phone


@sensitive_variables("phone", "message")
def _send_one(
    row: OutboundMessage, phone: str, sender: Sender, now: datetime
) -> datetime | None:
    """Send *row* once; when it must be tried again, the time of the next try."""
    retry_at: datetime | None = None
    try:
        template = sender.needs_template(
            Outgoing(phone, row.text, row.channel, row.purpose),
            in_window=_in_window(row, now),
        )
        message = Outgoing(phone, row.text, row.channel, row.purpose, template)
        result = sender.send(message)
    except PermanentFailure as error:
        _finish(row, Status.FAILED, now, error.reason)
    except AmbiguousFailure as error:
        row.possibly_duplicated = True
        row.timeouts += 1
        if row.timeouts > 1 or row.attempts >= settings.MUTU_MESSAGING_MAX_ATTEMPTS:
            _finish(
                row, Status.FAILED, now, f"{error.reason} (twice); may have arrived"
            )
        else:
            retry_at = now + _backoff(row.attempts)
            row.error_reason = error.reason
    except RetriableFailure as error:
        if row.attempts >= settings.MUTU_MESSAGING_MAX_ATTEMPTS:
            _finish(
                row,
                Status.FAILED,
                now,
                f"{error.reason} (after {row.attempts} attempts)",
            )
        else:
            retry_at = now + _backoff(row.attempts)
            row.error_reason = error.reason
    else:
        row.template = template
        row.provider_message_id = result.provider_message_id[:200]
        _finish(row, Status.SENT, now)
    if retry_at is not None:
        row.status, row.send_after, row.status_at = Status.QUEUED, retry_at, now
    row.save()
    return retry_at


def outbound_send_batch(ids: Sequence[int], *, now: datetime | None = None) -> int:
    """Send the queued rows *ids* in order; how many were sent.

    A row that must wait (a retry's backoff, quiet hours) stops the batch, so the
    citizen never gets a later message before an earlier one; the rest is
    enqueued again for that time (:func:`enqueue`). Safe to run twice: a row
    already sent or failed is skipped.
    """
    sent = 0
    ids = list(ids)
    for index, pk in enumerate(ids):
        now = now or timezone.now()
        row, phone = _claim(pk, now)
        if row is None or row.status != Status.SENDING:
            if row is not None and row.status == Status.QUEUED and row.send_after:
                enqueue(ids[index:], run_after=row.send_after)
                return sent
            continue
        sender = sender_for(row.provider)
        if sender is None:
            _finish(row, Status.FAILED, now, f"no sender configured for {row.provider}")
            row.save()
            continue
        retry_at = _send_one(row, phone, sender, now)
        if retry_at is not None:
            enqueue(ids[index:], run_after=retry_at)
            return sent
        sent += row.status == Status.SENT
    return sent


def outbound_send_due(*, now: datetime | None = None) -> int:
    """Send every queued row that is due (the safety net behind the task queue:
    a lost task, a backend that cannot defer). Rows of one number go in order."""
    now = now or timezone.now()
    due = (
        OutboundMessage.objects.filter(status=Status.QUEUED)
        .exclude(send_after__gt=now)
        .order_by("created_at", "pk")
        .values_list("pk", "to_hash")
    )
    by_number: dict[str, list[int]] = {}
    for pk, to_hash in due[:1000]:
        by_number.setdefault(to_hash, []).append(pk)
    return sum(outbound_send_batch(ids, now=now) for ids in by_number.values())


STATUS_RANK = {
    Status.QUEUED: 0,
    Status.SENDING: 1,
    Status.SENT: 2,
    Status.DELIVERED: 3,
    Status.READ: 4,
}
PROVIDER_STATUSES = {
    # WhatsApp Cloud API statuses[].status
    "sent": Status.SENT,
    "delivered": Status.DELIVERED,
    "read": Status.READ,
    "failed": Status.FAILED,
    # Twilio MessageStatus
    "undelivered": Status.FAILED,
    "queued": Status.SENT,
    "accepted": Status.SENT,
    "sending": Status.SENT,
}


def delivery_status_record(
    *,
    provider: str,
    provider_message_id: str,
    status: str,
    reason: str = "",
    now: datetime | None = None,
) -> bool:
    """Apply a provider's delivery status to its row; whether a row changed.

    Statuses only move forward (sent → delivered → read; a late "delivered" after
    "read" changes nothing); "failed"/"undelivered" fails the row with the
    provider's reason. An unknown id or status changes nothing (the provider's
    callback still gets 200).
    """
    new = PROVIDER_STATUSES.get(status)
    if new is None or not provider_message_id:
        return False
    now = now or timezone.now()
    with transaction.atomic():
        row = (
            OutboundMessage.objects.select_for_update()
            .filter(provider=provider, provider_message_id=provider_message_id)
            .first()
        )
        if row is None or row.status in (Status.FAILED, Status.BLOCKED):
            return False
        if new == Status.FAILED:
            _finish(row, Status.FAILED, now, reason or f"{status} (provider)")
        elif STATUS_RANK.get(new, 0) > STATUS_RANK.get(Status(row.status), 0):
            row.status, row.status_at = new, now
        else:
            return False
        row.save()
        return True


# The tasks (``mutu db_worker`` runs them). Their paths are stored with queued
# tasks (``mutu.messaging.outbound.outbound_send``): keep them across upgrades.


@task()
def outbound_send(ids: list[int]) -> int:
    """Send the queued outbound messages *ids*, in order (:func:`outbound_send_batch`);
    how many were sent. Safe to run again: a sent message is never sent twice."""
    return outbound_send_batch(ids)


@task()
def outbound_send_due_task() -> int:
    """Send every queued message that is due (retries, quiet hours, lost tasks)."""
    return outbound_send_due()


def sealed_numbers_rotate() -> int:
    """Reseal every stored number (pending rows, contacts) under the newest key;
    how many. Run after putting a new key first in ``MUTU_MESSAGING_KEYS``; the old
    key may be removed once it has run. All or nothing."""
    count = 0
    with transaction.atomic():
        for model, field in ((OutboundMessage, "to_sealed"), (Contact, "sealed")):
            rows = model.objects.select_for_update().exclude(**{field: ""})
            for row in rows.only("pk", field):
                setattr(row, field, phone_reseal(getattr(row, field)))
                row.save(update_fields=[field])
                count += 1
    return count
