"""Pages answer only the methods they serve: a POST to a page that only shows
something is 405, not the page (issue 9: ``POST /unit/2/`` answered 200)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mutu.evaluations.models import Evidence
from mutu.evaluations.services import cycle_open
from tests.accounts.login import login
from tests.registry import factories


@pytest.mark.parametrize(
    ("route", "args"),
    [
        ("home", []),
        ("public_results", []),
        ("accounts:dashboard", []),
        ("audit:log", []),
        ("registry:unit_detail", ["unit"]),
        ("registry:service_detail", ["unit", "service"]),
        ("registry:region_detail", ["18.09"]),
        ("surveys:unit_results", ["unit"]),
        ("surveys:public_unit", ["unit"]),
        ("surveys:public_result", ["unit", "2025-Q2"]),
        ("web:thanks", ["point"]),
        ("evaluations:index", []),
        ("evaluations:cycle", ["cycle"]),
        ("evaluations:assignment", ["assignment"]),
        ("evaluations:evidence_file", ["evidence"]),
        ("evaluations:public_cycle", ["cycle"]),
        ("evaluations:verify", ["kode"]),
        ("evaluations:certificate_pdf", ["kode"]),
    ],
)
def test_show_only_pages_answer_post_with_405(client, world, assignment, route, args):
    """The national admin, who may open every one of these pages, gets 405 for a
    POST to each, and nothing is written."""
    evidence = Evidence.objects.create(
        answer=assignment.answers.get(indicator="Q1"), description="SK", url="https://x"
    )
    objects = {
        "unit": world.dukcapil.pk,
        "service": world.ktp.pk,
        "point": factories.point(world.dukcapil, "dukcapil-1").code,
        "cycle": assignment.cycle.pk,
        "assignment": assignment.pk,
        "evidence": evidence.pk,
    }
    login(client, world.admin)
    url = reverse(route, args=[objects.get(arg, arg) for arg in args])

    response = client.post(url, {"name": "x"})

    assert response.status_code == 405
    assert response["Allow"] == "GET"


@pytest.fixture
def assignment(world):
    """An open cycle over Dukcapil Pesawaran (its evaluation pages exist)."""
    cycle = cycle_open(
        actor=world.admin,
        year=2025,
        name="PEKPPP 2025 Pesawaran",
        scheme="nasional",
        region=world.pesawaran,
        units=[world.dukcapil],
        self_assessment_due=timezone.localdate() + timedelta(days=30),
        verification_due=timezone.localdate() + timedelta(days=60),
    )
    return cycle.assignments.get(unit=world.dukcapil)
