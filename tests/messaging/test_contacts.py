"""Sealed contacts (a number kept for later messages), their erasure, key rotation,
and the unit's messaging log (docs/regulations.md D15)."""

from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from mutu.audit.models import AuditEvent
from mutu.errors import MutuError
from mutu.messaging.crypto import InvalidToken, phone_open
from mutu.messaging.models import Contact, OutboundMessage
from mutu.messaging.outbound import outbound_send_batch
from mutu.messaging.services import (
    contact_erase,
    contact_erase_schedule,
    contact_keep,
    contacts_erase_due,
    outbound_queue,
)
from tests.accounts.login import login
from tests.messaging.conftest import DAY, KEY

PHONE = "+62 812-3456-7890"


def _contact(world, **kwargs):
    return contact_keep(
        phone=PHONE,
        provider="twilio",
        channel="sms",
        purpose="complaint_update",
        unit=world.dukcapil,
        **kwargs,
    )


def test_contact_is_stored_sealed_and_opens_to_the_number(world, providers):
    contact = _contact(world)
    assert "81234567890" not in contact.sealed
    assert phone_open(contact.sealed) == "6281234567890"
    assert len(contact.phone_hash) == 64


def test_contact_keep_refuses_a_bad_number_or_channel(world, providers):
    with pytest.raises(MutuError):
        contact_keep(phone="12", provider="twilio", channel="sms", purpose="x")
    with pytest.raises(MutuError):
        contact_keep(phone=PHONE, provider="twilio", channel="fax", purpose="x")
    assert Contact.objects.count() == 0


def test_erase_empties_the_seal_and_is_audited(world, providers):
    contact = _contact(world)
    contact_erase(contact=contact, reason="tindak lanjut terakhir selesai")
    contact.refresh_from_db()
    assert (contact.sealed, contact.erased_at is not None) == ("", True)
    event = AuditEvent.objects.get(action="contact.erase")
    assert event.scope_path == world.dukcapil.path
    contact_erase(contact=contact)  # twice changes nothing
    assert AuditEvent.objects.filter(action="contact.erase").count() == 1


def test_erase_rule_is_30_days_after_closing_or_earlier(world, providers):
    contact = _contact(world)
    closed = DAY
    contact_erase_schedule(contact=contact, closed_at=closed)
    contact.refresh_from_db()
    assert contact.erase_after == closed + timedelta(days=30)
    # A later close never postpones it.
    contact_erase_schedule(contact=contact, closed_at=closed + timedelta(days=5))
    contact.refresh_from_db()
    assert contact.erase_after == closed + timedelta(days=30)
    assert contacts_erase_due(now=closed + timedelta(days=29)) == 0
    assert contacts_erase_due(now=closed + timedelta(days=30)) == 1
    contact.refresh_from_db()
    assert contact.sealed == ""
    with pytest.raises(MutuError):
        outbound_queue(actor=None, contact=contact, text="x")


def test_key_rotation_reseals_every_number(world, providers, fake):
    contact = _contact(world)
    (pending,) = outbound_queue(actor=None, contact=contact, text="Halo", now=DAY)
    new = Fernet.generate_key().decode()
    providers.MUTU_MESSAGING_KEYS = [new, KEY]
    call_command("messaging_rotate_keys")
    providers.MUTU_MESSAGING_KEYS = [new]  # the old key removed
    contact.refresh_from_db()
    assert phone_open(contact.sealed) == "6281234567890"
    outbound_send_batch([pending.pk], now=DAY)
    pending.refresh_from_db()
    assert pending.status == "sent"
    assert fake.requests[0].form()["To"] == "+6281234567890"
    providers.MUTU_MESSAGING_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(InvalidToken):
        phone_open(contact.sealed)


def test_a_number_no_key_opens_fails_the_row_without_sending(world, providers, fake):
    (row,) = outbound_queue(actor=None, contact=_contact(world), text="x", now=DAY)
    providers.MUTU_MESSAGING_KEYS = [Fernet.generate_key().decode()]
    outbound_send_batch([row.pk], now=DAY)
    row.refresh_from_db()
    assert row.status == "failed"
    assert fake.requests == []


def _log_rows(world):
    now = timezone.now()
    common = {"provider": "whatsapp", "channel": "whatsapp", "unit": world.dukcapil}
    OutboundMessage.objects.create(
        **common,
        to_hash="a" * 64,
        text="Terima kasih",
        status="delivered",
        created_at=now,
        status_at=now,
    )
    OutboundMessage.objects.create(
        **common,
        to_hash="b" * 64,
        text="1/9 Bagaimana",
        status="failed",
        attempts=3,
        error_reason="(131026) Message undeliverable",
        created_at=now,
        status_at=now,
    )
    OutboundMessage.objects.create(
        **common,
        to_hash="c" * 64,
        text="lama",
        status="failed",
        error_reason="too old to show",
        created_at=now - timedelta(days=31),
        status_at=now,
    )
    OutboundMessage.objects.create(
        provider="twilio", channel="sms", unit=world.dinsos, to_hash="d" * 64,
        text="lain", status="failed", error_reason="other unit",
        created_at=now, status_at=now,
    )  # fmt: skip


def test_operator_sees_the_units_log_without_numbers(client, world):
    _log_rows(world)
    login(client, world.operator)
    page = client.get(reverse("messaging:log", args=[world.dukcapil.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "131026" in html
    assert "too old to show" not in html
    assert "other unit" not in html
    assert "a" * 64 not in html
    assert "b" * 16 not in html
    counts = dict(page.context["counts"])
    assert (counts["sampai"], counts["gagal"]) == (1, 1)
    other = client.get(reverse("messaging:log", args=[world.dinsos.pk]))
    assert other.status_code == 404


def test_home_page_counts_the_units_failures(client, world):
    _log_rows(world)
    login(client, world.operator)
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert "1 pesan gagal (30 hari)" in html
    assert reverse("messaging:log", args=[world.dukcapil.pk]) in html
