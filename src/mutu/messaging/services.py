"""One inbound message applied to its sender's conversation, whoever owns it."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from mutu.errors import MutuError
from mutu.hashing import device_hash
from mutu.messaging.keywords import Inbound, handler_for_keyword, handler_for_topic
from mutu.messaging.models import SmsConversation
from mutu.messaging.phones import phone_normalize

CHANNELS = ("sms", "whatsapp")
"""The channels a conversation runs on (the gateways' ``channel``)."""

SEEN_MAX = 10
"""How many recent provider message ids are remembered for retries."""

RESERVED_KEYS = ("_seen", "_reply")
"""Keys of ``answers`` that belong to the session, not to the topic's state."""


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
) -> ConversationReply:
    """Apply one inbound SMS/WhatsApp message to its sender's conversation.

    Creates the conversation on the first message. A message whose first word is
    a registered keyword goes to that keyword's handler (a new topic starts from a
    clean state); any other goes to the conversation's current topic, or the
    default handler. The handler is told when the conversation was silent for
    more than *timeout_minutes* (default setting ``MUTU_SMS_TIMEOUT_MINUTES``). A
    *message_id* already processed changes nothing and returns the last reply
    again (``replayed=True``). *phone* is hashed at once and never stored. Raises
    :class:`MutuError` for an invalid phone number or channel; nothing is
    written then.
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
            phone=normalized, text=text or "", channel=channel, now=now, expired=expired
        ),
    )
    if message_id:
        conversation.answers["_seen"] = [*seen, message_id][-SEEN_MAX:]
    conversation.answers["_reply"] = list(messages)
    conversation.updated_at = now
    conversation.save()
    return ConversationReply(messages, phone_hash, stored=stored)
