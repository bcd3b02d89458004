"""Properties of the SKM computation that must hold for any responses (hypothesis)."""

import random
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from mutu.measures.skm import (
    ELEMENT_CODES,
    Tally,
    skm_result,
    tally_from_responses,
)
from mutu.measures.skm_csv import tally_from_csv

Row = dict[str, int | None]

answer = st.sampled_from([None, 1, 2, 3, 4])
complete_row = st.lists(st.integers(1, 4), min_size=9, max_size=9)
partial_row = st.lists(answer, min_size=9, max_size=9).filter(
    lambda values: any(v is not None for v in values)
)


@st.composite
def response_sets(draw: st.DrawFn) -> list[Row]:
    # The first response is complete so every element in use has an answer.
    rows = [draw(complete_row), *draw(st.lists(partial_row, max_size=40))]
    return [dict(zip(ELEMENT_CODES, row, strict=True)) for row in rows]


PROPERTY = settings(max_examples=120, deadline=None)


@PROPERTY
@given(response_sets())
def test_skm_result_stays_within_bounds(rows: list[Row]) -> None:
    """IKM lies in 1–4 and the converted IKM in 25–100 for any responses."""
    result = skm_result(tally_from_responses(rows))
    assert 1 <= result.ikm <= 4
    assert 25 <= result.ikm_converted <= 100
    assert result.n == len(rows)


@PROPERTY
@given(response_sets(), st.data())
def test_skm_result_raising_an_answer_never_lowers_ikm(
    rows: list[Row], data: st.DataObject
) -> None:
    """Raising any one answer (by one step) never lowers the IKM."""
    # given any responses and one answer below 4
    spots = [
        (i, code)
        for i, row in enumerate(rows)
        for code, value in row.items()
        if value is not None and value < 4
    ]
    if not spots:
        return
    i, code = data.draw(st.sampled_from(spots))
    raised = [dict(row) for row in rows]
    value = raised[i][code]
    assert value is not None
    raised[i][code] = value + 1
    # when recomputed / then the IKM did not go down
    before = skm_result(tally_from_responses(rows)).ikm
    after = skm_result(tally_from_responses(raised)).ikm
    assert after >= before


@PROPERTY
@given(response_sets(), st.randoms(use_true_random=False))
def test_skm_result_ignores_response_order(rows: list[Row], rng: random.Random) -> None:
    """Permuting responses changes neither the tally nor the result."""
    shuffled = list(rows)
    rng.shuffle(shuffled)
    assert tally_from_responses(shuffled) == tally_from_responses(rows)
    assert skm_result(tally_from_responses(shuffled)) == skm_result(
        tally_from_responses(rows)
    )


@PROPERTY
@given(response_sets())
def test_tally_from_csv_equals_raw_responses(rows: list[Row]) -> None:
    """The CSV reader and the raw-response path give identical tallies and results."""
    lines = [",".join(ELEMENT_CODES) + "\n"] + [
        ",".join("" if row[c] is None else str(row[c]) for c in ELEMENT_CODES) + "\n"
        for row in rows
    ]
    from_csv = tally_from_csv(lines, chunk_rows=5)
    from_rows = tally_from_responses(rows)
    assert from_csv == from_rows
    # and counts alone (no pair sums) give the same point estimates
    counts_only = Tally.from_counts(
        {e.code: e.counts for e in from_rows.elements}, responses=from_rows.responses
    )
    exact, counted = skm_result(from_rows), skm_result(counts_only)
    assert (exact.ikm, exact.ikm_converted, exact.grade) == (
        counted.ikm,
        counted.ikm_converted,
        counted.grade,
    )


@PROPERTY
@given(response_sets(), st.lists(st.integers(0, 41), max_size=4))
def test_tally_parts_sum_to_the_whole(rows: list[Row], cuts: list[int]) -> None:
    """Splitting responses into parts and summing their tallies changes nothing."""
    # given the responses cut into consecutive parts (some possibly empty)
    bounds = sorted({0, len(rows), *(min(c, len(rows)) for c in cuts)})
    parts = [rows[a:b] for a, b in pairwise(bounds)]
    # when each part is tallied and the tallies are summed
    total = sum(
        (tally_from_responses(part) for part in parts if part), start=Tally.empty()
    )
    # then the sum equals the tally of all responses, and so does the result
    assert total == tally_from_responses(rows)
    assert skm_result(total) == skm_result(tally_from_responses(rows))
