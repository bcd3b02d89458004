"""Fixtures of the messaging tests: the fake provider server and the settings that
point every sender at it."""

import base64
import hashlib
import hmac
import json
from datetime import datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from cryptography.fernet import Fernet
from django.urls import reverse

from tests.messaging.fake_provider import FakeProvider
from tests.registry import factories

WIB = ZoneInfo("Asia/Jakarta")
APP_SECRET = "wa-app-secret-for-tests"
WA_TOKEN = "wa-access-token-for-tests"
PHONE_NUMBER_ID = "106540352242922"
TWILIO_SID = "AC" + "1" * 32
TWILIO_TOKEN = "twilio-auth-token-for-tests"
GATEWAY_TOKEN = "gateway-token-for-tests"
BASE = "https://mutu.example.go.id"
WA_PHONE = "6285712345678"
KEY = Fernet.generate_key().decode()
DAY = datetime(2026, 12, 3, 10, 0, tzinfo=WIB)
"""A Thursday morning, WIB: outside quiet hours."""


@pytest.fixture
def fake():
    provider = FakeProvider().start()
    yield provider
    provider.stop()


@pytest.fixture
def providers(settings, fake):
    """Every sender on, every base URL at the fake server."""
    settings.MUTU_PUBLIC_BASE_URL = BASE
    settings.MUTU_SMS_OUTBOUND_SENDER = ""
    settings.MUTU_WHATSAPP_APP_SECRET = APP_SECRET
    settings.MUTU_WHATSAPP_API_BASE = fake.url
    settings.MUTU_WHATSAPP_API_VERSION = "v21.0"
    settings.MUTU_WHATSAPP_PHONE_NUMBER_ID = PHONE_NUMBER_ID
    settings.MUTU_WHATSAPP_ACCESS_TOKEN = WA_TOKEN
    settings.MUTU_WHATSAPP_TEMPLATES = (
        "complaint_update=mutu_pembaruan_aduan,survey_invitation=mutu_undangan"
    )
    settings.MUTU_TWILIO_API_BASE = fake.url
    settings.MUTU_TWILIO_ACCOUNT_SID = TWILIO_SID
    settings.MUTU_TWILIO_AUTH_TOKEN = TWILIO_TOKEN
    settings.MUTU_TWILIO_SMS_FROM = "+15005550006"
    settings.MUTU_TWILIO_WHATSAPP_FROM = "whatsapp:+14155238886"
    settings.MUTU_SMS_GATEWAY_TOKEN = GATEWAY_TOKEN
    settings.MUTU_SMS_GATEWAY_SEND_URL = f"{fake.url}/api/send"
    settings.MUTU_SMS_GATEWAY_AUTH_HEADER = "Authorization: Bearer gw-key"
    settings.MUTU_SMS_GATEWAY_BODY_FORMAT = "json"
    settings.MUTU_SMS_GATEWAY_BODY_TEMPLATE = '{"to": "{phone}", "text": "{text}"}'
    settings.MUTU_SMS_GATEWAY_ID_FIELD = "data.id"
    settings.MUTU_MESSAGING_KEYS = [KEY]
    settings.MUTU_MESSAGING_MAX_ATTEMPTS = 3
    settings.MUTU_MESSAGING_RETRY_SECONDS = 30
    settings.MUTU_MESSAGING_HTTP_TIMEOUT_SECONDS = 2
    settings.MUTU_MESSAGING_DAILY_CAP = 60
    return settings


@pytest.fixture
def point(world):
    counter = factories.point(world.dukcapil, code="dukcapil-1")
    counter.services.add(world.ktp)
    return counter


def wa_envelope(*, messages=(), statuses=()):
    """A WhatsApp Cloud API webhook body in Meta's documented shape."""
    value = {
        "messaging_product": "whatsapp",
        "metadata": {
            "display_phone_number": "15550783881",
            "phone_number_id": PHONE_NUMBER_ID,
        },
    }
    if messages:
        value["contacts"] = [{"profile": {"name": "Warga"}, "wa_id": WA_PHONE}]
        value["messages"] = list(messages)
    if statuses:
        value["statuses"] = list(statuses)
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "102290129340398",
                "changes": [{"field": "messages", "value": value}],
            }
        ],
    }


def wa_text(text, message_id, phone=WA_PHONE):
    return {
        "from": phone,
        "id": message_id,
        "timestamp": "1764730000",
        "type": "text",
        "text": {"body": text},
    }


def wa_button(reply_id, title, message_id):
    """A tapped reply button (an interactive message's answer)."""
    return {
        "context": {"from": "15550783881", "id": "wamid.question"},
        "from": WA_PHONE,
        "id": message_id,
        "timestamp": "1764730000",
        "type": "interactive",
        "interactive": {
            "type": "button_reply",
            "button_reply": {"id": reply_id, "title": title},
        },
    }


def wa_status(wamid, status, errors=None):
    item = {
        "id": wamid,
        "status": status,
        "timestamp": "1764730001",
        "recipient_id": WA_PHONE,
    }
    if errors:
        item["errors"] = errors
    return item


def wa_post(client, payload, secret=APP_SECRET):
    body = json.dumps(payload).encode()
    signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.post(
        reverse("messaging:webhook", args=["whatsapp"]),
        body,
        content_type="application/json",
        headers={"X-Hub-Signature-256": f"sha256={signature}"},
    )


def twilio_signature(path, params, token=TWILIO_TOKEN):
    payload = BASE + path + "".join(f"{k}{params[k]}" for k in sorted(params))
    digest = hmac.new(token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def twilio_post(client, params, *, path=None, signature=None):
    path = path or reverse("messaging:webhook", args=["twilio"])
    return client.post(
        path,
        urlencode(params),
        content_type="application/x-www-form-urlencoded",
        headers={"X-Twilio-Signature": signature or twilio_signature(path, params)},
    )
