"""SKM worked examples computed by hand (PermenPANRB 14/2017; docs/regulations.md §1.3,
§1.4, D1–D3)."""

from decimal import Decimal
from fractions import Fraction

import pytest

from mutu.measures.errors import MeasureInputError
from mutu.measures.skm import (
    ELEMENT_CODES,
    ELEMENTS,
    Tally,
    skm_result,
    tally_from_responses,
)

# Five responses, "-" = not answered.
#        U1 U2 U3 U4 U5 U6 U7 U8 U9
# R1      4  3  2  4  3  4  4  3  3
# R2      3  3  -  4  3  3  4  2  3
# R3      4  -  3  4  4  4  4  3  -
# R4      2  3  3  3  3  3  3  2  2
# R5      -  4  4  4  3  4  4  3  3
MISSING_RESPONSES = [
    dict(zip(ELEMENT_CODES, row, strict=True))
    for row in (
        (4, 3, 2, 4, 3, 4, 4, 3, 3),
        (3, 3, None, 4, 3, 3, 4, 2, 3),
        (4, None, 3, 4, 4, 4, 4, 3, None),
        (2, 3, 3, 3, 3, 3, 3, 2, 2),
        (None, 4, 4, 4, 3, 4, 4, 3, 3),
    )
]


def test_skm_result_worked_example_with_missing_answers() -> None:
    """NRR divides by the responses that answered that element (D3)."""
    # given five responses with four blanks
    tally = tally_from_responses(MISSING_RESPONSES)
    # when computed
    result = skm_result(tally)
    # then, by hand:
    # U1 (4+3+4+2)/4 = 13/4 = 3,25     U2 (3+3+3+4)/4 = 13/4 = 3,25
    # U3 (2+3+3+4)/4 = 12/4 = 3,00     U4 (4+4+4+3+4)/5 = 19/5 = 3,80
    # U5 (3+3+4+3+3)/5 = 16/5 = 3,20   U6 (4+3+4+3+4)/5 = 18/5 = 3,60
    # U7 (4+4+4+3+4)/5 = 19/5 = 3,80   U8 (3+2+3+2+3)/5 = 13/5 = 2,60
    # U9 (3+3+2+3)/4 = 11/4 = 2,75
    expected = {
        "U1": Fraction(13, 4),
        "U2": Fraction(13, 4),
        "U3": Fraction(12, 4),
        "U4": Fraction(19, 5),
        "U5": Fraction(16, 5),
        "U6": Fraction(18, 5),
        "U7": Fraction(19, 5),
        "U8": Fraction(13, 5),
        "U9": Fraction(11, 4),
    }
    assert {e.code: e.nrr for e in result.elements} == expected
    # Σ NRR = 29,25; weight exactly 1/9 (D1); IKM = 29,25 / 9 = 3,25
    assert result.weight == Fraction(1, 9)
    assert result.ikm == Fraction(2925, 900) == Fraction(13, 4)
    # IKM konversi = 3,25 × 25 = 81,25 → B "Baik" (76,61 ≤ 81,25 < 88,31)
    assert result.ikm_converted == Fraction(8125, 100)
    assert result.ikm_converted_display == Decimal("81.25")
    assert (result.grade.letter, result.grade.label_id) == ("B", "Baik")
    # n counts responses, not answers; weakest: U8 2,60 < U9 2,75 < U3 3,00
    assert result.n == 5
    assert result.weakest == ("U8", "U9", "U3")
    assert result.legacy is False
    assert result.weight_note() is None


def _uniform_tally(per_element: tuple[int, int, int, int], n: int) -> Tally:
    return Tally.from_counts(dict.fromkeys(ELEMENT_CODES, per_element), responses=n)


def test_skm_result_exactly_88_30_is_grade_b() -> None:
    """A converted IKM of exactly 88,30 is B (D2: A starts at 88,31)."""
    # given 250 responses, every element: 117 × "3" and 133 × "4"
    # NRR = (117·3 + 133·4) / 250 = 883 / 250 = 3,532 for each element
    tally = _uniform_tally((0, 0, 117, 133), 250)
    # when
    result = skm_result(tally)
    # then IKM = 3,532 and konversi = 3,532 × 25 = 88,30 exactly → B
    assert result.ikm == Fraction(3532, 1000)
    assert result.ikm_converted == Fraction(8830, 100)
    assert result.grade.letter == "B"


def test_skm_result_exactly_88_31_is_grade_a() -> None:
    """A converted IKM of exactly 88,31 is A."""
    # given 2 500 responses, every element: 1 169 × "3" and 1 331 × "4"
    # NRR = (1169·3 + 1331·4) / 2500 = 8831 / 2500 = 3,5324
    tally = _uniform_tally((0, 0, 1169, 1331), 2500)
    result = skm_result(tally)
    # then konversi = 3,5324 × 25 = 88,31 exactly → A "Sangat Baik"
    assert result.ikm_converted == Fraction(8831, 100)
    assert (result.grade.letter, result.grade.label_id) == ("A", "Sangat Baik")


def test_skm_result_88_305_rounds_up_to_grade_a() -> None:
    """NI 3,5322 gives 88,305, which rounds half-up to 88,31: A (D2 vs §1.4 NI)."""
    # given 5 000 responses: 2 339 × "3" and 2 661 × "4" → NRR 17 661/5 000 = 3,5322
    result = skm_result(_uniform_tally((0, 0, 2339, 2661), 5000))
    # then konversi = 88,305 exactly; displayed 88,31; grade A
    assert result.ikm_converted == Fraction(88305, 1000)
    assert result.ikm_converted_display == Decimal("88.31")
    assert result.grade.letter == "A"


def _s2_example() -> Tally:
    # 29 respondents answered all 9 elements; Σ of all answers = 955.
    # 955 = 8 × 106 + 107:
    #   U1–U8: 19 × "4" + 10 × "3" = 76 + 30 = 106
    #   U9:    20 × "4" +  9 × "3" = 80 + 27 = 107
    counts = dict.fromkeys(ELEMENT_CODES[:8], (0, 0, 10, 19))
    counts["U9"] = (0, 0, 9, 20)
    return Tally.from_counts(counts, responses=29)


def test_skm_result_s2_example_exact_weight() -> None:
    """S2's example (29 respondents, Σ 955) gives 91,48 with exactly 1/9 (§1.3)."""
    tally = _s2_example()
    assert sum(e.total for e in tally.elements) == 955
    result = skm_result(tally)
    # Σ NRR = 955/29; IKM = 955/29/9 = 955/261 = 3,6590…
    assert result.ikm == Fraction(955, 261)
    # konversi = 955 × 25 / 261 = 23 875/261 = 91,4750… → 91,48
    assert result.ikm_converted == Fraction(23875, 261)
    assert result.ikm_converted_display == Decimal("91.48")
    assert result.grade.letter == "A"


def test_skm_result_s2_example_legacy_weight_0_11() -> None:
    """With the legacy weight 0,11 the same data gives 90,56, labelled legacy (D1)."""
    result = skm_result(_s2_example(), legacy_weight=Decimal("0.11"))
    # IKM = Σ NRR × 0,11 = 955/29 × 0,11 = 3,6224…; × 25 = 2 626,25/29 = 90,5603…
    assert result.ikm_converted == Fraction(955, 29) * Fraction(11, 100) * 25
    assert result.ikm_converted_display == Decimal("90.56")
    assert result.legacy is True
    assert "bobot lama (legacy) 0,11" in (result.weight_note("id") or "")
    assert "legacy weight 0.11" in (result.weight_note("en") or "")


def test_skm_result_s2_example_legacy_weight_0_111() -> None:
    """With 0,111 (S5) it gives 91,38: 955/29 × 0,111 × 25 = 91,3836…"""
    result = skm_result(_s2_example(), legacy_weight=Decimal("0.111"))
    assert result.ikm_converted == Fraction(955, 29) * Fraction(111, 1000) * 25
    assert result.ikm_converted_display == Decimal("91.38")
    assert "0,111" in (result.weight_note() or "")


@pytest.mark.parametrize("weight", ["0.1111", "0.1", "0.12"])
def test_skm_result_rejects_other_legacy_weights(weight: str) -> None:
    """Only 0,111 and 0,11 are legacy weights (D1)."""
    with pytest.raises(MeasureInputError, match="0,111 atau 0,11"):
        skm_result(_s2_example(), legacy_weight=Decimal(weight))


def test_skm_result_legacy_needs_the_nine_elements() -> None:
    """Legacy weights are 1/9 rounded, so they need exactly U1–U9."""
    tally = Tally.from_counts({"U1": (0, 0, 1, 1), "U2": (0, 1, 1, 0)})
    with pytest.raises(MeasureInputError, match="sembilan"):
        skm_result(tally, legacy_weight=Decimal("0.11"))


def test_skm_result_legacy_below_25_is_grade_d() -> None:
    """All answers 1 with 0,11 give 24,75 — below the scale, still graded D."""
    result = skm_result(_uniform_tally((3, 0, 0, 0), 3), legacy_weight=Decimal("0.11"))
    assert result.ikm_converted == Fraction(2475, 100)
    assert result.grade.letter == "D"


def test_skm_result_weight_follows_elements_in_use() -> None:
    """With k elements in use the weight is exactly 1/k (D1)."""
    # given only U1 (NRR 4) and U3 (NRR 2) in use
    tally = Tally.from_counts({"U1": (0, 0, 0, 2), "U3": (0, 2, 0, 0)})
    result = skm_result(tally)
    # then weight 1/2 and IKM (4 + 2) / 2 = 3
    assert result.weight == Fraction(1, 2)
    assert result.ikm == 3


def test_skm_result_element_without_answers_is_an_error() -> None:
    """An element in use that nobody answered is an error, not silently dropped."""
    rows = [{"U1": 4, "U2": None}, {"U1": 3}]
    tally = tally_from_responses(rows, codes=("U1", "U2"))
    with pytest.raises(MeasureInputError) as caught:
        skm_result(tally)
    assert caught.value.column == "U2"


def test_skm_result_no_responses_is_an_error() -> None:
    """An empty tally has no IKM."""
    with pytest.raises(MeasureInputError, match="tidak ada respons"):
        skm_result(Tally.empty())


def test_tally_from_responses_rejects_response_without_answers() -> None:
    """A response that answers nothing is rejected, naming its number (D3)."""
    rows = [{"U1": 4}, {"U1": None, "U2": None}]
    with pytest.raises(MeasureInputError) as caught:
        tally_from_responses(rows)
    assert caught.value.row == 2
    assert "D3" in caught.value.message_id


@pytest.mark.parametrize("value", [0, 5, "3", 3.0, True])
def test_tally_from_responses_rejects_bad_values(value: object) -> None:
    """Only the integers 1–4 (or None) are answers."""
    rows = [{"U1": 4}, {"U3": value}]
    with pytest.raises(MeasureInputError) as caught:
        tally_from_responses(rows)  # type: ignore[arg-type]
    assert (caught.value.row, caught.value.column) == (2, "U3")


def test_tally_from_responses_rejects_unknown_element() -> None:
    """Answers are keyed by element code (D4); an unknown key is an error."""
    with pytest.raises(MeasureInputError) as caught:
        tally_from_responses([{"Q8": 3}])
    assert caught.value.column == "Q8"


def test_elements_are_the_nine_of_section_1_2() -> None:
    """U1–U9 carry §1.2's names, and answer labels run from 1 (worst) to 4."""
    assert [(e.code, e.name_id) for e in ELEMENTS] == [
        ("U1", "Persyaratan"),
        ("U2", "Sistem, Mekanisme, dan Prosedur"),
        ("U3", "Waktu Penyelesaian"),
        ("U4", "Biaya/Tarif"),
        ("U5", "Produk Spesifikasi Jenis Pelayanan"),
        ("U6", "Kompetensi Pelaksana"),
        ("U7", "Perilaku Pelaksana"),
        ("U8", "Penanganan Pengaduan, Saran dan Masukan"),
        ("U9", "Sarana dan prasarana"),
    ]
    assert ELEMENTS[3].answers_id == ("Sangat mahal", "Cukup mahal", "Murah", "Gratis")
    assert ELEMENTS[7].answers_id[3] == "Dikelola dengan baik"
