"""QR posters: A4 PDF pages built with segno and WeasyPrint, checked with poppler."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from PIL import Image

from mutu.errors import MutuError
from mutu.reports.posters import (
    QR_BORDER,
    point_qr,
    point_short_url,
    posters_html,
    posters_pdf,
    public_base_url,
)
from tests.accounts.login import login
from tests.registry import factories

BASE_URL = "https://mutu.pesawarankab.go.id"


def _poppler(tool: str) -> str:
    """The path of a poppler-utils tool; CI (MUTU_REQUIRE_BROWSER=1) must have it."""
    path = shutil.which(tool)
    if path is None:
        if os.environ.get("MUTU_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{tool} tidak ada: pasang paket Debian poppler-utils")
        pytest.skip(f"{tool} tidak ada (paket Debian poppler-utils)")
    return path


def _pages(pdf: Path) -> int:
    info = subprocess.run(
        [_poppler("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    return int(
        next(line for line in info.splitlines() if line.startswith("Pages:"))[6:]
    )


def _text(pdf: Path) -> str:
    return subprocess.run(
        [_poppler("pdftotext"), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def _write(tmp_path: Path, content: bytes, name: str = "poster.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


@pytest.fixture
def points(world):
    first = factories.point(world.dukcapil, code="dukcapil-1")
    second = factories.point(world.dukcapil, code="dukcapil-2")
    return [first, second]


def test_posters_pdf_has_one_a4_page_per_point(tmp_path, points):
    """Two service points give a two-page A4 PDF."""
    content = posters_pdf(points, base_url=BASE_URL)
    pdf = _write(tmp_path, content)
    assert content.startswith(b"%PDF")
    assert _pages(pdf) == 2
    info = subprocess.run(
        [_poppler("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    assert "(A4)" in info


def test_poster_page_shows_title_names_url_and_anonymity(tmp_path, world, points):
    """The page text has the invitation, the unit and counter, the URL, "anonim"."""
    pdf = _write(tmp_path, posters_pdf(points[:1], base_url=BASE_URL))
    text = " ".join(_text(pdf).split())
    assert "Bagaimana pelayanan kami?" in text
    assert "Pindai untuk menilai" in text
    assert world.dukcapil.name in text
    assert points[0].name in text
    assert "mutu.pesawarankab.go.id/s/dukcapil-1/" in text
    assert "anonim" in text


def test_poster_first_page_renders_with_ink(tmp_path, points):
    """Rendered by pdftoppm, the first page is not blank: the QR and title are dark."""
    pdf = _write(tmp_path, posters_pdf(points, base_url=BASE_URL))
    subprocess.run(
        [
            *(_poppler("pdftoppm"), "-png", "-gray", "-r", "40", "-f", "1", "-l", "1"),
            *(str(pdf), str(tmp_path / "page")),
        ],
        check=True,
    )
    (page,) = tmp_path.glob("page*.png")
    with Image.open(page) as image:
        histogram = image.convert("L").histogram()
    dark = sum(histogram[:96]) / sum(histogram)
    assert dark > 0.05


def test_poster_embeds_the_qr_matrix_of_the_short_url(tmp_path, points):
    """The image in the PDF is, module by module, segno's QR code of the short URL."""
    pdf = _write(tmp_path, posters_pdf(points[:1], base_url=BASE_URL))
    subprocess.run(
        [_poppler("pdfimages"), "-png", str(pdf), str(tmp_path / "img")], check=True
    )
    (png,) = tmp_path.glob("img*.png")
    url = point_short_url(points[0], base_url=BASE_URL)
    expected = [list(row) for row in point_qr(url).matrix_iter(border=QR_BORDER)]
    with Image.open(png) as image:
        gray = image.convert("L")
        modules = len(expected)
        scale = gray.width / modules
        found = [
            [
                gray.getpixel((int((x + 0.5) * scale), int((y + 0.5) * scale))) < 128
                for x in range(modules)
            ]
            for y in range(modules)
        ]
    assert gray.width == gray.height
    assert found == [[bool(module) for module in row] for row in expected]
    assert url == "https://mutu.pesawarankab.go.id/s/dukcapil-1/"


def test_posters_html_embeds_segno_output_for_each_point(points):
    """The HTML given to WeasyPrint carries segno's PNG of each point's URL."""
    html = posters_html(points, base_url=BASE_URL + "/")
    for point in points:
        url = f"{BASE_URL}/s/{point.code}/"
        assert point_qr(url).png_data_uri(scale=20, border=QR_BORDER) in html


def test_posters_without_points_are_refused(world):
    """No point, no poster: a clear error instead of an empty PDF."""
    with pytest.raises(MutuError, match="Belum ada loket"):
        posters_html([], base_url=BASE_URL)


@pytest.mark.parametrize("value", ["ftp://mutu.go.id", "mutu.go.id", "https://"])
def test_public_base_url_must_be_http(value):
    """A base URL that is not absolute http(s) is refused in both languages."""
    with pytest.raises(MutuError) as error:
        public_base_url(value)
    assert "http://" in error.value.message_id
    assert "http://" in error.value.message_en


def test_public_base_url_defaults_to_the_setting(settings):
    """Without an argument the base URL comes from MUTU_PUBLIC_BASE_URL."""
    settings.MUTU_PUBLIC_BASE_URL = "https://skm.lampungprov.go.id/"
    assert public_base_url() == "https://skm.lampungprov.go.id"
    assert public_base_url("http://localhost:8000") == "http://localhost:8000"


# --- the pages ----------------------------------------------------------------------


def test_unit_posters_page_gives_all_points_to_the_operator(
    client, tmp_path, world, points
):
    """The unit's operator downloads one PDF with a page per point, QR to this host."""
    client.force_login(world.operator)
    response = client.get(reverse("reports:unit_posters", args=[world.dukcapil.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"poster-skm-{world.dukcapil.pk}.pdf" in response["Content-Disposition"]
    pdf = _write(tmp_path, response.content)
    assert _pages(pdf) == 2
    assert "http://testserver/s/dukcapil-2/" in _text(pdf)


def test_point_poster_page_gives_one_page(client, tmp_path, world, points):
    """A single counter's poster is one page."""
    login(client, world.coordinator)
    response = client.get(
        reverse("reports:point_poster", args=[world.dukcapil.pk, "dukcapil-2"])
    )
    assert response.status_code == 200
    assert _pages(_write(tmp_path, response.content)) == 1


def test_posters_are_404_outside_the_users_scope(client, world, points):
    """A user who cannot see the unit gets 404, as if it did not exist."""
    client.force_login(world.stranger)
    unit_url = reverse("reports:unit_posters", args=[world.dukcapil.pk])
    point_url = reverse("reports:point_poster", args=[world.dukcapil.pk, "dukcapil-1"])
    assert client.get(unit_url).status_code == 404
    assert client.get(point_url).status_code == 404


def test_point_poster_of_another_units_point_is_404(client, world, points):
    """A point code is looked up inside the unit of the URL only."""
    bandung = factories.point(world.dukcapil_bandung, code="bandung-1")
    login(client, world.admin)
    url = reverse("reports:point_poster", args=[world.dukcapil.pk, bandung.code])
    assert client.get(url).status_code == 404


def test_unit_posters_without_points_is_404(client, world):
    """A unit with no counter has no poster to print."""
    login(client, world.admin)
    url = reverse("reports:unit_posters", args=[world.dinsos.pk])
    assert client.get(url).status_code == 404


def test_posters_need_a_login(client, world, points):
    """An anonymous visitor is sent to the login page."""
    response = client.get(reverse("reports:unit_posters", args=[world.dukcapil.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- the command --------------------------------------------------------------------


def test_posters_command_writes_one_pdf_for_the_unit(tmp_path, world, points):
    """`mutu surveys posters <id>` writes one PDF with a page per point."""
    call_command(
        "surveys",
        "posters",
        str(world.dukcapil.pk),
        "--out",
        str(tmp_path / "cetak"),
        "--base-url",
        BASE_URL,
    )
    pdf = tmp_path / "cetak" / f"poster-skm-{world.dukcapil.pk}.pdf"
    assert _pages(pdf) == 2
    assert "mutu.pesawarankab.go.id/s/dukcapil-1/" in _text(pdf)


def test_posters_command_finds_a_unit_by_short_name_and_splits_per_point(
    tmp_path, world, points, settings
):
    """By short name, with --per-point, one file per counter; URL from the setting."""
    world.dukcapil.short_name = "Dukcapil"
    world.dukcapil.save()
    settings.MUTU_PUBLIC_BASE_URL = "https://skm.example.go.id"
    call_command(
        "surveys", "posters", "dukcapil", "--out", str(tmp_path), "--per-point"
    )
    files = sorted(path.name for path in tmp_path.glob("*.pdf"))
    assert files == ["poster-skm-dukcapil-1.pdf", "poster-skm-dukcapil-2.pdf"]
    assert "skm.example.go.id/s/dukcapil-2/" in _text(
        tmp_path / "poster-skm-dukcapil-2.pdf"
    )


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["9999"], "Unit tidak ditemukan"),
        (["{dinsos}"], "belum punya loket"),
        (["{dukcapil}", "--base-url", "mutu.go.id"], "http://"),
    ],
)
def test_posters_command_explains_what_is_wrong(
    tmp_path, world, points, arguments, message
):
    """An unknown unit, a unit without points or a bad base URL stop with a message."""
    ids = {"dinsos": world.dinsos.pk, "dukcapil": world.dukcapil.pk}
    arguments = [argument.format(**ids) for argument in arguments]
    with pytest.raises(CommandError, match=message):
        call_command("surveys", "posters", *arguments, "--out", str(tmp_path))
    assert not list(tmp_path.glob("*.pdf"))
