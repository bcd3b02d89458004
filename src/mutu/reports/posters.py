"""QR posters of service points: one A4 page per counter, printed and hung beside it.

A poster carries the SKM invitation, the unit and counter names, a QR code of the
point's absolute short URL (``https://<host>/s/<code>/``) and the same URL in large
print for people who would rather type it. The QR code is made by segno as a 1-bit
PNG scaled by whole pixels (every module stays a sharp square when printed) and the
page is laid out by WeasyPrint from ``reports/poster.html``.

The base URL comes from the request when a poster is made from a page, and from
``--base-url`` or the ``MUTU_PUBLIC_BASE_URL`` setting on the command line.
"""

from collections.abc import Iterable
from dataclasses import dataclass

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from mutu.errors import MutuError
from mutu.registry.models import ServicePoint

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
QR_ERROR_LEVEL = "m"
"""Error correction M (15 %): survives a scratch or a reflection on a laminated sheet."""
QR_SCALE = 20
"""Pixels per module of the embedded PNG: about 200 dpi at the printed size."""
QR_BORDER = 4
"""The quiet zone of four modules that ISO/IEC 18004 asks for around the symbol."""
URL_LINE_PT = 493.0
"""Width of the text column of an A4 page with 18 mm margins, in points."""
URL_FONT_MAX_PT = 26.0
MONO_CHAR_EM = 0.62
"""Advance width of one DejaVu Sans Mono character, in em (with a little slack)."""


@dataclass(frozen=True)
class Poster:
    """What one poster page shows for one service point."""

    point: ServicePoint
    url: str
    display_url: str
    qr_data_uri: str
    url_font_pt: float


def public_base_url(base_url: str | None = None) -> str:
    """*base_url*, else ``settings.MUTU_PUBLIC_BASE_URL``, checked, without final slash.

    Raises :class:`MutuError` unless it is an absolute ``http(s)://`` URL.
    """
    value = (base_url or settings.MUTU_PUBLIC_BASE_URL or DEFAULT_BASE_URL).strip()
    scheme, _, rest = value.partition("://")
    if scheme not in {"http", "https"} or not rest.strip("/"):
        raise MutuError(
            f"Alamat dasar harus dimulai dengan http:// atau https://, bukan {value!r}.",
            f"The base URL must start with http:// or https://, not {value!r}.",
            field="base_url",
        )
    return value.rstrip("/")


def point_short_url(point: ServicePoint, *, base_url: str) -> str:
    """The absolute short URL of *point*'s survey form, e.g. ``https://h/s/dukcapil-1/``."""
    return public_base_url(base_url) + reverse("web:form", args=[point.code])


def point_qr(url: str) -> segno.QRCode:
    """The QR code (never a Micro QR: phone cameras do not all read those) of *url*."""
    return segno.make(url, error=QR_ERROR_LEVEL, micro=False)


def qr_png_data_uri(url: str) -> str:
    """The QR code of *url* as a ``data:image/png`` URI, as embedded in the poster."""
    return point_qr(url).png_data_uri(scale=QR_SCALE, border=QR_BORDER)


def _display_url(url: str) -> str:
    # Browsers add https:// themselves; printing it only makes the line longer.
    return url.removeprefix("https://")


def _url_font_pt(text: str) -> float:
    """The largest size (≤ 26 pt) at which *text* fits on one line of the page."""
    fitting = URL_LINE_PT / (MONO_CHAR_EM * max(len(text), 1))
    return round(min(URL_FONT_MAX_PT, fitting), 1)


def poster_for(point: ServicePoint, *, base_url: str) -> Poster:
    """The content of *point*'s poster under *base_url*."""
    url = point_short_url(point, base_url=base_url)
    display = _display_url(url)
    return Poster(
        point=point,
        url=url,
        display_url=display,
        qr_data_uri=qr_png_data_uri(url),
        url_font_pt=_url_font_pt(display),
    )


def posters_html(points: Iterable[ServicePoint], *, base_url: str) -> str:
    """The HTML of the posters of *points*, one page each, in the given order.

    Raises :class:`MutuError` when there is no point or the base URL is invalid.
    """
    posters = [poster_for(point, base_url=base_url) for point in points]
    if not posters:
        raise MutuError(
            "Belum ada loket layanan: daftarkan loket dulu.",
            "There is no service point yet: register one first.",
            field="point",
        )
    return render_to_string("reports/poster.html", {"posters": posters})


def posters_pdf(points: Iterable[ServicePoint], *, base_url: str) -> bytes:
    """An A4 PDF with one poster page per point of *points* (see :func:`posters_html`)."""
    from weasyprint import HTML  # imported here: loading Pango takes a moment

    # No base URL: the page needs nothing but its own data URIs, so WeasyPrint
    # never fetches anything over the network.
    return HTML(string=posters_html(points, base_url=base_url)).write_pdf()
