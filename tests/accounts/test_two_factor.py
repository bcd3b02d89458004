"""Two-factor login through real HTTP: the code step, enrolment, recovery codes, the
lockout over both steps, the roles that must use it and those that may."""

import re

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from mutu.accounts.two_factor import secret_text
from mutu.audit.models import AuditEvent
from tests.accounts.login import (
    CODE_URL,
    LOGIN_URL,
    PASSWORD,
    code_post,
    enrol,
    login,
    totp_code,
    totp_step_now,
)

DASHBOARD = "/akun/dasbor/"
ENROL_URL = "/akun/dua-langkah/daftar/"
SETTINGS_URL = "/akun/dua-langkah/"
RECOVERY_URL = "/akun/dua-langkah/kode-pemulihan/"


def _password(client: Client, username: str, password: str = PASSWORD):
    return client.post(LOGIN_URL, {"username": username, "password": password})


def _enrol_over_http(client: Client, user) -> list[str]:
    """Set up an app on the enrolment page (start, then the first code); return the
    recovery codes the page shows."""
    client.post(ENROL_URL, {"start": "1"})
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(ENROL_URL, {"code": totp_code(device)})
    assert response.status_code == 200
    return re.findall(
        r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", response.content.decode()
    )


def test_enrolled_admin_gives_a_code_after_the_password(world, client):
    """The password leads to the code page; the right code opens the dashboard."""
    device = enrol(world.admin)
    response = _password(client, "admin")
    assert response.status_code == 302
    assert response["Location"] == f"{CODE_URL}?next=%2Fakun%2Fdasbor%2F"
    assert client.get(DASHBOARD)["Location"].startswith(CODE_URL)
    page = client.get(response["Location"])
    assert "Verifikasi dua langkah" in page.content.decode()
    response = client.post(CODE_URL, {"code": totp_code(device), "next": DASHBOARD})
    assert response.status_code == 302
    assert response["Location"] == DASHBOARD
    assert client.get(DASHBOARD).status_code == 200


def test_wrong_code_is_refused(world, client):
    """A wrong code re-shows the page with an Indonesian message and opens nothing."""
    device = enrol(world.evaluator)
    _password(client, "evaluator")
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    response = client.post(CODE_URL, {"code": wrong})
    assert response.status_code == 400
    assert "Kode salah atau sudah dipakai" in response.content.decode()
    assert client.get(DASHBOARD)["Location"].startswith(CODE_URL)


def test_a_code_is_accepted_only_once(world, client):
    """The code that opened one session does not open a second one (replay)."""
    device = enrol(world.coordinator)
    code = totp_code(device)
    _password(client, "koordinator")
    assert client.post(CODE_URL, {"code": code})["Location"] == DASHBOARD
    other = Client()
    _password(other, "koordinator")
    response = other.post(CODE_URL, {"code": code})
    assert response.status_code == 400
    assert other.get(DASHBOARD)["Location"].startswith(CODE_URL)


def test_recovery_code_works_once(world, client):
    """A recovery code (any case, spaces or dash) stands in for the app once."""
    login(client, world.province_coordinator)
    codes = _enrol_over_http(client, world.province_coordinator)
    assert len(codes) == 10
    client.logout()
    _password(client, "biro")
    typed = codes[0].upper().replace("-", " ")
    response = client.post(CODE_URL, {"code": typed}, follow=True)
    assert response.redirect_chain[-1][0] == DASHBOARD
    assert "tersisa 9 kode" in response.content.decode()
    client.logout()
    _password(client, "biro")
    response = client.post(CODE_URL, {"code": codes[0]})
    assert response.status_code == 400
    assert (
        StaticToken.objects.filter(device__user=world.province_coordinator).count() == 9
    )


def test_wrong_codes_lock_out_like_wrong_passwords(world, client, settings):
    """Wrong codes count towards the lockout, a new password login does not clear
    them, and once locked even the right password and code are refused."""
    device = enrol(world.admin)
    _password(client, "admin")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(CODE_URL, {"code": "000000"}).status_code == 400
    client.logout()
    assert _password(client, "admin")["Location"].startswith(CODE_URL)
    response = client.post(CODE_URL, {"code": "000000"})
    assert response.status_code == 429
    assert "dikunci sementara" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert _password(client, "admin").status_code == 429
    assert TOTPDevice.objects.get(pk=device.pk).last_t == -1


def test_wrong_password_and_wrong_code_add_up(world, client, settings):
    """Failures of both steps share one count (per username and address)."""
    enrol(world.evaluator)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _password(client, "evaluator", "salah")
    _password(client, "evaluator")
    assert client.post(CODE_URL, {"code": "000000"}).status_code == 429


def test_a_full_login_clears_the_failures(world, client, settings):
    """After password and code succeed, earlier failures no longer count."""
    device = enrol(world.evaluator)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _password(client, "evaluator", "salah")
    _password(client, "evaluator")
    assert code_post(client, device).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _password(client, "evaluator", "salah").status_code == 200


def test_required_role_is_sent_to_enrolment_and_blocked_until_done(world, client):
    """A coordinator with no app reaches only the enrolment page (and logout): pages,
    the admin and the API send them back; after the first code all is open."""
    response = _password(client, "koordinator")
    assert response["Location"] == f"{ENROL_URL}?next=%2Fakun%2Fdasbor%2F"
    for path in [DASHBOARD, "/evaluasi/", f"/unit/{world.dukcapil.pk}/", "/admin/"]:
        assert client.get(path)["Location"].startswith(ENROL_URL), path
    assert client.get(CODE_URL)["Location"].startswith(ENROL_URL)
    api = client.post("/api/v1/responses", {}, content_type="application/json")
    assert api.status_code == 403
    assert api.json()["error"]["message_en"] == "Finish two-step verification first."
    page = client.get(ENROL_URL)
    assert "Peran Anda wajib memakai verifikasi dua langkah" in page.content.decode()
    client.post(ENROL_URL, {"start": "1"})
    device = TOTPDevice.objects.get(user=world.coordinator, confirmed=False)
    body = client.get(ENROL_URL).content.decode()
    assert 'src="data:image/svg+xml' in body
    assert secret_text(device) in body
    assert client.post(ENROL_URL, {"code": "12345"}).status_code == 400
    assert client.get(DASHBOARD).status_code == 302
    response = client.post(ENROL_URL, {"code": totp_code(device), "next": DASHBOARD})
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    assert (
        len(
            re.findall(
                r"<code>[a-z2-7]{4}-[a-z2-7]{4}</code>", response.content.decode()
            )
        )
        == 10
    )
    assert client.get(DASHBOARD).status_code == 200
    actions = AuditEvent.objects.filter(
        target_id=str(world.coordinator.pk), action__startswith="two_factor."
    )
    assert set(actions.values_list("action", flat=True)) == {
        "two_factor.enrol",
        "two_factor.confirm",
    }


def test_logout_is_open_before_the_code(world, client):
    """A half-signed-in user can still log out."""
    enrol(world.admin)
    _password(client, "admin")
    response = client.post("/akun/keluar/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_enrolled_user_cannot_replace_the_app_before_the_code(world, client):
    """The password alone does not open the enrolment page of an enrolled user."""
    enrol(world.admin)
    _password(client, "admin")
    response = client.post(ENROL_URL, {"start": "1"})
    assert response["Location"].startswith(CODE_URL)
    assert not TOTPDevice.objects.filter(user=world.admin, confirmed=False).exists()


@pytest.mark.parametrize("username", ["operator", "kepala", "tamu"])
def test_optional_roles_are_not_blocked(world, client, username):
    """Unit staff and users without a role sign in with the password alone."""
    response = _password(client, username)
    assert response["Location"] == DASHBOARD
    assert client.get(DASHBOARD).status_code == 200


def test_unit_head_may_enrol_and_then_gives_codes(world, client):
    """A unit head turns it on from the account page; from then on a code is asked."""
    login(client, world.head)
    assert "Belum aktif" in client.get(SETTINGS_URL).content.decode()
    codes = _enrol_over_http(client, world.head)
    assert len(codes) == 10
    assert "Aktif sejak" in client.get(SETTINGS_URL).content.decode()
    client.logout()
    assert _password(client, "kepala")["Location"].startswith(CODE_URL)


def test_not_required_while_debug_is_on(world, client, settings):
    """With MUTU_TWO_FACTOR_REQUIRED off (DEBUG on), an evaluator needs no app."""
    settings.MUTU_TWO_FACTOR_REQUIRED = False
    assert _password(client, "evaluator")["Location"] == DASHBOARD
    assert client.get(DASHBOARD).status_code == 200


def test_django_admin_needs_the_code(superuser, client):
    """A superuser who signs in on the admin's own page still gives a code."""
    device = enrol(superuser)
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "super", "password": PASSWORD, "next": "/admin/"},
    )
    assert response.status_code == 302
    response = client.get("/admin/")
    assert response["Location"] == f"{CODE_URL}?next=%2Fadmin%2F"
    assert code_post(client, device, "/admin/")["Location"] == "/admin/"
    index = client.get("/admin/")
    assert index.status_code == 200
    # django-otp's device pages (secrets, writes outside the services) are not offered.
    assert "otp_totp" not in index.content.decode()
    assert "otp_static" not in index.content.decode()


def test_recovery_codes_regenerated_replace_the_old_ones(world, client):
    """New codes are shown once and the old ones stop working; audited."""
    login(client, world.admin)
    old = _enrol_over_http(client, world.admin)
    response = client.post(RECOVERY_URL)
    new = re.findall(
        r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", response.content.decode()
    )
    assert len(new) == 10
    assert not set(new) & set(old)
    assert AuditEvent.objects.filter(action="two_factor.recovery_codes").count() == 1
    client.logout()
    _password(client, "admin")
    assert client.post(CODE_URL, {"code": old[1]}).status_code == 400


def test_recovery_codes_need_an_app_first(world, client):
    """An operator without an app is told to set one up."""
    login(client, world.operator)
    response = client.post(RECOVERY_URL, follow=True)
    assert "Daftarkan aplikasi autentikator dulu" in response.content.decode()
    assert not StaticToken.objects.exists()


def test_next_is_kept_and_only_local(world, client):
    """The page asked for is reached after the code; a foreign ``next`` is not."""
    device = enrol(world.admin)
    client.get(f"/unit/{world.dukcapil.pk}/")
    _password(client, "admin")
    response = code_post(client, device, f"/unit/{world.dukcapil.pk}/")
    assert response["Location"] == f"/unit/{world.dukcapil.pk}/"
    client.logout()
    _password(client, "admin")
    assert code_post(client, device, "https://evil.example/")["Location"] == DASHBOARD


def test_repeated_logins_of_one_user_all_pass(world):
    """The helper signs one user in five times in a row (replay rule kept)."""
    for _ in range(5):
        client = Client()
        login(client, world.evaluator)
        assert client.get(DASHBOARD).status_code == 200
    device = TOTPDevice.objects.get(user=world.evaluator)
    assert device.last_t >= totp_step_now(device) + 1


def test_removed_device_ends_the_verified_session(world, client, superuser):
    """After an admin removes an evaluator's app, the evaluator's session is sent
    to enrolment; the removal is audited with the admin as actor."""
    login(client, world.evaluator)
    admin_client = Client()
    login(admin_client, superuser)
    response = admin_client.post(
        "/admin/accounts/user/",
        {
            "action": "remove_two_factor",
            "_selected_action": [world.evaluator.pk],
        },
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.evaluator).exists()
    event = AuditEvent.objects.get(action="two_factor.remove")
    assert event.actor == superuser
    assert client.get(DASHBOARD)["Location"].startswith(ENROL_URL)


def test_code_page_in_english(world, client):
    """The code page has its English catalogue entries."""
    enrol(world.admin)
    client.post("/i18n/setlang/", {"language": "en", "next": LOGIN_URL})
    _password(client, "admin")
    body = client.get(CODE_URL).content.decode()
    assert "Two-step verification" in body
    assert "Cancel and log out" in body
