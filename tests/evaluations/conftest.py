"""Fixtures for evaluations: an open national cycle over two Pesawaran units."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image
from pypdf import PdfWriter

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


def tiny_pdf(pages: int = 1) -> bytes:
    """A real PDF of blank A4 pages, written by pypdf."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def tiny_png(size: tuple[int, int] = (4, 3)) -> bytes:
    """A real PNG, written by Pillow."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


PDF_BYTES = tiny_pdf()
PNG_BYTES = tiny_png()
