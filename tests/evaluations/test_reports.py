"""Evaluation reports (issue 15 item 6, D25): a cycle's results table and its units'
score sheets as PDF and XLSX; public once the cycle is published, a draft only for
those who work on it."""

import io
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from mutu.evaluations import services
from mutu.evaluations.feeds import assignment_feeds
from mutu.evaluations.selectors import score_sheets
from mutu.measures.rounding import format_id
from tests.accounts.login import login
from tests.evaluations.conftest import SCORED

REASON = "SK standar pelayanan 2025 dilampirkan sebagai bukti."
NOTE = "Bukti lengkap dan sah."


def _final(world, assignment):
    """Every scored indicator at the data's proposal (4 when not fed), except the
    first fed one, set one level off with a reason; then finalized."""
    proposals = {
        number: feed.get("level")
        for number, feed in assignment_feeds(assignment, timezone.localdate()).items()
    }
    fed = next(n for n in SCORED if proposals.get(n) is not None)
    levels = {n: 4 if proposals.get(n) is None else proposals[n] for n in SCORED}
    levels[fed] = (proposals[fed] + 1) % 6
    for number in SCORED:
        services.self_answer_save(
            actor=world.operator,
            assignment=assignment,
            indicator=number,
            level=levels[number],
            reason=REASON if number == fed else "",
        )
    services.self_assessment_submit(actor=world.operator, assignment=assignment)
    for number in SCORED:
        services.indicator_score(
            actor=world.evaluator,
            assignment=assignment,
            indicator=number,
            score=levels[number],
            note=NOTE if number == fed else "",
            reason=REASON if number == fed else "",
        )
    result = services.result_finalize(actor=world.coordinator, assignment=assignment)
    return result, fed


@pytest.fixture
def published(world, cycle, assignment):
    """Dukcapil finalized (one departure) and the cycle published; Dinas Sosial
    still drafting."""
    result, fed = _final(world, assignment)
    services.cycle_publish(actor=world.admin, cycle=cycle)
    return result, fed


def _pdf_text(content: bytes) -> str:
    out = subprocess.run(
        ["pdftotext", "-layout", "-", "-"],
        input=content,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return " ".join(out.split())


def _dark_pixels_of_first_page(content: bytes) -> int:
    """The first page rendered by pdftoppm as a grey PGM: its dark pixels."""
    pgm = subprocess.run(
        ["pdftoppm", "-gray", "-r", "30", "-f", "1", "-l", "1", "-"],
        input=content,
        capture_output=True,
        check=True,
    ).stdout
    pixels = pgm.split(b"\n", 3)[3]
    return sum(1 for byte in pixels if byte < 128)


def test_published_cycle_report_is_public_with_index_predicate_and_sheet(
    world, client, cycle, published
):
    """Anyone downloads the published cycle's PDF: the results table with
    Dukcapil's index and predicate, its score sheet with the departure's reason
    and the evaluator's note; the draft unit is not in it; page 1 is not blank."""
    result, _fed = published
    response = client.get(reverse("reports:evaluation_report_pdf", args=[cycle.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    index = format_id(result.index_display, 2)
    assert f"{world.dukcapil.name}" in text
    assert index in text
    assert f"{result.predicate} ({result.predicate_label})" in text
    assert f"Lembar nilai: {world.dukcapil.name}" in text
    assert "Berbeda dari usulan data Mutu" in text
    assert REASON[:30] in text
    assert "Evaluator: Bukti" in text  # the cell wraps after it
    assert world.dinsos.name not in text
    assert _dark_pixels_of_first_page(response.content) > 500


def test_cycle_xlsx_figures_equal_the_public_page(world, client, cycle, published):
    """The workbook's index and predicate are those the public results page shows,
    and the unit's sheet holds the departing indicator with both reasons."""
    result, fed = published
    response = client.get(reverse("reports:evaluation_report_xlsx", args=[cycle.pk]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Hasil", "Unit 1", "Data usulan"]
    rows = list(book["Hasil"].iter_rows(values_only=True))
    header = rows.index(next(r for r in rows if r and r[0] == "Peringkat"))
    (row,) = [r for r in rows[header + 1 :] if r[1] == world.dukcapil.name]
    page = client.get(reverse("evaluations:public_cycle", args=[cycle.pk]))
    shown = page.content.decode()
    assert f">{row[4]:.2f}<".replace(".", ",") in shown  # "3,29" on the page
    assert row[4] == float(result.index_display)
    assert (row[0], row[5], row[6]) == (1, result.predicate, result.predicate_label)
    unit = list(book["Unit 1"].iter_rows(values_only=True))
    (departing,) = [r for r in unit if len(r) > 2 and r[2] == fed]
    assert departing[8] == REASON
    assert departing[9] == REASON
    assert departing[11] == NOTE
    figures = list(book["Data usulan"].iter_rows(values_only=True))
    assert len(figures) > 1


def test_unit_score_sheet_is_public_once_published(world, client, published):
    result, _fed = published
    assignment = result.assignment
    pdf = client.get(reverse("reports:score_sheet_pdf", args=[assignment.pk]))
    assert pdf.status_code == 200
    assert format_id(result.index_display, 2) in _pdf_text(pdf.content)
    xlsx = client.get(reverse("reports:score_sheet_xlsx", args=[assignment.pk]))
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book["Hasil"]["B7"].value == world.dukcapil.name
    draft = client.get(
        reverse(
            "reports:score_sheet_pdf",
            args=[result.assignment.cycle.assignments.get(unit=world.dinsos).pk],
        )
    )
    assert draft.status_code == 404


def test_draft_reports_only_for_those_who_work_on_them(
    world, client, cycle, assignment, other_evaluator
):
    """Before publication the cycle's report is its managers' and a unit's sheet
    its unit's, its evaluator's and the managers'; everyone else gets 404."""
    cycle_url = reverse("reports:evaluation_report_pdf", args=[cycle.pk])
    sheet_url = reverse("reports:score_sheet_xlsx", args=[assignment.pk])
    assert client.get(cycle_url).status_code == 404
    assert client.get(sheet_url).status_code == 404
    expected = {
        world.operator: (404, 200),
        world.evaluator: (404, 200),
        other_evaluator: (404, 404),
        world.coordinator: (200, 200),
        world.admin: (200, 200),
    }
    for user, (cycle_status, sheet_status) in expected.items():
        login(client, user)
        got = (client.get(cycle_url).status_code, client.get(sheet_url).status_code)
        assert got == (cycle_status, sheet_status), user.username
        client.logout()


def test_draft_report_says_it_is_a_draft(world, client, cycle, assignment):
    login(client, world.coordinator)
    response = client.get(reverse("reports:evaluation_report_pdf", args=[cycle.pk]))
    text = _pdf_text(response.content)
    assert "Belum dipublikasikan (draf)" in text
    assert world.dinsos.name in text


def test_score_sheets_read_in_queries_independent_of_units(world, cycle):
    """Two units or all of them: the same number of queries."""
    assignments = list(cycle.assignments.select_related("unit__government__region"))

    def count(items) -> int:
        with CaptureQueriesContext(connection) as queries:
            score_sheets(cycle, items)
        return len(queries)

    count(assignments)  # warm the instrument's cache
    assert count(assignments[:1]) == count(assignments)


def test_notes_typed_as_formulas_stay_text_in_the_xlsx(world, client, assignment):
    """A note that starts like a formula is written as inert text."""
    services.self_answer_save(
        actor=world.operator,
        assignment=assignment,
        indicator="Q2",
        level=3,
        note='=HYPERLINK("http://x")',
    )
    login(client, world.operator)
    response = client.get(reverse("reports:score_sheet_xlsx", args=[assignment.pk]))
    book = load_workbook(io.BytesIO(response.content))
    cells = [
        v for s in book.worksheets for r in s.iter_rows(values_only=True) for v in r
    ]
    assert '\'=HYPERLINK("http://x")' in cells
    assert not any(isinstance(v, str) and v.startswith("=") for v in cells)
