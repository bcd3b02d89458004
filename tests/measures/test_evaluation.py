"""PEKPPP evaluation worked by hand (docs/regulations.md §2.3, §2.4, D6, D7)."""

from fractions import Fraction

import pytest

from mutu.measures.errors import MeasureInputError
from mutu.measures.evaluation import (
    evaluate,
    evaluation_input_from_json,
    index_basis,
    scores_from_csv,
)
from mutu.measures.instrument import load_instrument

# Aspect I scores (intra-aspect weights 17/14/7/14/10/17/7/7/7 %):
ASPECT_I = {
    "Q1": 5,
    "Q2": 4,
    "Q3": 3,
    "Q4": 4,
    "Q5": 5,
    "Q6": 5,
    "Q7": 3,
    "Q8": 4,
    "Q9": 2,
}


def _scores() -> dict[str, object]:
    scores: dict[str, object] = dict(ASPECT_I)
    scores.update({f"Q{n}": 4 for n in range(10, 15)})  # II: all 4
    scores.update({f"Q{n}": 3 for n in range(15, 21)})  # III: all 3
    scores.update({f"Q{n}": 5 for n in range(21, 25)})  # IV: all 5
    scores.update({f"Q{n}": 4 for n in range(25, 29)})  # V: all 4
    scores.update({"Q29": 5, "Q30": 3})  # VI: 0,5·5 + 0,5·3 = 4
    return scores


def test_evaluate_worked_example_with_user_scores() -> None:
    """IPP = 0,75·F-02 + 0,25·F-03 when ≥ 10 respondents answered (D6)."""
    # given the scores above and 10 respondents
    users = [[4, 4, 4, 4]] * 9 + [[5, 5, 5, 3]]
    # when evaluated with PEKPPP 2022
    result = evaluate(load_instrument("pekppp-2022"), _scores(), user_scores=users)
    # then, by hand:
    # A_I = 0,17·5 + 0,14·4 + 0,07·3 + 0,14·4 + 0,10·5 + 0,17·5 + 0,07·3 + 0,07·4
    #       + 0,07·2 = 0,85 + 0,56 + 0,21 + 0,56 + 0,50 + 0,85 + 0,21 + 0,28 + 0,14
    #     = 4,16; A_II = 4; A_III = 3; A_IV = 5; A_V = 4; A_VI = 4
    values = {a.code: a.value for a in result.aspects}
    assert values == {
        "I": Fraction("4.16"),
        "II": 4,
        "III": 3,
        "IV": 5,
        "V": 4,
        "VI": 4,
        "+": 0,
    }
    # F-02 = 0,24·4,16 + 0,25·4 + 0,18·3 + 0,11·5 + 0,10·4 + 0,12·4
    #      = 0,9984 + 1 + 0,54 + 0,55 + 0,40 + 0,48 = 3,9684
    assert result.evaluator_index == Fraction("3.9684")
    # F-03 = (9·4 + 4,5) / 10 = 4,05 (mean of each respondent's mean)
    assert result.user_index == Fraction("4.05")
    # IPP = 0,75·3,9684 + 0,25·4,05 = 2,9763 + 1,0125 = 3,9888 → 3,99 → B "Baik"
    assert result.index == Fraction("3.9888")
    assert (result.predicate.letter, result.predicate.label_id) == ("B", "Baik")
    assert result.user_index_used is True
    assert "0,75 × F-02 + 0,25 × F-03" in result.basis_id
    assert result.missing == ()


def test_evaluate_user_scores_can_change_the_predicate() -> None:
    """F-03 of 5 lifts 3,9684 to 4,2263 → 4,23: A- instead of B."""
    users = [[5, 5, 5]] * 10
    result = evaluate(load_instrument("pekppp-2022"), _scores(), user_scores=users)
    # 0,75·3,9684 + 0,25·5 = 2,9763 + 1,25 = 4,2263
    assert result.index == Fraction("4.2263")
    assert result.predicate.letter == "A-"


def test_evaluate_too_few_respondents_uses_f02_only() -> None:
    """Below 10 respondents IPP = F-02 alone, and the result says why (D6)."""
    users = [[5, 5, 5]] * 9
    result = evaluate(load_instrument("pekppp-2022"), _scores(), user_scores=users)
    assert result.index == result.evaluator_index == Fraction("3.9684")
    assert result.user_index is None
    assert result.user_index_used is False
    assert result.user_respondents == 9
    assert "9 responden" in result.basis_id
    assert "minimum 10" in result.basis_id
    assert "fewer than the minimum 10" in result.basis_en
    assert result.predicate.letter == "B"  # 3,97


@pytest.mark.parametrize("respondents", [0, 9, 10, 12])
def test_index_basis_rebuilds_what_evaluate_said(respondents: int) -> None:
    """A stored result keeps only the Indonesian basis; the English page rebuilds it
    from the instrument, the respondents and whether F-03 was used: the same words
    evaluate gave, with English decimals ("0.75", never "0,75")."""
    instrument = load_instrument("pekppp-2022")
    users = [[5, 5, 5]] * respondents or None
    result = evaluate(instrument, _scores(), user_scores=users)
    rebuilt = index_basis(
        instrument.combination,
        respondents=result.user_respondents,
        used=result.user_index_used,
    )
    assert rebuilt == (result.basis_id, result.basis_en)
    if respondents >= 10:
        assert rebuilt[1] == (
            f"IPP = 0.75 × F-02 + 0.25 × F-03 ({respondents} respondents; D6)"
        )


def test_evaluate_without_user_scores() -> None:
    """No F-03 at all: F-02 only, with the reason."""
    result = evaluate(load_instrument("pekppp-2022"), _scores())
    assert result.user_index_used is False
    assert "tidak ada penilaian pengguna" in result.basis_id


def test_evaluate_notes_more_than_20_respondents() -> None:
    """More than the guideline's 20 respondents is used but noted."""
    users = [[4, 4]] * 21
    result = evaluate(load_instrument("pekppp-2022"), _scores(), user_scores=users)
    assert result.user_index_used is True
    assert any("maksimum 20" in note for note, _ in result.notes)


def test_evaluate_missing_indicator_is_an_error() -> None:
    """A missing scored indicator is an error naming it."""
    scores = _scores()
    del scores["Q3"]
    with pytest.raises(MeasureInputError) as caught:
        evaluate(load_instrument("pekppp-2022"), scores)
    assert caught.value.column == "Q3"


def test_evaluate_allow_missing_scores_zero_and_lists_it() -> None:
    """With allow_missing a missing indicator counts 0 and is listed."""
    scores = _scores()
    del scores["Q3"]
    result = evaluate(load_instrument("pekppp-2022"), scores, allow_missing=True)
    # A_I loses 0,07·3 = 0,21: 4,16 − 0,21 = 3,95
    assert result.aspects[0].value == Fraction("3.95")
    assert result.missing == ("Q3",)
    assert dict(result.scores)["Q3"] == 0


def test_evaluate_q31_is_optional_and_not_scored() -> None:
    """Q31 (Informasi Tambahan) may be absent or present; it never counts."""
    scores = _scores()
    without = evaluate(load_instrument("pekppp-2022"), scores)
    scores["Q31"] = 5
    with_q31 = evaluate(load_instrument("pekppp-2022"), scores)
    assert with_q31.index == without.index
    assert without.missing == ()


def test_evaluate_accepts_unambiguous_codes_only() -> None:
    """1.a.Ak means Q1; a.K (Q4 or Q5) is rejected naming both."""
    scores = _scores()
    scores["1.a.Ak"] = scores.pop("Q1")
    assert evaluate(load_instrument("pekppp-2022"), scores).index == Fraction("3.9684")
    scores["a.K"] = 4
    with pytest.raises(MeasureInputError, match="Q4, Q5"):
        evaluate(load_instrument("pekppp-2022"), scores)


def test_evaluate_rejects_the_same_indicator_twice() -> None:
    """Q1 and its code 1.a.Ak together score Q1 twice."""
    scores = _scores()
    scores["1.a.Ak"] = 3
    with pytest.raises(MeasureInputError, match="dua kali"):
        evaluate(load_instrument("pekppp-2022"), scores)


@pytest.mark.parametrize("bad", [6, -1, Fraction(9, 2), "4", True, None])
def test_evaluate_scores_must_be_integers_0_to_5(bad: object) -> None:
    """Scores are integers 0–5; anything else names the indicator."""
    scores = _scores()
    scores["Q7"] = bad
    with pytest.raises(MeasureInputError) as caught:
        evaluate(load_instrument("pekppp-2022"), scores)
    assert caught.value.column == "Q7"


def test_evaluate_user_score_errors_name_respondent_and_item() -> None:
    """A bad F-03 score names the respondent (row) and the item."""
    users: list[list[object]] = [[4, 4]] * 10 + [[4, 7]]
    with pytest.raises(MeasureInputError) as caught:
        evaluate(load_instrument("pekppp-2022"), _scores(), user_scores=users)
    assert (caught.value.row, caught.value.column) == (11, "item 2")
    with pytest.raises(MeasureInputError):
        evaluate(load_instrument("pekppp-2022"), _scores(), user_scores=[[]])


def test_evaluate_pekppp_2017_is_evaluator_only_and_flags_placeholders() -> None:
    """The 2017 instrument combines no user scores and warns of placeholders."""
    instrument = load_instrument("pekppp-2017")
    scores = {i.number: 5 for i in instrument.indicators}
    result = evaluate(instrument, scores, user_scores=[[1, 1]] * 12)
    # all 5, but aspect II's weights sum to 99,9 %: A_II = 4,995
    assert result.aspects[1].value == Fraction("4.995")
    # F-02 = 0,30·5 + 0,18·4,995 + 0,15·5 + 0,15·5 + 0,15·5 + 0,07·5 = 4,9991
    assert result.index == Fraction("4.9991")
    assert result.user_index_used is False
    assert "tidak memakai penilaian pengguna" in result.basis_id
    assert any("placeholder" in note for note, _ in result.notes)


def test_evaluate_refuses_the_skm_instrument() -> None:
    """The SKM instrument is not an evaluation instrument."""
    with pytest.raises(MeasureInputError, match="bukan instrumen evaluasi"):
        evaluate(load_instrument("skm-2017"), {"U1": 4})


def test_scores_from_csv_reads_and_checks_rows() -> None:
    """``indicator,score`` rows; with the instrument, errors name the row."""
    instrument = load_instrument("pekppp-2022")
    assert scores_from_csv(["indicator,score\n", "Q1,4\n", "\n", "d.B, 3\n"]) == {
        "Q1": 4,
        "d.B": 3,
    }
    with pytest.raises(MeasureInputError) as caught:
        scores_from_csv(
            ["indicator,score\n", "Q1,4\n", "Q2,7\n"], instrument=instrument
        )
    assert (caught.value.row, caught.value.column) == (2, "Q2")
    with pytest.raises(MeasureInputError) as caught:
        scores_from_csv(["indicator,score\n", "a.K,4\n"], instrument=instrument)
    assert (caught.value.row, caught.value.column) == (1, "a.K")
    with pytest.raises(MeasureInputError) as caught:
        scores_from_csv(["indicator,score\n", "Q1,empat\n"])
    assert (caught.value.row, caught.value.column) == (1, "score")
    with pytest.raises(MeasureInputError, match="header"):
        scores_from_csv(["q,s\n"])


def test_evaluation_input_from_json_shape() -> None:
    """The JSON input is {"indicators": {...}, "user_scores": [...]}."""
    scores, users = evaluation_input_from_json({"indicators": {"Q1": 4}})
    assert (scores, users) == ({"Q1": 4}, None)
    for bad in (
        {"Q1": 4},
        {"indicators": {}, "extra": 1},
        {"indicators": {}, "user_scores": 3},
    ):
        with pytest.raises(MeasureInputError):
            evaluation_input_from_json(bad)
