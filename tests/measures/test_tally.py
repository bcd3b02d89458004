"""Tallies: immutable, validated, exactly addable (docs/regulations.md §1.3, D3)."""

import pytest

from mutu.measures.errors import MeasureInputError
from mutu.measures.skm import ElementTally, PairSums, Tally, tally_from_responses
from mutu.measures.tally import tally_from_json_data

ROWS = [
    {"U1": 4, "U2": 3},
    {"U1": 2, "U2": None},
    {"U1": None, "U2": 1},
]


def test_tally_counts_and_pair_sums_from_responses() -> None:
    """Counts per answer value, n, and co-answer sums of every pair."""
    # given three responses over U1, U2 / when tallied
    tally = tally_from_responses(ROWS, codes=("U1", "U2"))
    # then U1 answered 4 and 2; U2 answered 3 and 1; only response 1 answered both
    assert tally.responses == 3
    assert tally.element("U1").counts == (0, 1, 0, 1)
    assert tally.element("U2").counts == (1, 0, 1, 0)
    assert tally.pairs == (PairSums("U1", "U2", n=1, sum_a=4, sum_b=3, sum_ab=12),)


def test_tally_addition_merges_elements_and_pairs() -> None:
    """``a + b`` equals the tally of all responses together."""
    first = tally_from_responses(ROWS[:1], codes=("U1", "U2"))
    rest = tally_from_responses(ROWS[1:], codes=("U1", "U2"))
    whole = tally_from_responses(ROWS, codes=("U1", "U2"))
    assert first + rest == whole
    assert sum([first, rest]) == whole
    assert Tally.empty() + whole == whole


def test_tally_addition_without_pairs_loses_them() -> None:
    """Adding a counts-only tally keeps counts but drops the pair sums."""
    raw = tally_from_responses(ROWS, codes=("U1", "U2"))
    counts_only = Tally.from_counts({"U1": (1, 0, 0, 0)})
    merged = raw + counts_only
    assert merged.pairs is None
    assert merged.element("U1").counts == (1, 1, 0, 1)


def test_tally_addition_with_different_elements() -> None:
    """Elements missing from one side count as unanswered there."""
    a = tally_from_responses([{"U1": 4}], codes=("U1",))
    b = tally_from_responses([{"U2": 2}], codes=("U2",))
    merged = a + b
    assert merged.codes == ("U1", "U2")
    assert merged.responses == 2
    assert merged.pair("U2", "U1") == PairSums("U1", "U2")


def test_tally_is_immutable() -> None:
    """Tallies cannot be changed in place."""
    tally = Tally.from_counts({"U1": (1, 2, 3, 4)})
    with pytest.raises(AttributeError):
        tally.responses = 3  # type: ignore[misc]


@pytest.mark.parametrize(
    ("build", "fragment"),
    [
        (lambda: Tally(1, (ElementTally("U1", (1, 1, 0, 0)),)), "melebihi"),
        (lambda: Tally(3, (ElementTally("U1", (1, 1, 0, 0)),)), "D3"),
        (
            lambda: Tally(
                2, (ElementTally("U2", (1, 0, 0, 0)), ElementTally("U1", (1, 0, 0, 0)))
            ),
            "berurutan",
        ),
        (lambda: ElementTally("U1", (1, -1, 0, 0)), "≥ 0"),
        (lambda: ElementTally("X1", (1, 0, 0, 0)), "kode unsur"),
        (lambda: PairSums("U1", "U2", n=2, sum_a=1), "tidak konsisten"),
    ],
)
def test_tally_validation(build: object, fragment: str) -> None:
    """Inconsistent tallies are rejected with a bilingual message."""
    with pytest.raises(MeasureInputError, match=fragment):
        build()  # type: ignore[operator]


def test_tally_from_json_data_defaults_n_to_largest_answered() -> None:
    """JSON tallies give n explicitly or, by default, the largest answered count."""
    tally = tally_from_json_data({"U1": [0, 1, 2, 3], "U2": [1, 1, 1, 1]})
    assert tally.responses == 6
    assert tally.pairs is None
    both = {"n": 7, "U1": [0, 1, 2, 3], "U2": [1, 1, 1, 1]}
    assert tally_from_json_data(both).responses == 7


@pytest.mark.parametrize(
    "data",
    [[], {}, {"U1": [1, 2, 3]}, {"U1": "1,2,3,4"}, {"X": [1, 1, 1, 1]}, {"n": -1}],
)
def test_tally_from_json_data_rejects_bad_shapes(data: object) -> None:
    """Anything but ``{"U1": [n1, n2, n3, n4], …}`` is bad input."""
    with pytest.raises(MeasureInputError):
        tally_from_json_data(data)
