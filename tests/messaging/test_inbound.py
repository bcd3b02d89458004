"""Inbound messages and their replies through the queue: the whole WhatsApp survey
with real-shaped payloads, Twilio's signed webhook and status callback, the
generic gateway's field mapping, rollbacks and retries that send nothing, the
opt-out, the daily cap and quiet hours (docs/regulations.md D15)."""

import json
from datetime import timedelta

import pytest
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse

from mutu.hashing import device_hash
from mutu.measures.skm_elements import ELEMENTS
from mutu.messaging.models import Contact, OptOut, OutboundMessage, SmsConversation
from mutu.messaging.outbound import outbound_send_batch, outbound_send_due
from mutu.messaging.services import contact_keep, conversation_handle, outbound_queue
from mutu.surveys.models import Response
from tests.messaging.conftest import (
    DAY,
    GATEWAY_TOKEN,
    WA_PHONE,
    WIB,
    twilio_post,
    twilio_signature,
    wa_button,
    wa_envelope,
    wa_post,
    wa_status,
    wa_text,
)

TWILIO_PHONE = "+6281234567890"


@pytest.fixture
def sending(django_capture_on_commit_callbacks):
    """``sending(fn, …)`` calls *fn* and then runs what it left for the commit
    (the send tasks, on the immediate backend), as a real commit would."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


def _sent_texts(fake):
    return [
        r.json()["text"]["body"] for r in fake.requests if r.path.endswith("/messages")
    ]


def _no_number_anywhere(digits):
    """No column of any outbound, contact or conversation row holds *digits*."""
    for model in (OutboundMessage, Contact, SmsConversation):
        for row in model.objects.values():
            assert digits not in json.dumps(row, default=str), model


def test_whole_whatsapp_survey_replies_arrive_in_order(
    client, point, providers, fake, sending
):
    """Meta's shapes end to end: a receipt, an image, the code, the nine answers
    (some as tapped buttons), a late answer: each reply reaches the fake Cloud
    API once, in order, and one response is stored."""
    answers_in_body = []

    def post(payload):
        response = sending(wa_post, client, payload)
        assert response.status_code == 200
        answers_in_body.extend(r["text"] for r in response.json()["replies"])

    post(wa_envelope(statuses=[wa_status("wamid.unknown", "delivered")]))
    post(
        wa_envelope(
            messages=[
                {
                    "from": WA_PHONE,
                    "id": "wamid.img",
                    "timestamp": "1764730000",
                    "type": "image",
                    "image": {"mime_type": "image/jpeg", "sha256": "x", "id": "9"},
                }
            ]
        )
    )
    post(wa_envelope(messages=[wa_text("SKM dukcapil-1", "wamid.0")]))
    answers = [4, 3, 2, 1, 4, 3, 2, 1, 4]
    for n, answer in enumerate(answers, 1):
        # The previous reply's receipts arrive with the answer.
        receipts = [wa_status(f"wamid.out.{len(fake.requests) - 1}", "delivered")]
        if n % 2:
            message = wa_button(str(answer), f"{answer}", f"wamid.{n}")
        else:
            message = wa_text(str(answer), f"wamid.{n}")
        post(wa_envelope(messages=[message], statuses=receipts))
    post(wa_envelope(messages=[wa_text("3", "wamid.late")]))

    assert _sent_texts(fake) == answers_in_body
    assert "tidak dapat dibaca" in answers_in_body[0]
    assert ELEMENTS[0].question_id in answers_in_body[1]
    assert "Terima kasih" in answers_in_body[-2]
    assert "sudah tersimpan" in answers_in_body[-1]
    stored = Response.objects.get()
    assert (stored.channel, [stored.u1, stored.u9]) == ("whatsapp", [4, 4])
    rows = OutboundMessage.objects.order_by("pk")
    assert [r.status for r in rows].count("delivered") == len(answers)
    assert {r.unit_id for r in rows[1:]} == {point.unit_id}
    _no_number_anywhere(WA_PHONE[2:])


def test_whatsapp_receipts_move_forward_and_failures_keep_the_reason(
    client, point, providers, fake, sending
):
    sending(
        wa_post, client, wa_envelope(messages=[wa_text("SKM dukcapil-1", "wamid.0")])
    )
    row = OutboundMessage.objects.get()
    wamid = row.provider_message_id
    for status in ("delivered", "read", "delivered"):
        sending(wa_post, client, wa_envelope(statuses=[wa_status(wamid, status)]))
    row.refresh_from_db()
    assert row.status == "read"
    sending(wa_post, client, wa_envelope(messages=[wa_text("1", "wamid.1")]))
    second = OutboundMessage.objects.latest("pk")
    error = {
        "code": 131047,
        "title": "Re-engagement message",
        "error_data": {"details": "More than 24 hours have passed"},
    }
    failed = wa_status(second.provider_message_id, "failed", [error])
    sending(wa_post, client, wa_envelope(statuses=[failed]))
    second.refresh_from_db()
    assert second.status == "failed"
    assert "131047" in second.error_reason
    assert "24 hours" in second.error_reason


def test_unknown_message_types_get_a_short_reply_never_a_500(
    client, point, providers, fake, sending
):
    for n, kind in enumerate(("sticker", "audio", "location", "reaction", "unknown")):
        item = {"from": WA_PHONE, "id": f"wamid.{kind}", "type": kind, kind: {}}
        response = sending(wa_post, client, wa_envelope(messages=[item]))
        assert response.status_code == 200
        assert "tidak dapat dibaca" in response.json()["replies"][0]["text"]
        assert len(fake.requests) == n + 1


def test_step_that_fails_to_commit_sends_nothing(
    client, point, providers, fake, sending, monkeypatch
):
    """The replies are written with the step; the step rolls back, so do they,
    and no task is enqueued."""
    sending(
        wa_post, client, wa_envelope(messages=[wa_text("SKM dukcapil-1", "wamid.0")])
    )
    assert len(fake.requests) == 1
    before = OutboundMessage.objects.count()

    def broken_save(self, *args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(SmsConversation, "save", broken_save)
    client.raise_request_exception = False
    response = sending(wa_post, client, wa_envelope(messages=[wa_text("4", "wamid.1")]))
    assert response.status_code >= 500
    assert OutboundMessage.objects.count() == before
    assert len(fake.requests) == 1


def test_retried_inbound_message_sends_nothing_new(
    client, point, providers, fake, sending
):
    payload = wa_envelope(messages=[wa_text("SKM dukcapil-1", "wamid.0")])
    first = sending(wa_post, client, payload).json()
    again = sending(wa_post, client, payload).json()
    assert again == first
    assert len(fake.requests) == 1
    assert OutboundMessage.objects.count() == 1


def test_twilio_signed_webhook_is_answered_through_the_api(
    client, point, providers, fake, sending
):
    params = {
        "MessageSid": "SM" + "a" * 32,
        "AccountSid": "AC" + "1" * 32,
        "From": TWILIO_PHONE,
        "To": "+15005550006",
        "Body": "SKM dukcapil-1",
        "NumMedia": "0",
    }
    response = sending(twilio_post, client, params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert b"<Response>" in response.content
    conversation = SmsConversation.objects.get()
    assert (conversation.provider, conversation.step) == ("twilio", 1)
    bodies = [r.form()["Body"] for r in fake.requests]
    assert len(bodies) >= 2
    assert all(len(body) <= 160 for body in bodies)
    assert fake.requests[0].form()["To"] == TWILIO_PHONE
    # Twilio retries with the same MessageSid: nothing new goes out.
    sending(twilio_post, client, params)
    assert len(fake.requests) == len(bodies)


def test_twilio_whatsapp_message_runs_on_the_whatsapp_channel(
    client, point, providers, fake, sending
):
    params = {
        "MessageSid": "SM" + "b" * 32,
        "From": f"whatsapp:{TWILIO_PHONE}",
        "Body": "SKM dukcapil-1",
    }
    assert sending(twilio_post, client, params).status_code == 200
    (seen,) = fake.requests  # WhatsApp: one message joining the parts
    assert seen.form()["To"] == f"whatsapp:{TWILIO_PHONE}"
    assert OutboundMessage.objects.get().channel == "whatsapp"


def test_twilio_tampered_request_is_refused_and_writes_nothing(
    client, point, providers, fake, sending
):
    params = {"MessageSid": "SM1", "From": TWILIO_PHONE, "Body": "SKM dukcapil-1"}
    path = reverse("messaging:webhook", args=["twilio"])
    signature = twilio_signature(path, params)
    tampered = {**params, "Body": "SKM dukcapil-2"}
    assert (
        sending(twilio_post, client, tampered, signature=signature).status_code == 403
    )
    assert (
        sending(
            twilio_post, client, params, signature="bm90LWEtc2lnbmF0dXJl"
        ).status_code
        == 403
    )
    unsigned = client.post(path, params)
    assert unsigned.status_code == 403
    assert SmsConversation.objects.count() == 0
    assert OutboundMessage.objects.count() == 0
    assert fake.requests == []


def test_twilio_status_callback_updates_the_row(
    client, point, providers, fake, sending
):
    sending(
        twilio_post,
        client,
        {"MessageSid": "SM2", "From": TWILIO_PHONE, "Body": "SKM dukcapil-1"},
    )
    row = OutboundMessage.objects.order_by("pk").first()
    path = reverse("messaging:twilio_status")
    delivered = {"MessageSid": row.provider_message_id, "MessageStatus": "delivered"}
    assert sending(twilio_post, client, delivered, path=path).status_code == 204
    row.refresh_from_db()
    assert row.status == "delivered"
    failed = {
        "MessageSid": row.provider_message_id,
        "MessageStatus": "undelivered",
        "ErrorCode": "30003",
    }
    assert (
        sending(twilio_post, client, failed, path=path, signature="AAAA").status_code
        == 403
    )
    row.refresh_from_db()
    assert row.status == "delivered"
    assert sending(twilio_post, client, failed, path=path).status_code == 204
    row.refresh_from_db()
    assert (row.status, row.error_reason) == ("failed", "Twilio error 30003")


def test_generic_gateway_inbound_mapping_reads_its_own_form(
    client, point, providers, fake, sending
):
    """A regency's gateway posting form fields of its own naming, its own header."""
    providers.MUTU_SMS_GATEWAY_INBOUND_FIELDS = "from=msisdn,text=pesan,message_id=id"
    providers.MUTU_SMS_GATEWAY_TOKEN_HEADER = "X-Gateway-Key"
    url = reverse("messaging:webhook", args=["generic"])
    form = {"msisdn": "081234567890", "pesan": "SKM dukcapil-1", "id": "77"}
    refused = client.post(url, form, headers={"X-Mutu-Token": GATEWAY_TOKEN})
    assert refused.status_code == 403
    response = sending(client.post, url, form, headers={"X-Gateway-Key": GATEWAY_TOKEN})
    assert response.status_code == 200
    # Mutu sends the replies itself: the answer carries none, so none goes twice.
    assert response.json() == {"reply": "", "messages": []}
    assert fake.requests[0].json()["to"] == "6281234567890"
    assert SmsConversation.objects.get().step == 1


def test_generic_gateway_nested_json_mapping(client, point, providers, fake, sending):
    providers.MUTU_SMS_GATEWAY_INBOUND_FIELDS = (
        "from=data.sender,text=data.message,message_id=data.id"
    )
    response = sending(
        client.post,
        reverse("messaging:webhook", args=["generic"]),
        {"data": {"sender": "+6281234567890", "message": "halo", "id": "x1"}},
        content_type="application/json",
        headers={"X-Mutu-Token": GATEWAY_TOKEN},
    )
    assert response.status_code == 200
    assert "Selamat datang" in fake.requests[0].json()["text"]


def test_berhenti_stops_every_message_including_later_follow_ups(
    client, point, providers, fake, sending
):
    sending(
        wa_post, client, wa_envelope(messages=[wa_text("SKM dukcapil-1", "wamid.0")])
    )
    contact = contact_keep(
        phone=WA_PHONE,
        provider="whatsapp",
        channel="whatsapp",
        purpose="complaint_update",
        unit=point.unit,
    )
    sending(wa_post, client, wa_envelope(messages=[wa_text("BERHENTI", "wamid.1")]))
    assert OptOut.objects.filter(phone_hash=device_hash(WA_PHONE)).exists()
    assert len(fake.requests) == 2
    assert "tidak akan menerima pesan" in _sent_texts(fake)[-1]
    # After it: the survey still stores answers, but nothing is sent.
    sending(wa_post, client, wa_envelope(messages=[wa_text("4", "wamid.2")]))
    (row,) = outbound_queue(actor=None, contact=contact, text="Aduan Anda selesai.")
    outbound_send_due(now=DAY + timedelta(days=1))
    assert len(fake.requests) == 2
    row.refresh_from_db()
    assert (row.status, row.to_sealed) == ("blocked", "")
    assert "opted out" in row.error_reason
    blocked = OutboundMessage.objects.filter(status="blocked").count()
    assert blocked == 2
    # STOP in any case works the same; MULAI lifts it.
    sending(wa_post, client, wa_envelope(messages=[wa_text("mulai", "wamid.3")]))
    assert not OptOut.objects.exists()
    assert len(fake.requests) == 3


def test_opt_out_after_queueing_blocks_at_send_time(world, providers, fake):
    contact = contact_keep(
        phone="+6281234567890", provider="twilio", channel="sms", purpose="complaint"
    )
    (row,) = outbound_queue(actor=None, contact=contact, text="Pembaruan", now=DAY)
    conversation_handle(
        provider="twilio", channel="sms", phone="081234567890", text="stop", now=DAY
    )
    outbound_send_batch([row.pk], now=DAY)
    row.refresh_from_db()
    assert row.status == "blocked"
    assert [r.form()["Body"] for r in fake.requests] == []


def test_daily_cap_blocks_the_excess(world, providers, fake):
    providers.MUTU_MESSAGING_DAILY_CAP = 2
    contact = contact_keep(
        phone="+6281234567890", provider="twilio", channel="sms", purpose="complaint"
    )
    rows = [
        outbound_queue(actor=None, contact=contact, text=f"Pesan {n}", now=DAY)[0]
        for n in range(3)
    ]
    assert [r.status for r in rows] == ["queued", "queued", "blocked"]
    assert "daily cap" in rows[2].error_reason
    # The next WIB day counts afresh.
    (tomorrow,) = outbound_queue(
        actor=None, contact=contact, text="Besok", now=DAY + timedelta(days=1)
    )
    assert tomorrow.status == "queued"


def test_quiet_hours_delay_follow_ups_but_not_direct_replies(
    world, point, providers, fake
):
    night = DAY.replace(hour=22)
    contact = contact_keep(
        phone="+6281234567890", provider="twilio", channel="sms", purpose="complaint"
    )
    (later,) = outbound_queue(actor=None, contact=contact, text="Pembaruan", now=night)
    assert later.send_after == (DAY + timedelta(days=1)).replace(hour=6)
    assert later.send_after.astimezone(WIB).hour == 6
    # A citizen writing at night is answered at once.
    conversation_handle(
        provider="twilio",
        channel="sms",
        phone="+6289900001111",
        text="SKM dukcapil-1",
        now=night,
    )
    replies = OutboundMessage.objects.filter(kind="reply")
    assert replies
    assert all(r.send_after is None for r in replies)
    assert outbound_send_due(now=night) == replies.count()
    assert outbound_send_due(now=later.send_after - timedelta(minutes=1)) == 0
    assert outbound_send_due(now=later.send_after) == 1
    later.refresh_from_db()
    assert later.status == "sent"


def test_webhook_without_a_sender_queues_nothing(client, point, settings):
    """No sender configured: the replies travel in the webhook's answer only."""
    settings.MUTU_SMS_GATEWAY_TOKEN = GATEWAY_TOKEN
    settings.MUTU_SMS_GATEWAY_SEND_URL = ""
    settings.MUTU_SMS_OUTBOUND_SENDER = ""
    response = Client().post(
        reverse("messaging:webhook", args=["generic"]),
        {"from": "+6281234567890", "text": "SKM dukcapil-1"},
        content_type="application/json",
        headers={"X-Mutu-Token": GATEWAY_TOKEN},
    )
    assert response.json()["messages"]
    assert OutboundMessage.objects.count() == 0


def test_mulai_from_a_number_that_never_stopped_is_an_ordinary_message(
    point, providers
):
    reply = conversation_handle(
        provider="twilio", channel="sms", phone="+6281234567890", text="Mulai", now=DAY
    )
    assert "Selamat datang" in reply.messages[0]
    assert not OptOut.objects.exists()
