"""Evaluation pages outside the evaluator's desk: a citizen's F-03 form and its closed
link on a phone, certificate verification on a phone, the manager moving deadlines."""

from datetime import timedelta

from django.core import signing
from django.utils import timezone

from mutu.demo.loader import demo_load
from mutu.evaluations.models import Certificate, UserAssessment
from mutu.evaluations.views import F03_SALT
from tests.browser.accessibility import assert_accessible, assert_fits_width
from tests.browser.conftest import login, save_screenshot
from tests.browser.test_evaluation_pages import submitted  # noqa: F401 (fixture)
from tests.evaluations.conftest import F03_ITEMS


def _f03_url(assignment) -> str:
    return f"/f03/{signing.dumps(assignment.pk, salt=F03_SALT)}/"


def test_citizen_answers_f03_on_a_phone(submitted, phone):  # noqa: F811
    """Eleven items, 0–5 each, one tap per item at 360 px; one row is stored."""
    phone.goto(_f03_url(submitted))
    assert_accessible(phone)
    assert_fits_width(phone)
    items = phone.locator("fieldset.question")
    assert items.count() == len(F03_ITEMS)
    for number in range(len(F03_ITEMS)):
        items.nth(number).get_by_label("4", exact=True).check()
    phone.get_by_role("button", name="Kirim").click()
    phone.get_by_role("heading", name="Terima kasih!").wait_for()
    save_screenshot(phone, "f03-thanks-360px")
    stored = UserAssessment.objects.get(assignment=submitted)
    assert stored.scores == [4] * len(F03_ITEMS)


def test_closed_f03_link_says_why_on_a_phone(submitted, phone):  # noqa: F811
    cycle = submitted.cycle
    cycle.verification_due = timezone.localdate() - timedelta(days=1)
    cycle.save()
    phone.goto(_f03_url(submitted))
    phone.get_by_text("ditutup setelah").wait_for()
    assert not phone.get_by_role("button", name="Kirim").count()
    assert_accessible(phone)
    assert_fits_width(phone)


def test_manager_moves_the_deadline_on_desktop(submitted, desktop):  # noqa: F811
    """The admin opens "Ubah tenggat", gives new dates and a reason; it is saved."""
    cycle = submitted.cycle
    new_due = timezone.localdate() + timedelta(days=45)
    login(desktop, "admin.nasional")
    desktop.goto(f"/evaluasi/siklus/{cycle.pk}/")
    desktop.get_by_text("Ubah tenggat").click()
    desktop.get_by_label("Tenggat penilaian mandiri").fill(new_due.isoformat())
    desktop.get_by_label("Tenggat verifikasi").fill(
        (new_due + timedelta(days=30)).isoformat()
    )
    desktop.get_by_label("Alasan perubahan").fill("Permintaan tiga unit lokus.")
    desktop.get_by_role("button", name="Simpan tenggat").click()
    desktop.get_by_text("Tersimpan.").wait_for()
    assert_accessible(desktop)
    cycle.refresh_from_db()
    assert cycle.self_assessment_due == new_due


def test_anyone_verifies_a_certificate_on_a_phone(transactional_db, phone):
    """The QR on a demo certificate opens a page that says it is genuine."""
    demo_load()  # a year of SKM feeds indicators 6–9, so three units reach A-
    certificate = Certificate.objects.order_by("number").first()
    phone.goto(f"/piagam/{certificate.verification_code}/")
    phone.get_by_role("heading", name="Piagam ini asli").wait_for()
    assert phone.get_by_text(certificate.unit_name).count()
    assert_accessible(phone)
    assert_fits_width(phone)
    save_screenshot(phone, "certificate-verify-360px")
    phone.goto("/piagam/bukan-kode-asli/")
    phone.get_by_role("heading", name="Piagam tidak ditemukan").wait_for()
