"""The feed rules of Q3, Q5, Q10 and Q31 in pekppp-2022.json at every threshold
(docs/regulations.md §7b, D19): pure, from figures to the proposed level."""

import pytest

from mutu.measures.feeds import feed_propose
from mutu.measures.instrument import load_instrument

INSTRUMENT = load_instrument("pekppp-2022")


def _level(number: str, **given):
    rule = INSTRUMENT.indicator(number).feed
    assert rule is not None
    return feed_propose(rule, given)


def _q3(standards=2, published=2, complete=2, fewest_media=2, sippn=2):
    return _level(
        "Q3",
        standards=standards,
        published=published,
        complete=complete,
        fewest_media=fewest_media,
        sippn=sippn,
    ).level


@pytest.mark.parametrize(
    ("figures", "level"),
    [
        ({"standards": 0, "published": 0, "complete": 0, "sippn": 0}, 0),
        ({"published": 0, "complete": 0, "fewest_media": 0}, 0),
        ({"published": 1, "complete": 1, "fewest_media": 0}, 1),  # one unpublished
        ({"complete": 1}, 1),  # one standard shows only part of its components
        ({"fewest_media": 1}, 1),  # complete, but on one medium only
        ({"sippn": 1}, 2),  # ≥ 2 media, not every standard on SIPP Nasional
        ({"sippn": 0, "fewest_media": 5}, 2),
        ({}, 3),
        ({"fewest_media": 3}, 4),
        ({"fewest_media": 4}, 5),
        ({"fewest_media": 6}, 5),
    ],
)
def test_q3_publication_of_the_standards(figures, level):
    assert _q3(**figures) == level


def test_q3_refuses_inconsistent_figures():
    with pytest.raises(ValueError, match="complete"):
        _q3(complete=3)


CHARTER = ("drafted", "decreed", "content_checked", "print", "electronic")


@pytest.mark.parametrize("met", range(6))
def test_q5_follows_the_charter_cycle(met):
    """Each step of the official text met in order raises the level by one."""
    flags = {name: index < met for index, name in enumerate(CHARTER)}
    assert _level("Q5", **flags).level == met


def test_q5_electronic_without_print_stops_at_3():
    flags = dict.fromkeys(CHARTER, True) | {"print": False}
    assert _level("Q5", **flags).level == 3


HOURS = ("counter_hours", "no_break", "extra_hours", "holiday")


@pytest.mark.parametrize("elements", range(5))
def test_q10_counts_the_elements_besides_the_policy(elements):
    flags = {name: index < elements for index, name in enumerate(HOURS)}
    assert _level("Q10", policy=True, **flags).level == 1 + elements
    assert _level("Q10", policy=False, **flags).level == 0


QUEUE = ("machine", "display", "online", "priority")


@pytest.mark.parametrize("features", range(5))
def test_q31_queue_thresholds_are_mutus_and_say_so(features):
    flags = {name: index < features for index, name in enumerate(QUEUE)}
    proposal = _level("Q31", queue=True, **flags)
    assert proposal.level == 1 + features
    assert proposal.how.startswith("Ambang Mutu (teks level resmi belum dimuat)")
    assert _level("Q31", queue=False, **flags).level == 0
