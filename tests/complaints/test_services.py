"""Complaint services: intake, the workflow, refusals, reopening, escalation."""

import uuid
from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from mutu.audit.models import AuditEvent
from mutu.complaints import services
from mutu.complaints.models import CalendarDay, Complaint, ComplaintEscalation
from mutu.complaints.services import ALPHABET
from mutu.errors import ConflictError, MutuError
from tests.complaints.factories import complaint, wib

pytestmark = pytest.mark.django_db


def test_filing_gives_a_code_and_working_day_deadlines(world):
    """Filed on Friday 9 October 2026: verify by Wed 14, answer by Fri 16,
    resolve by Thu 29 October (D9)."""
    item = complaint(world.dukcapil, now=wib(2026, 10, 9, 16, 0))
    assert len(item.tracking_code) == 10
    assert set(item.tracking_code) <= set(ALPHABET)
    assert not set(item.tracking_code) & set("01OIL")
    assert item.verify_due == date(2026, 10, 14)
    assert item.answer_due == date(2026, 10, 16)
    assert item.resolve_due == date(2026, 10, 29)
    assert item.status == Complaint.Status.RECEIVED
    row = AuditEvent.objects.get(action="complaint.file")
    assert row.changes["status"] == [None, "received"]


def test_admin_added_holiday_moves_new_deadlines(world):
    """A date the admin declares non-working is skipped by later filings."""
    services.calendar_day_set(
        actor=world.admin, day=date(2026, 10, 12), working=False, reason="Keppres"
    )
    item = complaint(world.dukcapil, now=wib(2026, 10, 9, 9, 0))
    assert item.verify_due == date(2026, 10, 15)
    assert CalendarDay.objects.get().working is False
    with pytest.raises(MutuError, match="admin nasional"):
        services.calendar_day_set(
            actor=world.coordinator,
            day=date(2026, 10, 13),
            working=False,
            reason="X12345",
        )


def test_filing_is_idempotent_by_client_id(world):
    key = uuid.uuid4()
    first = complaint(world.dukcapil, client_id=key)
    again = services.complaint_file(
        unit=world.dukcapil,
        text=first.text,
        channel="api",
        client_id=key,
    )
    assert again.created is False
    assert again.complaint.pk == first.pk
    with pytest.raises(ConflictError):
        services.complaint_file(
            unit=world.dukcapil,
            text="Isi yang lain sama sekali.",
            channel="api",
            client_id=key,
        )
    assert Complaint.objects.count() == 1


def test_anonymous_complaint_keeps_no_identity(world):
    item = complaint(world.dukcapil, privacy="anonymous")
    assert (item.reporter_name, item.reporter_email) == ("", "")


def test_short_text_is_refused_with_a_clear_message(world):
    with pytest.raises(MutuError, match="paling sedikit 10"):
        services.complaint_file(unit=world.dukcapil, text="pendek", channel="web")


def test_whole_workflow_is_audited_old_to_new(world):
    item = complaint(world.dukcapil)
    op = world.operator
    services.complaint_verify(actor=op, complaint=item, field_inspection=True)
    item.refresh_from_db()
    assert item.field_inspection
    assert item.status == "verified"
    services.complaint_start(actor=op, complaint=item)
    services.complaint_answer(actor=op, complaint=item, text="Loket tambahan dibuka.")
    services.complaint_close(actor=op, complaint=item)
    services.complaint_rate(complaint=item, rating=3)
    item.refresh_from_db()
    assert (item.status, item.rating) == ("closed", 3)
    steps = [
        (row.action, row.changes["status"])
        for row in AuditEvent.objects.filter(action__startswith="complaint.").order_by(
            "created_at", "id"
        )
    ]
    assert steps == [
        ("complaint.file", [None, "received"]),
        ("complaint.verify", ["received", "verified"]),
        ("complaint.start", ["verified", "in_progress"]),
        ("complaint.answer", ["in_progress", "answered"]),
        ("complaint.close", ["answered", "closed"]),
        ("complaint.rate", ["closed", "closed"]),
    ]


@pytest.mark.parametrize(
    ("action", "call"),
    [
        ("start", lambda w, c: services.complaint_start(actor=w.operator, complaint=c)),
        (
            "answer",
            lambda w, c: services.complaint_answer(
                actor=w.operator, complaint=c, text="Jawaban yang cukup panjang."
            ),
        ),
        ("close", lambda w, c: services.complaint_close(actor=w.operator, complaint=c)),
        ("rate", lambda w, c: services.complaint_rate(complaint=c, rating=4)),
        (
            "dispute",
            lambda w, c: services.complaint_dispute(complaint=c, reason="Belum beres"),
        ),
        (
            "solved",
            lambda w, c: services.complaint_solved_answer(complaint=c, solved=False),
        ),
    ],
)
def test_illegal_transition_from_received_is_refused(world, action, call):
    """A received complaint can only be verified, forwarded or archived."""
    item = complaint(world.dukcapil)
    with pytest.raises(MutuError, match="berstatus «Diterima» dan tidak dapat"):
        call(world, item)
    item.refresh_from_db()
    assert item.status == "received"


def test_verifying_twice_and_archiving_a_verified_complaint_are_refused(world):
    item = complaint(world.dukcapil)
    services.complaint_verify(actor=world.operator, complaint=item)
    with pytest.raises(MutuError, match="tidak dapat diverifikasi"):
        services.complaint_verify(actor=world.operator, complaint=item)
    with pytest.raises(MutuError, match="tidak dapat diarsipkan"):
        services.complaint_archive(
            actor=world.operator, complaint=item, reason="Spam iklan"
        )


def test_other_units_staff_may_not_handle(world):
    item = complaint(world.dinsos)
    with pytest.raises(MutuError, match="tidak berwenang"):
        services.complaint_verify(actor=world.operator, complaint=item)


def test_forward_moves_to_the_other_unit_with_a_reason(world):
    item = complaint(world.dukcapil)
    services.complaint_forward(
        actor=world.operator, complaint=item, unit=world.dinsos, reason="Urusan bansos"
    )
    item.refresh_from_db()
    assert (item.unit, item.forwarded_from, item.status) == (
        world.dinsos,
        world.dukcapil,
        "received",
    )
    with pytest.raises(MutuError, match="alasan"):
        services.complaint_archive(actor=world.coordinator, complaint=item, reason="")


def _answered(world, **extra):
    item = complaint(world.dukcapil, **extra)
    services.complaint_verify(actor=world.operator, complaint=item)
    services.complaint_answer(
        actor=world.operator, complaint=item, text="Sudah kami perbaiki."
    )
    services.complaint_close(actor=world.operator, complaint=item)
    item.refresh_from_db()
    return item


def test_dispute_reopens_once_only(world):
    item = _answered(world)
    services.complaint_dispute(complaint=item, reason="Antrean masih panjang")
    item.refresh_from_db()
    assert item.status == "in_progress"
    assert item.reopen_reason == "dispute"
    services.complaint_answer(
        actor=world.operator, complaint=item, text="Loket ketiga dibuka."
    )
    with pytest.raises(MutuError, match="hanya sekali"):
        services.complaint_dispute(complaint=item, reason="Masih panjang juga")


def test_dispute_after_fourteen_days_is_refused(world):
    item = _answered(world)
    with pytest.raises(MutuError, match="14 hari"):
        services.complaint_dispute(
            complaint=item,
            reason="Terlambat menyanggah",
            now=item.answered_at + timedelta(days=15),
        )


def test_not_solved_reopens_once_then_is_only_recorded(world):
    item = _answered(world)
    services.complaint_solved_answer(complaint=item, solved=False)
    item.refresh_from_db()
    assert (item.status, item.solved, item.reopen_reason) == (
        "in_progress",
        False,
        "not_solved",
    )
    services.complaint_answer(
        actor=world.operator, complaint=item, text="Sudah kami tangani."
    )
    services.complaint_close(actor=world.operator, complaint=item)
    with pytest.raises(MutuError, match="sudah tercatat"):
        services.complaint_solved_answer(complaint=item, solved=False)
    item.refresh_from_db()
    assert item.status == "closed"


def test_unanswered_complaint_escalates_once_after_five_working_days(
    world, settings, django_capture_on_commit_callbacks
):
    """Filed Monday 5 Oct 2026: answer due Monday 12; on Tuesday 13 the daily run
    escalates verification and answer to the coordinator, exactly once."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    world.coordinator.email = "bagor@pesawaran.go.id"
    world.coordinator.save()
    item = complaint(world.dukcapil, now=wib(2026, 10, 5, 9, 0))
    with (
        time_machine.travel(wib(2026, 10, 12, 20, 0), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("complaints", "escalate")
    assert ComplaintEscalation.objects.count() == 1  # only verification (due 8th)
    with (
        time_machine.travel(wib(2026, 10, 13, 6, 0), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("complaints", "escalate")
        call_command("complaints", "escalate")
    stages = sorted(
        ComplaintEscalation.objects.filter(complaint=item).values_list(
            "stage", flat=True
        )
    )
    assert stages == ["answer", "verify"]
    assert len(mail.outbox) == 2
    assert mail.outbox[1].to == ["bagor@pesawaran.go.id"]
    assert item.tracking_code in mail.outbox[1].subject
    assert "jawaban pertama" in mail.outbox[1].subject


def test_solved_question_is_asked_after_the_setting_days(world, settings):
    settings.MUTU_COMPLAINT_SOLVED_ASK_DAYS = 14
    item = _answered(world)
    assert (
        services.complaints_solved_ask_due(now=item.closed_at + timedelta(days=13)) == 0
    )
    assert (
        services.complaints_solved_ask_due(now=item.closed_at + timedelta(days=14)) == 1
    )
    assert (
        services.complaints_solved_ask_due(now=item.closed_at + timedelta(days=15)) == 0
    )


def test_a_standard_may_set_shorter_limits_only(world):
    """D9: a service standard may shorten the limits, never lengthen them."""
    item = complaint(world.dukcapil, now=wib(2026, 10, 9, 16, 0), limits=(1, 2, 5))
    assert (item.verify_due, item.answer_due, item.resolve_due) == (
        date(2026, 10, 12),
        date(2026, 10, 13),
        date(2026, 10, 16),
    )
    with pytest.raises(MutuError, match="batas D9"):
        complaint(world.dukcapil, limits=(3, 5, 20))


def test_the_services_standard_gives_its_shorter_limits(world):
    """KTP's standard promises verification in 1 and a first answer in 2 working
    days (resolution left at D9's 14): a KTP complaint of Friday 9 October 2026 is
    due Mon 12, Tue 13 and Thu 29 October; a limit longer than D9's is refused."""
    from mutu.registry.services import standard_update

    standard_update(
        actor=world.operator,
        service=world.ktp,
        data={"complaint_verify_days": 1, "complaint_answer_days": 2},
    )
    item = complaint(world.dukcapil, now=wib(2026, 10, 9, 16, 0), service=world.ktp)
    assert (item.verify_due, item.answer_due, item.resolve_due) == (
        date(2026, 10, 12),
        date(2026, 10, 13),
        date(2026, 10, 29),
    )
    with pytest.raises(MutuError, match="verifikasi pengaduan"):
        standard_update(
            actor=world.operator, service=world.ktp, data={"complaint_verify_days": 4}
        )
