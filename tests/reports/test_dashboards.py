"""The dashboards: a region's league table, its D10 figure, its sub-regions ranked
the same way, a unit's own trend and an MPP's page (issue 15 items 1, 2 and 4)."""

import math
import random
from datetime import timedelta

import pytest
from django.utils import timezone

from mutu.complaints.selectors import complaint_figures, complaint_figures_map
from mutu.evaluations.selectors import latest_published_result_map
from mutu.measures.comparison import differs, regional_figure
from mutu.measures.skm import skm_result
from mutu.measures.tally import tally_from_responses
from mutu.measures.uncertainty import skm_uncertainty
from mutu.registry.models import Mpp, ServicePoint
from mutu.reports import dashboards
from mutu.surveys.models import (
    ROLLUP_COUNT_FIELDS,
    DailyRollup,
    PeriodPopulation,
    Publication,
    Response,
)
from mutu.surveys.periods import PeriodKind, period_containing
from mutu.surveys.selectors import period_tally, tally_map
from mutu.surveys.services import response_submit
from tests.accounts.login import login
from tests.registry import factories


def this_quarter():
    return period_containing(timezone.localdate(), PeriodKind.QUARTER)


def rollup(unit, service, *, responses, weights, day=None):
    """A day's rollup of *responses* answering every element with the value counts
    *weights* (four numbers summing to *responses*): what the dashboards read."""
    assert sum(weights) == responses
    counts = {
        name: weights[int(name[-1]) - 1] for name in ROLLUP_COUNT_FIELDS
    }
    return DailyRollup.objects.create(
        unit=unit,
        service=service,
        day=day or this_quarter().start,
        channel="web",
        responses=responses,
        **counts,
    )


def dinsos_service(world):
    return factories.service(world.dinsos, "Bantuan sosial")


def test_smoke_pages_render(client, world):
    """The region, unit and MPP dashboards answer 200 with their figures."""
    rollup(world.dukcapil, world.ktp, responses=60, weights=(0, 10, 30, 20))
    login(client, world.coordinator)
    page = client.get("/wilayah/18.09/dasbor/")
    assert page.status_code == 200, page.content.decode()[:3000]
    page = client.get(f"/unit/{world.dukcapil.pk}/dasbor/")
    assert page.status_code == 200
