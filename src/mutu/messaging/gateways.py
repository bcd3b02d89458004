"""Provider adapters of the SMS/WhatsApp webhooks (docs/sms-whatsapp.md).

An adapter turns one provider's webhook request into :class:`InboundMessage` rows and
the conversation's replies back into that provider's HTTP answer. It holds no rule of
any conversation: those live with the app that registered the conversation's keyword
(:mod:`mutu.messaging.keywords`).

- ``generic``: a JSON gateway, ``{"from", "text", "message_id"}``, authenticated by
  the shared secret ``MUTU_SMS_GATEWAY_TOKEN`` in the ``X-Mutu-Token`` header.
- ``whatsapp``: the WhatsApp Cloud API webhook (Meta): a GET verification handshake
  with ``MUTU_WHATSAPP_VERIFY_TOKEN`` and POSTs signed with ``X-Hub-Signature-256``
  (HMAC-SHA256 of the raw body under ``MUTU_WHATSAPP_APP_SECRET``).

A channel whose secret is not configured is disabled (404): it fails closed. Phone
numbers pass through here in memory only; they are never stored or logged.
"""

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.debug import sensitive_variables

from mutu.errors import MutuError
from mutu.json_bodies import JsonBodyError, json_body_parse

TEXT_MAX = 500
"""Longer inbound texts are cut: an answer is a digit, a code or a word."""

MESSAGE_ID_MAX = 200


@dataclass(frozen=True)
class InboundMessage:
    """One citizen message as the provider delivered it (phone kept in memory only)."""

    phone: str
    text: str
    message_id: str = ""

    def __repr__(self) -> str:
        # Keeps the phone number out of tracebacks and debug output.
        return f"InboundMessage(message_id={self.message_id!r})"


@dataclass(frozen=True)
class OutboundReply:
    """The messages to send back to one inbound message's sender."""

    inbound: InboundMessage
    to_hash: str
    messages: tuple[str, ...]
    replayed: bool = False


class BadPayload(MutuError):
    """The provider's request cannot be read (HTTP 400)."""


def _text_field(value: Any, name: str, *, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str | int):
        raise BadPayload(
            f"Kolom {name} harus teks.", f"Field {name} must be text.", field=name
        )
    return str(value)[:limit]


def _json_body(request: HttpRequest) -> Any:
    """The body's JSON under the nesting limit (:mod:`mutu.json_bodies`); an empty
    body reads as ``null``, which each adapter refuses as not an object."""
    try:
        return json_body_parse(request.body or b"null")
    except JsonBodyError as error:
        raise BadPayload(error.message_id, error.message_en) from error


class Gateway(Protocol):
    """What the webhook view needs from a provider adapter."""

    name: str
    channel: str

    def enabled(self) -> bool: ...

    def handshake(self, request: HttpRequest) -> HttpResponse: ...

    def verify(self, request: HttpRequest) -> bool: ...

    def parse(self, request: HttpRequest) -> list[InboundMessage]: ...

    def texts(self, reply: OutboundReply) -> list[str]: ...

    def render(self, replies: Sequence[OutboundReply]) -> HttpResponse: ...


class GenericGateway:
    """A JSON SMS gateway: one message per request, the reply in the response body.

    Request: ``{"from": "+62812…", "text": "…", "message_id": "…"}`` with header
    ``X-Mutu-Token: <MUTU_SMS_GATEWAY_TOKEN>``. Response: ``{"reply": "…",
    "messages": ["…", …]}``: ``messages`` are the SMS to send, each at most 160
    characters; ``reply`` is the same text joined by newlines for gateways that send
    one (concatenated) SMS.
    """

    name: str = "generic"
    channel: str = "sms"

    def enabled(self) -> bool:
        return bool(settings.MUTU_SMS_GATEWAY_TOKEN)

    def handshake(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse(status=405, headers={"Allow": "POST"})

    def verify(self, request: HttpRequest) -> bool:
        expected = settings.MUTU_SMS_GATEWAY_TOKEN
        given = request.headers.get("X-Mutu-Token", "")
        return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())

    @sensitive_variables("data")
    def parse(self, request: HttpRequest) -> list[InboundMessage]:
        data = _json_body(request)
        if not isinstance(data, dict):
            raise BadPayload(
                "Isi permintaan harus objek JSON.", "The body must be a JSON object."
            )
        phone = _text_field(data.get("from"), "from", limit=40)
        if not phone:
            raise BadPayload(
                "Kolom from (nomor pengirim) wajib.",
                "Field from (sender number) is required.",
                field="from",
            )
        return [
            InboundMessage(
                phone=phone,
                text=_text_field(data.get("text"), "text", limit=TEXT_MAX),
                message_id=_text_field(
                    data.get("message_id"), "message_id", limit=MESSAGE_ID_MAX
                ),
            )
        ]

    def texts(self, reply: OutboundReply) -> list[str]:
        """One SMS of at most 160 characters per message."""
        return list(reply.messages)

    def render(self, replies: Sequence[OutboundReply]) -> HttpResponse:
        messages = [text for reply in replies for text in self.texts(reply)]
        return JsonResponse({"reply": "\n".join(messages), "messages": messages})


class WhatsAppCloudGateway:
    """The WhatsApp Cloud API webhook (Meta), text messages only.

    POST body: ``{"object": "whatsapp_business_account", "entry": [{"changes":
    [{"field": "messages", "value": {"messages": [{"from": "62812…", "id":
    "wamid…", "type": "text", "text": {"body": "…"}}]}}]}]}``. Status updates
    (``value.statuses``) carry no message and are acknowledged with no reply; a
    non-text message (image, voice …) is handled as an empty text, which gets help.
    Mutu cannot call Meta from here, so the replies come back in the response body,
    ``{"replies": [{"to_hash": …, "text": …}]}``, and go to the configured
    :class:`OutboundSender` (no-op by default).
    """

    name: str = "whatsapp"
    channel: str = "whatsapp"

    def enabled(self) -> bool:
        return bool(settings.MUTU_WHATSAPP_APP_SECRET)

    def handshake(self, request: HttpRequest) -> HttpResponse:
        """Meta's subscription check: echo ``hub.challenge`` if the token matches."""
        expected = settings.MUTU_WHATSAPP_VERIFY_TOKEN
        given = request.GET.get("hub.verify_token", "")
        if (
            expected
            and request.GET.get("hub.mode") == "subscribe"
            and hmac.compare_digest(given.encode(), expected.encode())
        ):
            challenge = request.GET.get("hub.challenge", "")[:200]
            return HttpResponse(challenge, content_type="text/plain")
        return JsonResponse(
            {
                "error": "Token verifikasi salah.",
                "error_en": "Wrong verification token.",
            },
            status=403,
        )

    def verify(self, request: HttpRequest) -> bool:
        secret = settings.MUTU_WHATSAPP_APP_SECRET
        header = request.headers.get("X-Hub-Signature-256", "")
        if not secret or not header.startswith("sha256="):
            return False
        expected = hmac.new(secret.encode(), request.body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(
            header.removeprefix("sha256=").encode(), expected.encode()
        )

    @sensitive_variables("data", "item")
    def parse(self, request: HttpRequest) -> list[InboundMessage]:
        data = _json_body(request)
        if not isinstance(data, dict) or not isinstance(data.get("entry", []), list):
            raise BadPayload(
                "Format webhook WhatsApp tidak dikenal.",
                "Unknown WhatsApp webhook format.",
            )
        inbound: list[InboundMessage] = []
        for entry in data.get("entry", []):
            changes = entry.get("changes", []) if isinstance(entry, dict) else []
            for change in changes if isinstance(changes, list) else []:
                value = change.get("value") if isinstance(change, dict) else None
                messages = value.get("messages", []) if isinstance(value, dict) else []
                for item in messages if isinstance(messages, list) else []:
                    inbound.append(self._message(item))
        return inbound

    def _message(self, item: Any) -> InboundMessage:
        if not isinstance(item, dict) or not item.get("from"):
            raise BadPayload(
                "Pesan WhatsApp tanpa pengirim.", "A WhatsApp message has no sender."
            )
        text = ""
        if item.get("type") == "text" and isinstance(item.get("text"), dict):
            text = _text_field(item["text"].get("body"), "text.body", limit=TEXT_MAX)
        return InboundMessage(
            phone=_text_field(item.get("from"), "from", limit=40),
            text=text,
            message_id=_text_field(item.get("id"), "id", limit=MESSAGE_ID_MAX),
        )

    def texts(self, reply: OutboundReply) -> list[str]:
        """WhatsApp has no 160-character limit: one message per inbound message."""
        return ["\n".join(reply.messages)] if reply.messages else []

    def render(self, replies: Sequence[OutboundReply]) -> HttpResponse:
        return JsonResponse(
            {
                "replies": [
                    {"to_hash": reply.to_hash, "text": text}
                    for reply in replies
                    for text in self.texts(reply)
                ]
            }
        )


GATEWAYS: dict[str, Gateway] = {
    GenericGateway.name: GenericGateway(),
    WhatsAppCloudGateway.name: WhatsAppCloudGateway(),
}


def gateway_get(provider: str) -> Gateway | None:
    """The adapter of *provider* if it exists and is configured, else None."""
    gateway = GATEWAYS.get(provider)
    return gateway if gateway is not None and gateway.enabled() else None
