"""Replies pushed to a citizen through a provider's API (besides the webhook's answer)."""

from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class OutboundSender(Protocol):
    """Sends a reply to a citizen through the provider's API.

    Mutu answers in the webhook's HTTP response, which is enough for the generic
    gateway. A deployment that must push replies (e.g. WhatsApp Cloud API's
    ``POST /<phone-number-id>/messages``) implements this protocol and names the
    class in ``MUTU_SMS_OUTBOUND_SENDER``. ``send`` is called after the
    conversation's transaction has committed, once per reply text, never for a
    retried (already answered) message. It must not store or log *phone*.
    """

    def send(self, *, provider: str, phone: str, text: str) -> None: ...


class NullSender:
    """The default sender: sends nothing (replies travel in the HTTP response)."""

    def send(self, *, provider: str, phone: str, text: str) -> None:
        return None


def outbound_sender_get() -> OutboundSender:
    """The configured :class:`OutboundSender` (``MUTU_SMS_OUTBOUND_SENDER``) or a no-op."""
    path = settings.MUTU_SMS_OUTBOUND_SENDER
    sender: OutboundSender = import_string(path)() if path else NullSender()
    return sender
