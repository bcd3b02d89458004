"""The unit's evaluation records, the self-assessment form's evidence lists and the
instrument versions page (issue 12 items 5 and 6, D19), in Chromium, with axe."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from mutu.accounts.models import User
from mutu.demo.loader import demo_load
from mutu.evaluations import services
from mutu.evaluations.feeds import feeds_for
from mutu.measures.feed_sources import FeedWindow
from mutu.registry.models import Region, ServiceUnit
from tests.browser.accessibility import assert_accessible, assert_fits_width
from tests.browser.conftest import login, save_screenshot


@pytest.fixture
def registry(transactional_db):
    demo_load(surveys=False, evaluation=False)
    return ServiceUnit.objects.get(short_name="Dukcapil")


def test_operator_records_the_maklumat_on_phone(registry, phone):
    """At 360 px the operator records the decreed maklumat; Q5's proposal follows."""
    window = FeedWindow.for_year(timezone.localdate().year)
    before = feeds_for(registry, window)["Q5"]["level"]
    login(phone, "operator.dukcapil")
    phone.get_by_role(
        "link", name=re.compile(r"^Dinas Kependudukan dan Pencatatan Sipil")
    ).click()
    phone.get_by_role("link", name="Ubah catatan").click()
    assert_fits_width(phone)
    assert_accessible(phone)
    phone.get_by_label("Naskah Maklumat Pelayanan").fill("Kami sanggup melayani.")
    phone.get_by_label("Nomor penetapan maklumat").fill("SK 7/2026")
    phone.get_by_label("Tanggal penetapan maklumat").fill("2026-01-15")
    phone.get_by_label("Isi maklumat sudah diperiksa sesuai peraturan").check()
    phone.get_by_role("button", name="Simpan catatan").click()
    phone.get_by_text("Catatan unit disimpan.").wait_for()
    phone.get_by_text("ditetapkan SK 7/2026").wait_for()
    assert_accessible(phone)
    save_screenshot(phone, "operator-unit-records-360px")
    assert before == 0
    assert feeds_for(registry, window)["Q5"]["level"] == 3


def test_self_assessment_form_lists_evidence_and_marks_unofficial_texts(
    registry, desktop
):
    admin = User.objects.get(username="admin.nasional")
    today = timezone.localdate()
    cycle = services.cycle_open(
        actor=admin,
        year=today.year,
        name="PEKPPP uji bukti",
        scheme="nasional",
        region=Region.objects.get(code="18.09"),
        units=[registry],
        self_assessment_due=today + timedelta(days=30),
        verification_due=today + timedelta(days=60),
    )
    login(desktop, "operator.dukcapil")
    desktop.goto(f"/evaluasi/{cycle.assignments.get().pk}/")
    q3 = desktop.locator("#Q3")
    q3.get_by_text("Screenshoot publikasi di SIPPN").wait_for()
    assert q3.get_by_text("teks resmi belum dimuat").count() == 0
    desktop.locator("#Q18").get_by_text("teks resmi belum dimuat").wait_for()
    assert_accessible(desktop)


def test_instrument_versions_page_on_desktop(registry, desktop):
    login(desktop, "admin.nasional")
    desktop.goto("/evaluasi/")
    desktop.get_by_role("link", name="Instrumen evaluasi").click()
    desktop.get_by_text("pekppp-2017").wait_for()
    desktop.get_by_text("17 dari 31 indikator").wait_for()
    assert_accessible(desktop)
    save_screenshot(desktop, "instrument-versions")
