"""A coordinator reads the regency's dashboard at 1280 and 360 px: a league table
with the D10 figure, small-multiple trends as SVG with titles, no JavaScript
needed, within the phone's width, and no serious WCAG 2.1 AA problem."""

import pytest

from mutu.demo.loader import demo_load
from tests.browser.accessibility import assert_accessible, assert_fits_width
from tests.browser.conftest import login, save_screenshot


@pytest.fixture
def demo(transactional_db):
    return demo_load(evaluation=False)


def _open_dashboard(page):
    login(page, "koordinator.pesawaran")
    page.get_by_role("link", name="Dasbor Kabupaten Pesawaran").click()
    page.get_by_role("heading", name="Angka wilayah", exact=True).wait_for()
    page.get_by_role("heading", name="Tren angka wilayah").wait_for()


def _assert_charts_titled(page):
    charts = page.locator("svg.spark")
    assert charts.count() >= 6
    for index in range(charts.count()):
        title = charts.nth(index).locator("title").first.text_content()
        assert title
        assert title.startswith("Tren IKM ")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_coordinator_dashboard(demo, request, size):
    """The Pesawaran coordinator goes from "Dasbor" to the regency's dashboard;
    sorting by IKM is a link; every unit's trend is an SVG with a title."""
    page = request.getfixturevalue(size)
    _open_dashboard(page)
    _assert_charts_titled(page)
    page.get_by_text("sampel belum cukup").first.wait_for()
    sorting = page.get_by_role("navigation", name="Urutkan tabel")
    sorting.get_by_role("link", name="IKM", exact=True).click()
    page.wait_for_url("**urut=ikm**")
    _assert_charts_titled(page)
    if size == "phone":
        assert_fits_width(page)
    assert_accessible(page)
    save_screenshot(page, f"coordinator-dashboard-{size}")


def test_unit_dashboard_on_phone(demo, phone):
    """The Dukcapil operator reads the unit's own dashboard at 360 px: the trend
    chart has a title, the page fits the width and passes axe."""
    login(phone, "operator.dukcapil")
    phone.get_by_role("link", name="Dasbor Dinas Kependudukan").first.click()
    phone.locator("svg.chart title").first.wait_for(state="attached")
    wide = phone.evaluate(
        """() => [...document.querySelectorAll('main *')]
        .filter(e => e.getBoundingClientRect().right > 360)
        .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' +
        Math.round(e.getBoundingClientRect().right))"""
    )
    assert wide == []
    assert_fits_width(phone)
    assert_accessible(phone)
