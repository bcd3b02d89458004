"""The award certificate names who issues and signs it, where and when, the IPP and
the predicate, and prints a readable verification address (issue 10, item 9)."""

import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from mutu.audit.models import AuditEvent
from mutu.demo.loader import demo_load
from mutu.errors import MutuError
from mutu.evaluations import services
from mutu.evaluations.models import Certificate, Cycle
from tests.accounts.login import login

SIGNING = {
    "issuing_authority": "Pemerintah Kabupaten Pesawaran",
    "signatory_name": "Dendi Ramadhona",
    "signatory_title": "Bupati Pesawaran",
    "signing_place": "Gedong Tataan",
}


def test_signing_set_by_the_manager_is_audited_once(world, cycle):
    """The cycle's manager sets the signing details; saving them again records
    nothing new."""
    # when the national admin sets them twice
    services.cycle_signing_set(actor=world.admin, cycle=cycle, **SIGNING)
    services.cycle_signing_set(actor=world.admin, cycle=cycle, **SIGNING)
    # then
    cycle.refresh_from_db()
    assert cycle.signatory_title == "Bupati Pesawaran"
    event = AuditEvent.objects.get(action="cycle.signing")
    assert event.changes["signing_place"] == ["", "Gedong Tataan"]


def test_signing_set_refuses_a_non_manager(world, cycle):
    """A coordinator, an operator or an evaluator cannot set who signs a national
    cycle's certificates; nothing changes."""
    for actor in (world.coordinator, world.operator, world.evaluator):
        with pytest.raises(MutuError, match="Hanya pengelola siklus"):
            services.cycle_signing_set(actor=actor, cycle=cycle, **SIGNING)
    cycle.refresh_from_db()
    assert cycle.issuing_authority == ""
    assert not AuditEvent.objects.filter(action="cycle.signing").exists()


def test_signing_set_needs_every_detail(world, cycle):
    """A blank signatory is refused in both languages, naming the field."""
    with pytest.raises(MutuError) as caught:
        services.cycle_signing_set(
            actor=world.admin, cycle=cycle, **{**SIGNING, "signatory_name": "  "}
        )
    assert caught.value.message_for("id") == "Isi nama penanda tangan."
    assert caught.value.message_for("en") == "Fill in the signatory's name."


def test_signing_form_on_the_cycle_page(client, world, cycle):
    """The manager saves the form on the cycle page; others get 404."""
    url = reverse("evaluations:cycle_signing", args=[cycle.pk])
    client.force_login(world.operator)
    assert client.post(url, SIGNING).status_code == 404
    login(client, world.admin)
    page = client.get(reverse("evaluations:cycle", args=[cycle.pk])).content.decode()
    assert "Atur penerbit dan penanda tangan" in page
    assert client.post(url, SIGNING).status_code == 302
    assert Cycle.objects.get(pk=cycle.pk).signing_place == "Gedong Tataan"
    blank = client.post(url, {**SIGNING, "issuing_authority": ""})
    assert blank.status_code == 303
    assert (
        Cycle.objects.get(pk=cycle.pk).issuing_authority == SIGNING["issuing_authority"]
    )


def _pdf_text(path) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext tidak ada (paket Debian poppler-utils)")
    return subprocess.run(
        [tool, "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_certificate_pdf_shows_signing_index_and_address(db, client, tmp_path):
    """The demo's certificate names the ministry, the minister, Jakarta and the date
    of issue, the IPP with a decimal comma and the predicate, and prints the whole
    verification address, on one page."""
    # given the demo's published 2025 cycle and its certificates
    demo_load()
    certificate = Certificate.objects.select_related("result").first()
    cycle = certificate.result.assignment.cycle
    assert cycle.signatory_name == "Rini Widyantini"
    # when anyone downloads it
    code = certificate.verification_code
    response = client.get(reverse("evaluations:certificate_pdf", args=[code]))
    path = tmp_path / "piagam.pdf"
    path.write_bytes(response.content)
    text = " ".join(_pdf_text(path).split())
    # then
    assert len(PdfReader(path).pages) == 1
    issued = timezone.localtime(certificate.issued_at)  # the day in WIB, as printed
    months = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli"]
    months += ["Agustus", "September", "Oktober", "November", "Desember"]
    date = f"{issued.day} {months[issued.month - 1]} {issued.year}"
    assert f"Jakarta, {date}" in text
    assert "KEMENTERIAN PENDAYAGUNAAN APARATUR NEGARA" in text
    assert "Rini Widyantini" in text
    assert "Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi" in text
    ipp = f"{certificate.result.index_display}".replace(".", ",")
    assert f"Indeks Pelayanan Publik (IPP): {ipp}" in text
    assert f"{certificate.predicate_label} ({certificate.predicate})" in text
    assert f"http://testserver/piagam/{code}/" in text
