"""Certificates can be withdrawn (docs/regulations.md D14, D18): correcting a result
after its certificate was issued revokes it; the public verification page then says
so with the date and the reason; a corrected A/A- gets a certificate with a new
number; numbers are never reused."""

import pytest
from django.urls import reverse
from django.utils import timezone

from mutu.audit.models import AuditEvent
from mutu.errors import MutuError
from mutu.evaluations import services
from mutu.evaluations.models import Certificate, Result
from tests.evaluations.test_certificates import _pdf_text
from tests.evaluations.test_departures import _final

FED = {"Q1": 5, "Q6": 5, "Q7": 5, "Q8": 5, "Q9": 5}
REASON = "Q16 dinilai ulang: jam layanan tidak sesuai maklumat"


@pytest.fixture
def issued(world, assignment) -> Certificate:
    """Dukcapil at A in a published cycle, with its certificate."""
    result = _final(world, assignment, FED, default=5)
    services.cycle_publish(actor=world.admin, cycle=assignment.cycle)
    result = Result.objects.get(pk=result.pk)
    return services.certificate_issue(actor=world.admin, result=result)


def _page(client, certificate: Certificate) -> str:
    url = reverse("evaluations:verify", args=[certificate.verification_code])
    return " ".join(client.get(url).content.decode().split())


def test_a_correction_revokes_and_reissues_under_a_new_number(
    client, world, assignment, issued
):
    """Before: "asli". After a correction that keeps an award: the old page says
    "dicabut" with the date and the reason and points to the new certificate,
    whose number is the next one; the new page says "asli"."""
    before = _page(client, issued)
    assert "Piagam ini asli" in before
    assert "Nilai berbeda dari data Mutu" in before  # the award's departures (D11)
    assert "<strong>Q6</strong> (usulan 0, nilai 5): Laporan SKM manual" in before
    first_number = issued.number
    assert first_number.endswith("/0001")
    # when the coordinator corrects one score (A stays an award)
    result = services.result_revise(
        actor=world.coordinator,
        assignment=assignment,
        scores={"Q16": 4},
        reason=REASON,
    )
    assert result.predicate in ("A", "A-")
    # then the old certificate is revoked, kept, and its page says so
    issued.refresh_from_db()
    assert issued.revoked_at is not None
    assert (issued.revoked_reason, issued.revoked_by) == (REASON, world.coordinator)
    page = _page(client, issued)
    assert "Piagam ini dicabut" in page
    assert "Piagam ini asli" not in page
    today = timezone.localtime(issued.revoked_at).date()
    months = (
        "Januari Februari Maret April Mei Juni Juli Agustus September "
        "Oktober November Desember"
    ).split()
    assert f"dicabut pada {today.day} {months[today.month - 1]} {today.year}" in page
    assert f"Alasan pencabutan</dt><dd>{REASON}" in page
    # and a new certificate with the next number replaces it
    new = Certificate.objects.get(result=result)
    assert new.number == first_number.replace("/0001", "/0002")
    assert new.verification_code != issued.verification_code
    assert f'Piagam pengganti: <a href="/piagam/{new.verification_code}/">' in page
    assert "Piagam ini asli" in _page(client, new)
    # and the unit's page offers the new certificate
    client.force_login(world.operator)
    unit_page = client.get(reverse("evaluations:assignment", args=[assignment.pk]))
    assert new.number in unit_page.content.decode()


def test_revocation_is_audited_old_to_new(world, assignment, issued):
    """The audit trail has the correction, the revocation with its reason, and the
    issue of the new number."""
    services.result_revise(
        actor=world.coordinator,
        assignment=assignment,
        scores={"Q16": 4},
        reason=REASON,
    )
    new = Certificate.objects.get(revoked_at__isnull=True)
    revise = AuditEvent.objects.get(action="result.revise")
    assert revise.changes["certificate"] == [issued.number, new.number]
    assert revise.changes["Q16"] == [5, 4]
    revoke = AuditEvent.objects.get(action="certificate.revoke")
    assert revoke.reason == REASON
    assert revoke.actor == world.coordinator
    assert revoke.changes == {
        "status": ["berlaku", "dicabut"],
        "predicate": [issued.predicate, new.predicate],
        "replaced_by": [None, new.number],
    }
    assert revoke.target_id == str(issued.pk)
    issues = AuditEvent.objects.filter(action="certificate.issue").order_by("id")
    assert [e.changes["number"] for e in issues] == [
        [None, issued.number],
        [None, new.number],
    ]


def test_a_correction_below_award_revokes_without_replacement(
    client, world, assignment, issued
):
    """A corrected predicate that no longer qualifies leaves the certificate
    revoked and issues none; the page says there is no replacement."""
    services.result_revise(
        actor=world.coordinator,
        assignment=assignment,
        scores=dict.fromkeys(("Q16", "Q11", "Q12", "Q13", "Q14", "Q15"), 1),
        reason="Aspek III dinilai ulang setelah kunjungan lapangan",
    )
    current = Result.objects.get(is_current=True)
    assert current.predicate not in ("A", "A-")
    assert not Certificate.objects.filter(revoked_at__isnull=True).exists()
    page = _page(client, issued)
    assert "Piagam ini dicabut" in page
    assert "tidak ada piagam pengganti" in page
    public = client.get(
        reverse("evaluations:public_cycle", args=[assignment.cycle.pk])
    ).content.decode()
    assert issued.verification_code not in public


def test_numbers_are_never_reused(world, assignment, issued):
    """Two corrections in a row: each certificate gets the next number; the
    revoked ones keep theirs."""
    for score in (4, 3):
        services.result_revise(
            actor=world.coordinator,
            assignment=assignment,
            scores={"Q16": score},
            reason=f"Q16 menjadi {score}",
        )
    numbers = list(Certificate.objects.order_by("id").values_list("number", flat=True))
    assert [n[-4:] for n in numbers] == ["0001", "0002", "0003"]
    assert Certificate.objects.filter(revoked_at__isnull=True).count() == 1


def test_a_correction_needs_a_reason_and_keeps_the_certificate_without_one(
    world, assignment, issued
):
    """No reason, no correction: the certificate stays valid."""
    with pytest.raises(MutuError, match="Alasan koreksi wajib diisi"):
        services.result_revise(
            actor=world.coordinator,
            assignment=assignment,
            scores={"Q16": 4},
            reason="  ",
        )
    issued.refresh_from_db()
    assert issued.revoked_at is None


def test_a_revoked_certificate_prints_as_revoked(
    client, world, assignment, issued, tmp_path
):
    """The PDF of a revoked certificate is stamped "DICABUT" and names the day, the reason
    and the replacement's number; the replacement's PDF carries no stamp."""
    services.result_revise(
        actor=world.coordinator,
        assignment=assignment,
        scores={"Q16": 4},
        reason=REASON,
    )
    issued.refresh_from_db()
    new = Certificate.objects.get(revoked_at__isnull=True)

    def text(certificate: Certificate) -> str:
        url = reverse(
            "evaluations:certificate_pdf", args=[certificate.verification_code]
        )
        response = client.get(url)
        assert response.status_code == 200
        path = tmp_path / f"{certificate.pk}.pdf"
        path.write_bytes(response.content)
        return " ".join(_pdf_text(path).split())

    old = text(issued)
    today = timezone.localtime(issued.revoked_at).date()
    # (the rotated "DICABUT" stamp comes out of pdftotext letter by letter)
    assert f"Piagam ini dicabut pada {today.day} " in old
    assert REASON.split(":")[0] in old
    assert f"Piagam pengganti: {new.number}" in old
    assert "dicabut" not in text(new)
