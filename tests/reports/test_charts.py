"""The SVG charts: valid XML, titled and described, labels that fit, a legend for
colour, a point per period on the trend (issue 10, item 8)."""

from datetime import date
from decimal import Decimal
from xml.etree import ElementTree as ET

import pytest
from django.utils import translation

from mutu.measures.skm import ELEMENT_CODES, Tally, skm_result
from mutu.measures.uncertainty import skm_uncertainty
from mutu.reports.charts import (
    CHAR_WIDTH,
    FONT,
    WIDTH,
    aspect_bars_svg,
    element_bars_svg,
    fit_lines,
    text_width,
    trend_line_svg,
)
from mutu.surveys.periods import PeriodKind, period_containing

SVG = "{http://www.w3.org/2000/svg}"


def _result(weak: str | None = "U8"):
    counts = {
        code: (0, 3, 4, 3) if code == weak else (0, 0, 5, 5) for code in ELEMENT_CODES
    }
    return skm_result(Tally.from_counts(counts, responses=10))


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(str(svg))  # noqa: S314 (our own output)


def test_element_bars_parse_with_title_and_desc() -> None:
    """The bars are one SVG document with a title and a description of every NRR."""
    # given a result with intervals
    result = _result()
    # when drawn
    root = _parse(element_bars_svg(result, skm_uncertainty(result)))
    # then
    assert root.tag == f"{SVG}svg"
    assert root.find(f"{SVG}title").text
    desc = root.find(f"{SVG}desc").text
    assert "U8 Penanganan Pengaduan, Saran dan Masukan: 3,00" in desc
    assert "U1 Persyaratan: 3,50" in desc


def test_element_bar_labels_fit_their_box_or_end_in_ellipsis() -> None:
    """No label is wider than the drawing unless cut with "…"; the full name is kept
    in the bar's title."""
    # given the longest element names, in English too
    for lang in ("id", "en"):
        with translation.override(lang):
            root = _parse(element_bars_svg(_result(), None))
        # then every label line fits, or is cut with an ellipsis
        texts = [t.text or "" for t in root.iter(f"{SVG}text")]
        assert texts
        for text in texts:
            assert text_width(text) <= WIDTH or text.endswith("…"), text
        titles = [t.text or "" for t in root.iter(f"{SVG}title")]
        if lang == "en":
            assert any(
                t.startswith("U8 Handling of complaints, suggestions and feedback")
                for t in titles
            )


def test_fit_lines_wraps_then_cuts_with_ellipsis() -> None:
    """Text wraps at spaces into two lines; what is left is cut with "…"."""
    # given a box of 20 characters
    width = 20 * FONT * CHAR_WIDTH
    # when / then
    assert fit_lines("Penanganan Pengaduan", width) == ["Penanganan Pengaduan"]
    assert fit_lines("U8 Penanganan Pengaduan, Saran dan Masukan", width) == [
        "U8 Penanganan",
        "Pengaduan, Saran da…",
    ]


def test_coloured_bar_has_a_legend_and_a_pattern() -> None:
    """The weakest element's red bar is hatched and named in the legend (grayscale)."""
    # given a result with one weak element
    root = _parse(element_bars_svg(_result("U8"), None))
    # then its bar uses the hatch pattern, which exists, and the legend names it
    fills = [r.get("fill") for r in root.iter(f"{SVG}rect")]
    assert "url(#nrr-hatch)" in fills
    assert root.find(f".//{SVG}pattern[@id='nrr-hatch']") is not None
    legend = root.find(f".//{SVG}g[@class='legend']")
    assert legend is not None
    legend_text = [t.text for t in legend.iter(f"{SVG}text")]
    assert "Unsur dengan NRR terendah" in legend_text
    weak_bar = root.find(f".//{SVG}g[@class='bar weakest']")
    assert weak_bar.find(f"{SVG}title").text.startswith("U8 ")


def _trend_rows(values):
    period = period_containing(date(2025, 12, 1), PeriodKind.QUARTER)
    periods = [period]
    while len(periods) < len(values):
        periods.append(periods[-1].previous())
    rows = []
    for item, value in zip(reversed(periods), values, strict=True):
        result = None
        if value is not None:
            counts = dict.fromkeys(ELEMENT_CODES, value)
            result = skm_result(Tally.from_counts(counts, responses=sum(value)))
        rows.append({"period": item, "result": result})
    return rows


def test_trend_line_has_one_point_per_period_with_its_value() -> None:
    """Six periods with data give six points on one polyline, each with its value."""
    # given six quarters
    rows = _trend_rows([(0, 0, 5, 5)] * 3 + [(0, 0, 2, 8)] * 3)
    # when drawn
    root = _parse(trend_line_svg(rows))
    # then
    assert root.find(f"{SVG}title").text == "Tren IKM konversi per periode"
    assert "Triwulan IV 2025: 95,00" in root.find(f"{SVG}desc").text
    points = root.findall(f".//{SVG}g[@class='point']")
    assert len(points) == 6
    polyline = root.find(f"{SVG}polyline")
    assert len(polyline.get("points").split()) == 6
    assert [p.find(f"{SVG}text").text for p in points] == ["87,50"] * 3 + ["95,00"] * 3
    axis = [t.text for t in root.iter(f"{SVG}text")]
    assert "TW III" in axis


def test_trend_line_breaks_at_a_period_without_data() -> None:
    """A period with no responses has no point, and the line does not cross it."""
    rows = _trend_rows([(0, 0, 5, 5), (0, 0, 5, 5), None, (0, 0, 5, 5)])
    root = _parse(trend_line_svg(rows))
    assert len(root.findall(f".//{SVG}g[@class='point']")) == 3
    assert len(root.findall(f"{SVG}polyline")) == 1
    assert "—" in root.find(f"{SVG}desc").text


@pytest.mark.parametrize("lang", ["id", "en"])
def test_chart_numbers_follow_the_language(lang) -> None:
    """Values use the page's decimal mark: 3,50 in Indonesian, 3.50 in English."""
    with translation.override(lang):
        svg = str(element_bars_svg(_result(), None))
    assert ("3,50" if lang == "id" else "3.50") in svg


def _aspect_rows(previous: bool = True) -> list[dict]:
    names = [
        ("I", "Kebijakan Pelayanan", "Service policy"),
        ("II", "Profesionalisme SDM", "Professionalism of human resources"),
        ("III", "Sarana Prasarana", "Facilities and infrastructure"),
        (
            "IV",
            "Sistem Informasi Pelayanan Publik (SIPP)",
            "Public service information system (SIPP)",
        ),
        ("V", "Konsultasi dan Pengaduan", "Consultation and complaints"),
        ("VI", "Inovasi Pelayanan Publik", "Public service innovation"),
    ]
    return [
        {
            "code": code,
            "name": name,
            "name_en": name_en,
            "value": None if code == "V" else Decimal("4.25"),
            "previous": Decimal("3.5") if previous else None,
        }
        for code, name, name_en in names
    ]


def test_aspect_bars_describe_both_cycles_and_write_every_value() -> None:
    """Titled and described; each aspect's value and the previous cycle's are text
    beside the bars; a missing value is "—" with no bar; the legend names both."""
    root = _parse(
        aspect_bars_svg(
            _aspect_rows(), current_label="PEKPPP 2026", previous_label="PEKPPP 2025"
        )
    )
    assert root.find(f"{SVG}title").text == "Nilai per aspek (skala 0–5)"
    desc = root.find(f"{SVG}desc").text
    assert desc.startswith(
        "PEKPPP 2026. I Kebijakan Pelayanan: 4,25 (PEKPPP 2025: 3,50)"
    )
    assert "V Konsultasi dan Pengaduan: — (PEKPPP 2025: 3,50)" in desc
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts.count("4,25") == 5
    assert texts.count("3,50") == 6
    assert texts.count("—") == 1
    assert {"PEKPPP 2026", "PEKPPP 2025"} <= set(texts)
    bars = root.findall(f"{SVG}g[@class='bar current']")
    assert len(bars) == 6
    widths = [float(bar.findall(f"{SVG}rect")[1].get("width")) for bar in bars]
    assert widths[4] == 0
    assert widths[0] == pytest.approx(4.25 / 5 * (WIDTH - 48), abs=0.1)
    # the previous cycle differs by pattern and thickness, not colour alone
    previous = root.findall(f"{SVG}g[@class='bar previous']")
    assert len(previous) == 6
    assert previous[0].findall(f"{SVG}rect")[1].get("fill") == "url(#aspect-dots)"


def test_aspect_bars_without_a_previous_cycle_and_in_english() -> None:
    """One series only, no dotted bars; English names that fit or end in "…"."""
    with translation.override("en"):
        root = _parse(aspect_bars_svg(_aspect_rows(False), current_label="PEKPPP 2026"))
    assert not root.findall(f"{SVG}g[@class='bar previous']")
    desc = root.find(f"{SVG}desc").text
    assert "IV Public service information system (SIPP): 4.25" in desc
    for text in root.iter(f"{SVG}text"):
        line = text.text or ""
        assert text_width(line) <= WIDTH or line.endswith("…")


def test_aspect_bars_cut_a_long_cycle_name_in_the_legend() -> None:
    """A cycle name longer than the legend line ends in "…"; the desc keeps it."""
    label = "PEKPPP 2026 Kabupaten Pesawaran (provisional, from the evaluator's scores)"
    root = _parse(aspect_bars_svg(_aspect_rows(False), current_label=label))
    legend = [t.text or "" for t in root.iter(f"{SVG}text")][-1]
    assert legend.endswith("…")
    assert 26 + text_width(legend) <= WIDTH
    assert root.find(f"{SVG}desc").text.startswith(label)
