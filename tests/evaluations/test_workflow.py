"""The whole PEKPPP workflow through HTTP: open → self-assess → verify (with one
revision round) → F-03 → finalize → publish → certificate → public verification."""

import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from mutu.audit.models import AuditEvent
from mutu.evaluations.models import (
    Answer,
    Assignment,
    Certificate,
    Cycle,
    Evidence,
    Result,
)
from mutu.evaluations.views import F03_SALT
from mutu.measures.evaluation import evaluate
from mutu.measures.rounding import round_half_up
from tests.accounts.login import login
from tests.evaluations.conftest import INSTRUMENT, PDF_BYTES, SCORED

REASON = "Sesuai bukti dukung."


def _self_assess_all(client, assignment, level=5):
    for number in SCORED:
        url = reverse("evaluations:self_answer", args=[assignment.pk, number])
        assert (
            client.post(url, {"level": level, "note": "", "reason": REASON}).status_code
            == 302
        )


def _score_all(client, assignment, level=5, note=""):
    for number in SCORED:
        url = reverse("evaluations:score", args=[assignment.pk, number])
        client.post(url, {"score": level, "note": note, "reason": REASON})


def _f03(client, assignment, respondents, value=5):
    token = signing.dumps(assignment.pk, salt=F03_SALT)
    url = reverse("evaluations:f03", args=[token])
    import uuid

    for _ in range(respondents):
        data = {f"item{n}": value for n in range(1, 12)}
        data["client_id"] = str(uuid.uuid4())
        assert client.post(url, data).status_code == 200


@pytest.mark.django_db
def test_full_workflow_through_http(client, world, tmp_path, settings):
    """From opening a cycle to a verified certificate, every step over HTTP."""
    settings.MEDIA_ROOT = tmp_path
    # Given: the national admin opens the cycle and assigns the evaluator.
    login(client, world.admin)
    data = {
        "name": "PEKPPP 2025 Pesawaran",
        "year": 2025,
        "scheme": "nasional",
        "region": "18.09",
        "units": [world.dukcapil.pk, world.dinsos.pk],
        "self_assessment_due": timezone.localdate() + timedelta(days=30),
        "verification_due": timezone.localdate() + timedelta(days=60),
    }
    response = client.post(reverse("evaluations:cycle_create"), data)
    assert response.status_code == 302
    cycle = Cycle.objects.get()
    assignment = cycle.assignments.get(unit=world.dukcapil)
    url = reverse("evaluations:cycle_evaluators", args=[cycle.pk, assignment.pk])
    client.post(url, {"evaluators": [world.evaluator.pk]})
    assert list(assignment.evaluators.all()) == [world.evaluator]
    assert assignment.answers.count() == 31
    assert assignment.answers.get(indicator="Q1").feed["level"] is not None

    # When: the unit self-assesses with evidence and submits.
    client.force_login(world.operator)
    _self_assess_all(client, assignment)
    upload = SimpleUploadedFile("sk.pdf", PDF_BYTES, content_type="application/pdf")
    url = reverse("evaluations:evidence", args=[assignment.pk, "Q1"])
    client.post(url, {"description": "SK Standar Pelayanan", "file": upload})
    assert Evidence.objects.get().content_type == "application/pdf"
    client.post(reverse("evaluations:submit", args=[assignment.pk]))
    assignment.refresh_from_db()
    assert assignment.stage == "submitted"

    # And: the evaluator asks for one revision; the unit revises and resubmits.
    login(client, world.evaluator)
    client.post(
        reverse("evaluations:revision", args=[assignment.pk]),
        {"note": "Q2 kurang bukti"},
    )
    client.force_login(world.operator)
    url = reverse("evaluations:self_answer", args=[assignment.pk, "Q2"])
    client.post(url, {"level": 4, "note": "FKP 2025", "reason": REASON})
    client.post(reverse("evaluations:submit", args=[assignment.pk]))
    login(client, world.evaluator)
    second = client.post(
        reverse("evaluations:revision", args=[assignment.pk]),
        {"note": "lagi"},
        follow=True,
    )
    assert "hanya satu putaran" in second.content.decode()
    _score_all(client, assignment, level=5, note="sesuai bukti lapangan")
    client.post(
        reverse("evaluations:score", args=[assignment.pk, "Q4"]),
        {"score": 3, "note": "ditinjau 2023", "reason": REASON},
    )

    # And: ten citizens fill F-03.
    _f03(client, assignment, 10, value=4)

    # Then: the coordinator finalizes and the result equals mutu.measures.
    login(client, world.coordinator)
    done = client.post(
        reverse("evaluations:finalize", args=[assignment.pk]), follow=True
    )
    body = done.content.decode()
    assert "Tersimpan" in body, body[body.find("messages") :][:600]
    result = Result.objects.get(assignment=assignment)
    scores = dict(
        Answer.objects.filter(assignment=assignment).values_list("indicator", "score")
    )
    expected = evaluate(
        INSTRUMENT,
        {k: v for k, v in scores.items() if v is not None},
        user_scores=[[4] * 11] * 10,
    )
    assert result.index_display == round_half_up(expected.index, 2)
    assert result.predicate == expected.predicate.letter
    assert result.user_index_used

    # And: the admin publishes and issues the certificate; anyone can verify it.
    login(client, world.admin)
    client.post(reverse("evaluations:cycle_publish", args=[cycle.pk]))
    client.post(reverse("evaluations:certificates", args=[cycle.pk]))
    certificate = Certificate.objects.get()
    assert (
        certificate.head_name == world.dukcapil.head_name
        or certificate.head_name == "-"
    )
    client.logout()
    public = client.get(reverse("evaluations:public_cycle", args=[cycle.pk]))
    assert world.dukcapil.name in public.content.decode()
    verify = client.get(
        reverse("evaluations:verify", args=[certificate.verification_code])
    )
    assert "Piagam ini asli" in verify.content.decode()
    assert client.get(reverse("evaluations:verify", args=["palsu"])).status_code == 404
    pdf = client.get(
        reverse("evaluations:certificate_pdf", args=[certificate.verification_code])
    )
    assert pdf.content.startswith(b"%PDF")
    path = Path(tmp_path) / "piagam.pdf"
    path.write_bytes(pdf.content)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "40",
            "-f",
            "1",
            "-l",
            "1",
            str(path),
            str(tmp_path / "p"),
        ],
        check=True,
    )
    png = next(Path(tmp_path).glob("p*.png"))
    assert _dark_pixels(png) > 200
    assert AuditEvent.objects.filter(action="result.finalize").count() == 1


def _dark_pixels(png: Path) -> int:
    """Count dark pixels of a PNG by asking pdftoppm for PGM instead (no imaging lib)."""
    pgm = png.with_suffix(".pgm")
    subprocess.run(
        [
            "pdftoppm",
            "-gray",
            "-r",
            "40",
            "-f",
            "1",
            "-l",
            "1",
            str(png.parent / "piagam.pdf"),
            str(pgm.with_suffix("")),
        ],
        check=True,
    )
    data = next(png.parent.glob(f"{pgm.stem}*.pgm")).read_bytes()
    pixels = data.split(b"\n", 3)[3]
    return sum(1 for byte in pixels if byte < 128)


def test_unit_cannot_edit_after_submit(client, world, assignment):
    """After submission the self-assessment is locked."""
    client.force_login(world.operator)
    _self_assess_all(client, assignment, level=3)
    client.post(reverse("evaluations:submit", args=[assignment.pk]))
    url = reverse("evaluations:self_answer", args=[assignment.pk, "Q1"])
    response = client.post(url, {"level": 0}, follow=True)
    assert "terkunci" in response.content.decode()
    assert Answer.objects.get(assignment=assignment, indicator="Q1").self_level == 3


def test_unassigned_evaluator_sees_nothing(
    client, world, assignment, other_evaluator, tmp_path, settings
):
    """An evaluator not assigned to the unit gets 404 on its page and its evidence."""
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.operator)
    upload = SimpleUploadedFile("sk.pdf", PDF_BYTES)
    client.post(
        reverse("evaluations:evidence", args=[assignment.pk, "Q1"]),
        {"description": "SK", "file": upload},
    )
    evidence = Evidence.objects.get()
    login(client, other_evaluator)
    assert (
        client.get(reverse("evaluations:assignment", args=[assignment.pk])).status_code
        == 404
    )
    assert (
        client.get(reverse("evaluations:evidence_file", args=[evidence.pk])).status_code
        == 404
    )
    login(client, world.evaluator)
    download = client.get(reverse("evaluations:evidence_file", args=[evidence.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES
    download.close()


def test_fake_pdf_and_oversize_are_refused_and_nothing_stored(
    client, world, assignment, tmp_path, settings
):
    """An executable named .pdf and a file over the limit are refused; nothing is kept."""
    settings.MEDIA_ROOT = tmp_path
    settings.MUTU_EVIDENCE_MAX_MB = 1
    client.force_login(world.operator)
    url = reverse("evaluations:evidence", args=[assignment.pk, "Q1"])
    fake = SimpleUploadedFile(
        "sk.pdf", b"MZ\x90\x00" + b"\x00" * 100, content_type="application/pdf"
    )
    response = client.post(url, {"description": "SK", "file": fake}, follow=True)
    assert "diperiksa dari isinya" in response.content.decode()
    big = SimpleUploadedFile("big.pdf", PDF_BYTES + b"0" * (1024 * 1024 + 1))
    response = client.post(url, {"description": "SK", "file": big}, follow=True)
    assert "terlalu besar" in response.content.decode()
    assert not Evidence.objects.exists()
    assert not any(p.is_file() for p in Path(tmp_path).rglob("*"))


def test_finalized_result_changes_only_by_audited_revision(client, world, assignment):
    """A final result cannot be re-scored; a correction is revision 2 with a reason."""
    client.force_login(world.operator)
    _self_assess_all(client, assignment, level=4)
    client.post(reverse("evaluations:submit", args=[assignment.pk]))
    login(client, world.evaluator)
    _score_all(client, assignment, level=4)
    login(client, world.coordinator)
    client.post(reverse("evaluations:finalize", args=[assignment.pk]))
    first = Result.objects.get()
    login(client, world.evaluator)
    response = client.post(
        reverse("evaluations:score", args=[assignment.pk, "Q1"]),
        {"score": 0, "note": "x"},
        follow=True,
    )
    assert "sudah final" in response.content.decode()
    login(client, world.coordinator)
    client.post(
        reverse("evaluations:revise", args=[assignment.pk]),
        {"indicator": "Q1", "score": 5, "reason": "Bukti SK baru ditemukan"},
    )
    current = Result.objects.get(is_current=True)
    assert (current.revision, current.reason) == (2, "Bukti SK baru ditemukan")
    assert current.index > first.index
    first.refresh_from_db()
    assert not first.is_current
    event = AuditEvent.objects.get(action="result.revise")
    assert event.changes["Q1"] == [4, 5]


def test_f03_below_minimum_falls_back_to_f02(client, world, assignment):
    """With 5 F-03 respondents the index is F-02 alone (D6) and the page says so."""
    client.force_login(world.operator)
    _self_assess_all(client, assignment, level=3)
    client.post(reverse("evaluations:submit", args=[assignment.pk]))
    login(client, world.evaluator)
    _score_all(client, assignment, level=3)
    _f03(client, assignment, 5, value=5)
    login(client, world.coordinator)
    client.post(reverse("evaluations:finalize", args=[assignment.pk]))
    result = Result.objects.get()
    assert not result.user_index_used
    assert result.index == result.evaluator_index
    page = client.get(
        reverse("evaluations:assignment", args=[assignment.pk])
    ).content.decode()
    assert "tidak dipakai" in page


def test_score_differing_from_self_needs_a_note(world, assignment):
    """An evaluator score different from the self-assessment needs a note."""
    from mutu.errors import MutuError
    from mutu.evaluations.services import (
        indicator_score,
        self_answer_save,
        self_assessment_submit,
    )

    for number in assignment.answers.values_list("indicator", flat=True):
        if number != "Q31":
            self_answer_save(
                reason="Sesuai bukti dukung.",
                actor=world.operator,
                assignment=assignment,
                indicator=number,
                level=2,
            )
    self_assessment_submit(actor=world.operator, assignment=assignment)
    with pytest.raises(MutuError, match="catatan"):
        indicator_score(
            reason="Sesuai bukti dukung.",
            actor=world.evaluator,
            assignment=assignment,
            indicator="Q1",
            score=4,
        )
    indicator_score(
        reason="Sesuai bukti dukung.",
        actor=world.evaluator,
        assignment=assignment,
        indicator="Q1",
        score=2,
    )
    assert (
        Assignment.objects.get(pk=assignment.pk).answers.get(indicator="Q1").score == 2
    )
