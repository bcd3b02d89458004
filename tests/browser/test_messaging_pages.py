"""The operator finds the unit's failed messages from the home page, on a phone."""

import pytest

from mutu.demo.loader import demo_load
from tests.browser.accessibility import assert_accessible, assert_fits_width
from tests.browser.conftest import login, save_screenshot


@pytest.fixture
def demo(transactional_db):
    return demo_load(surveys=False, evaluation=False)


def test_operator_reads_the_messaging_log_on_a_phone(demo, phone):
    """At 360 px: the home page's failure count leads to the log, which shows the
    provider's reason and no phone number; both pages pass axe."""
    login(phone, "operator.dukcapil")
    link = phone.get_by_role("link", name="1 pesan gagal (30 hari)")
    assert_accessible(phone)
    link.click()
    phone.get_by_role("heading", name="Log pesan SMS/WhatsApp").wait_for()
    phone.get_by_text("Message undeliverable", exact=False).wait_for()
    assert_fits_width(phone)
    assert_accessible(phone)
    save_screenshot(phone, "messaging-log-360px")
