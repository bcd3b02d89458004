"""Outbound senders: push one message through a provider's HTTP API (httpx).

Built in, each switched on by its environment variables (docs/sms-whatsapp.md):

- :class:`WhatsAppCloudSender`: ``POST {base}/{version}/{phone_number_id}/messages``
  with a bearer token; free text inside the 24-hour customer-service window, a
  pre-approved template (``MUTU_WHATSAPP_TEMPLATES``) outside it.
- :class:`TwilioSender`: the Messages resource
  (``POST {base}/2010-04-01/Accounts/{sid}/Messages.json``), SMS or WhatsApp, basic
  auth with the account SID and auth token, a status callback to Mutu.
- :class:`HttpGatewaySender`: the regency's own SMS/WhatsApp gateway: URL, method,
  one auth header and a JSON or form body template with ``{phone}`` and ``{text}``.

A sender answers a :class:`SendResult` (the provider's message id) or raises
:class:`PermanentFailure` (a 4xx: never retried), :class:`RetriableFailure` (a 5xx,
429 or a refused connection: retried with backoff) or :class:`AmbiguousFailure` (a
timeout once the request left: the provider may have sent it). The queue
(:mod:`mutu.messaging.outbound`) decides what follows. A sender never stores or logs
the number it is given.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import parse_qsl

import httpx
from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string
from django.views.decorators.debug import sensitive_variables

REASON_MAX = 300


@dataclass(frozen=True)
class Outgoing:
    """One message as a sender needs it (the number in memory only)."""

    phone: str
    text: str
    channel: str
    purpose: str = ""
    template: str = ""
    """The template to use instead of free text ("" for free text)."""

    def __repr__(self) -> str:
        return f"Outgoing(channel={self.channel!r})"


@dataclass(frozen=True)
class SendResult:
    provider_message_id: str = ""


class SendFailure(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason[:REASON_MAX]


class PermanentFailure(SendFailure):
    """The provider refused the message (4xx): sending it again would not help."""


class RetriableFailure(SendFailure):
    """The provider could not take it now (5xx, 429, no connection): retry later."""


class AmbiguousFailure(SendFailure):
    """No answer in time: the provider may or may not have sent it."""


class Sender(Protocol):
    name: str

    def send(self, message: Outgoing) -> SendResult: ...

    def needs_template(self, message: Outgoing, *, in_window: bool) -> str: ...


def _reason(response: httpx.Response) -> str:
    """The provider's own words for a refusal, as short as possible."""
    try:
        data: Any = response.json()
    except ValueError:
        return f"HTTP {response.status_code}: {response.text[:200]}"
    if isinstance(data, dict):
        error = data.get("error")
        if isinstance(error, dict):  # WhatsApp Cloud API
            data_ = error.get("error_data")
            details = data_.get("details", "") if isinstance(data_, dict) else ""
            text = error.get("message", "")
            code = error.get("code", "")
            return f"HTTP {response.status_code} ({code}): {text} {details}".strip()
        if "message" in data:  # Twilio and many gateways
            code = data.get("code", "")
            return f"HTTP {response.status_code} ({code}): {data['message']}"
    return f"HTTP {response.status_code}: {json.dumps(data)[:200]}"


@sensitive_variables("kwargs")
def _call(method: str, url: str, **kwargs: Any) -> httpx.Response:
    """One HTTP request; a refused connection or a 5xx/429 is retriable, a 4xx
    permanent, a timeout after the request left ambiguous."""
    timeout = settings.MUTU_MESSAGING_HTTP_TIMEOUT_SECONDS
    try:
        response = httpx.request(method, url, timeout=timeout, **kwargs)
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as error:
        raise RetriableFailure(f"{type(error).__name__}: no connection") from error
    except httpx.TimeoutException as error:
        raise AmbiguousFailure(f"{type(error).__name__}: no answer in time") from error
    except httpx.HTTPError as error:
        raise RetriableFailure(f"{type(error).__name__}") from error
    if response.status_code >= 500 or response.status_code == 429:
        raise RetriableFailure(_reason(response))
    if response.status_code >= 400:
        raise PermanentFailure(_reason(response))
    return response


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _dotted(data: Any, path: str) -> Any:
    """``data["a"]["b"]`` for path ``a.b`` (a list index where a list is)."""
    for part in [p for p in path.split(".") if p]:
        if isinstance(data, Mapping):
            data = data.get(part)
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return None
    return data


def templates_configured() -> dict[str, str]:
    """``MUTU_WHATSAPP_TEMPLATES`` as purpose → template name."""
    pairs = (
        item.partition("=") for item in settings.MUTU_WHATSAPP_TEMPLATES.split(",")
    )
    return {k.strip(): v.strip() for k, _sep, v in pairs if k.strip() and v.strip()}


class WhatsAppCloudSender:
    """WhatsApp Cloud API (Meta): text inside 24 hours, a template outside."""

    name = "whatsapp"

    @staticmethod
    def configured() -> bool:
        return bool(
            settings.MUTU_WHATSAPP_ACCESS_TOKEN
            and settings.MUTU_WHATSAPP_PHONE_NUMBER_ID
        )

    def needs_template(self, message: Outgoing, *, in_window: bool) -> str:
        """The template name for *message* outside the window; "" inside it.

        Raises :class:`PermanentFailure` outside the window when no template is
        configured for the message's purpose: Meta refuses free text there.
        """
        if in_window:
            return ""
        name = templates_configured().get(message.purpose or "")
        if not name:
            raise PermanentFailure(
                "outside the 24-hour window and no template configured for "
                f"purpose {message.purpose or '(none)'!r} (MUTU_WHATSAPP_TEMPLATES)"
            )
        return name

    @sensitive_variables("message", "body")
    def send(self, message: Outgoing) -> SendResult:
        url = (
            f"{settings.MUTU_WHATSAPP_API_BASE.rstrip('/')}/"
            f"{settings.MUTU_WHATSAPP_API_VERSION}/"
            f"{settings.MUTU_WHATSAPP_PHONE_NUMBER_ID}/messages"
        )
        body: dict[str, Any] = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": message.phone,
        }
        if message.template:
            body["type"] = "template"
            body["template"] = {
                "name": message.template,
                "language": {"code": settings.MUTU_WHATSAPP_TEMPLATE_LANGUAGE},
                "components": [
                    {
                        "type": "body",
                        "parameters": [{"type": "text", "text": message.text[:1000]}],
                    }
                ],
            }
        else:
            body["type"] = "text"
            body["text"] = {"preview_url": False, "body": message.text}
        response = _call(
            "POST",
            url,
            json=body,
            headers={"Authorization": f"Bearer {settings.MUTU_WHATSAPP_ACCESS_TOKEN}"},
        )
        return SendResult(str(_dotted(_json(response), "messages.0.id") or ""))


class TwilioSender:
    """Twilio's Messages resource, SMS or WhatsApp (``whatsapp:`` addresses)."""

    name = "twilio"

    @staticmethod
    def configured() -> bool:
        return bool(
            settings.MUTU_TWILIO_ACCOUNT_SID and settings.MUTU_TWILIO_AUTH_TOKEN
        )

    def needs_template(self, message: Outgoing, *, in_window: bool) -> str:
        # Outside the window Twilio answers 4xx (error 63016): a permanent failure
        # with Twilio's reason, visible to the operator.
        return ""

    @sensitive_variables("message", "form")
    def send(self, message: Outgoing) -> SendResult:
        sid = settings.MUTU_TWILIO_ACCOUNT_SID
        url = (
            f"{settings.MUTU_TWILIO_API_BASE.rstrip('/')}"
            f"/2010-04-01/Accounts/{sid}/Messages.json"
        )
        to = f"+{message.phone}"
        sender = settings.MUTU_TWILIO_SMS_FROM
        if message.channel == "whatsapp":
            to, sender = f"whatsapp:{to}", settings.MUTU_TWILIO_WHATSAPP_FROM
            if not sender.startswith("whatsapp:"):
                sender = f"whatsapp:{sender}"
        form = {
            "To": to,
            "From": sender,
            "Body": message.text,
            "StatusCallback": settings.MUTU_PUBLIC_BASE_URL.rstrip("/")
            + reverse("messaging:twilio_status"),
        }
        response = _call(
            "POST", url, data=form, auth=(sid, settings.MUTU_TWILIO_AUTH_TOKEN)
        )
        return SendResult(str(_dotted(_json(response), "sid") or ""))


def gateway_phone(phone: str, style: str) -> str:
    """*phone* (international digits, "62812…") in the gateway's style:
    ``62`` (as is), ``+62`` ("+62812…") or ``0`` ("0812…", national)."""
    if style == "+62":
        return f"+{phone}"
    if style == "0" and phone.startswith("62"):
        return "0" + phone[2:]
    return phone


def _fill(value: Any, fields: Mapping[str, str]) -> Any:
    """The template *value* with ``{phone}``/``{text}`` replaced in every string."""
    if isinstance(value, str):
        for key, text in fields.items():
            value = value.replace("{" + key + "}", text)
        return value
    if isinstance(value, list):
        return [_fill(item, fields) for item in value]
    if isinstance(value, dict):
        return {key: _fill(item, fields) for key, item in value.items()}
    return value


class HttpGatewaySender:
    """A regency's own SMS/WhatsApp gateway, described by settings only.

    ``MUTU_SMS_GATEWAY_BODY_TEMPLATE`` is JSON (``MUTU_SMS_GATEWAY_BODY_FORMAT=json``)
    or a query string (``form``); ``{phone}`` and ``{text}`` are replaced inside its
    values after parsing, so a text with quotes or ``&`` cannot break the body. A GET
    gateway gets the fields as query parameters. ``MUTU_SMS_GATEWAY_AUTH_HEADER`` is
    one ``Name: value`` header. The provider's id is read from the JSON answer at
    ``MUTU_SMS_GATEWAY_ID_FIELD`` (dotted path), if there.
    """

    name = "generic"

    @staticmethod
    def configured() -> bool:
        return bool(settings.MUTU_SMS_GATEWAY_SEND_URL)

    def needs_template(self, message: Outgoing, *, in_window: bool) -> str:
        return ""

    @sensitive_variables("message", "fields", "kwargs")
    def send(self, message: Outgoing) -> SendResult:
        fields = {
            "phone": gateway_phone(
                message.phone, settings.MUTU_SMS_GATEWAY_PHONE_FORMAT
            ),
            "text": message.text,
        }
        template = settings.MUTU_SMS_GATEWAY_BODY_TEMPLATE
        method = settings.MUTU_SMS_GATEWAY_SEND_METHOD.upper()
        headers: dict[str, str] = {}
        name, sep, value = settings.MUTU_SMS_GATEWAY_AUTH_HEADER.partition(":")
        if sep and name.strip():
            headers[name.strip()] = value.strip()
        kwargs: dict[str, Any] = {"headers": headers}
        if settings.MUTU_SMS_GATEWAY_BODY_FORMAT == "form":
            data = {k: _fill(v, fields) for k, v in parse_qsl(template)}
            kwargs["params" if method == "GET" else "data"] = data
        else:
            body = _fill(json.loads(template), fields)
            if method == "GET":
                kwargs["params"] = body
            else:
                kwargs["json"] = body
        response = _call(method, settings.MUTU_SMS_GATEWAY_SEND_URL, **kwargs)
        found = _dotted(_json(response), settings.MUTU_SMS_GATEWAY_ID_FIELD)
        return SendResult(str(found) if found not in (None, "") else "")


class OutboundSender(Protocol):
    """A deployment's own sender class, named in ``MUTU_SMS_OUTBOUND_SENDER``.

    ``send`` is called from the queue, once per message; an exception is retried
    like a 5xx. It must not store or log *phone*.
    """

    def send(self, *, provider: str, phone: str, text: str) -> None: ...


class CustomSender:
    """A deployment's :class:`OutboundSender` wearing the built-in senders' shape."""

    def __init__(self, provider: str, custom: OutboundSender) -> None:
        self.name = provider
        self.custom = custom

    def needs_template(self, message: Outgoing, *, in_window: bool) -> str:
        return ""

    @sensitive_variables("message")
    def send(self, message: Outgoing) -> SendResult:
        try:
            self.custom.send(provider=self.name, phone=message.phone, text=message.text)
        except Exception as error:
            raise RetriableFailure(f"{type(error).__name__}: {error}") from error
        return SendResult()


BUILT_IN: dict[str, type[WhatsAppCloudSender | TwilioSender | HttpGatewaySender]] = {
    "whatsapp": WhatsAppCloudSender,
    "twilio": TwilioSender,
    "generic": HttpGatewaySender,
}


def sender_for(provider: str) -> Sender | None:
    """The sender of replies to messages that came in through *provider*, if any.

    ``MUTU_SMS_OUTBOUND_SENDER`` (a deployment's own class) wins; otherwise the
    built-in sender of that provider when its settings are complete; else None
    (the replies travel in the webhook's answer only and no row is queued).
    """
    if settings.MUTU_SMS_OUTBOUND_SENDER:
        return CustomSender(
            provider, import_string(settings.MUTU_SMS_OUTBOUND_SENDER)()
        )
    cls = BUILT_IN.get(provider)
    if cls is None or not cls.configured():
        return None
    return cls()
