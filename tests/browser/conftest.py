"""Browser tests: Playwright for Python driving Debian's Chromium, headless.

Chromium is found at ``MUTU_CHROMIUM`` (default ``/usr/bin/chromium``). Without it the
browser tests are skipped on a developer machine; CI sets ``MUTU_REQUIRE_BROWSER=1`` so
that a missing browser fails instead of hiding the tests.
"""

import os
from pathlib import Path

import pytest

from mutu.demo.data import DEMO_PASSWORD

CHROMIUM = os.environ.get("MUTU_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 360, "height": 740}
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to
# run inside one unless told that this test process knows what it is doing.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        if os.environ.get("MUTU_REQUIRE_BROWSER") == "1":
            pytest.fail(
                f"Chromium tidak ditemukan di {CHROMIUM} (MUTU_REQUIRE_BROWSER=1)"
            )
        pytest.skip(f"Chromium tidak ditemukan di {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(chromium, live_server):
    """A fresh page in a 360 px wide phone viewport, pointed at the live server."""
    context = chromium.new_context(
        viewport=PHONE, base_url=live_server.url, locale="id-ID", bypass_csp=True
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def desktop(chromium, live_server):
    context = chromium.new_context(
        viewport={"width": 1280, "height": 900},
        base_url=live_server.url,
        locale="id-ID",
        bypass_csp=True,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def save_screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under ``test-artifacts/`` and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def login(page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in as a person does: the password, then, when the account has two-factor
    login (the demo's admin, evaluator and coordinator), a code typed from the app."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.accounts.login import totp_code_fresh

    page.goto("/akun/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(lambda url: "/akun/masuk/" not in url)
    if "/akun/kode/" in page.url:
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        page.get_by_label("Kode", exact=True).fill(totp_code_fresh(device))
        page.get_by_role("button", name="Verifikasi").click()
    page.wait_for_url("**/akun/dasbor/")
