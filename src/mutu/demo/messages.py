"""Demo SMS/WhatsApp messages: a few replies of the Dukcapil unit's log, one failed.

Rows as the outbound queue leaves them (sent, delivered, read, failed with the
provider's reason), never a phone number: only made-up hashes. Loading twice adds
nothing.
"""

import hashlib
from datetime import timedelta

from django.utils import timezone

from mutu.messaging.models import OutboundMessage
from mutu.registry.models import ServiceUnit

_MESSAGES = (
    # (hours ago, channel, provider, status, text, reason)
    (2, "whatsapp", "whatsapp", "read", "Survei Kepuasan Masyarakat …", ""),
    (2, "whatsapp", "whatsapp", "delivered", "1/9 Bagaimana pendapat Saudara …", ""),
    (5, "sms", "generic", "sent", "Terima kasih! Penilaian Anda sudah tersimpan.", ""),
    (
        26,
        "whatsapp",
        "whatsapp",
        "failed",
        "2/9 Bagaimana pemahaman Saudara …",
        "(131026) Message undeliverable: receiver is incapable of receiving this "
        "message",
    ),
)


def messages_load(unit: ServiceUnit) -> int:
    """Add the demo messages of *unit* unless it has some; how many were added."""
    if OutboundMessage.objects.filter(unit=unit).exists():
        return 0
    now = timezone.now()
    for n, (hours, channel, provider, status, text, reason) in enumerate(_MESSAGES):
        at = now - timedelta(hours=hours)
        OutboundMessage.objects.create(
            provider=provider,
            channel=channel,
            to_hash=hashlib.sha256(f"demo-{n}".encode()).hexdigest(),
            text=text,
            unit=unit,
            status=status,
            attempts=1,
            provider_message_id=f"demo.{n}",
            error_reason=reason,
            created_at=at,
            sent_at=at,
            status_at=at,
        )
    return len(_MESSAGES)
