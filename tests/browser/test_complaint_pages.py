"""A citizen files a complaint on a phone and follows it to the end: the operator
answers, the citizen says the problem is not solved, the complaint reopens."""

import pytest

from mutu.complaints.models import Complaint
from mutu.demo.loader import demo_load
from tests.browser.accessibility import assert_accessible, assert_fits_width
from tests.browser.conftest import login, save_screenshot


@pytest.fixture
def demo(transactional_db):
    return demo_load(surveys=False, evaluation=False)


def test_file_answer_not_solved_reopens(demo, phone, desktop):
    # given a citizen on a 360 px phone, coming from the survey's thank-you link
    phone.goto("/aduan/")
    phone.get_by_label("Unit pelayanan yang diadukan").select_option(
        label="Dinas Kependudukan dan Pencatatan Sipil Kabupaten Pesawaran"
    )
    phone.get_by_label("Isi pengaduan").fill(
        "Antrean perekaman KTP-el lebih dari tiga jam di loket 2."
    )
    phone.get_by_label("Anonim").check()
    assert_fits_width(phone)
    assert_accessible(phone)
    save_screenshot(phone, "complaint-form-360px")
    # when she sends it
    phone.get_by_role("button", name="Kirim pengaduan").click()
    phone.wait_for_url("**/aduan/*/")
    code = phone.url.rstrip("/").rsplit("/", 1)[1]
    phone.get_by_text(f"Simpan kode lacak Anda: {code}").wait_for()
    assert_fits_width(phone)
    assert_accessible(phone)
    # then the operator verifies and answers it
    complaint = Complaint.objects.get(tracking_code=code)
    login(desktop, "operator.dukcapil")
    desktop.goto(f"/unit/{complaint.unit_id}/aduan/{complaint.pk}/")
    desktop.get_by_role("button", name="Verifikasi").click()
    desktop.get_by_label("Jawaban untuk pelapor").fill(
        "Mulai Senin loket 3 dibuka untuk perekaman."
    )
    desktop.get_by_role("button", name="Kirim jawaban").click()
    desktop.get_by_text("Tersimpan.").wait_for()
    assert_accessible(desktop)
    save_screenshot(desktop, "complaint-detail-desktop")
    desktop.goto(f"/unit/{complaint.unit_id}/aduan/")
    assert_accessible(desktop)
    save_screenshot(desktop, "complaint-inbox-desktop")
    # and the citizen sees the answer and says it is not solved
    phone.goto(f"/aduan/{code}/")
    phone.get_by_text("Mulai Senin loket 3 dibuka untuk perekaman.").wait_for()
    phone.get_by_text("Apakah masalah Anda sudah selesai?").wait_for()
    phone.get_by_label("Belum selesai").check()
    phone.get_by_role("button", name="Kirim jawaban").click()
    phone.get_by_text("Terima kasih, tanggapan Anda tercatat.").wait_for()
    save_screenshot(phone, "complaint-reopened-360px")
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.IN_PROGRESS
    assert complaint.reopen_reason == "not_solved"
    assert "Sedang ditindaklanjuti" in phone.content()
