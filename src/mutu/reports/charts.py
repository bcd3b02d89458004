"""Server-rendered SVG charts: no JavaScript, a few hundred bytes, readable on a phone."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from mutu.measures.rounding import format_number
from mutu.measures.skm import SkmResult
from mutu.measures.uncertainty import SkmUncertainty

ROW_HEIGHT = 34
LABEL_WIDTH = 150
BAR_WIDTH = 170
SCALE_LOW, SCALE_HIGH = 1.0, 4.0


def _x(value: float) -> float:
    share = (min(max(value, SCALE_LOW), SCALE_HIGH) - SCALE_LOW) / (
        SCALE_HIGH - SCALE_LOW
    )
    return LABEL_WIDTH + share * BAR_WIDTH


def _short(label: str, limit: int = 22) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _language() -> str:
    """``"en"`` or ``"id"``: numbers and names follow the page's language, so an
    English page never mixes "90.49" with "3,64" (issue 10 item 7)."""
    return "en" if (get_language() or "").startswith("en") else "id"


def element_bars_svg(
    result: SkmResult, uncertainty: SkmUncertainty | None
) -> SafeString:
    """A horizontal bar per element: its NRR on the 1–4 scale, with its 95 % interval.

    The weakest element is drawn in a warning colour. Text is real text (scalable,
    readable by screen readers through ``<title>``).
    """
    lang = _language()
    weakest = result.ranking[0] if result.ranking else None
    height = ROW_HEIGHT * len(result.elements) + 24
    width = LABEL_WIDTH + BAR_WIDTH + 56
    title = gettext("NRR per unsur (skala 1–4) dengan interval 95%")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="nrr-title" class="chart">',
        f'<title id="nrr-title">{escape(title)}</title>',
    ]
    for row, element in enumerate(result.elements):
        y = 8 + row * ROW_HEIGHT
        nrr = float(element.nrr)
        colour = "#a4161a" if element.code == weakest else "#0b5c8a"
        text = f"{element.code} {element.name(lang)}"
        label, short = escape(text), escape(_short(text))
        shown = format_number(element.nrr, 2, lang=lang)
        parts.append(
            f'<text x="0" y="{y + 16}" font-size="12">{short}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{BAR_WIDTH}" height="16" '
            f'fill="#eef2f5"/>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{_x(nrr) - LABEL_WIDTH:.1f}" '
            f'height="16" fill="{colour}"><title>{label}: {shown}</title></rect>'
        )
        if uncertainty is not None:
            interval = uncertainty.element(element.code)
            low, high = _x(interval.low), _x(interval.high)
            parts.append(
                f'<line x1="{low:.1f}" x2="{high:.1f}" y1="{y + 12}" y2="{y + 12}" '
                f'stroke="#1b1f24" stroke-width="2"/>'
            )
        parts.append(
            f'<text x="{LABEL_WIDTH + BAR_WIDTH + 6}" y="{y + 16}" font-size="12">'
            f"{shown}</text>"
        )
    axis_y = height - 8
    for tick in (1, 2, 3, 4):
        parts.append(
            f'<text x="{_x(tick):.1f}" y="{axis_y}" font-size="10" '
            f'text-anchor="middle">{tick}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every interpolated text is escaped)
