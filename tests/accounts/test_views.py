"""Login, lockout, logout and password pages."""

from django.core import mail
from django.urls import reverse

LOGIN = "/akun/masuk/"


def test_login_page_is_indonesian(client):
    """The login page speaks Indonesian by default."""
    body = client.get(LOGIN).content.decode()
    assert '<html lang="id">' in body
    assert "Nama pengguna" in body
    assert "Kata sandi" in body


def test_login_with_right_password_lands_on_dashboard(world, client):
    """A correct login goes to the dashboard."""
    response = client.post(LOGIN, {"username": "operator", "password": "sandi-uji-123"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:dashboard")


def test_login_wrong_password_says_so_in_indonesian(world, client):
    """A wrong password re-shows the form with an Indonesian message."""
    response = client.post(LOGIN, {"username": "operator", "password": "salah"})
    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah" in response.content.decode()


def test_login_locks_out_after_five_failures(world, client, settings):
    """After five failures even the right password is refused for that address."""
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "operator", "password": "salah"})
    response = client.post(LOGIN, {"username": "operator", "password": "sandi-uji-123"})
    assert response.status_code == 429
    assert "dikunci sementara" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_username(world, client, settings):
    """Failures on one username do not lock another user out."""
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "operator", "password": "salah"})
    response = client.post(LOGIN, {"username": "kepala", "password": "sandi-uji-123"})
    assert response.status_code == 302


def test_logout_is_a_post_and_ends_the_session(world, client):
    """Logging out by POST ends the session."""
    client.force_login(world.operator)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_link_that_works(world, client):
    """A reset e-mail carries a link that sets a new password."""
    world.operator.email = "op@example.org"
    world.operator.save()
    client.post(reverse("accounts:password_reset"), {"email": "op@example.org"})
    assert len(mail.outbox) == 1
    link = next(
        line for line in mail.outbox[0].body.splitlines() if "/sandi/atur/" in line
    )
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert "Atur kata sandi baru" in form_page.content.decode()
    response = client.post(
        form_page.redirect_chain[-1][0],
        {
            "new_password1": "Pesawaran-baru-2026",
            "new_password2": "Pesawaran-baru-2026",
        },
    )
    assert response.status_code == 302
    world.operator.refresh_from_db()
    assert world.operator.check_password("Pesawaran-baru-2026")


def test_password_change_requires_login_and_works(world, client):
    """A signed-in user changes the password with the old one."""
    client.force_login(world.operator)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "sandi-uji-123",
            "new_password1": "Gedong-Tataan-2026",
            "new_password2": "Gedong-Tataan-2026",
        },
    )
    assert response.status_code == 302
    world.operator.refresh_from_db()
    assert world.operator.check_password("Gedong-Tataan-2026")


def test_english_is_available(client):
    """Switching the language to English shows the login page in English."""
    client.post("/i18n/setlang/", {"language": "en", "next": LOGIN})
    body = client.get(LOGIN).content.decode()
    assert '<html lang="en">' in body
    assert "Username" in body
    assert "Password" in body
