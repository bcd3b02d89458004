"""Two-factor login on a phone: a coordinator sets up an app at first login, the
demo admin types a code; every page of it passes axe-core and fits 360 px."""

from base64 import b32decode

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from mutu.accounts.models import Role
from mutu.demo.loader import demo_load
from mutu.registry.models import Region
from tests.accounts.factories import user_with_role
from tests.accounts.login import PASSWORD, totp_code_fresh
from tests.browser.accessibility import assert_accessible, assert_fits_width
from tests.browser.conftest import login, save_screenshot


@pytest.fixture
def demo(transactional_db):
    return demo_load(surveys=False, evaluation=False)


def test_coordinator_sets_up_two_factor_on_a_phone(demo, phone):
    """A new Lampung coordinator is sent to the set-up after the password, scans (here:
    types) the secret, confirms the first code, sees ten recovery codes, goes on."""
    user_with_role("biro.lampung", Role.COORDINATOR, Region.objects.get(code="18"))
    phone.goto("/akun/masuk/")
    phone.get_by_label("Nama pengguna").fill("biro.lampung")
    phone.get_by_label("Kata sandi").fill(PASSWORD)
    phone.get_by_role("button", name="Masuk").click()
    phone.wait_for_url("**/akun/dua-langkah/daftar/**")
    phone.get_by_text("Peran Anda wajib memakai verifikasi dua langkah").wait_for()
    assert_accessible(phone)
    phone.get_by_role("button", name="Mulai").click()
    qr = phone.get_by_role("img", name="Kode QR untuk aplikasi autentikator")
    qr.wait_for()
    assert qr.bounding_box()["width"] <= 360
    assert_fits_width(phone)
    assert_accessible(phone)
    save_screenshot(phone, "two-factor-enrol-360px")
    secret = phone.locator("code.secret").inner_text().replace(" ", "")
    code = f"{totp(b32decode(secret)):06d}"
    phone.get_by_label("Kode dari aplikasi").fill(code)
    phone.get_by_role("button", name="Konfirmasi").click()
    phone.get_by_role("heading", name="Kode pemulihan").wait_for()
    assert phone.locator("ul.codes li").count() == 10
    assert_fits_width(phone)
    assert_accessible(phone)
    phone.get_by_role("link", name="Sudah saya simpan, lanjutkan").click()
    phone.wait_for_url("**/akun/dasbor/")


def test_code_page_on_a_phone(demo, phone):
    """The demo admin's code page fits 360 px and passes axe-core; a wrong code is
    refused in Indonesian; the right one opens the dashboard."""
    phone.goto("/akun/masuk/")
    phone.get_by_label("Nama pengguna").fill("admin.nasional")
    phone.get_by_label("Kata sandi").fill(demo.logins[0][1])
    phone.get_by_role("button", name="Masuk").click()
    phone.wait_for_url("**/akun/kode/**")
    assert_fits_width(phone)
    assert_accessible(phone)
    phone.get_by_label("Kode", exact=True).fill("abcd-efgh")
    phone.get_by_role("button", name="Verifikasi").click()
    phone.get_by_text("Kode salah atau sudah dipakai.").first.wait_for()
    assert_accessible(phone)
    save_screenshot(phone, "two-factor-code-360px")
    device = TOTPDevice.objects.get(user__username="admin.nasional")
    phone.get_by_label("Kode", exact=True).fill(totp_code_fresh(device))
    phone.get_by_role("button", name="Verifikasi").click()
    phone.wait_for_url("**/akun/dasbor/")
    phone.get_by_role("link", name="Verifikasi dua langkah").click()
    phone.get_by_text("Aktif sejak").wait_for()
    assert_fits_width(phone)
    assert_accessible(phone)


def test_dasbor_todos_and_weekly_digest_on_a_phone(demo, phone):
    """The Pesawaran coordinator's Dasbor lists what waits for him (a late
    complaint, linked to the unit's inbox) at 360 px, passing axe-core; he turns the
    weekly digest off on its page."""
    from datetime import timedelta

    from django.utils import timezone

    from mutu.accounts.models import User
    from mutu.registry.models import ServiceUnit
    from tests.complaints.factories import complaint

    unit = ServiceUnit.objects.get(
        path__startswith="/ID/18/18.09/", short_name="Dukcapil"
    )
    complaint(unit, now=timezone.now() - timedelta(days=30))
    login(phone, "koordinator.pesawaran")
    phone.get_by_role("heading", name="Yang menunggu Anda").wait_for()
    link = phone.get_by_role("link", name="Dukcapil").first
    assert link.get_attribute("href").endswith("?due=late")
    phone.get_by_text("Pengaduan lewat tenggat").wait_for()
    assert_fits_width(phone)
    assert_accessible(phone)
    save_screenshot(phone, "dasbor-todos-360px")
    phone.get_by_role("link", name="Ringkasan mingguan").click()
    phone.get_by_label("Kirim ringkasan mingguan ke surel saya").uncheck()
    phone.get_by_role("button", name="Simpan").click()
    phone.get_by_text("Ringkasan mingguan dimatikan.").wait_for()
    assert_fits_width(phone)
    assert_accessible(phone)
    assert not User.objects.get(username="koordinator.pesawaran").weekly_digest
