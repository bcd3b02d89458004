"""Server-rendered SVG charts: no JavaScript, a few kilobytes, readable on a phone.

Every chart carries a ``<title>`` and a ``<desc>`` (read by screen readers) and is
shown next to a table of the same figures. Colour never carries meaning alone: the
weakest element's bar is hatched as well as red, and the legend names both. The
drawing is 320 units wide with 14-unit text, so on a 360 px phone (about 328 px of
content) the text renders at 14 px, never under 12 px.
"""

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from mutu.measures.skm import SkmResult
from mutu.measures.uncertainty import SkmUncertainty
from mutu.surveys.templatetags.mutu_numbers import id2

WIDTH = 320
FONT = 14
SMALL_FONT = 13
CHAR_WIDTH = 0.6
"""A generous average glyph width, as a share of the font size, for sans-serif text:
the server cannot measure text, so a label is wrapped or cut (with "…") against this
estimate, and the full text is always in a ``<title>``."""
LINE = 18
BAR_HEIGHT = 16
VALUE_WIDTH = 48
BAR_WIDTH = WIDTH - VALUE_WIDTH
SCALE_LOW, SCALE_HIGH = 1.0, 4.0
BLUE, RED, INK, TRACK = "#0b5c8a", "#a4161a", "#1b1f24", "#eef2f5"
HATCH = (
    '<pattern id="{id}" width="6" height="6" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)"><rect width="6" height="6" fill="' + RED + '"/>'
    '<line x1="0" y1="0" x2="0" y2="6" stroke="#fff" stroke-width="2"/></pattern>'
)


def chart_number(value: Any) -> str:
    """The one number format of every chart: the page's own (``3,45`` or ``3.45``).

    Kept in one place so a change to the pages' number format reaches the charts.
    """
    return id2(value)


def text_width(text: str, font: float = FONT) -> float:
    """The estimated rendered width of *text* at *font* units (see CHAR_WIDTH)."""
    return len(text) * font * CHAR_WIDTH


def fit_lines(
    text: str, width: float, *, font: float = FONT, lines: int = 2
) -> list[str]:
    """*text* wrapped at spaces into at most *lines* lines of *width*; a line that
    still does not fit is cut with "…" (the caller keeps the full text in a title)."""
    limit = max(2, int(width / (font * CHAR_WIDTH) + 1e-9))
    out: list[str] = []
    for word in text.split():
        if out and len(out[-1]) + 1 + len(word) <= limit:
            out[-1] += " " + word
        elif len(out) < lines:
            out.append(word)
        else:
            out[-1] += " " + word
    return [
        line if len(line) <= limit else line[: limit - 1].rstrip() + "…" for line in out
    ]


def _open(uid: str, width: float, height: float, title: str, desc: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height:.0f}" '
        f'role="img" aria-labelledby="{uid}-title {uid}-desc" class="chart" '
        f'font-family="system-ui, sans-serif" font-size="{FONT}">',
        f'<title id="{uid}-title">{escape(title)}</title>',
        f'<desc id="{uid}-desc">{escape(desc)}</desc>',
    ]


def _close(parts: list[str]) -> SafeString:
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every interpolated text is escaped)


def _bar_x(value: float) -> float:
    share = (min(max(value, SCALE_LOW), SCALE_HIGH) - SCALE_LOW) / (
        SCALE_HIGH - SCALE_LOW
    )
    return share * BAR_WIDTH


def _legend(y: float, items: Iterable[tuple[str, str]]) -> tuple[list[str], float]:
    """One legend row per (swatch SVG, text); returns the parts and the next y."""
    parts = ['<g class="legend">']
    for swatch, label in items:
        parts.append(
            f'<g transform="translate(0 {y:.0f})">{swatch}'
            f'<text x="26" y="13">{escape(label)}</text></g>'
        )
        y += LINE + 2
    parts.append("</g>")
    return parts, y


def element_bars_svg(
    result: SkmResult, uncertainty: SkmUncertainty | None
) -> SafeString:
    """A bar per element: its NRR on the 1–4 scale, with its 95 % interval.

    Each label sits on its own line above its bar, wrapped to two lines at most
    and cut with "…" beyond, the full name in the bar's ``<title>``. The weakest
    element is drawn red *and* hatched, and named in the legend.
    """
    lang = "en" if (get_language() or "").startswith("en") else "id"
    weakest = result.ranking[0] if result.ranking else None
    title = _("NRR per unsur (skala 1–4) dengan interval 95%")
    desc = "; ".join(
        f"{element.code} {element.name(lang)}: {chart_number(element.nrr)}"
        for element in result.elements
    )
    if weakest:
        desc += ". " + _("Terendah: %(code)s.") % {"code": weakest}
    body: list[str] = []
    y = 4.0
    for element in result.elements:
        full = f"{element.code} {element.name(lang)}"
        shown = chart_number(element.nrr)
        for line in fit_lines(full, WIDTH):
            y += LINE
            body.append(f'<text x="0" y="{y:.0f}">{escape(line)}</text>')
        top = y + 6
        is_weakest = element.code == weakest
        fill = "url(#nrr-hatch)" if is_weakest else BLUE
        body.append(
            f'<g class="bar{" weakest" if is_weakest else ""}">'
            f"<title>{escape(full)}: {shown}</title>"
            f'<rect x="0" y="{top:.0f}" width="{BAR_WIDTH}" height="{BAR_HEIGHT}" '
            f'fill="{TRACK}"/>'
            f'<rect x="0" y="{top:.0f}" width="{_bar_x(float(element.nrr)):.1f}" '
            f'height="{BAR_HEIGHT}" fill="{fill}" stroke="{INK}" stroke-width=".5"/>'
        )
        if uncertainty is not None:
            interval = uncertainty.element(element.code)
            low, high = _bar_x(interval.low), _bar_x(interval.high)
            mid = top + BAR_HEIGHT / 2
            body.append(
                f'<line x1="{low:.1f}" x2="{high:.1f}" y1="{mid:.0f}" y2="{mid:.0f}" '
                f'stroke="{INK}" stroke-width="2"/>'
            )
        body.append(f'<text x="{BAR_WIDTH + 6}" y="{top + 13:.0f}">{shown}</text></g>')
        y = top + BAR_HEIGHT + 8
    y += LINE
    for tick in (1, 2, 3, 4):
        body.append(
            f'<text x="{_bar_x(tick):.1f}" y="{y:.0f}" font-size="{SMALL_FONT}" '
            f'text-anchor="{"start" if tick == 1 else "end" if tick == 4 else "middle"}"'
            f">{tick}</text>"
        )
    y += 10
    items = [
        (
            f'<rect width="20" height="14" fill="{BLUE}" stroke="{INK}" '
            f'stroke-width=".5"/>',
            _("NRR unsur"),
        )
    ]
    if weakest:
        items.append(
            (
                '<rect width="20" height="14" fill="url(#nrr-hatch)" '
                f'stroke="{INK}" stroke-width=".5"/>',
                _("Unsur dengan NRR terendah"),
            )
        )
    if uncertainty is not None:
        items.append(
            (
                f'<line x1="0" x2="20" y1="7" y2="7" stroke="{INK}" stroke-width="2"/>',
                _("Interval kepercayaan 95%"),
            )
        )
    legend, y = _legend(y, items)
    parts = _open("nrr", WIDTH, y, title, desc)
    parts.append("<defs>" + HATCH.format(id="nrr-hatch") + "</defs>")
    return _close(parts + body + legend)


def _period_short(period: Any) -> tuple[str, str]:
    """Two short lines for a period under the trend axis: "TW III" / "2025"."""
    words = str(period.label).split()
    year = words[-1]
    if len(words) == 2 and words[0] in ("Tahun",):
        return year, ""
    if words[0] == "Triwulan":
        return f"TW {words[1]}", year
    if words[0] == "Semester":
        return f"Smt {words[1]}", year
    return words[0][:3], year


def trend_line_svg(rows: Sequence[dict[str, Any]]) -> SafeString:
    """The converted IKM of each period as a line with a labelled point per period.

    *rows* are :func:`mutu.surveys.selectors.trend` rows (``period``, ``result``);
    a period without responses has no point, and the line breaks there.
    """
    top, bottom, left = 28.0, 168.0, 30.0
    low, high = 25.0, 100.0
    first_x, last_x = left + 24, WIDTH - 26  # room for a value centred on a point
    step = (last_x - first_x) / max(len(rows) - 1, 1)

    def y_of(value: float) -> float:
        return bottom - (min(max(value, low), high) - low) / (high - low) * (
            bottom - top
        )

    title = _("Tren IKM konversi per periode")
    values = [_converted_ikm(row) for row in rows]
    figures = [
        f"{row['period'].label}: "
        + (chart_number(figure) if figure is not None else "—")
        for row, figure in zip(rows, values, strict=True)
    ]
    desc = "; ".join(figures)
    body: list[str] = []
    for grid in (25, 50, 75, 100):
        gy = y_of(grid)
        body.append(
            f'<line x1="{left}" x2="{WIDTH}" y1="{gy:.0f}" y2="{gy:.0f}" '
            f'stroke="#c9d1d9" stroke-width="1"/>'
            f'<text x="{left - 4}" y="{gy + 4:.0f}" font-size="{SMALL_FONT}" '
            f'text-anchor="end">{grid}</text>'
        )
    segments: list[list[str]] = [[]]
    points: list[str] = []
    for index, row in enumerate(rows):
        x = first_x + index * step if len(rows) > 1 else (first_x + last_x) / 2
        first, second = _period_short(row["period"])
        body.append(
            f'<text x="{x:.0f}" y="{bottom + 20:.0f}" font-size="{SMALL_FONT}" '
            f'text-anchor="middle">{escape(first)}</text>'
        )
        if second:
            body.append(
                f'<text x="{x:.0f}" y="{bottom + 36:.0f}" font-size="{SMALL_FONT}" '
                f'text-anchor="middle">{escape(second)}</text>'
            )
        if row["result"] is None:
            segments.append([])
            continue
        value = row["result"].ikm_converted
        py = y_of(float(value))
        shown = chart_number(value)
        segments[-1].append(f"{x:.1f},{py:.1f}")
        points.append(
            f'<g class="point"><title>{escape(row["period"].label)}: {shown}</title>'
            f'<circle cx="{x:.1f}" cy="{py:.1f}" r="4" fill="#fff" stroke="{BLUE}" '
            f'stroke-width="2"/><text x="{x:.1f}" y="{py - 9:.1f}" '
            f'text-anchor="middle" font-size="{SMALL_FONT}">{shown}</text></g>'
        )
    for segment in segments:
        if len(segment) > 1:
            body.append(
                f'<polyline points="{" ".join(segment)}" fill="none" '
                f'stroke="{BLUE}" stroke-width="2"/>'
            )
    parts = _open("trend", WIDTH, bottom + 44, title, desc)
    return _close(parts + body + points)


ASPECT_SCALE_HIGH = 5.0
GREY = "#5b6670"
PREVIOUS_BAR_HEIGHT = 10
DOTS = (
    '<pattern id="{id}" width="4" height="4" patternUnits="userSpaceOnUse">'
    '<rect width="4" height="4" fill="#fff"/>'
    '<rect width="2" height="2" fill="' + GREY + '"/></pattern>'
)


def _aspect_x(value: float) -> float:
    return min(max(value, 0.0), ASPECT_SCALE_HIGH) / ASPECT_SCALE_HIGH * BAR_WIDTH


def _shown(value: Any) -> str:
    return "—" if value is None else chart_number(value)


def aspect_bars_svg(
    rows: Sequence[dict[str, Any]],
    *,
    current_label: str,
    previous_label: str | None = None,
) -> SafeString:
    """A bar per aspect of an evaluation: its value on the 0–5 scale, and below it,
    thinner and dotted, the unit's value in its previous cycle.

    *rows* are :func:`mutu.evaluations.selectors.aspect_comparison` rows (``code``,
    ``name``, ``name_en``, ``value``, ``previous``; a value may be ``None``: no
    bar, "—"). The
    two series differ by thickness and fill pattern as well as colour, the legend
    names both cycles, and every value is written beside its bar and listed in
    the ``<desc>``.
    """
    lang = "en" if (get_language() or "").startswith("en") else "id"
    names = {
        row["code"]: row.get("name_en")
        if lang == "en" and row.get("name_en")
        else row["name"]
        for row in rows
    }
    title = _("Nilai per aspek (skala 0–5)")
    figures = []
    for row in rows:
        figure = f"{row['code']} {names[row['code']]}: {_shown(row['value'])}"
        if previous_label is not None:
            figure += f" ({previous_label}: {_shown(row['previous'])})"
        figures.append(figure)
    desc = f"{current_label}. " + "; ".join(figures)
    body: list[str] = []
    y = 4.0
    for row in rows:
        full = f"{row['code']} {names[row['code']]}"
        for line in fit_lines(full, WIDTH):
            y += LINE
            body.append(f'<text x="0" y="{y:.0f}">{escape(line)}</text>')
        top = y + 6
        series = [("current", row["value"], BAR_HEIGHT, BLUE, current_label)]
        if previous_label is not None:
            series.append(
                (
                    "previous",
                    row["previous"],
                    PREVIOUS_BAR_HEIGHT,
                    "url(#aspect-dots)",
                    previous_label,
                )
            )
        for kind, value, height, fill, label in series:
            shown = _shown(value)
            width = 0.0 if value is None else _aspect_x(float(value))
            size = "" if kind == "current" else f' font-size="{SMALL_FONT}"'
            body.append(
                f'<g class="bar {kind}"><title>{escape(full)}, {escape(label)}: '
                f"{shown}</title>"
                f'<rect x="0" y="{top:.0f}" width="{BAR_WIDTH}" height="{height}" '
                f'fill="{TRACK}"/>'
                f'<rect x="0" y="{top:.0f}" width="{width:.1f}" height="{height}" '
                f'fill="{fill}" stroke="{INK}" stroke-width=".5"/>'
                f'<text x="{BAR_WIDTH + 6}" y="{top + height - 2:.0f}"'
                f"{size}>"
                f"{shown}</text></g>"
            )
            top += height + 4
        y = top + 4
    y += LINE
    for tick in range(6):
        body.append(
            f'<text x="{_aspect_x(tick):.1f}" y="{y:.0f}" font-size="{SMALL_FONT}" '
            f'text-anchor="{"start" if tick == 0 else "end" if tick == 5 else "middle"}"'
            f">{tick}</text>"
        )
    y += 10
    # A long cycle name is cut with "…" in the legend; the desc has it in full.
    legend_width = WIDTH - 26
    items = [
        (
            f'<rect width="20" height="14" fill="{BLUE}" stroke="{INK}" '
            f'stroke-width=".5"/>',
            fit_lines(current_label, legend_width, lines=1)[0],
        )
    ]
    if previous_label is not None:
        items.append(
            (
                '<rect y="2" width="20" height="10" fill="url(#aspect-dots)" '
                f'stroke="{INK}" stroke-width=".5"/>',
                fit_lines(previous_label, legend_width, lines=1)[0],
            )
        )
    legend, y = _legend(y, items)
    parts = _open("aspects", WIDTH, y, title, desc)
    parts.append("<defs>" + DOTS.format(id="aspect-dots") + "</defs>")
    return _close(parts + body + legend)


SPARK_WIDTH, SPARK_HEIGHT = 120, 36


def _converted_ikm(row: dict[str, Any]) -> Any:
    return row["result"].ikm_converted if row["result"] else None


def sparkline_svg(
    rows: Sequence[dict[str, Any]],
    *,
    uid: str,
    name: str,
    value: Callable[[dict[str, Any]], Any] = _converted_ikm,
) -> SafeString:
    """A small-multiple trend: the converted IKM of each period of *rows* (as for
    :func:`trend_line_svg`; another figure on the same 25–100 scale through
    *value*, e.g. a region's D10 mean) as a line without text, for a table cell.
    The title names *name*; each point's own ``<title>`` gives its period and
    value, and the ``<desc>`` lists them all, so nothing is said by the drawing
    alone."""
    low, high, pad = 25.0, 100.0, 4.0
    step = (SPARK_WIDTH - 2 * pad) / max(len(rows) - 1, 1)

    def y_of(number: float) -> float:
        share = (min(max(number, low), high) - low) / (high - low)
        return SPARK_HEIGHT - pad - share * (SPARK_HEIGHT - 2 * pad)

    values = [value(row) for row in rows]
    figures = [
        f"{row['period'].label}: "
        + (chart_number(figure) if figure is not None else "—")
        for row, figure in zip(rows, values, strict=True)
    ]
    title = _("Tren IKM %(name)s") % {"name": name}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SPARK_WIDTH} '
        f'{SPARK_HEIGHT}" role="img" aria-labelledby="{uid}-title {uid}-desc" '
        f'class="spark">',
        f'<title id="{uid}-title">{escape(title)}</title>',
        f'<desc id="{uid}-desc">{escape("; ".join(figures))}</desc>',
        f'<line x1="0" x2="{SPARK_WIDTH}" y1="{y_of(75):.1f}" y2="{y_of(75):.1f}" '
        'stroke="#c9d1d9" stroke-width="1"/>',
    ]
    segments: list[list[str]] = [[]]
    points: list[str] = []
    for index, (row, figure) in enumerate(zip(rows, values, strict=True)):
        if figure is None:
            segments.append([])
            continue
        x = pad + index * step
        y = y_of(float(figure))
        segments[-1].append(f"{x:.1f},{y:.1f}")
        points.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{BLUE}">'
            f"<title>{escape(row['period'].label)}: {chart_number(figure)}</title>"
            "</circle>"
        )
    for segment in segments:
        if len(segment) > 1:
            parts.append(
                f'<polyline points="{" ".join(segment)}" fill="none" '
                f'stroke="{BLUE}" stroke-width="2"/>'
            )
    return _close(parts + points)
