"""Provider adapters of the SMS/WhatsApp webhooks (docs/sms-whatsapp.md).

An adapter turns one provider's webhook request into :class:`InboundMessage` rows and
the conversation's replies back into that provider's HTTP answer. It holds no rule of
any conversation: those live with the app that registered the conversation's keyword
(:mod:`mutu.messaging.keywords`).

- ``generic``: a JSON gateway, ``{"from", "text", "message_id"}``, authenticated by
  the shared secret ``MUTU_SMS_GATEWAY_TOKEN`` in the ``X-Mutu-Token`` header.
  The field names are configurable (``MUTU_SMS_GATEWAY_INBOUND_FIELDS``, dotted
  paths) and the body may be JSON or form-encoded, so a regency's own gateway can
  post in its own shape; the header name is ``MUTU_SMS_GATEWAY_TOKEN_HEADER``.
- ``whatsapp``: the WhatsApp Cloud API webhook (Meta): a GET verification handshake
  with ``MUTU_WHATSAPP_VERIFY_TOKEN`` and POSTs signed with ``X-Hub-Signature-256``
  (HMAC-SHA256 of the raw body under ``MUTU_WHATSAPP_APP_SECRET``); delivery
  receipts (``value.statuses``) update the outbound rows.
- ``twilio``: Twilio's form-encoded webhook (``From``, ``Body``, ``MessageSid``),
  SMS or WhatsApp (``whatsapp:+62…``), checked with ``X-Twilio-Signature``
  (base64 HMAC-SHA1 of the public URL and the sorted parameters under
  ``MUTU_TWILIO_AUTH_TOKEN``).

A channel whose secret is not configured is disabled (404): it fails closed. Phone
numbers pass through here in memory only; they are never stored or logged.
"""

import base64
import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
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
    channel: str = ""
    """The channel when the provider carries several (Twilio); "" for the gateway's."""
    unsupported: bool = False
    """A message Mutu cannot read (image, voice, sticker …)."""

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


@dataclass(frozen=True)
class StatusUpdate:
    """A provider's delivery receipt for one message Mutu sent."""

    provider_message_id: str
    status: str
    reason: str = ""


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

    def statuses(self, request: HttpRequest) -> list[StatusUpdate]: ...

    def texts(self, reply: OutboundReply) -> list[str]: ...

    def render(self, replies: Sequence[OutboundReply]) -> HttpResponse: ...


def _dotted(data: Any, path: str) -> Any:
    for part in [p for p in path.split(".") if p]:
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, QueryDict):
            data = data.get(part)
        else:
            return None
    return data


def inbound_fields() -> dict[str, str]:
    """``MUTU_SMS_GATEWAY_INBOUND_FIELDS`` as Mutu's field → the gateway's path."""
    pairs = (
        item.partition("=")
        for item in settings.MUTU_SMS_GATEWAY_INBOUND_FIELDS.split(",")
    )
    fields = {"from": "from", "text": "text", "message_id": "message_id"}
    fields.update({k.strip(): v.strip() for k, _s, v in pairs if k.strip() in fields})
    return fields


class GenericGateway:
    """An SMS gateway: one message per request, the reply in the response body.

    Request (default mapping): ``{"from": "+62812…", "text": "…", "message_id":
    "…"}`` with header ``X-Mutu-Token: <MUTU_SMS_GATEWAY_TOKEN>``; a form-encoded
    body is read the same way, and ``MUTU_SMS_GATEWAY_INBOUND_FIELDS`` maps other
    field names (``from=msisdn,text=message,message_id=id``; dotted paths for
    nested JSON). Response: ``{"reply": "…", "messages": ["…", …]}``: ``messages``
    are the SMS to send, each at most 160 characters; ``reply`` is the same text
    joined by newlines. When Mutu sends the replies itself
    (``MUTU_SMS_GATEWAY_SEND_URL``) both are empty, so nothing goes twice.
    """

    name: str = "generic"
    channel: str = "sms"

    def enabled(self) -> bool:
        return bool(settings.MUTU_SMS_GATEWAY_TOKEN)

    def handshake(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse(status=405, headers={"Allow": "POST"})

    def verify(self, request: HttpRequest) -> bool:
        expected = settings.MUTU_SMS_GATEWAY_TOKEN
        header = settings.MUTU_SMS_GATEWAY_TOKEN_HEADER or "X-Mutu-Token"
        given = request.headers.get(header, "")
        return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())

    @sensitive_variables("data")
    def parse(self, request: HttpRequest) -> list[InboundMessage]:
        data: Any
        if request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            data = request.POST
        else:
            data = _json_body(request)
            if not isinstance(data, dict):
                raise BadPayload(
                    "Isi permintaan harus objek JSON.",
                    "The body must be a JSON object.",
                )
        fields = inbound_fields()
        phone = _text_field(_dotted(data, fields["from"]), "from", limit=40)
        if not phone:
            raise BadPayload(
                "Kolom from (nomor pengirim) wajib.",
                "Field from (sender number) is required.",
                field="from",
            )
        return [
            InboundMessage(
                phone=phone,
                text=_text_field(_dotted(data, fields["text"]), "text", limit=TEXT_MAX),
                message_id=_text_field(
                    _dotted(data, fields["message_id"]),
                    "message_id",
                    limit=MESSAGE_ID_MAX,
                ),
            )
        ]

    def statuses(self, request: HttpRequest) -> list[StatusUpdate]:
        return []

    def texts(self, reply: OutboundReply) -> list[str]:
        """One SMS of at most 160 characters per message."""
        return list(reply.messages)

    def render(self, replies: Sequence[OutboundReply]) -> HttpResponse:
        if settings.MUTU_SMS_GATEWAY_SEND_URL:
            return JsonResponse({"reply": "", "messages": []})
        messages = [text for reply in replies for text in self.texts(reply)]
        return JsonResponse({"reply": "\n".join(messages), "messages": messages})


class WhatsAppCloudGateway:
    """The WhatsApp Cloud API webhook (Meta).

    POST body: ``{"object": "whatsapp_business_account", "entry": [{"changes":
    [{"field": "messages", "value": {"messages": [{"from": "62812…", "id":
    "wamid…", "type": "text", "text": {"body": "…"}}]}}]}]}``. A tapped reply
    button or list row (``type: interactive``) or a template's quick reply
    (``type: button``) reads as its id; any other type (image, voice, sticker …)
    is unsupported and gets a short notice. Delivery receipts
    (``value.statuses``) update the outbound rows and get no reply. Meta ignores
    the body of the answer; the replies are sent by the queue through the Cloud
    API (:class:`~mutu.messaging.senders.WhatsAppCloudSender`) and also listed in
    the answer, ``{"replies": [{"to_hash": …, "text": …}]}``, for inspection.
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
        kind = item.get("type")
        body = item.get(kind) if isinstance(kind, str) else None
        text, unsupported = "", False
        if kind == "text" and isinstance(body, dict):
            text = _text_field(body.get("body"), "text.body", limit=TEXT_MAX)
        elif kind == "interactive" and isinstance(body, dict):
            # A tapped reply button or list row: its id is the answer ("3").
            choice = body.get("button_reply") or body.get("list_reply") or {}
            if isinstance(choice, dict):
                value = choice.get("id") or choice.get("title")
                text = _text_field(value, "interactive", limit=TEXT_MAX)
        elif kind == "button" and isinstance(body, dict):
            # A quick-reply button of a template message.
            value = body.get("payload") or body.get("text")
            text = _text_field(value, "button", limit=TEXT_MAX)
        else:
            unsupported = True  # image, audio, sticker, location, reaction …
        return InboundMessage(
            phone=_text_field(item.get("from"), "from", limit=40),
            text=text,
            message_id=_text_field(item.get("id"), "id", limit=MESSAGE_ID_MAX),
            unsupported=unsupported,
        )

    @sensitive_variables("data")
    def statuses(self, request: HttpRequest) -> list[StatusUpdate]:
        """The delivery receipts of the body (``value.statuses[]``)."""
        data = _json_body(request)
        found: list[StatusUpdate] = []
        for entry in data.get("entry", []) if isinstance(data, dict) else []:
            changes = entry.get("changes", []) if isinstance(entry, dict) else []
            for change in changes if isinstance(changes, list) else []:
                value = change.get("value") if isinstance(change, dict) else None
                items = value.get("statuses", []) if isinstance(value, dict) else []
                for item in items if isinstance(items, list) else []:
                    if not isinstance(item, dict):
                        continue
                    errors = item.get("errors") or [{}]
                    error = errors[0] if isinstance(errors, list) and errors else {}
                    reason = ""
                    if isinstance(error, dict) and error:
                        data_ = error.get("error_data")
                        details = (
                            data_.get("details", "") if isinstance(data_, dict) else ""
                        )
                        reason = (
                            f"({error.get('code', '')}) "
                            f"{error.get('title') or error.get('message', '')} {details}"
                        ).strip()
                    found.append(
                        StatusUpdate(
                            str(item.get("id", ""))[:MESSAGE_ID_MAX],
                            str(item.get("status", "")),
                            reason[:300],
                        )
                    )
        return found

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


def twilio_signature_valid(request: HttpRequest) -> bool:
    """Whether ``X-Twilio-Signature`` signs this request under the auth token.

    Twilio signs the URL it called (``MUTU_PUBLIC_BASE_URL`` + the path and query:
    behind a proxy the host Django sees may differ) followed by every POST
    parameter, sorted by name, name and value concatenated.
    """
    token = settings.MUTU_TWILIO_AUTH_TOKEN
    given = request.headers.get("X-Twilio-Signature", "")
    if not token or not given:
        return False
    url = settings.MUTU_PUBLIC_BASE_URL.rstrip("/") + request.get_full_path()
    payload = url + "".join(
        f"{key}{value}"
        for key in sorted(request.POST)
        for value in request.POST.getlist(key)
    )
    digest = hmac.new(token.encode(), payload.encode(), hashlib.sha1).digest()
    expected = base64.b64encode(digest).decode()
    return hmac.compare_digest(given.encode(), expected.encode())


class TwilioGateway:
    """Twilio's messaging webhook: form-encoded, SMS or WhatsApp.

    ``From`` is ``+62812…`` for an SMS and ``whatsapp:+62812…`` for WhatsApp;
    ``Body`` the text; ``MessageSid`` the id (retries). A message with media and no
    text is unsupported (a short notice). The answer is an empty TwiML
    ``<Response/>``: the replies are sent through the Messages API.
    """

    name: str = "twilio"
    channel: str = "sms"

    def enabled(self) -> bool:
        return bool(settings.MUTU_TWILIO_AUTH_TOKEN)

    def handshake(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse(status=405, headers={"Allow": "POST"})

    def verify(self, request: HttpRequest) -> bool:
        return twilio_signature_valid(request)

    @sensitive_variables("raw")
    def parse(self, request: HttpRequest) -> list[InboundMessage]:
        raw = _text_field(request.POST.get("From"), "From", limit=60)
        if not raw:
            raise BadPayload(
                "Kolom From (nomor pengirim) wajib.",
                "Field From (sender number) is required.",
                field="From",
            )
        channel = "whatsapp" if raw.startswith("whatsapp:") else "sms"
        text = _text_field(request.POST.get("Body"), "Body", limit=TEXT_MAX)
        media = request.POST.get("NumMedia", "0")
        return [
            InboundMessage(
                phone=raw.removeprefix("whatsapp:"),
                text=text,
                message_id=_text_field(
                    request.POST.get("MessageSid"), "MessageSid", limit=MESSAGE_ID_MAX
                ),
                channel=channel,
                unsupported=not text.strip() and media not in ("", "0"),
            )
        ]

    def statuses(self, request: HttpRequest) -> list[StatusUpdate]:
        """A status callback (``MessageStatus``) on Twilio's own route."""
        sid = request.POST.get("MessageSid", "")
        status = request.POST.get("MessageStatus", "")
        if not sid or not status:
            return []
        code = request.POST.get("ErrorCode", "")
        reason = f"Twilio error {code}" if code else ""
        return [StatusUpdate(sid[:MESSAGE_ID_MAX], status, reason)]

    def texts(self, reply: OutboundReply) -> list[str]:
        return list(reply.messages)

    def render(self, replies: Sequence[OutboundReply]) -> HttpResponse:
        return HttpResponse(
            '<?xml version="1.0" encoding="UTF-8"?><Response></Response>',
            content_type="text/xml",
        )


GATEWAYS: dict[str, Gateway] = {
    GenericGateway.name: GenericGateway(),
    WhatsAppCloudGateway.name: WhatsAppCloudGateway(),
    TwilioGateway.name: TwilioGateway(),
}


def gateway_get(provider: str) -> Gateway | None:
    """The adapter of *provider* if it exists and is configured, else None."""
    gateway = GATEWAYS.get(provider)
    return gateway if gateway is not None and gateway.enabled() else None
