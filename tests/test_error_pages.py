"""The error pages a visitor sees (templates/<status>.html via mutu.error_answers)
wear the site's stylesheet, speak Indonesian first and then English, and offer a
way back, through real HTTP with DEBUG off."""

import re

import pytest
from django.test import Client
from django.urls import reverse

STYLESHEET = '<link rel="stylesheet" href="/static/mutu/mutu.css">'
HOME_ID = '<a class="button secondary" href="/">Kembali ke beranda</a>'
HOME_EN = '<a href="/">Back to the home page</a>'
PAGE = "http://testserver/hasil/"


@pytest.fixture
def client():
    """A client that gets the server's answer to a bug instead of the exception."""
    return Client(raise_request_exception=False)


def _assert_error_page(answer, status: int, heading_id: str, heading_en: str) -> str:
    html = answer.content.decode()
    assert answer.status_code == status
    assert answer["Content-Type"].startswith("text/html")
    assert '<html lang="id">' in html
    assert STYLESHEET in html
    assert f"<h1>{heading_id}</h1>" in html
    assert f'<h2 id="in-english">{heading_en}</h2>' in html
    assert html.index(heading_id) < html.index(heading_en)  # Indonesian first
    assert '<section class="in-english" lang="en"' in html
    assert HOME_ID in html
    assert HOME_EN in html
    return html


@pytest.mark.urls("tests.error_urls")
@pytest.mark.parametrize(
    ("path", "status", "heading_id", "heading_en"),
    [
        ("/tidak-ada/", 404, "Halaman tidak ditemukan", "Page not found"),
        ("/uji/terlarang/", 403, "Akses ditolak", "Forbidden"),
        ("/uji/rusak/", 500, "Terjadi kesalahan", "Server error"),
    ],
)
def test_error_page_offers_the_way_back_in_both_languages(
    db, client, settings, path, status, heading_id, heading_en
):
    """Coming from a page of Mutu, the 404, 403 and 500 pages link back to it and to
    the home page, in Indonesian and in English."""
    settings.DEBUG = False

    answer = client.get(path, headers={"Referer": PAGE})

    html = _assert_error_page(answer, status, heading_id, heading_en)
    assert '<a class="button" href="/hasil/">Kembali ke halaman sebelumnya</a>' in html
    assert '<a href="/hasil/">Back to the previous page</a>' in html


def test_405_page_offers_the_way_back(db, client, settings):
    """A page refusing a method (require_GET) answers the 405 page with the way back."""
    settings.DEBUG = False

    answer = client.post(reverse("kiosk:service_worker"), headers={"Referer": PAGE})

    html = _assert_error_page(
        answer, 405, "Metode tidak diizinkan", "Method not allowed"
    )
    assert 'href="/hasil/"' in html


@pytest.mark.urls("tests.error_urls")
def test_403_page_offers_to_sign_in_and_come_back(db, client):
    """The 403 page links to the sign-in page, which returns to the refused page."""
    html = client.get("/uji/terlarang/").content.decode()

    assert (
        '<a class="button secondary" href="/akun/masuk/?next=%2Fuji%2Fterlarang%2F">'
        in html
    )
    assert '<a href="/akun/masuk/?next=%2Fuji%2Fterlarang%2F">Sign in</a>' in html


@pytest.mark.parametrize(
    "referer",
    [
        "",  # typed address, bookmark
        "https://evil.example/phish",  # another site
        "http://testserver/tidak-ada/",  # the failing page itself
        "javascript:alert(1)",
        "http://testserver//evil.example/",  # protocol-relative path
    ],
)
def test_404_page_without_a_page_to_go_back_to_offers_home_only(db, client, referer):
    """No previous page of this site: no "back" link, only the home page."""
    headers = {"Referer": referer} if referer else {}

    html = client.get("/tidak-ada/", headers=headers).content.decode()

    assert "halaman sebelumnya" not in html
    assert "previous page" not in html
    assert HOME_ID in html
    assert not re.search(r'href="(?![/#])[^"]*"', html.split("<body>", 1)[1])


def test_disallowed_host_page_renders_without_reading_the_host(client):
    """The 400 page for a Host outside ALLOWED_HOSTS still renders its way home."""
    answer = client.get(
        "/", headers={"Host": "evil.example", "Referer": "http://evil.example/x"}
    )

    html = _assert_error_page(answer, 400, "Permintaan tidak sah", "Bad request")
    assert "halaman sebelumnya" not in html
