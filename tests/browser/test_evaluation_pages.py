"""An evaluator at desktop width scores a unit; the page passes axe-core."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from mutu.accounts.models import User
from mutu.demo.loader import demo_load
from mutu.evaluations import services
from mutu.evaluations.models import Answer
from mutu.registry.models import Region, ServiceUnit
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import login, save_screenshot


@pytest.fixture
def submitted(transactional_db):
    """The demo registry, a cycle over Dukcapil, and its self-assessment submitted."""
    demo_load(surveys=False, evaluation=False)
    admin = User.objects.get(username="admin.nasional")
    operator = User.objects.get(username="operator.dukcapil")
    dukcapil = ServiceUnit.objects.get(short_name="Dukcapil")
    cycle = services.cycle_open(
        actor=admin,
        year=2026,
        name="PEKPPP 2026 uji",
        scheme="nasional",
        region=Region.objects.get(code="18.09"),
        units=[dukcapil],
        self_assessment_due=timezone.localdate() + timedelta(days=30),
        verification_due=timezone.localdate() + timedelta(days=60),
    )
    assignment = cycle.assignments.get()
    services.evaluators_assign(
        actor=admin,
        assignment=assignment,
        evaluators=[User.objects.get(username="evaluator")],
    )
    for answer in assignment.answers.exclude(indicator="Q31"):
        services.self_answer_save(
            reason="Sesuai bukti dukung.",
            actor=operator,
            assignment=assignment,
            indicator=answer.indicator,
            level=4,
        )
    services.self_assessment_submit(actor=operator, assignment=assignment)
    return assignment


def test_evaluator_scores_an_indicator_on_desktop(submitted, desktop):
    """The evaluator opens the assigned unit, scores Q4 lower with a note, sees it saved."""
    login(desktop, "evaluator")
    desktop.goto("/evaluasi/")
    desktop.get_by_role(
        "link", name="Dinas Kependudukan dan Pencatatan Sipil"
    ).first.click()
    assert_accessible(desktop)
    card = desktop.locator("#Q4")
    card.get_by_label("Nilai evaluator").select_option("3")
    card.get_by_label("Catatan (wajib bila berbeda)").fill(
        "Peninjauan SP hanya sebagian."
    )
    card.get_by_role("button", name="Simpan nilai").click()
    desktop.get_by_text("Tersimpan.").wait_for()
    save_screenshot(desktop, "evaluator-desktop")
    answer = Answer.objects.get(assignment=submitted, indicator="Q4")
    assert (answer.score, answer.score_note) == (3, "Peninjauan SP hanya sebagian.")


def test_evaluator_departs_from_the_data_only_with_a_reason(submitted, desktop):
    """Q6 is fed (no SKM in this registry: proposal 0): a score of 4 without a
    reason is refused with the data named; with a reason it is saved and marked
    beside the score (D11); the page passes axe-core with the mark on it."""
    login(desktop, "evaluator")
    desktop.goto(f"/evaluasi/{submitted.pk}/")
    card = desktop.locator("#Q6")
    card.get_by_text("usulan level 0").wait_for()
    card.get_by_label("Nilai evaluator").select_option("4")
    card.get_by_label("Catatan (wajib bila berbeda)").fill("Sesuai bukti unit.")
    card.get_by_role("button", name="Simpan nilai").click()
    desktop.get_by_text("Q6: level 4 berbeda dari usulan data Mutu").wait_for()
    card = desktop.locator("#Q6")
    card.get_by_label("Nilai evaluator").select_option("4")
    card.get_by_label("Catatan (wajib bila berbeda)").fill("Sesuai bukti unit.")
    card.get_by_label(re.compile(r"^Alasan \(wajib bila nilai bukan 0")).fill(
        "Kuesioner kertas 2026 belum dientri ke Mutu."
    )
    card.get_by_role("button", name="Simpan nilai").click()
    desktop.get_by_text("Tersimpan.").wait_for()
    desktop.locator("#Q6 .departure").last.wait_for()
    assert_accessible(desktop)
    answer = Answer.objects.get(assignment=submitted, indicator="Q6")
    assert (answer.score, answer.score_reason) == (
        4,
        "Kuesioner kertas 2026 belum dientri ke Mutu.",
    )
