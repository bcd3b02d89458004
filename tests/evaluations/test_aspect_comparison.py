"""The evaluation page charts the six aspects beside the unit's previous cycle
(issue 12, item 8): `selectors.aspect_comparison` and the page that shows it."""

from datetime import timedelta
from decimal import Decimal
from xml.etree import ElementTree as ET

from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from mutu.evaluations import selectors, services
from mutu.evaluations.models import Assignment
from tests.evaluations.conftest import SCORED

SVG = "{http://www.w3.org/2000/svg}"


REASON = "Bukti dukung di luar data Mutu."
"""Given with every level: the test world's data propose low levels (D11)."""


def _score_all(world, assignment: Assignment, level: int) -> None:
    for number in SCORED:
        services.self_answer_save(
            actor=world.operator,
            assignment=assignment,
            indicator=number,
            level=level,
            reason=REASON,
        )
    services.self_assessment_submit(actor=world.operator, assignment=assignment)
    for number in SCORED:
        services.indicator_score(
            actor=world.evaluator,
            assignment=assignment,
            indicator=number,
            score=level,
            reason=REASON,
        )


def _previous_cycle(world, level: int = 3) -> Assignment:
    """A final 2024 result of Dukcapil, every indicator at *level*."""
    cycle = services.cycle_open(
        actor=world.admin,
        year=2024,
        name="PEKPPP 2024 Pesawaran",
        scheme="nasional",
        region=world.pesawaran,
        units=[world.dukcapil],
        self_assessment_due=timezone.localdate() + timedelta(days=30),
        verification_due=timezone.localdate() + timedelta(days=60),
    )
    assignment = cycle.assignments.get(unit=world.dukcapil)
    services.evaluators_assign(
        actor=world.admin, assignment=assignment, evaluators=[world.evaluator]
    )
    _score_all(world, assignment, level)
    services.result_finalize(actor=world.coordinator, assignment=assignment)
    return assignment


def _svg(page: str) -> ET.Element:
    start = page.index(
        '<svg xmlns="http://www.w3.org/2000/svg"', page.index('id="aspek"')
    )
    end = page.index("</svg>", start) + len("</svg>")
    return ET.fromstring(page[start:end])  # noqa: S314 (our own output)


def test_nothing_to_compare_before_scores_and_without_a_previous_cycle(
    world, assignment
):
    """A first cycle, not scored yet: no chart at all, and the page says nothing of
    aspects."""
    assert selectors.aspect_comparison(assignment) is None
    assert 'id="aspek"' not in _page(world, assignment)


def _page(world, assignment: Assignment, language: str = "id") -> str:
    client = Client()
    client.cookies["django_language"] = language
    client.force_login(world.operator)
    response = client.get(reverse("evaluations:assignment", args=[assignment.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_final_result_beside_the_previous_cycle(world, assignment):
    """Six rows, this cycle's final values, the previous cycle's, the change."""
    _previous_cycle(world, level=3)
    _score_all(world, assignment, 4)
    services.result_finalize(actor=world.coordinator, assignment=assignment)
    comparison = selectors.aspect_comparison(assignment)
    assert comparison is not None
    assert not comparison["provisional"]
    assert comparison["previous"].assignment.cycle.year == 2024
    rows = comparison["rows"]
    assert [row["code"] for row in rows] == ["I", "II", "III", "IV", "V", "VI"]
    assert {row["value"] for row in rows} == {Decimal("4.0000")}
    assert {row["previous"] for row in rows} == {Decimal("3.0000")}
    assert {row["change"] for row in rows} == {Decimal("1.00")}


def test_scores_before_finalization_are_provisional(world, assignment):
    """Every indicator scored, not final: the aspects are shown as provisional; one
    score missing: no values of this cycle (the previous cycle stays)."""
    _previous_cycle(world, level=3)
    _score_all(world, assignment, 4)
    comparison = selectors.aspect_comparison(assignment)
    assert comparison["provisional"]
    assert comparison["rows"][0]["value"] == Decimal("4.0000")
    desc = _svg(_page(world, assignment)).find(f"{SVG}desc").text
    assert desc.startswith("PEKPPP 2025 Pesawaran (sementara, dari nilai evaluator).")
    # one score removed (a fresh cycle unit with only part scored)
    assignment.answers.filter(indicator="Q30").update(score=None)
    comparison = selectors.aspect_comparison(assignment)
    assert not comparison["has_values"]
    assert not comparison["provisional"]
    assert comparison["rows"][0]["value"] is None
    assert comparison["rows"][0]["previous"] == Decimal("3.0000")
    desc = _svg(_page(world, assignment)).find(f"{SVG}desc").text
    assert desc.startswith("PEKPPP 2025 Pesawaran (belum dinilai). I Kebijakan")
    assert "I Kebijakan Pelayanan: — (PEKPPP 2024 Pesawaran: 3,00)" in desc


def test_page_shows_the_chart_and_table_with_text_values(world, assignment):
    """The SVG is titled and described with every value of both cycles; each value
    is written as text; the table repeats them with the change."""
    _previous_cycle(world, level=3)
    _score_all(world, assignment, 4)
    services.result_finalize(actor=world.coordinator, assignment=assignment)
    page = _page(world, assignment)
    root = _svg(page)
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Nilai per aspek (skala 0–5)"
    desc = root.find(f"{SVG}desc").text
    assert "I Kebijakan Pelayanan: 4,00 (PEKPPP 2024 Pesawaran: 3,00)" in desc
    assert "VI Inovasi Pelayanan Publik: 4,00" in desc
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts.count("4,00") == 6
    assert texts.count("3,00") == 6
    assert "PEKPPP 2024 Pesawaran" in texts  # the legend names the previous cycle
    assert 'data-label="Perubahan">+1,00</td>' in page
    # in English, the aspect names and the numbers follow the language
    with translation.override(translation.get_language()):  # no language leak
        english = _svg(_page(world, assignment, "en"))
    assert english.find(f"{SVG}title").text == "Value per aspect (scale 0–5)"
    assert "I Service policy: 4.00" in english.find(f"{SVG}desc").text
