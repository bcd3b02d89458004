"""Instrument files: shipped ones validate, broken ones name the field (D8)."""

import json
from fractions import Fraction
from pathlib import Path

import pytest

from mutu.measures.errors import InstrumentError, MeasureInputError
from mutu.measures.instrument import (
    list_instruments,
    load_instrument,
    load_instrument_file,
)
from mutu.measures.skm import ELEMENTS

SHIPPED = Path(__file__).resolve().parents[2] / "src/mutu/measures/instruments"


def test_list_instruments_ships_three_valid_instruments() -> None:
    """pekppp-2017, pekppp-2022 and skm-2017 all load and validate."""
    assert [(i.id, i.version) for i in list_instruments()] == [
        ("pekppp-2017", "2017"),
        ("pekppp-2022", "2022"),
        ("skm-2017", "2017"),
    ]


def test_pekppp_2022_matches_sections_2_2_and_2_3() -> None:
    """Six aspects 24/25/18/11/10/12, 31 indicators, Q31 unscored (§2.2, §2.3)."""
    instrument = load_instrument("pekppp-2022")
    scored = [(a.code, a.weight) for a in instrument.aspects if a.scored]
    assert scored == [
        ("I", 24),
        ("II", 25),
        ("III", 18),
        ("IV", 11),
        ("V", 10),
        ("VI", 12),
    ]
    numbers = [i.number for i in instrument.indicators]
    assert numbers == [f"Q{n}" for n in range(1, 32)]
    weights = {i.number: i.weight for i in instrument.indicators}
    assert [weights[f"Q{n}"] for n in range(1, 10)] == [17, 14, 7, 14, 10, 17, 7, 7, 7]
    assert weights["Q14"] == 30
    assert weights["Q16"] == 23
    assert weights["Q31"] == 0
    extra = instrument.aspects[-1]
    assert (extra.scored, extra.weight) == (False, 0)
    combination = instrument.combination
    assert combination is not None
    assert (combination.evaluator_weight, combination.user_weight) == (
        Fraction(3, 4),
        Fraction(1, 4),
    )
    assert (combination.user_min_respondents, combination.user_max_respondents) == (
        10,
        20,
    )
    assert instrument.predicate_table_id == "ipp"
    assert not instrument.has_placeholders


def test_pekppp_2022_rubrics_from_the_regulation() -> None:
    """Q1–Q17 carry the official level texts verbatim (docs/regulations.md §7b, with
    the source's typos); Q18–Q31 have none loaded and stay generic (D19)."""
    instrument = load_instrument("pekppp-2022")
    q1 = instrument.indicator("Q1").rubric
    assert [level.level for level in q1] == [0, 1, 2, 3, 4, 5]
    assert q1[0].text == "Tidak tersedia Standar Pelayanan."
    assert instrument.indicator("Q5").rubric[1].text == (
        "Tersedia Maklumat Pelayanan namum belum ditetapkan."
    )
    assert instrument.indicator("Q8").rubric[5].text == (
        "Tindak lanjut hasil SKM dilaksanakan 100%, dibuktikan dengan laporan "
        "pelaksanaannya."
    )
    assert instrument.indicator("Q17").rubric[5].text == (
        "Toilet pengguna layanan dengan lebih dari 5 atau lebih kondisi."
    )
    official = [i.number for i in instrument.indicators if i.official_rubric]
    assert official == [f"Q{n}" for n in range(1, 18)]
    q18 = instrument.indicator("Q18").rubric
    assert all(level.generic for level in q18)
    assert "rubrik lengkap lihat pedoman F-02" in q18[3].text


def test_pekppp_2022_lists_the_expected_evidence_of_every_indicator() -> None:
    """Bukti dukung of all 31 indicators, verbatim, one document per entry (§7b)."""
    instrument = load_instrument("pekppp-2022")
    assert all(i.evidence for i in instrument.indicators)
    assert instrument.indicator("Q21").evidence == (
        "Akun pengguna SIPPN",
        "Screenshoot tampilan akun unit layanan pada SIPPN yang menampilkan jumlah "
        "layanan yang telah diinput pada SIPPN",
    )
    assert instrument.indicator("Q11").evidence == (
        "Dokumen kode etik dan kode perilaku",
    )


def test_pekppp_2017_keeps_the_regulations_numbers() -> None:
    """30/18/15/15/15/7; aspect II's weights sum to 99,9 as listed, declared so."""
    instrument = load_instrument("pekppp-2017")
    assert [a.weight for a in instrument.aspects] == [30, 18, 15, 15, 15, 7]
    counts = [len(a.indicators) for a in instrument.aspects]
    assert counts == [13, 7, 7, 5, 4, 1]
    second = instrument.aspects[1]
    assert second.indicator_weight_total == Fraction("99.9")
    assert [i.weight for i in second.indicators] == [
        Fraction(x) for x in ("13.6", "13.6", "9.1", "13.6", "18.2", "13.6", "18.2")
    ]
    assert second.note is not None
    assert "99,9" in second.note
    placeholders = [i for i in instrument.indicators if i.placeholder]
    assert len(placeholders) == 17  # aspects III–VI: 7 + 5 + 4 + 1
    assert all("Placeholder" in i.text for i in placeholders)
    assert instrument.has_placeholders


def test_skm_2017_instrument_matches_the_elements() -> None:
    """The SKM instrument file holds the nine elements with their 1–4 labels."""
    instrument = load_instrument("skm-2017")
    assert (instrument.scale_min, instrument.scale_max) == (1, 4)
    indicators = instrument.indicators
    assert [i.number for i in indicators] == [e.code for e in ELEMENTS]
    assert all(i.weight == Fraction(100, 9) for i in indicators)
    for indicator, element in zip(indicators, ELEMENTS, strict=True):
        assert indicator.text == element.question_id
        assert tuple(level.text for level in indicator.rubric) == element.answers_id


def test_indicator_codes_resolve_only_when_unambiguous() -> None:
    """Numbers always resolve; a repeated code like a.K names its candidates."""
    instrument = load_instrument("pekppp-2022")
    assert instrument.indicator("q12").number == "Q12"
    assert instrument.indicator("1.a.Ak").number == "Q1"
    assert instrument.indicator("d.B").number == "Q22"
    with pytest.raises(MeasureInputError, match="Q4, Q5"):
        instrument.indicator("a.K")
    with pytest.raises(MeasureInputError, match="tidak dikenal"):
        instrument.indicator("Q99")


def test_load_instrument_unknown_id() -> None:
    """An unknown instrument id lists the available ones."""
    with pytest.raises(MeasureInputError, match="pekppp-2022"):
        load_instrument("pekppp-2099")


def _broken(tmp_path: Path, change: object) -> Path:
    data = json.loads((SHIPPED / "pekppp-2022.json").read_text(encoding="utf-8"))
    change(data)  # type: ignore[operator]
    path = tmp_path / "pekppp-2022.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _set(path: list[object], value: object) -> object:
    def apply(data: object) -> None:
        target = data
        for key in path[:-1]:
            target = target[key]  # type: ignore[index]
        target[path[-1]] = value  # type: ignore[index]

    return apply


BROKEN = [
    # (path to the field, bad value, expected field path in the message)
    (["aspects", 2, "indicators", 1, "weight"], 24, "aspects[2].indicators[5].weight"),
    (["aspects", 0, "weight"], 25, "pekppp-2022.json: aspects:"),
    (
        ["aspects", 1, "indicators", 0, "number"],
        "Q1",
        "aspects[1].indicators[0].number",
    ),
    (
        ["aspects", 0, "indicators", 2, "rubric", 4, "level"],
        3,
        "aspects[0].indicators[2].rubric",
    ),
    (
        ["aspects", 3, "indicators", 0, "weight"],
        "lots",
        "aspects[3].indicators[0].weight",
    ),
    (["combination", "user_weight"], 0.5, "combination.user_weight"),
    (["aspects", 1, "indicator_weight_total"], 99, "aspects[1].note"),
    (["predicate_table"], "nope", "predicate_table"),
    (["id"], "other", "pekppp-2022.json: id:"),
]


@pytest.mark.parametrize(("path", "value", "field"), BROKEN)
def test_broken_instrument_names_the_field(
    tmp_path: Path, path: list[object], value: object, field: str
) -> None:
    """A broken instrument file fails with the file name and the field path."""
    # given a copy of pekppp-2022.json with one field broken
    broken = _broken(tmp_path, _set(path, value))
    # when loaded / then the error names the file and the field
    with pytest.raises(InstrumentError) as caught:
        load_instrument_file(broken)
    assert str(caught.value).startswith("pekppp-2022.json: ")
    assert field in str(caught.value)


def test_broken_instrument_json_syntax(tmp_path: Path) -> None:
    """Invalid JSON is an instrument error naming the line."""
    path = tmp_path / "skm-2017.json"
    path.write_text('{"id": "skm-2017",', encoding="utf-8")
    with pytest.raises(InstrumentError, match=r"skm-2017\.json: baris 1"):
        load_instrument_file(path)


def test_pekppp_2022_declares_its_fed_indicators() -> None:
    """Q1, Q3, Q5–Q10, Q31 are fed from Mutu's data; Q25–Q28 from complaints."""
    instrument = load_instrument("pekppp-2022")
    fed = {i.number: i.feed for i in instrument.fed_indicators}
    assert list(fed) == [
        "Q1",
        "Q3",
        "Q5",
        "Q6",
        "Q7",
        "Q8",
        "Q9",
        "Q10",
        "Q25",
        "Q26",
        "Q27",
        "Q28",
        "Q31",
    ]
    sources = {number: rule.source for number, rule in fed.items() if rule}
    assert sources == {
        "Q1": "standards",
        "Q3": "standard_publication",
        "Q5": "service_charter",
        "Q6": "skm",
        "Q7": "skm",
        "Q8": "skm_follow_up",
        "Q9": "skm_follow_up",
        "Q10": "service_hours",
        "Q25": "complaints",
        "Q26": "complaints",
        "Q27": "complaints",
        "Q28": "complaints",
        "Q31": "queue_system",
    }
    assert all(
        rule.basis and rule.basis.startswith("docs/regulations.md")
        for rule in fed.values()
        if rule
    )


def test_pekppp_2022_user_form_is_the_f03() -> None:
    """The F-03 form: the eleven items of §2.4 (S29), scored 0–5."""
    form = load_instrument("pekppp-2022").user_assessment
    assert form is not None
    assert (form.form, form.scale) == ("F-03", range(6))
    assert len(form.items) == 11
    assert form.items[0] == "Persyaratan pelayanan mudah dipenuhi."
    assert form.items[-1].startswith("Sarana penunjang lainnya")


def test_pekppp_2017_has_no_user_form_and_no_feeds() -> None:
    """The 2017 instrument scores F-01/F-02 only and feeds no indicator."""
    instrument = load_instrument("pekppp-2017")
    assert instrument.user_assessment is None
    assert instrument.fed_indicators == ()


@pytest.mark.parametrize(
    ("instrument_id", "awarded"),
    [("pekppp-2022", ("A", "A-")), ("pekppp-2017", ("A", "A-")), ("skm-2017", ())],
)
def test_award_predicates_follow_d14(instrument_id: str, awarded: tuple) -> None:
    """Certificates go to A and A- (D14); the SKM instrument awards none."""
    instrument = load_instrument(instrument_id)
    assert instrument.award_predicates == awarded
    assert instrument.awards("A-") == bool(awarded)
    assert not instrument.awards("B")


Q8 = ["aspects", 0, "indicators", 7, "feed"]
Q8_PATH = "aspects[0].indicators[7].feed"


def _drop(path: list[object]) -> object:
    def apply(data: object) -> None:
        target = data
        for key in path[:-1]:
            target = target[key]  # type: ignore[index]
        del target[path[-1]]  # type: ignore[index,attr-defined]

    return apply


BROKEN_RULES = [
    # (change, expected field path in the message, expected words)
    (
        _set(["aspects", 0, "indicators", 0, "feed", "source"], "nowhere"),
        "aspects[0].indicators[0].feed.source",
        "sumber tidak dikenal",
    ),
    (
        _set([*Q8, "levels", 2, "when", "figure"], "share"),
        f"{Q8_PATH}.levels[2].when.figure",
        "tidak dikenal untuk sumber skm_follow_up",
    ),
    (
        _set([*Q8, "levels", 2, "when"], {"figure": "done_percent", "above": 80}),
        f"{Q8_PATH}.levels[2].when.above",
        "operator tidak dikenal",
    ),
    (
        _set([*Q8, "levels", 2, "when"], {"figure": "done_percent"}),
        f"{Q8_PATH}.levels[2].when",
        "satu operator",
    ),
    (
        _set([*Q8, "levels", 2, "when", "gt"], "lots"),
        f"{Q8_PATH}.levels[2].when.gt",
        "harus angka",
    ),
    (
        _set([*Q8, "levels", 1, "when", "eq"], {"figure": "media"}),
        f"{Q8_PATH}.levels[1].when.eq.figure",
        "tidak dikenal",
    ),
    (_set([*Q8, "levels", 1, "level"], 6), f"{Q8_PATH}.levels[1].level", "0..5"),
    (_set([*Q8, "levels", 1, "level"], "5"), f"{Q8_PATH}.levels[1].level", "bulat"),
    (_drop([*Q8, "levels", 3, "when"]), f"{Q8_PATH}.levels[3].when", "wajib ada"),
    (
        _set([*Q8, "levels", 5, "when"], {"figure": "done", "eq": 0}),
        f"{Q8_PATH}.levels[5].when",
        "tidak boleh bersyarat",
    ),
    (_set([*Q8, "levels"], []), f"{Q8_PATH}.levels", "tidak kosong"),
    (_set([*Q8, "value"], "{done}/{total}"), f"{Q8_PATH}.value", "{total}"),
    (_set([*Q8, "value"], "{done:.0f}"), f"{Q8_PATH}.value", "tanpa format"),
    (_set([*Q8, "value"], "{done"), f"{Q8_PATH}.value", "kurung kurawal"),
    (_set([*Q8, "levels", 0, "levle"], 1), f"{Q8_PATH}.levels[0].levle", "kunci"),
    (_set([*Q8, "treshold"], 1), f"{Q8_PATH}.treshold", "kunci tidak dikenal"),
    (_drop([*Q8, "how"]), f"{Q8_PATH}.how", "wajib ada"),
    (
        _set(
            ["aspects", 0, "indicators", 5, "feed", "levels", 2, "when", "all", 0],
            {"figure": "print_media", "is": True},
        ),
        "aspects[0].indicators[5].feed.levels[2].when.all[0].figure",
        "berjenis count",
    ),
    (
        _set([*Q8, "levels", 1, "when"], {"figure": "items", "missing": True}),
        f"{Q8_PATH}.levels[1].when.figure",
        "selalu ada",
    ),
    (_drop(["user_assessment"]), "user_assessment", "wajib ada"),
    (_set(["user_assessment"], None), "user_assessment", "user_weight > 0"),
    (
        _set(["user_assessment", "items", 3], "Prosedur pelayanan mudah."),
        "user_assessment.items[3]",
        "butir ganda",
    ),
    (
        _set(["user_assessment", "scale", "max"], 0),
        "user_assessment.scale.max",
        "> min",
    ),
    (_set(["user_assessment", "items"], []), "user_assessment.items", "tidak kosong"),
    (_drop(["awards"]), "awards", "wajib ada"),
    (_set(["awards", "predicates"], "A"), "awards.predicates", "harus daftar"),
    (_set(["awards", "predicates"], ["A", "Z"]), "awards.predicates[1]", "'Z'"),
    (_set(["awards", "predicates"], ["A", "A"]), "awards.predicates[1]", "sekali"),
]


@pytest.mark.parametrize(("change", "field", "words"), BROKEN_RULES)
def test_broken_feed_user_form_or_awards_name_the_field(
    tmp_path: Path, change: object, field: str, words: str
) -> None:
    """A broken feed rule, F-03 form or award list fails naming file and field."""
    # given a copy of pekppp-2022.json with one of these fields broken
    broken = _broken(tmp_path, change)
    # when loaded / then the error names the file, the field and what is wrong
    with pytest.raises(InstrumentError) as caught:
        load_instrument_file(broken)
    assert str(caught.value).startswith(f"pekppp-2022.json: {field}: ")
    assert words in caught.value.message_id


def test_awards_may_be_empty_and_user_form_null_without_user_weight(
    tmp_path: Path,
) -> None:
    """An instrument may award nothing, and without user weight needs no F-03."""

    def change(data: dict) -> None:
        data["awards"]["predicates"] = []
        data["combination"] |= {
            "evaluator_weight": 1,
            "user_weight": 0,
            "user_min_respondents": None,
        }
        data["user_assessment"] = None

    instrument = load_instrument_file(_broken(tmp_path, change))
    assert instrument.award_predicates == ()
    assert instrument.user_assessment is None
