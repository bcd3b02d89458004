"""Each built-in sender against a local fake provider: request shape, auth, the
WhatsApp template outside 24 hours, retries with backoff (injected clock, no
sleeping), no resend after success, permanent failures (docs/regulations.md D15)."""

import base64
from datetime import timedelta

import pytest
from django.test import override_settings

from mutu.errors import MutuError
from mutu.messaging.models import OutboundMessage, SmsConversation
from mutu.messaging.outbound import (
    outbound_send,
    outbound_send_batch,
    outbound_send_due,
)
from mutu.messaging.services import contact_keep, outbound_queue
from tests.messaging.conftest import (
    DAY,
    PHONE_NUMBER_ID,
    TWILIO_SID,
    TWILIO_TOKEN,
    WA_PHONE,
    WA_TOKEN,
)
from tests.messaging.fake_provider import HANG

# provider, channel, the number as the citizen wrote it
CASES = {
    "whatsapp": ("whatsapp", "whatsapp", WA_PHONE),
    "twilio-sms": ("twilio", "sms", "+6281234567890"),
    "twilio-whatsapp": ("twilio", "whatsapp", "+6281234567890"),
    "generic": ("generic", "sms", "081234567890"),
}


def _queue(world, case="whatsapp", text="Aduan Anda sedang diproses.", now=DAY):
    """One later message (a complaint's update) queued, not yet sent."""
    provider, channel, phone = CASES[case]
    contact = contact_keep(
        phone=phone,
        provider=provider,
        channel=channel,
        purpose="complaint_update",
        unit=world.dukcapil,
        now=now,
    )
    if provider != "generic":
        # The citizen wrote an hour ago: inside WhatsApp's 24-hour window.
        SmsConversation.objects.create(
            provider=provider,
            phone_hash=contact.phone_hash,
            started_at=now - timedelta(hours=1),
            updated_at=now - timedelta(hours=1),
        )
    (row,) = outbound_queue(actor=None, contact=contact, text=text, now=now)
    return row


def test_whatsapp_request_shape_and_bearer_token(world, providers, fake):
    row = _queue(world)
    assert outbound_send_batch([row.pk], now=DAY) == 1
    (seen,) = fake.requests
    assert (seen.method, seen.path) == ("POST", f"/v21.0/{PHONE_NUMBER_ID}/messages")
    assert seen.headers["authorization"] == f"Bearer {WA_TOKEN}"
    assert seen.json() == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": WA_PHONE,
        "type": "text",
        "text": {"preview_url": False, "body": "Aduan Anda sedang diproses."},
    }
    row.refresh_from_db()
    assert (row.status, row.provider_message_id, row.to_sealed) == (
        "sent",
        "wamid.out.0",
        "",
    )


def test_whatsapp_outside_24_hours_sends_the_template(world, providers, fake):
    """Free text is refused outside the window: the purpose's template goes."""
    row = _queue(world)
    SmsConversation.objects.update(updated_at=DAY - timedelta(hours=25))
    outbound_send_batch([row.pk], now=DAY)
    body = fake.requests[0].json()
    assert body["type"] == "template"
    assert body["template"]["name"] == "mutu_pembaruan_aduan"
    assert body["template"]["language"] == {"code": "id"}
    assert body["template"]["components"][0]["parameters"] == [
        {"type": "text", "text": "Aduan Anda sedang diproses."}
    ]
    row.refresh_from_db()
    assert (row.status, row.template) == ("sent", "mutu_pembaruan_aduan")


def test_whatsapp_outside_24_hours_without_template_fails_unsent(
    world, providers, fake
):
    providers.MUTU_WHATSAPP_TEMPLATES = ""
    row = _queue(world)
    SmsConversation.objects.update(updated_at=DAY - timedelta(days=2))
    outbound_send_batch([row.pk], now=DAY)
    row.refresh_from_db()
    assert fake.requests == []
    assert row.status == "failed"
    assert "24-hour window" in row.error_reason


def test_twilio_sms_request_shape_and_basic_auth(world, providers, fake):
    row = _queue(world, "twilio-sms")
    outbound_send_batch([row.pk], now=DAY)
    (seen,) = fake.requests
    assert seen.path == f"/2010-04-01/Accounts/{TWILIO_SID}/Messages.json"
    expected = base64.b64encode(f"{TWILIO_SID}:{TWILIO_TOKEN}".encode()).decode()
    assert seen.headers["authorization"] == f"Basic {expected}"
    assert seen.form() == {
        "To": "+6281234567890",
        "From": "+15005550006",
        "Body": "Aduan Anda sedang diproses.",
        "StatusCallback": "https://mutu.example.go.id/channels/sms/twilio/status/",
    }
    row.refresh_from_db()
    assert row.provider_message_id.startswith("SM")


def test_twilio_whatsapp_uses_whatsapp_addresses(world, providers, fake):
    row = _queue(world, "twilio-whatsapp")
    outbound_send_batch([row.pk], now=DAY)
    form = fake.requests[0].form()
    assert (form["To"], form["From"]) == (
        "whatsapp:+6281234567890",
        "whatsapp:+14155238886",
    )


def test_gateway_json_template_header_and_id(world, providers, fake):
    """Placeholders are filled inside the parsed JSON: quotes cannot break it."""
    providers.MUTU_SMS_GATEWAY_BODY_TEMPLATE = (
        '{"message": {"destination": "{phone}", "content": "{text}"}, '
        '"sender": "PEMKAB"}'
    )
    providers.MUTU_SMS_GATEWAY_PHONE_FORMAT = "0"
    row = _queue(world, "generic", text='Status "diproses" & dicek')
    outbound_send_batch([row.pk], now=DAY)
    (seen,) = fake.requests
    assert (seen.method, seen.path) == ("POST", "/api/send")
    assert seen.headers["authorization"] == "Bearer gw-key"
    assert seen.json() == {
        "message": {
            "destination": "081234567890",
            "content": 'Status "diproses" & dicek',
        },
        "sender": "PEMKAB",
    }
    row.refresh_from_db()
    assert (row.status, row.provider_message_id) == ("sent", "gw-0")


def test_gateway_form_body_and_get_method(world, providers, fake):
    providers.MUTU_SMS_GATEWAY_BODY_FORMAT = "form"
    providers.MUTU_SMS_GATEWAY_BODY_TEMPLATE = "userkey=abc&nohp={phone}&pesan={text}"
    providers.MUTU_SMS_GATEWAY_PHONE_FORMAT = "+62"
    providers.MUTU_SMS_GATEWAY_AUTH_HEADER = "X-Api-Key: rahasia"
    first = _queue(world, "generic", text="Halo & selamat")
    outbound_send_batch([first.pk], now=DAY)
    assert fake.requests[0].form() == {
        "userkey": "abc",
        "nohp": "+6281234567890",
        "pesan": "Halo & selamat",
    }
    assert fake.requests[0].headers["x-api-key"] == "rahasia"
    providers.MUTU_SMS_GATEWAY_SEND_METHOD = "GET"
    second = _queue(world, "generic", text="Kedua")
    outbound_send_batch([second.pk], now=DAY)
    assert fake.requests[1].method == "GET"
    assert fake.requests[1].query["pesan"] == ["Kedua"]


@pytest.mark.parametrize("case", sorted(CASES))
def test_503_is_retried_after_the_backoff_then_sent_once(case, world, providers, fake):
    fake.script = [(503, {"message": "busy"})]
    row = _queue(world, case)
    outbound_send_batch([row.pk], now=DAY)
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("queued", 1)
    assert row.send_after == DAY + timedelta(seconds=30)
    assert "503" in row.error_reason
    assert row.to_sealed  # still needed for the retry
    # Not due yet: nothing goes.
    assert outbound_send_due(now=DAY + timedelta(seconds=29)) == 0
    assert len(fake.requests) == 1
    assert outbound_send_due(now=DAY + timedelta(seconds=30)) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.to_sealed) == ("sent", 2, "")
    # Sent is final: no task, retry or sweep sends it again.
    outbound_send_batch([row.pk], now=DAY + timedelta(minutes=5))
    outbound_send_due(now=DAY + timedelta(days=1))
    outbound_send.call([row.pk])
    assert len(fake.requests) == 2


@pytest.mark.parametrize("case", sorted(CASES))
def test_5xx_fails_for_good_after_the_last_attempt(case, world, providers, fake):
    fake.script = [(500, {"message": "down"})] * 5
    row = _queue(world, case)
    now = DAY
    outbound_send_batch([row.pk], now=now)
    for wait in (30, 60):  # 30 s, then doubled
        row.refresh_from_db()
        assert row.send_after == now + timedelta(seconds=wait)
        now = row.send_after
        outbound_send_due(now=now)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.to_sealed) == ("failed", 3, "")
    assert "after 3 attempts" in row.error_reason
    assert len(fake.requests) == 3
    outbound_send_due(now=now + timedelta(days=1))
    assert len(fake.requests) == 3


@pytest.mark.parametrize("case", sorted(CASES))
def test_4xx_is_a_permanent_failure_with_the_providers_reason(
    case, world, providers, fake
):
    fake.script = [
        (
            400,
            {
                "error": {
                    "message": "(#131026) Message undeliverable",
                    "code": 131026,
                    "error_data": {"details": "Receiver is incapable"},
                }
            }
            if case == "whatsapp"
            else {"code": 21211, "message": "The 'To' number is not valid."},
        )
    ]
    row = _queue(world, case)
    outbound_send_batch([row.pk], now=DAY)
    outbound_send_due(now=DAY + timedelta(hours=1))
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", 1)
    assert "HTTP 400" in row.error_reason
    assert ("131026" if case == "whatsapp" else "21211") in row.error_reason
    assert len(fake.requests) == 1


def test_timeout_is_retried_once_and_marked_possibly_duplicated(world, providers, fake):
    providers.MUTU_MESSAGING_HTTP_TIMEOUT_SECONDS = 0.3
    fake.script = [HANG, HANG]
    row = _queue(world)
    outbound_send_batch([row.pk], now=DAY)
    row.refresh_from_db()
    assert (row.status, row.possibly_duplicated) == ("queued", True)
    outbound_send_due(now=DAY + timedelta(seconds=30))
    row.refresh_from_db()
    assert (row.status, row.possibly_duplicated, row.attempts) == ("failed", True, 2)
    assert "may have arrived" in row.error_reason
    outbound_send_due(now=DAY + timedelta(hours=1))
    assert len(fake.requests) == 2


def test_timeout_then_success_keeps_the_duplicate_mark(world, providers, fake):
    providers.MUTU_MESSAGING_HTTP_TIMEOUT_SECONDS = 0.3
    fake.script = [HANG]
    row = _queue(world)
    outbound_send_batch([row.pk], now=DAY)
    outbound_send_due(now=DAY + timedelta(seconds=30))
    row.refresh_from_db()
    assert (row.status, row.possibly_duplicated) == ("sent", True)


def test_no_connection_is_retried(world, providers, fake):
    providers.MUTU_WHATSAPP_API_BASE = "http://127.0.0.1:9"  # nothing listens
    row = _queue(world)
    outbound_send_batch([row.pk], now=DAY)
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("queued", 1)
    assert "no connection" in row.error_reason


def test_a_retry_is_a_new_task_with_run_after(world, providers, fake):
    """On a backend that defers, the retry is enqueued for the backoff's time."""
    from django_tasks import default_task_backend

    fake.script = [(503, {"message": "busy"})]
    tasks = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with override_settings(TASKS=tasks):
        default_task_backend.clear()
        row = _queue(world)
        outbound_send_batch([row.pk], now=DAY)
        (result,) = default_task_backend.results
        assert result.args == [[row.pk]]
        assert result.task.run_after == DAY + timedelta(seconds=30)


def test_a_message_to_an_erased_contact_is_refused(world, providers):
    from mutu.messaging.services import contact_erase

    contact = contact_keep(
        phone=WA_PHONE, provider="whatsapp", channel="whatsapp", purpose="complaint"
    )
    contact_erase(contact=contact)
    with pytest.raises(MutuError):
        outbound_queue(actor=None, contact=contact, text="x")
    assert OutboundMessage.objects.count() == 0
