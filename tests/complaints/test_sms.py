"""A complaint over SMS/WhatsApp: "ADUAN" starts it through the messaging app's
conversation registry; answers and "solved?" go out through its outbound queue to
the sealed contact."""

from datetime import timedelta

import pytest

from mutu.complaints import services
from mutu.complaints.models import Complaint
from mutu.messaging.models import Contact, OutboundMessage
from mutu.messaging.services import conversation_handle
from tests.messaging.conftest import DAY
from tests.registry import factories

pytestmark = pytest.mark.django_db
PHONE = "081234567890"


def _send(text, now=DAY, message_id=""):
    return conversation_handle(
        provider="twilio",
        channel="sms",
        phone=PHONE,
        text=text,
        now=now,
        message_id=message_id,
    )


def test_aduan_with_code_and_text_files_at_once(world, providers):
    factories.point(world.dukcapil, "dukcapil-1")
    reply = _send("ADUAN dukcapil-1 Antrean terlalu lama sejak pagi")
    item = Complaint.objects.get()
    assert item.channel == "sms"
    assert item.text == "Antrean terlalu lama sejak pagi"
    assert item.tracking_code in " ".join(reply.messages)
    assert item.contact is not None
    assert item.contact.sealed
    assert item.reporter_phone == ""  # the number lives only sealed in messaging
    assert not Contact.objects.filter(sealed__contains=PHONE[-6:]).exists()


def test_aduan_asks_for_the_code_then_the_text(world, providers):
    factories.point(world.dukcapil, "dukcapil-1")
    assert "ADUAN <kode loket>" in " ".join(_send("ADUAN").messages)
    assert "Tulis pengaduan" in " ".join(_send("ADUAN dukcapil-1").messages)
    _send("Petugas loket dua tidak ramah sama sekali")
    assert Complaint.objects.get().text == "Petugas loket dua tidak ramah sama sekali"


def test_answer_and_solved_question_reach_the_citizen_and_no_reopens(
    world, providers, django_capture_on_commit_callbacks
):
    factories.point(world.dukcapil, "dukcapil-1")
    _send("ADUAN dukcapil-1 Antrean terlalu lama sejak pagi")
    item = Complaint.objects.get()
    services.complaint_verify(actor=world.operator, complaint=item, now=DAY)
    services.complaint_answer(
        actor=world.operator, complaint=item, text="Loket tambahan dibuka.", now=DAY
    )
    services.complaint_close(actor=world.operator, complaint=item, now=DAY)
    services.complaints_solved_ask_due(now=DAY + timedelta(days=14, hours=1))
    texts = list(
        OutboundMessage.objects.filter(kind="follow_up")
        .order_by("pk")
        .values_list("text", flat=True)
    )
    assert any("Loket tambahan dibuka." in t for t in texts)
    assert any("Apakah masalah Anda sudah selesai?" in t for t in texts)
    reply = _send("TIDAK", now=DAY + timedelta(days=14, hours=2))
    item.refresh_from_db()
    assert (item.status, item.solved) == ("in_progress", False)
    assert "dibuka kembali" in " ".join(reply.messages)
