"""The error pages on a phone: the site's look, no sideways scroll, no blocking
accessibility problem (templates/error_base.html)."""

from tests.browser.accessibility import assert_accessible, assert_fits_width
from tests.browser.conftest import save_screenshot


def test_404_page_fits_a_phone_and_leads_back(transactional_db, phone):
    """Following a dead link from a page of Mutu: the 404 page at 360 px offers the
    way back to that page and home, in both languages."""
    phone.goto("/hasil/")
    phone.evaluate("location.href = '/tidak-ada/'")
    phone.get_by_role("heading", name="Halaman tidak ditemukan").wait_for()

    assert_fits_width(phone)
    assert_accessible(phone)
    save_screenshot(phone, "error-404-360px")
    back = phone.get_by_role("link", name="Kembali ke halaman sebelumnya")
    assert back.get_attribute("href") == "/hasil/"
    assert phone.get_by_role("link", name="Back to the home page").is_visible()
    back.click()
    phone.wait_for_url("**/hasil/")
