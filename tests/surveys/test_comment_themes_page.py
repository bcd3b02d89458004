"""Comments read at scale on the unit's results page (issue 15 item 7): grouped by
the element they concern and by frequent terms with their counts, each group
linking to its comments on the same page (no JavaScript), the read bounded."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mutu.surveys.periods import PeriodKind, period_containing
from mutu.surveys.services import response_submit
from tests.accounts.login import login

QUEUE = "Antrean masih panjang."


@pytest.fixture
def period():
    return period_containing(timezone.localdate(), PeriodKind.QUARTER).previous()


def _answer(world, period, comment: str, day: int = 5) -> None:
    response_submit(
        unit=world.dukcapil,
        service=world.ktp,
        channel="web",
        answers={f"U{i}": 3 for i in range(1, 10)},
        comment=comment,
        submitted_at=timezone.make_aware(
            datetime.combine(period.start + timedelta(days=day), time(10))
        ),
    )


@pytest.fixture
def commented(world, period):
    """40 comments on the queue, 3 on friendly staff, 2 on the toilet, 1 other."""
    for _ in range(40):
        _answer(world, period, QUEUE)
    for _ in range(3):
        _answer(world, period, "Petugas ramah dan sopan.", day=6)
    for _ in range(2):
        _answer(world, period, "Toilet kotor sekali.", day=7)
    _answer(world, period, "Terima kasih.", day=8)
    return period


def _page(client, world, period, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"periode": period.key, **params}.items())
    url = reverse("surveys:unit_results", args=[world.dukcapil.pk])
    response = client.get(f"{url}?{query}")
    assert response.status_code == 200
    return response.content.decode()


def _row(html: str, label: str) -> str:
    """The table row whose link reads *label*."""
    match = re.search(rf"<tr><td><a [^>]*>{re.escape(label)}</a></td>.*?</tr>", html)
    assert match, label
    return match.group()


def test_themes_count_comments_by_term_and_element(world, client, commented):
    """ "Antrean masih panjang" ×40 is one theme of 40 comments concerning U3;
    U3 has 40 comments, U7 3, U9 2, and one comment concerns no element."""
    login(client, world.operator)
    html = _page(client, world, commented)
    assert "<td>40</td><td>U3</td>" in _row(html, "antre panjang")
    assert "<td>40</td>" in _row(html, "U3 Waktu Penyelesaian")
    assert "<td>3</td>" in _row(html, "U7 Perilaku Pelaksana")
    assert "<td>2</td>" in _row(html, "U9 Sarana dan prasarana")
    assert "<td>1</td>" in _row(html, "Lainnya (tidak terkait unsur)")
    assert "Disusun dari semua komentar periode ini (46)." in html


def test_a_theme_links_to_its_comments(world, client, commented):
    """Following a theme's link lists its 40 comments and none of the others."""
    login(client, world.operator)
    html = _page(client, world, commented)
    link = re.search(r'href="(\?periode=[^"]*tema=antre-panjang)[^"]*"', html)
    assert link
    listed = _page(client, world, commented, tema="antre-panjang")
    section = listed.split('id="tema-komentar"', 1)[1].split("</ul>", 1)[0]
    assert section.count(QUEUE) == 40
    assert "Toilet" not in section
    element = _page(client, world, commented, tema="unsur-u9")
    section = element.split('id="tema-komentar"', 1)[1].split("</ul>", 1)[0]
    assert section.count("Toilet kotor sekali.") == 2
    assert QUEUE not in section


def test_unknown_theme_lists_nothing(world, client, commented):
    login(client, world.operator)
    html = _page(client, world, commented, tema="tidak-ada")
    assert 'id="tema-komentar"' not in html


def test_the_read_is_bounded_and_the_page_says_so(world, client, commented, settings):
    """With 10 comments read, only the newest 10 are grouped (the 1 + 2 + 3 of the
    later days and 4 on the queue), and the page says older ones were not read."""
    settings.MUTU_COMMENT_THEMES_READ = 10
    login(client, world.operator)
    html = _page(client, world, commented)
    assert "Disusun dari 10 komentar terbaru periode ini" in html
    assert "<td>4</td><td>U3</td>" in _row(html, "antre panjang")


def test_themes_page_stays_the_units_staffs(world, client, commented):
    """Another unit's operator does not reach the page (and its comments)."""
    url = reverse("surveys:unit_results", args=[world.dukcapil_bandung.pk])
    login(client, world.operator)
    assert client.get(f"{url}?periode={commented.key}").status_code == 404
