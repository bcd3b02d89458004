"""The SKM survey over SMS and WhatsApp: webhook adapters and the conversation."""

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mutu.hashing import device_hash
from mutu.measures.skm_elements import ELEMENTS
from mutu.messaging.models import OutboundMessage, SmsConversation
from mutu.messaging.services import conversation_handle
from mutu.messaging.texts import SMS_MAX, sms_split
from mutu.surveys.channels.sms.conversation import DONE, question_messages
from mutu.surveys.models import Response, UnitSurveySettings
from tests.registry import factories

TOKEN = "gateway-secret-for-tests"
APP_SECRET = "whatsapp-app-secret-for-tests"
VERIFY_TOKEN = "whatsapp-verify-token"
PHONE = "+6281234567890"
PHONE_DIGITS = "81234567890"  # what any stored form of the number would contain
WA_PHONE = "6285712345678"
ANSWERS = [4, 3, 2, 1, 4, 3, 2, 1, 4]


class RecordingSender:
    """An outbound sender that remembers what it was asked to send."""

    sent: list[tuple[str, str, str]] = []

    def send(self, *, provider: str, phone: str, text: str) -> None:
        self.sent.append((provider, phone, text))


@pytest.fixture(autouse=True)
def channel_settings(settings):
    settings.MUTU_SMS_GATEWAY_TOKEN = TOKEN
    settings.MUTU_WHATSAPP_APP_SECRET = APP_SECRET
    settings.MUTU_WHATSAPP_VERIFY_TOKEN = VERIFY_TOKEN
    settings.MUTU_SMS_TIMEOUT_MINUTES = 30
    return settings


@pytest.fixture
def point(world):
    counter = factories.point(world.dukcapil, code="dukcapil-1")
    counter.services.add(world.ktp)
    return counter


@pytest.fixture
def two_service_point(world):
    counter = factories.point(world.dinsos, code="dinsos-1")
    first = factories.service(world.dinsos, "Bantuan sosial")
    second = factories.service(world.dinsos, "Rekomendasi PBI")
    counter.services.add(first, second)
    return counter


def _check_messages(messages):
    for text in messages:
        assert len(text) <= SMS_MAX, text
        assert text.isascii(), text


def sms(client, text, message_id="", phone=PHONE, token=TOKEN):
    """Post one message through the generic gateway; return (status, body)."""
    headers = {"X-Mutu-Token": token} if token is not None else {}
    response = client.post(
        reverse("messaging:webhook", args=["generic"]),
        json.dumps({"from": phone, "text": text, "message_id": message_id}),
        content_type="application/json",
        headers=headers,
    )
    body = response.json() if response["Content-Type"] == "application/json" else {}
    if response.status_code == 200:
        _check_messages(body["messages"])
        assert body["reply"] == "\n".join(body["messages"])
    return response.status_code, body


def _wa_payload(*messages):
    """A WhatsApp Cloud API webhook body in Meta's documented shape."""
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "102290129340398",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": "15550783881",
                                "phone_number_id": "106540352242922",
                            },
                            "contacts": [
                                {"profile": {"name": "Warga"}, "wa_id": WA_PHONE}
                            ],
                            "messages": list(messages),
                        },
                    }
                ],
            }
        ],
    }


def _wa_text(text, message_id, phone=WA_PHONE):
    return {
        "from": phone,
        "id": message_id,
        "timestamp": "1735689600",
        "type": "text",
        "text": {"body": text},
    }


def wa_post(client, payload, secret=APP_SECRET):
    body = json.dumps(payload).encode()
    signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.post(
        reverse("messaging:webhook", args=["whatsapp"]),
        body,
        content_type="application/json",
        headers={"X-Hub-Signature-256": f"sha256={signature}"},
    )


def wa(client, text, message_id):
    response = wa_post(client, _wa_payload(_wa_text(text, message_id)))
    assert response.status_code == 200
    replies = response.json()["replies"]
    for reply in replies:
        _check_messages(reply["text"].split("\n"))
    return replies


def _text_rows_containing(needle):
    """Every stored text value, in any table, that contains *needle*."""
    text_fields = (models.CharField, models.TextField, models.JSONField)
    hits = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = [
            f.attname for f in model._meta.concrete_fields if isinstance(f, text_fields)
        ]
        if fields:
            for row in model._base_manager.values_list(*fields):
                if needle in json.dumps(row, default=str):
                    hits.append((model._meta.label, row))
    return hits


def test_sms_full_conversation_stores_one_response_without_the_phone(client, point):
    """Nine answers over the generic gateway store one SMS response; no number kept."""
    status, body = sms(client, "SKM dukcapil-1", "m0")
    assert status == 200
    assert "Dukcapil Pesawaran" in body["reply"]
    assert ELEMENTS[0].question_id in body["reply"]
    assert "1=Tidak sesuai" in body["reply"]
    for n, answer in enumerate(ANSWERS, 1):
        status, body = sms(client, str(answer), f"m{n}")
        assert status == 200
        if n < len(ELEMENTS):
            assert body["messages"][0].startswith(f"{n + 1}/9 ")
    assert "Terima kasih" in body["reply"]
    stored = Response.objects.get()
    assert [stored.answers()[e.code] for e in ELEMENTS] == ANSWERS
    assert (stored.channel, stored.point, stored.service) == (
        "sms",
        point,
        point.services.get(),
    )
    assert stored.device_hash == device_hash("6281234567890")
    assert _text_rows_containing(PHONE_DIGITS) == []


def test_sms_point_code_ignores_case_and_extra_words(client, point):
    """ "skm DUKCAPIL-1 ya" names the point: the survey starts at U1."""
    _, body = sms(client, "skm DUKCAPIL-1 ya")
    assert body["messages"][-1].startswith("1=Tidak sesuai")
    assert SmsConversation.objects.get().step == 1


def test_sms_ulang_restarts_the_survey(client, point):
    """ "ulang" drops the answers so far and asks U1 again."""
    sms(client, "SKM dukcapil-1")
    sms(client, "1")
    sms(client, "1")
    _, body = sms(client, "Ulang")
    assert any(m.startswith("1/9 ") for m in body["messages"])
    conversation = SmsConversation.objects.get()
    assert conversation.step == 1
    assert "U1" not in conversation.answers
    for answer in ANSWERS:
        sms(client, str(answer))
    assert Response.objects.get().u1 == ANSWERS[0]


def test_sms_zero_and_lewati_skip_an_element(client, point):
    """ "0" and "lewati" leave the element unanswered; the rest is stored."""
    sms(client, "SKM dukcapil-1")
    sms(client, "0")
    _, body = sms(client, "LEWATI")
    assert body["messages"][0].startswith("3/9 ")
    for _n in range(7):
        sms(client, "3")
    stored = Response.objects.get()
    assert (stored.u1, stored.u2, stored.u3, stored.u9) == (None, None, 3, 3)


def test_sms_invalid_reply_gets_help_and_does_not_advance(client, point):
    """A reply that is not 0–4 gets help and the same question again."""
    sms(client, "SKM dukcapil-1")
    _, body = sms(client, "mantap sekali")
    assert "Balas 1-4" in body["messages"][0]
    assert ELEMENTS[0].question_id in body["reply"]
    _, body = sms(client, "5")
    assert ELEMENTS[0].question_id in body["reply"]
    assert SmsConversation.objects.get().step == 1


def test_sms_all_skipped_stores_nothing_and_says_so(client, point):
    """Nine skips store no response (one answer is required) and tell the citizen."""
    sms(client, "SKM dukcapil-1")
    for _n in range(9):
        _, body = sms(client, "0")
    assert "tidak ada yang disimpan" in body["reply"]
    assert Response.objects.count() == 0
    _, body = sms(client, "ulang")
    assert any(m.startswith("1/9 ") for m in body["messages"])


def test_conversation_silent_past_timeout_starts_over(point):
    """After 31 silent minutes the next message starts over at U1; 29 minutes do not."""
    start = timezone.now()

    def say(text, minutes):
        reply = conversation_handle(
            provider="generic",
            channel="sms",
            phone=PHONE,
            text=text,
            now=start + timedelta(minutes=minutes),
        )
        _check_messages(reply.messages)
        return reply

    say("SKM dukcapil-1", 0)
    say("4", 1)
    assert say("4", 30).messages[0].startswith("3/9 ")
    first_client_id = SmsConversation.objects.get().client_id
    reply = say("4", 61)
    assert "berakhir" in reply.messages[0]
    assert reply.messages[-1].startswith("1=Tidak sesuai")
    conversation = SmsConversation.objects.get()
    assert (conversation.step, conversation.answers.get("U1")) == (1, None)
    assert conversation.client_id != first_client_id
    assert say("2", 62).messages[0].startswith("2/9 ")


def test_sms_retried_message_id_does_not_advance_twice(client, point):
    """A provider retry of the same message id gets the same reply and changes nothing."""
    sms(client, "SKM dukcapil-1", "a0")
    _, first = sms(client, "4", "a1")
    _, again = sms(client, "4", "a1")
    assert again == first
    assert SmsConversation.objects.get().step == 2
    for n in range(2, 10):
        _, last = sms(client, "3", f"a{n}")
    _, retried = sms(client, "3", "a9")
    assert retried == last
    assert Response.objects.count() == 1


def test_sms_same_number_written_two_ways_is_one_conversation(client, point):
    """ "0812…" and "+62812…" are the same phone, hence the same conversation."""
    sms(client, "SKM dukcapil-1", phone="+62 812-3456-7890")
    _, body = sms(client, "4", phone="081234567890")
    assert body["messages"][0].startswith("2/9 ")
    assert SmsConversation.objects.count() == 1


def test_sms_second_survey_from_same_phone_is_flagged_not_dropped(client, point):
    """The same phone rating the same service again is stored and flagged duplicate."""
    for _round in range(2):
        sms(client, "SKM dukcapil-1")
        for answer in ANSWERS:
            sms(client, str(answer))
    first, second = Response.objects.order_by("id")
    assert (first.is_flagged, second.is_flagged) == (False, True)
    assert second.flags.filter(rule="duplicate").exists()


def test_sms_wrong_token_is_refused(client, point):
    """A wrong or missing X-Mutu-Token answers 403 and writes nothing."""
    assert sms(client, "SKM dukcapil-1", token="wrong")[0] == 403
    assert sms(client, "SKM dukcapil-1", token=None)[0] == 403
    assert SmsConversation.objects.count() == 0


def test_sms_without_token_setting_the_channel_is_off(client, point, settings):
    """With MUTU_SMS_GATEWAY_TOKEN empty the generic channel does not exist (404)."""
    settings.MUTU_SMS_GATEWAY_TOKEN = ""
    assert sms(client, "SKM dukcapil-1", token="")[0] == 404


def test_sms_unknown_provider_is_not_found(client):
    """A provider Mutu has no adapter for answers 404."""
    response = client.post(reverse("messaging:webhook", args=["telegram"]), {})
    assert response.status_code == 404


def test_sms_unreadable_body_is_a_clear_400(client, point):
    """Bad JSON or no sender answers 400 in Indonesian and English, writing nothing."""
    url = reverse("messaging:webhook", args=["generic"])
    headers = {"X-Mutu-Token": TOKEN}
    bad_json = client.post(url, "{", content_type="application/json", headers=headers)
    no_sender = client.post(
        url, {"text": "hai"}, content_type="application/json", headers=headers
    )
    short = client.post(
        url,
        {"from": "12", "text": "hai"},
        content_type="application/json",
        headers=headers,
    )
    assert [r.status_code for r in (bad_json, no_sender, short)] == [400, 400, 400]
    assert no_sender.json()["error_en"].startswith("Field from")
    assert short.json()["error"] == "Nomor pengirim tidak sah."
    assert SmsConversation.objects.count() == 0


def test_sms_unknown_point_code_gets_a_clear_reply(client, point):
    """An unknown code is named in the reply with how to find the right one."""
    _, body = sms(client, "SKM kantor-99")
    assert "Kode loket 'kantor-99' tidak dikenal" in body["reply"]
    assert "poster" in body["reply"]
    assert SmsConversation.objects.get().point is None


def test_sms_first_message_without_code_asks_for_it(client, point):
    """A greeting gets a welcome that asks for the counter code."""
    _, body = sms(client, "")
    assert "Selamat datang" in body["reply"]
    assert "SKM dukcapil-1" in body["reply"]


def test_sms_point_with_two_services_asks_the_service_first(client, two_service_point):
    """With two services the numbered list comes first; the choice is stored."""
    _, body = sms(client, "SKM dinsos-1")
    assert "1=Bantuan sosial" in body["reply"]
    assert "2=Rekomendasi PBI" in body["reply"]
    _, body = sms(client, "3")
    assert "angka layanan" in body["reply"]
    _, body = sms(client, "2")
    assert body["messages"][0].startswith("1/9 ")
    for answer in ANSWERS:
        sms(client, str(answer))
    assert Response.objects.get().service.name == "Rekomendasi PBI"


def test_sms_every_reply_fits_one_sms_even_with_long_names(client, world):
    """Intro, service list and questions are split into messages of at most 160."""
    unit = factories.unit(world.gov_pesawaran, "Dinas Kependudukan " * 8)
    counter = factories.point(unit, code="panjang-1")
    for n in range(12):
        counter.services.add(factories.service(unit, f"Layanan nomor {n} " * 6))
    _, body = sms(client, "SKM panjang-1")
    assert len(body["messages"]) > 2
    for step in range(1, len(ELEMENTS) + 1):
        _check_messages(question_messages(step))
    assert all(len(part) <= 160 for part in sms_split("x" * 400 + " y"))


def test_sms_outbound_sender_gets_each_reply_once(
    client, point, settings, django_capture_on_commit_callbacks
):
    """The configured sender is called per reply message (after the commit, with
    the normalised number), not again for a retry."""
    settings.MUTU_SMS_OUTBOUND_SENDER = "tests.surveys.test_sms.RecordingSender"
    RecordingSender.sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _, body = sms(client, "SKM dukcapil-1", "s1")
        sms(client, "SKM dukcapil-1", "s1")
    number = "62" + PHONE_DIGITS
    assert RecordingSender.sent == [("generic", number, m) for m in body["messages"]]


def test_whatsapp_handshake_echoes_the_challenge(client):
    """Meta's GET check gets the challenge back only with the right verify token."""
    url = reverse("messaging:webhook", args=["whatsapp"])
    query = {"hub.mode": "subscribe", "hub.challenge": "1158201444"}
    good = client.get(url, {**query, "hub.verify_token": VERIFY_TOKEN})
    bad = client.get(url, {**query, "hub.verify_token": "guess"})
    assert (good.status_code, good.content) == (200, b"1158201444")
    assert bad.status_code == 403


def test_whatsapp_bad_signature_is_refused_and_changes_nothing(client, point):
    """A POST not signed with the app secret answers 403 and writes nothing."""
    payload = _wa_payload(_wa_text("SKM dukcapil-1", "wamid.1"))
    assert wa_post(client, payload, secret="not-the-secret").status_code == 403
    unsigned = client.post(
        reverse("messaging:webhook", args=["whatsapp"]),
        payload,
        content_type="application/json",
    )
    assert unsigned.status_code == 403
    assert SmsConversation.objects.count() == 0
    assert Response.objects.count() == 0


def test_whatsapp_full_conversation_stores_one_whatsapp_response(client, point):
    """Nine answers over WhatsApp store one response on the WhatsApp channel."""
    replies = wa(client, "SKM dukcapil-1", "wamid.0")
    assert replies[0]["to_hash"] == device_hash(WA_PHONE)
    assert ELEMENTS[0].question_id in replies[0]["text"]
    for n, answer in enumerate(ANSWERS, 1):
        replies = wa(client, str(answer), f"wamid.{n}")
    assert "Terima kasih" in replies[0]["text"]
    stored = Response.objects.get()
    assert (stored.channel, stored.u9) == ("whatsapp", 4)
    assert SmsConversation.objects.get(provider="whatsapp").step == DONE
    assert _text_rows_containing(WA_PHONE[2:]) == []


def test_whatsapp_status_updates_and_media_are_handled(client, point):
    """Status callbacks get no reply; an image gets a short notice and help
    instead of an answer."""
    status_only = _wa_payload()
    status_only["entry"][0]["changes"][0]["value"].pop("messages")
    status_only["entry"][0]["changes"][0]["value"]["statuses"] = [
        {"id": "wamid.x", "status": "delivered", "recipient_id": WA_PHONE}
    ]
    response = wa_post(client, status_only)
    assert (response.status_code, response.json()) == (200, {"replies": []})
    wa(client, "SKM dukcapil-1", "wamid.a")
    image = {"from": WA_PHONE, "id": "wamid.b", "type": "image", "image": {"id": "1"}}
    replies = wa_post(client, _wa_payload(image)).json()["replies"]
    assert "tidak dapat dibaca" in replies[0]["text"]
    assert "Balas 1-4" in replies[0]["text"]
    assert SmsConversation.objects.get().step == 1


class FailingSender:
    """An outbound sender whose provider is down."""

    def send(self, *, provider: str, phone: str, text: str) -> None:
        raise ConnectionError("provider down")


def test_sms_webhook_needs_no_csrf_token(point):
    """Providers post without a CSRF token: the webhook is exempt, and only it."""
    strict = Client(enforce_csrf_checks=True)
    assert sms(strict, "SKM dukcapil-1")[0] == 200
    form = strict.post(reverse("web:form", args=[point.code]), {})
    assert form.status_code == 403


def test_sms_failing_sender_still_stores_and_answers(
    client, point, settings, caplog, django_capture_on_commit_callbacks
):
    """A sender error leaves the reply queued for a retry, with the reason and
    without the number; the webhook still answers 200."""
    settings.MUTU_SMS_OUTBOUND_SENDER = "tests.surveys.test_sms.FailingSender"
    with django_capture_on_commit_callbacks(execute=True):
        status, body = sms(client, "SKM dukcapil-1")
    assert status == 200
    assert body["messages"]
    first = OutboundMessage.objects.order_by("pk").first()
    assert (first.status, first.attempts) == ("queued", 1)
    assert "provider down" in first.error_reason
    assert PHONE_DIGITS not in caplog.text


def test_whatsapp_sender_gets_one_message_per_inbound(
    client, point, settings, django_capture_on_commit_callbacks
):
    """Over WhatsApp the sender gets one text per inbound message, parts joined."""
    settings.MUTU_SMS_OUTBOUND_SENDER = "tests.surveys.test_sms.RecordingSender"
    RecordingSender.sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        replies = wa(client, "SKM dukcapil-1", "wamid.s")
    assert RecordingSender.sent == [("whatsapp", WA_PHONE, replies[0]["text"])]


def test_whatsapp_batch_of_two_senders_gets_two_replies(client, point):
    """One webhook carrying two citizens' messages answers each one separately."""
    other = "6289988776655"
    payload = _wa_payload(
        _wa_text("SKM dukcapil-1", "wamid.p"), _wa_text("halo", "wamid.q", other)
    )
    replies = wa_post(client, payload).json()["replies"]
    assert [r["to_hash"] for r in replies] == [
        device_hash(WA_PHONE),
        device_hash(other),
    ]
    assert "Selamat datang" in replies[1]["text"]
    assert SmsConversation.objects.count() == 2


def test_sms_asks_the_units_own_questions_after_the_nine(client, world, point):
    """Extra questions follow U9, answered (or skipped) the same way; stored apart."""
    UnitSurveySettings.objects.create(
        unit=world.dukcapil,
        extra_questions=["Apakah toilet bersih?", "Apakah parkir aman?"],
    )
    sms(client, "SKM dukcapil-1", "e0")
    for n, answer in enumerate(ANSWERS, 1):
        _status, body = sms(client, str(answer), f"e{n}")
    assert body["messages"][0].startswith("Tambahan 1/2: Apakah toilet bersih? 1=")
    assert "4=Sangat baik" in body["reply"]
    _check_messages(body["messages"])
    assert not Response.objects.exists()
    _status, body = sms(client, "4", "e10")
    assert body["messages"][0].startswith("Tambahan 2/2")
    _status, body = sms(client, "0", "e11")
    assert "Terima kasih" in body["reply"]
    stored = Response.objects.get()
    assert stored.extra_answers == {"X1": 4}
    assert [stored.answers()[e.code] for e in ELEMENTS] == ANSWERS
    _status, body = sms(client, "3", "e12")
    assert "sudah tersimpan" in body["reply"]
    assert Response.objects.count() == 1
