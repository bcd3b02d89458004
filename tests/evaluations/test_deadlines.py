"""Stage deadlines: the unit's side closes at its deadline, the public F-03 link at
the verification deadline; the manager may move them."""

import re
import uuid
from datetime import date, timedelta

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from mutu.audit.models import AuditEvent
from mutu.errors import MutuError
from mutu.evaluations import services
from mutu.evaluations.models import Answer, Assignment, Evidence, UserAssessment
from mutu.evaluations.views import F03_SALT
from tests.accounts.login import login
from tests.evaluations.conftest import F03_ITEMS, PDF_BYTES, SCORED


def _past_deadline(cycle) -> None:
    cycle.self_assessment_due = timezone.localdate() - timedelta(days=1)
    cycle.save()


def _fill_and_submit(world, assignment) -> None:
    for number in SCORED:
        services.self_answer_save(
            reason="Sesuai bukti dukung.",
            actor=world.operator,
            assignment=assignment,
            indicator=number,
            level=3,
        )
    services.self_assessment_submit(actor=world.operator, assignment=assignment)


def test_answers_are_refused_after_the_deadline(world, cycle, assignment):
    """After the self-assessment deadline nothing of the unit's side changes."""
    _past_deadline(cycle)
    before = AuditEvent.objects.count()
    with pytest.raises(MutuError, match="sudah lewat") as refused:
        services.self_answer_save(
            reason="Sesuai bukti dukung.",
            actor=world.operator,
            assignment=assignment,
            indicator="Q1",
            level=4,
        )
    assert "has passed" in refused.value.message_en
    assert assignment.answers.get(indicator="Q1").self_level is None
    assert AuditEvent.objects.count() == before


def test_evidence_and_submission_are_refused_after_the_deadline(
    world, cycle, assignment
):
    for number in SCORED:
        services.self_answer_save(
            reason="Sesuai bukti dukung.",
            actor=world.operator,
            assignment=assignment,
            indicator=number,
            level=3,
        )
    _past_deadline(cycle)
    with pytest.raises(MutuError, match="sudah lewat"):
        services.evidence_add(
            actor=world.operator,
            answer=assignment.answers.get(indicator="Q1"),
            description="SK standar pelayanan",
            upload=SimpleUploadedFile("sk.pdf", PDF_BYTES, "application/pdf"),
        )
    assert not Evidence.objects.exists()
    with pytest.raises(MutuError, match="sudah lewat"):
        services.self_assessment_submit(actor=world.operator, assignment=assignment)
    assignment.refresh_from_db()
    assert assignment.stage == Assignment.Stage.DRAFT


def test_the_deadline_day_itself_is_still_open(world, cycle, assignment):
    cycle.self_assessment_due = timezone.localdate()
    cycle.save()
    answer = services.self_answer_save(
        reason="Sesuai bukti dukung.",
        actor=world.operator,
        assignment=assignment,
        indicator="Q1",
        level=4,
    )
    assert answer.self_level == 4


def test_expired_revision_closes_the_unit_side_but_not_the_evaluator(world, assignment):
    """A revision not done by its deadline: the unit is locked out, the evaluator
    scores what was submitted and the manager can finalize."""
    _fill_and_submit(world, assignment)
    services.revision_request(
        actor=world.evaluator, assignment=assignment, note="Lengkapi bukti Q1."
    )
    Assignment.objects.filter(pk=assignment.pk).update(
        revision_due=timezone.localdate() - timedelta(days=1)
    )
    assignment.refresh_from_db()
    with pytest.raises(MutuError, match="sudah lewat"):
        services.self_answer_save(
            reason="Sesuai bukti dukung.",
            actor=world.operator,
            assignment=assignment,
            indicator="Q1",
            level=5,
        )
    for number in SCORED:
        services.indicator_score(
            reason="Sesuai bukti dukung.",
            actor=world.evaluator,
            assignment=assignment,
            indicator=number,
            score=3,
        )
    result = services.result_finalize(actor=world.admin, assignment=assignment)
    assert result.is_current


def test_open_revision_is_not_scored_before_its_deadline(world, assignment):
    _fill_and_submit(world, assignment)
    services.revision_request(
        actor=world.evaluator, assignment=assignment, note="Lengkapi bukti Q1."
    )
    with pytest.raises(MutuError, match="sedang revisi"):
        services.indicator_score(
            reason="Sesuai bukti dukung.",
            actor=world.evaluator,
            assignment=assignment,
            indicator="Q1",
            score=3,
        )


def test_manager_extends_the_deadline_with_a_reason(client, world, cycle, assignment):
    """Through the cycle page: audited, and the unit can answer again."""
    _past_deadline(cycle)
    url = reverse("evaluations:cycle_deadlines", args=[cycle.pk])
    new_due = timezone.localdate() + timedelta(days=7)
    data = {
        "self_assessment_due": new_due.isoformat(),
        "verification_due": (new_due + timedelta(days=14)).isoformat(),
        "reason": "Banjir di Gedong Tataan, kantor tutup seminggu.",
    }
    client.force_login(world.operator)
    assert client.post(url, data).status_code == 404
    login(client, world.admin)
    assert client.post(url, data).status_code == 302
    cycle.refresh_from_db()
    assert cycle.self_assessment_due == new_due
    event = AuditEvent.objects.get(action="cycle.deadlines")
    assert event.reason == data["reason"]
    assert event.changes["self_assessment_due"][1] == new_due.isoformat()
    answer = services.self_answer_save(
        reason="Sesuai bukti dukung.",
        actor=world.operator,
        assignment=assignment,
        indicator="Q1",
        level=4,
    )
    assert answer.self_level == 4
    page = client.get(reverse("evaluations:cycle", args=[cycle.pk])).content.decode()
    assert "Ubah tenggat" in page


def test_deadline_change_needs_a_reason_and_order(world, cycle):
    due = timezone.localdate()
    with pytest.raises(MutuError, match="alasan"):
        services.cycle_deadlines_set(
            actor=world.admin,
            cycle=cycle,
            self_assessment_due=due,
            verification_due=due,
            reason=" ",
        )
    with pytest.raises(MutuError, match="Tenggat verifikasi"):
        services.cycle_deadlines_set(
            actor=world.admin,
            cycle=cycle,
            self_assessment_due=due,
            verification_due=due - timedelta(days=1),
            reason="uji",
        )
    with pytest.raises(MutuError, match="pengelola siklus"):
        services.cycle_deadlines_set(
            actor=world.coordinator,
            cycle=cycle,
            self_assessment_due=due,
            verification_due=due,
            reason="uji",
        )
    assert not AuditEvent.objects.filter(action="cycle.deadlines").exists()
    assert Answer.objects.exists()


def test_f03_link_closes_after_the_verification_deadline(
    client, world, cycle, assignment
):
    """The public F-03 form answers 410 with the reason; nothing is stored; paper
    entry by the evaluator stays open until the result is final."""
    cycle.verification_due = timezone.localdate() - timedelta(days=1)
    cycle.save()
    url = reverse("evaluations:f03", args=[signing.dumps(assignment.pk, salt=F03_SALT)])
    page = client.get(url)
    assert page.status_code == 410
    assert "ditutup" in page.content.decode()
    posted = client.post(url, {"client_id": str(uuid.uuid4()), "item1": "5"})
    assert posted.status_code == 410
    assert not UserAssessment.objects.exists()
    _row, created = services.user_assessment_add(
        assignment=assignment,
        scores=[4] * len(F03_ITEMS),
        client_id=uuid.uuid4(),
        channel="paper",
    )
    assert created


def test_saving_the_deadline_form_unchanged_keeps_the_dates(client, world, cycle):
    """A manager opens the cycle page and sends the deadline form as the browser
    fills it: the dates stay what they were."""
    cycle.self_assessment_due = date(2025, 5, 31)
    cycle.verification_due = date(2025, 5, 31) + timedelta(days=30)
    cycle.save()
    login(client, world.admin)
    page = client.get(reverse("evaluations:cycle", args=[cycle.pk])).content.decode()
    values = dict(re.findall(r'<input type="date" name="(\w+)" value="([^"]*)"', page))
    assert values == {
        "self_assessment_due": "2025-05-31",
        "verification_due": "2025-06-30",
        "data_from": "2025-01-01",
        "data_to": "2025-12-31",
    }

    answer = client.post(
        reverse("evaluations:cycle_deadlines", args=[cycle.pk]),
        {**values, "reason": "Tanpa perubahan"},
    )

    assert answer.status_code == 302
    cycle.refresh_from_db()
    assert cycle.self_assessment_due == date(2025, 5, 31)
    assert cycle.verification_due == date(2025, 5, 31) + timedelta(days=30)
