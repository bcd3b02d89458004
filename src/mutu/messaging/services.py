"""One inbound message applied to its sender's conversation, whoever owns it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from mutu.audit.services import audit_record
from mutu.errors import MutuError
from mutu.hashing import device_hash
from mutu.messaging.crypto import phone_open, phone_seal
from mutu.messaging.keywords import Inbound, handler_for_keyword, handler_for_topic
from mutu.messaging.models import Contact, OptOut, OutboundMessage, SmsConversation
from mutu.messaging.outbound import (
    OPT_OUT_PURPOSE,
    replies_record,
    row_record,
    send_on_commit,
    sent_today_count,
)
from mutu.messaging.phones import phone_normalize
from mutu.messaging.senders import sender_for
from mutu.messaging.texts import sms_pack
from mutu.registry.models import ServiceUnit

if TYPE_CHECKING:
    from mutu.accounts.models import User

CHANNELS = ("sms", "whatsapp")
"""The channels a conversation runs on (the gateways' ``channel``)."""

SEEN_MAX = 10
"""How many recent provider message ids are remembered for retries."""

RESERVED_KEYS = ("_seen", "_reply")
"""Keys of ``answers`` that belong to the session, not to the topic's state."""

STOP_WORDS = {"berhenti", "stop", "unsubscribe"}
"""A message whose first word is one of these stops every message to the number
(docs/regulations.md D15)."""
START_WORDS = {"mulai", "start"}
"""…and one of these, from a number that stopped, lifts that stop."""

CONTACT_KEEP_DAYS_AFTER_CLOSE = 30
"""A sealed contact is erased at the latest this many days after its owner closed
(a complaint), or earlier when its last follow-up is done (D15)."""


def _stop_reply() -> tuple[str, ...]:
    return sms_pack(
        _(
            "Anda tidak akan menerima pesan lagi dari nomor ini. Kirim MULAI untuk "
            "menerima pesan lagi."
        )
    )


def _start_reply() -> tuple[str, ...]:
    return sms_pack(_("Anda akan menerima pesan lagi. Kirim BERHENTI untuk berhenti."))


def _unsupported_notice() -> str:
    return _("Maaf, jenis pesan ini tidak dapat dibaca; kirim pesan teks.")


@dataclass(frozen=True)
class ConversationReply:
    """What to answer one inbound message with, and what it stored."""

    messages: tuple[str, ...]
    phone_hash: str
    stored: object | None = None
    replayed: bool = False


def conversation_reset(conversation: SmsConversation, now: datetime) -> None:
    """Clear the topic's state of *conversation*, keeping its session keys."""
    conversation.point = None
    conversation.unit = None
    conversation.service = None
    conversation.step = 0
    conversation.client_id = None
    conversation.started_at = now
    conversation.answers = {
        k: v for k, v in conversation.answers.items() if k in RESERVED_KEYS
    }


def _locked(provider: str, phone_hash: str, now: datetime) -> SmsConversation:
    """The conversation row of this phone, locked for the rest of the transaction."""
    rows = SmsConversation.objects.select_for_update()
    conversation = rows.filter(provider=provider, phone_hash=phone_hash).first()
    if conversation is not None:
        return conversation
    try:
        with transaction.atomic():
            return SmsConversation.objects.create(
                provider=provider, phone_hash=phone_hash, started_at=now, updated_at=now
            )
    except IntegrityError:
        # A simultaneous first message of the same phone created it first.
        return rows.get(provider=provider, phone_hash=phone_hash)


@sensitive_variables("phone", "normalized")
@transaction.atomic
def conversation_handle(
    *,
    provider: str,
    channel: str,
    phone: str,
    text: str,
    message_id: str = "",
    now: datetime | None = None,
    timeout_minutes: int | None = None,
    unsupported: bool = False,
) -> ConversationReply:
    """Apply one inbound SMS/WhatsApp message to its sender's conversation.

    Creates the conversation on the first message. A message whose first word is
    a registered keyword goes to that keyword's handler (a new topic starts from a
    clean state); any other goes to the conversation's current topic, or the
    default handler. The handler is told when the conversation was silent for
    more than *timeout_minutes* (default setting ``MUTU_SMS_TIMEOUT_MINUTES``). A
    *message_id* already processed changes nothing and returns the last reply
    again (``replayed=True``) and records nothing to send. *phone* is hashed at
    once and never stored in clear.

    When *provider* has a sender (:func:`mutu.messaging.senders.sender_for`), the
    replies are recorded as outbound rows in this same transaction and sent after
    it commits (:func:`mutu.messaging.outbound.replies_record`): a step that rolls
    back sends nothing. A message that is just "BERHENTI"/"STOP" stops every later
    message to the number (a confirmation is the last one); "MULAI" from such a
    number lifts it, from any other it goes to the conversation (D15). An
    *unsupported* message (an image, a sticker, a voice note) gets a short notice
    and the owner's answer to an empty text. Raises :class:`MutuError` for an
    invalid phone number or channel; nothing is written then.
    """
    if channel not in CHANNELS:
        raise MutuError(
            f"Kanal percakapan tidak dikenal: {channel!r}.",
            f"Unknown conversation channel: {channel!r}.",
        )
    normalized = phone_normalize(phone)
    phone_hash = device_hash(normalized)
    now = now or timezone.now()
    if timeout_minutes is None:
        timeout_minutes = settings.MUTU_SMS_TIMEOUT_MINUTES
    conversation = _locked(provider, phone_hash, now)
    if not isinstance(conversation.answers, dict):
        conversation.answers = {}
    seen: list[str] = list(conversation.answers.get("_seen", []))
    if message_id and message_id in seen:
        return ConversationReply(
            tuple(conversation.answers.get("_reply", [])), phone_hash, replayed=True
        )

    words = (text or "").lower().split()
    first = words[0].strip(".,!?:") if words else ""
    opting_in = (
        first in START_WORDS and OptOut.objects.filter(phone_hash=phone_hash).exists()
    )
    if len(words) == 1 and (first in STOP_WORDS or opting_in):
        return _opt_out_step(
            conversation,
            stop=first in STOP_WORDS,
            phone=normalized,
            channel=channel,
            message_id=message_id,
            seen=seen,
            now=now,
        )

    handler = handler_for_keyword(text)
    if handler is not None and handler.topic != conversation.topic:
        conversation_reset(conversation, now)
    handler = handler or handler_for_topic(conversation.topic)
    if handler is None:
        raise MutuError(
            "Layanan pesan belum aktif.", "No conversation handler is registered."
        )
    conversation.topic = handler.topic
    expired = now - conversation.updated_at > timedelta(minutes=timeout_minutes)
    messages, stored = handler.handle(
        conversation,
        Inbound(
            phone=normalized,
            text="" if unsupported else text or "",
            channel=channel,
            now=now,
            expired=expired,
        ),
    )
    if unsupported:
        messages = (*sms_pack(_unsupported_notice()), *messages)
    return _step_save(
        conversation,
        messages,
        phone=normalized,
        channel=channel,
        message_id=message_id,
        seen=seen,
        now=now,
        stored=stored,
    )


@sensitive_variables("phone")
def _step_save(
    conversation: SmsConversation,
    messages: tuple[str, ...],
    *,
    phone: str,
    channel: str,
    message_id: str,
    seen: list[str],
    now: datetime,
    stored: object | None = None,
    purpose: str = "",
) -> ConversationReply:
    """Queue the step's replies, then save the conversation (one transaction)."""
    if message_id:
        conversation.answers["_seen"] = [*seen, message_id][-SEEN_MAX:]
    conversation.answers["_reply"] = list(messages)
    conversation.updated_at = now
    replies_record(
        provider=conversation.provider,
        channel=channel,
        phone=phone,
        phone_hash=conversation.phone_hash,
        messages=messages,
        conversation=conversation,
        inbound_id=message_id,
        now=now,
        purpose=purpose,
    )
    conversation.save()
    return ConversationReply(messages, conversation.phone_hash, stored=stored)


@sensitive_variables("phone")
def _opt_out_step(
    conversation: SmsConversation,
    *,
    stop: bool,
    phone: str,
    channel: str,
    message_id: str,
    seen: list[str],
    now: datetime,
) -> ConversationReply:
    """BERHENTI/STOP records the number's hash in :class:`OptOut` and pending
    messages to it are no longer sent; MULAI removes it. The confirmation is the
    one message an opted-out number still gets (D15)."""
    if stop:
        OptOut.objects.get_or_create(
            phone_hash=conversation.phone_hash, defaults={"created_at": now}
        )
        messages = _stop_reply()
    else:
        OptOut.objects.filter(phone_hash=conversation.phone_hash).delete()
        messages = _start_reply()
    return _step_save(
        conversation,
        messages,
        phone=phone,
        channel=channel,
        message_id=message_id,
        seen=seen,
        now=now,
        purpose=OPT_OUT_PURPOSE,
    )


@sensitive_variables("phone", "normalized")
@transaction.atomic
def contact_keep(
    *,
    phone: str,
    provider: str,
    channel: str,
    purpose: str,
    unit: ServiceUnit | None = None,
    now: datetime | None = None,
) -> Contact:
    """Keep *phone* sealed for later messages to the same person (D15).

    For an owner that must write again after the conversation (a complaint's
    updates and its "Apakah masalah Anda sudah selesai?"): the number is stored
    only encrypted (:mod:`mutu.messaging.crypto`), with its keyed hash, the
    *provider* and *channel* it came through and the *unit* it concerns. Send
    with :func:`outbound_queue`; erase with :func:`contact_erase` when the last
    follow-up is done, and call :func:`contact_erase_schedule` when the owner
    closes (erased 30 days later at the latest). Raises :class:`MutuError` for
    an invalid number or channel.
    """
    if channel not in CHANNELS:
        raise MutuError(
            f"Kanal percakapan tidak dikenal: {channel!r}.",
            f"Unknown conversation channel: {channel!r}.",
        )
    normalized = phone_normalize(phone)
    return Contact.objects.create(
        provider=provider,
        channel=channel,
        phone_hash=device_hash(normalized),
        sealed=phone_seal(normalized),
        purpose=purpose[:40],
        unit=unit,
        created_at=now or timezone.now(),
    )


@transaction.atomic
def contact_erase(
    *,
    contact: Contact,
    actor: User | None = None,
    reason: str = "",
    now: datetime | None = None,
) -> Contact:
    """Erase the sealed number of *contact* (its hash stays, for the opt-out and
    the log). Erasing an erased contact changes nothing."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if contact.erased_at is not None:
        return contact
    now = now or timezone.now()
    contact.sealed = ""
    contact.erased_at = now
    contact.save(update_fields=["sealed", "erased_at"])
    audit_record(
        actor=actor,
        action="contact.erase",
        target=contact,
        changes={"sealed": ["(tersegel)", ""]},
        reason=reason,
    )
    return contact


@transaction.atomic
def contact_erase_schedule(
    *, contact: Contact, closed_at: datetime, actor: User | None = None
) -> Contact:
    """The owner closed: erase *contact* ``CONTACT_KEEP_DAYS_AFTER_CLOSE`` (30) days
    after *closed_at*, or earlier if already scheduled earlier (D15)."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    due = closed_at + timedelta(days=CONTACT_KEEP_DAYS_AFTER_CLOSE)
    old = contact.erase_after
    if old is not None and old <= due:
        return contact
    contact.erase_after = due
    contact.save(update_fields=["erase_after"])
    audit_record(
        actor=actor,
        action="contact.erase_schedule",
        target=contact,
        changes={"erase_after": [old.isoformat() if old else None, due.isoformat()]},
    )
    return contact


def contacts_erase_due(*, now: datetime | None = None) -> int:
    """Erase every contact past its ``erase_after``; how many (``mutu
    messaging_send_due`` runs it)."""
    now = now or timezone.now()
    due = Contact.objects.filter(erased_at__isnull=True, erase_after__lte=now)
    count = 0
    for contact in due[:1000]:
        contact_erase(contact=contact, reason="30 hari setelah ditutup", now=now)
        count += 1
    return count


@sensitive_variables("phone")
@transaction.atomic
def outbound_queue(
    *,
    actor: User | None,
    contact: Contact,
    text: str,
    purpose: str = "",
    now: datetime | None = None,
) -> list[OutboundMessage]:
    """Queue a later message to *contact* (a complaint's update); the rows.

    Not a direct reply, so it waits for the end of quiet hours (21:00–06:00 WIB);
    nothing is sent to a number that opted out or reached its daily cap (the rows
    are recorded as ``blocked``, with the reason). Over WhatsApp, outside the
    24-hour window, the template of *purpose* in ``MUTU_WHATSAPP_TEMPLATES`` is
    sent instead of free text. Sent after commit. Raises :class:`MutuError` when
    the contact was erased or its provider has no sender.
    """
    contact = Contact.objects.select_related("unit").get(pk=contact.pk)
    if contact.erased_at is not None or not contact.sealed:
        raise MutuError(
            "Nomor kontak ini sudah dihapus; pesan tidak dapat dikirim.",
            "This contact's number was erased; the message cannot be sent.",
        )
    if sender_for(contact.provider) is None:
        raise MutuError(
            f"Pengirim pesan untuk {contact.provider} belum diatur.",
            f"No outbound sender is configured for {contact.provider}.",
        )
    now = now or timezone.now()
    phone = phone_open(contact.sealed)
    texts = [text] if contact.channel == "whatsapp" else list(sms_pack(text))
    already = sent_today_count(contact.phone_hash, now)
    rows = [
        row_record(
            provider=contact.provider,
            channel=contact.channel,
            kind=OutboundMessage.Kind.FOLLOW_UP,
            phone=phone,
            phone_hash=contact.phone_hash,
            text=part,
            now=now,
            unit=contact.unit,
            contact_id=contact.pk,
            purpose=purpose or contact.purpose,
            sent_today=already + index,
        )
        for index, part in enumerate(texts)
    ]
    audit_record(
        actor=actor,
        action="message.queue",
        target=contact,
        changes={"status": [None, [row.status for row in rows]]},
    )
    send_on_commit(rows)
    return rows
