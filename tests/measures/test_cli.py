"""``mutu measure``: commands, JSON shapes, and one-line errors with exit code 2."""

import json
from pathlib import Path

import pytest

from mutu.measures.cli import main
from mutu.measures.skm import ELEMENT_CODES

HEADER = ",".join(ELEMENT_CODES)


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _skm_csv(tmp_path: Path) -> str:
    # 29 respondents, Σ 955 (docs/regulations.md §1.3, S2): U1–U8 get 19 × 4 and 10 × 3,
    # U9 gets 20 × 4 and 9 × 3.
    rows = []
    for r in range(29):
        row = ["4" if r < 19 else "3"] * 8 + ["4" if r < 20 else "3"]
        rows.append(",".join(row))
    return _write(tmp_path, "skm.csv", HEADER + "\n" + "\n".join(rows) + "\n")


def test_cli_skm_text_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The default output is an Indonesian table ending with IKM, grade and CI."""
    assert main(["skm", _skm_csv(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Persyaratan" in out
    assert "IKM konversi (25–100)" in out
    assert ": 91,48" in out
    assert "A (Sangat Baik)" in out
    assert "Interval kepercayaan 95 %" in out
    assert "bobot lama" not in out


def test_cli_skm_json_shape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--json gives elements, ikm, ikm_converted, grade, n, ci95, legacy_weight…"""
    assert main(["skm", _skm_csv(tmp_path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {
        "elements",
        "ikm",
        "ikm_converted",
        "grade",
        "grade_label",
        "n",
        "ci95",
        "legacy_weight",
        "weakest",
    }
    assert list(data["elements"]) == list(ELEMENT_CODES)
    assert data["elements"]["U1"]["nrr"] == 3.6552  # 106/29 = 3,65517…
    assert data["ikm"] == 3.659
    assert data["ikm_converted"] == 91.48
    assert (data["grade"], data["grade_label"], data["n"]) == ("A", "Sangat Baik", 29)
    low, high = data["ci95"]
    assert 25 <= low <= 91.48 <= high <= 100
    assert data["legacy_weight"] is None
    assert data["weight_note"] is None
    assert data["weakest"] == ["U1", "U2", "U3"]


def test_cli_skm_legacy_weight_is_labelled(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--legacy-weight 0.11 gives 90,56 and says "bobot lama (legacy)" (D1)."""
    path = _skm_csv(tmp_path)
    assert main(["skm", path, "--legacy-weight", "0.11"]) == 0
    out = capsys.readouterr().out
    assert ": 90,56" in out
    assert "bobot lama (legacy) 0,11" in out
    assert (
        main(["skm", path, "--legacy-weight", "0.111", "--json", "--lang", "en"]) == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["legacy_weight"] == 0.111
    assert data["ikm_converted"] == 91.38
    assert "legacy weight 0.111" in data["weight_note"]


def test_cli_skm_json_tallies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A JSON tally file is read by extension (or a leading '{') and scored."""
    counts = {code: [0, 0, 10, 19] for code in ELEMENT_CODES[:8]}
    counts["U9"] = [0, 0, 9, 20]
    path = _write(tmp_path, "tallies.txt", json.dumps({"n": 29, **counts}))
    assert main(["skm", path, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ikm_converted"] == 91.48
    assert data["ci_method"] == "conservative"


def test_cli_skm_english(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--lang en switches labels and decimal points."""
    assert main(["skm", _skm_csv(tmp_path), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Converted IKM (25–100)" in out
    assert ": 91.48" in out
    assert "A (Very good)" in out


def test_cli_sample_size(capsys: pytest.CaptureFixture[str]) -> None:
    """sample-size prints required, meets and the margin of error."""
    assert main(["sample-size", "1000", "--collected", "300", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data == {
        "population": 1000,
        "required": 278,
        "collected": 300,
        "meets": True,
        "margin_of_error": 0.0474,
    }
    assert main(["sample-size", "1000000"]) == 0
    out = capsys.readouterr().out
    assert "1.000.000" in out
    assert "384" in out


EVALUATION = {
    "indicators": {f"Q{n}": 4 for n in range(1, 31)},
    "user_scores": [[5, 4, 5]] * 10,
}


def test_cli_evaluation_json_shape(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """evaluation --json gives aspects, indices, predicate and missing."""
    path = _write(tmp_path, "eval.json", json.dumps(EVALUATION))
    assert main(["evaluation", "--instrument", "pekppp-2022", path, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {
        "aspects",
        "evaluator_index",
        "user_index",
        "index",
        "predicate",
        "predicate_label",
        "missing",
    }
    assert [a["code"] for a in data["aspects"]] == [
        "I",
        "II",
        "III",
        "IV",
        "V",
        "VI",
        "+",
    ]
    # F-02 = 4; F-03 = 14/3 = 4,6667; IPP = 3 + 1,1667 = 4,1667 → 4,17 → A-
    assert data["evaluator_index"] == 4.0
    assert data["user_index"] == 4.6667
    assert data["index"] == 4.17
    assert (data["predicate"], data["predicate_label"]) == ("A-", "Sangat Baik")
    assert data["missing"] == []


def test_cli_evaluation_csv_and_allow_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A CSV of indicator,score works; --allow-missing lists what is missing."""
    rows = "\n".join(f"Q{n},4" for n in range(1, 30))
    path = _write(tmp_path, "eval.csv", "indicator,score\n" + rows + "\n")
    assert main(["evaluation", path, "--allow-missing", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["missing"] == ["Q30"]
    assert data["user_index"] is None
    assert main(["evaluation", path, "--allow-missing"]) == 0
    out = capsys.readouterr().out
    assert "Predikat" in out
    assert "Q30" in out


def test_cli_instruments(capsys: pytest.CaptureFixture[str]) -> None:
    """instruments lists id, version and title."""
    assert main(["instruments"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[1].startswith("pekppp-2022  2022")
    assert main(["instruments", "--json"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert [item["id"] for item in items] == ["pekppp-2017", "pekppp-2022", "skm-2017"]
    assert all(len(item["sha256"]) == 64 for item in items)  # D19


BAD_INPUTS = [
    # (file name, content, command, fragment expected on stderr)
    (
        "skm.csv",
        HEADER + "\n" + "4,4,4,4,4,4,4,4,4\n4,4,5,4,4,4,4,4,4\n",
        "skm",
        "baris data 2, kolom U3",
    ),
    ("skm.csv", "", "skm", "kosong"),
    ("skm.json", '{"U1": [1, 2, 3', "skm", "JSON tidak valid"),
    ("skm.json", '{"U1": [1, 2, 3]}', "skm", "U1"),
    ("skm.csv", HEADER + "\n" + ",,,,,,,,\n", "skm", "baris data 1"),
    ("eval.json", json.dumps({"indicators": {"Q99": 4}}), "evaluation", "Q99"),
    ("eval.json", json.dumps({"indicators": {"a.K": 4}}), "evaluation", "Q4, Q5"),
    ("eval.csv", "indicator,score\nQ1,9\n", "evaluation", "baris data 1, kolom Q1"),
    ("eval.json", "", "evaluation", "kosong"),
    ("eval.json", json.dumps({"indicators": {"Q1": 4}}), "evaluation", "belum dinilai"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "content", "command", "fragment"), BAD_INPUTS)
def test_cli_bad_input_one_line_exit_2(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: str,
    command: str,
    fragment: str,
) -> None:
    """Bad input: exit code 2, one line on stderr (Indonesian / English), no trace."""
    path = _write(tmp_path, name, content)
    assert main([command, path]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1
    assert " / " in lines[0]
    assert fragment.lower() in lines[0].lower()
    assert "Traceback" not in captured.err


@pytest.mark.parametrize(
    "argv",
    [
        ["skm", "/nonexistent/skm.csv"],
        ["skm", "."],
        ["sample-size", "lots"],
        ["sample-size", "0"],
        ["sample-size", "10", "--collected", "11"],
        ["evaluation", "--instrument", "pekppp-2099", "x.json"],
        ["skm", "x.csv", "--legacy-weight", "0.1"],
        ["frobnicate"],
        [],
    ],
)
def test_cli_bad_arguments_one_line_exit_2(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Missing files, bad numbers and unknown commands also exit 2 with one line."""
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert len(captured.err.splitlines()) == 1
    assert "Traceback" not in captured.err


def test_cli_non_utf8_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file that is not UTF-8 text is one clear line, exit 2."""
    path = tmp_path / "skm.csv"
    path.write_bytes(b"U1\n\xff\xfe\n")
    assert main(["skm", str(path)]) == 2
    assert "UTF-8" in capsys.readouterr().err


def test_cli_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    """--help prints usage under the prog name and returns 0."""
    assert main(["--help"]) == 0
    assert "mutu measure" in capsys.readouterr().out
