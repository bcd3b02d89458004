"""Fixtures for evaluations: an open national cycle over two Pesawaran units."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mutu.accounts.models import Role
from mutu.evaluations.models import Assignment
from mutu.evaluations.services import cycle_open, evaluators_assign
from mutu.measures.instrument import load_instrument
from tests.accounts.factories import user_with_role

INSTRUMENT = load_instrument("pekppp-2022")
SCORED = [i.number for a in INSTRUMENT.aspects if a.scored for i in a.indicators]
assert INSTRUMENT.user_assessment is not None
F03_ITEMS = INSTRUMENT.user_assessment.items


@pytest.fixture
def cycle(world):
    return cycle_open(
        actor=world.admin,
        year=2025,
        name="PEKPPP 2025 Pesawaran",
        scheme="nasional",
        region=world.pesawaran,
        units=[world.dukcapil, world.dinsos],
        self_assessment_due=timezone.localdate() + timedelta(days=30),
        verification_due=timezone.localdate() + timedelta(days=60),
    )


@pytest.fixture
def assignment(cycle, world) -> Assignment:
    item = cycle.assignments.get(unit=world.dukcapil)
    evaluators_assign(actor=world.admin, assignment=item, evaluators=[world.evaluator])
    return item


@pytest.fixture
def other_evaluator(world):
    return user_with_role("evaluator2", Role.EVALUATOR)


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
