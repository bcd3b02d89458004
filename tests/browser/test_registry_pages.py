"""An operator on a phone keeps a service standard; pages pass axe-core."""

import re

import pytest

from mutu.demo.loader import demo_load
from mutu.registry.models import Service
from tests.browser.accessibility import assert_accessible, assert_fits_width
from tests.browser.conftest import login, save_screenshot


@pytest.fixture
def demo(transactional_db):
    return demo_load(surveys=False, evaluation=False)


@pytest.fixture
def demo_surveys(transactional_db):
    return demo_load(evaluation=False)


def test_operator_edits_standard_on_phone(demo, phone):
    """At 360 px the DPMPTSP operator fills a missing component of its partial
    standard (the demo's award units keep theirs complete, as PEKPPP 2025's Q1
    feed shows): n/14 becomes n+1/14."""
    name = "Perizinan Berusaha Berbasis Risiko (OSS RBA)"
    service = Service.objects.get(name=name)
    before = service.standard.completeness.filled
    assert before < 14
    login(phone, "operator.dpmptsp")
    phone.get_by_role("link", name=re.compile(r"^Dinas Penanaman Modal")).click()
    assert_fits_width(phone)
    phone.get_by_role("link", name=name).click()
    phone.get_by_text(f"{before}/14 komponen").first.wait_for()
    phone.get_by_role("link", name="Ubah standar").click()
    missing = service.standard.completeness.missing[0]
    phone.get_by_label(missing.name_id, exact=True).fill("Diisi dari uji peramban.")
    phone.get_by_role("button", name="Simpan standar").click()
    phone.get_by_text(f"{before + 1} dari 14 komponen terisi").wait_for()
    phone.get_by_text(f"{before + 1}/14 komponen").first.wait_for()
    assert_fits_width(phone)
    save_screenshot(phone, "operator-standard-360px")
    service.standard.refresh_from_db()
    assert service.standard.completeness.filled == before + 1


def test_home_and_login_pages_are_accessible(transactional_db, phone):
    """The home and login pages have no serious WCAG 2.1 AA problem and fit 360 px."""
    for url in ["/", "/akun/masuk/", "/hasil/"]:
        phone.goto(url)
        assert_fits_width(phone)
        assert_accessible(phone)


def test_unit_and_standard_pages_are_accessible(demo, phone):
    """The unit page, a service page and the standard form pass axe-core at 360 px."""
    login(phone, "operator.dukcapil")
    phone.get_by_role(
        "link", name=re.compile(r"^Dinas Kependudukan dan Pencatatan Sipil")
    ).click()
    assert_accessible(phone)
    phone.get_by_role("link", name="Penerbitan KTP-el").click()
    assert_accessible(phone)
    phone.get_by_role("link", name="Ubah standar").click()
    assert_accessible(phone)
    assert_fits_width(phone)


def test_coordinator_region_page_on_desktop(demo, desktop):
    """The Pesawaran coordinator opens the region page and sees its units."""
    login(desktop, "koordinator.pesawaran")
    desktop.get_by_role("link", name="Kabupaten Pesawaran", exact=True).click()
    desktop.get_by_role("link", name="RSUD Pesawaran").wait_for()
    assert_accessible(desktop)
    save_screenshot(desktop, "coordinator-region")


def test_results_page_renders_chart_on_phone(demo_surveys, phone):
    """The Dukcapil head sees this quarter's IKM, grade and the SVG chart at 360 px."""
    login(phone, "kepala.dukcapil")
    phone.get_by_role(
        "link", name=re.compile(r"^Dinas Kependudukan dan Pencatatan Sipil")
    ).click()
    phone.get_by_role("link", name="Hasil SKM").click()
    phone.locator("svg.chart").first.wait_for()
    assert phone.locator("svg.chart rect").count() >= 18
    # every chart's text, scaled with its drawing, renders at 12 px or more
    smallest = phone.evaluate(
        """() => Math.min(...[...document.querySelectorAll('svg.chart text')].map(
            t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a))"""
    )
    assert 12 <= smallest < 100, smallest
    assert phone.locator("svg.chart polyline").count() == 1
    assert "Sangat Baik" in phone.locator(".score").inner_text()
    assert_fits_width(phone)
    assert_accessible(phone)
    save_screenshot(phone, "results-360px")
