"""Pages offer only the actions the state allows: every button here is absent in
the states where its service refuses (mutu.evaluations.states decides both)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from mutu.evaluations import services
from mutu.evaluations.models import Certificate, Cycle, Result
from tests.accounts.login import login
from tests.evaluations.conftest import SCORED

PUBLISH = "Publikasikan hasil"
CERTIFICATES = "Terbitkan piagam A dan A-"


def _submitted(world, assignment, level=5) -> None:
    for number in SCORED:
        services.self_answer_save(
            reason="Sesuai bukti dukung.",
            actor=world.operator,
            assignment=assignment,
            indicator=number,
            level=level,
        )
    services.self_assessment_submit(actor=world.operator, assignment=assignment)


def _finalized(world, assignment, level=5):
    _submitted(world, assignment, level)
    for number in SCORED:
        services.indicator_score(
            reason="Sesuai bukti dukung.",
            actor=world.evaluator,
            assignment=assignment,
            indicator=number,
            score=level,
        )
    return services.result_finalize(actor=world.admin, assignment=assignment)


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_cycle_actions_follow_the_cycle_state(client, world, cycle, assignment):
    """No final result: neither button. Final, unpublished: publish only. Published
    with an A result: certificates only. Certificates issued: neither."""
    login(client, world.admin)
    url = reverse("evaluations:cycle", args=[cycle.pk])

    page = _page(client, url)
    assert PUBLISH not in page
    assert CERTIFICATES not in page

    result = _finalized(world, assignment)
    assert result.predicate == "A"
    page = _page(client, url)
    assert PUBLISH in page
    assert CERTIFICATES not in page

    client.post(reverse("evaluations:cycle_publish", args=[cycle.pk]))
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.PUBLISHED
    page = _page(client, url)
    assert PUBLISH not in page
    assert CERTIFICATES in page

    client.post(reverse("evaluations:certificates", args=[cycle.pk]))
    assert Certificate.objects.filter(result=result).exists()
    page = _page(client, url)
    assert PUBLISH not in page
    assert CERTIFICATES not in page


def test_no_certificate_button_when_no_result_is_awarded(
    client, world, cycle, assignment
):
    """A published cycle whose results are all below A- offers no certificates."""
    result = _finalized(world, assignment, level=2)
    assert result.predicate not in ("A", "A-")
    services.cycle_publish(actor=world.admin, cycle=cycle)
    login(client, world.admin)
    page = _page(client, reverse("evaluations:cycle", args=[cycle.pk]))
    assert CERTIFICATES not in page
    assert PUBLISH not in page


def test_unit_forms_disappear_after_submission_and_after_the_deadline(
    client, world, cycle, assignment
):
    """The unit's forms are offered while its side is open, not once submitted, and
    not after the deadline (when the service refuses them)."""
    client.force_login(world.operator)
    url = reverse("evaluations:assignment", args=[assignment.pk])
    page = _page(client, url)
    assert "Ajukan penilaian mandiri" in page
    assert "Lampirkan bukti" in page

    cycle.self_assessment_due = timezone.localdate() - timedelta(days=1)
    cycle.save()
    page = _page(client, url)
    assert "Ajukan penilaian mandiri" not in page
    assert "Lampirkan bukti" not in page

    cycle.self_assessment_due = timezone.localdate() + timedelta(days=1)
    cycle.save()
    _submitted(world, assignment)
    page = _page(client, url)
    assert "Ajukan penilaian mandiri" not in page
    assert "Lampirkan bukti" not in page


def test_evaluator_and_manager_actions_end_with_the_final_result(
    client, world, cycle, assignment
):
    """Before submission the evaluator cannot score or ask for a revision; after it
    he can; once final, no scoring, no visit, no finalize; once a certificate is
    issued, no correction."""
    url = reverse("evaluations:assignment", args=[assignment.pk])
    login(client, world.evaluator)
    page = _page(client, url)
    assert "Simpan nilai" not in page
    assert "Minta revisi" not in page

    _submitted(world, assignment)
    page = _page(client, url)
    assert "Simpan nilai" in page
    assert "Minta revisi" in page
    assert "Catat kunjungan lapangan" in page

    for number in SCORED:
        services.indicator_score(
            reason="Sesuai bukti dukung.",
            actor=world.evaluator,
            assignment=assignment,
            indicator=number,
            score=5,
        )
    login(client, world.admin)
    page = _page(client, url)
    assert "Finalkan hasil" in page
    assert "Simpan revisi hasil" not in page

    result = services.result_finalize(actor=world.admin, assignment=assignment)
    page = _page(client, url)
    assert "Finalkan hasil" not in page
    assert "Simpan revisi hasil" in page
    login(client, world.evaluator)
    page = _page(client, url)
    assert "Simpan nilai" not in page
    assert "Catat kunjungan lapangan" not in page

    services.cycle_publish(actor=world.admin, cycle=cycle)
    services.certificate_issue(
        actor=world.admin, result=Result.objects.get(pk=result.pk)
    )
    login(client, world.admin)
    page = _page(client, url)
    assert "Simpan revisi hasil" in page  # a correction revokes it (D14, D18)
    assert "Koreksi mencabut piagam MUTU/" in page
