"""The results page's 95 % interval uses the co-answer sums of the counted responses,
exactly as ``mutu measure skm`` does on the same raw answers."""

import random

from django.utils import timezone

from mutu.measures.skm import skm_result
from mutu.measures.tally import tally_from_responses
from mutu.measures.uncertainty import skm_uncertainty
from mutu.surveys import selectors
from mutu.surveys.models import Response
from mutu.surveys.periods import PeriodKind, period_containing
from mutu.surveys.services import response_set_excluded, response_submit


def test_page_interval_equals_the_measure_on_raw_answers(world):
    rng = random.Random(7)
    for _ in range(60):
        answers = {
            f"U{i}": None if rng.random() < 0.1 else rng.choice([2, 3, 3, 4, 4])
            for i in range(1, 10)
        }
        answers["U1"] = answers["U1"] or 3
        response_submit(
            unit=world.dukcapil, service=world.ktp, channel="api", answers=answers
        )
    dropped = Response.objects.order_by("id").first()
    response_set_excluded(
        actor=world.admin, response=dropped, excluded=True, reason="uji"
    )
    period = period_containing(timezone.localdate(), PeriodKind.QUARTER)

    shown = selectors.period_result(world.dukcapil, period)

    counted = Response.objects.filter(is_excluded=False)
    expected = skm_uncertainty(
        skm_result(tally_from_responses([r.answers() for r in counted]))
    )
    assert shown.uncertainty.method == "covariance"
    assert shown.tally.responses == 59
    assert shown.uncertainty.ci95 == expected.ci95
    assert shown.uncertainty.se_converted == expected.se_converted


def test_tally_map_reads_each_unit_as_its_own_period_tally(world):
    for value in (4, 3, 3):
        response_submit(
            unit=world.dukcapil,
            service=world.ktp,
            channel="api",
            answers={f"U{i}": value for i in range(1, 10)},
        )
    period = period_containing(timezone.localdate(), PeriodKind.QUARTER)

    tallies = selectors.tally_map(
        [world.dukcapil.id, world.dinsos.id], period.start, period.end
    )

    assert set(tallies) == {world.dukcapil.id}
    assert tallies[world.dukcapil.id] == selectors.period_tally(world.dukcapil, period)
    assert tallies[world.dukcapil.id].responses == 3
