"""Streaming CSV reader of raw SKM responses (docs/regulations.md §1.2, D3, D4)."""

import io
import random
import tracemalloc
from collections.abc import Iterator

import pytest

from mutu.measures.errors import MeasureInputError
from mutu.measures.skm import ELEMENT_CODES, skm_result, tally_from_responses
from mutu.measures.skm_csv import tally_from_csv

Row = dict[str, int | None]


def _random_rows(count: int, seed: int, blank: float = 0.05) -> list[Row]:
    rng = random.Random(seed)
    rows: list[Row] = []
    while len(rows) < count:
        row: Row = {
            code: None if rng.random() < blank else rng.randint(1, 4)
            for code in ELEMENT_CODES
        }
        if any(v is not None for v in row.values()):
            rows.append(row)
    return rows


def _csv(rows: list[Row], header: str = ",".join(ELEMENT_CODES)) -> list[str]:
    body = [
        ",".join("" if row[c] is None else str(row[c]) for c in ELEMENT_CODES) + "\n"
        for row in rows
    ]
    return [header + "\n", *body]


@pytest.mark.parametrize("chunk_rows", [1, 7, 8192])
def test_tally_from_csv_equals_tally_from_responses(chunk_rows: int) -> None:
    """The fast reader yields exactly the tally of the same responses, pairs too."""
    # given 500 random responses with blanks
    rows = _random_rows(500, seed=1)
    # when read as CSV in chunks of any size
    tally = tally_from_csv(_csv(rows), chunk_rows=chunk_rows)
    # then identical to counting the responses one by one
    assert tally == tally_from_responses(rows)


def test_tally_from_csv_other_columns_order_case_and_semicolons() -> None:
    """Columns are found by name (D4), any order or case; extra columns ignored."""
    # given U9 first, lower case, an id and a comment column, ';' as delimiter
    lines = [
        "\ufeffid;u9;U1;saran\n",
        "1;4;3;bagus\n",
        "2;;2;\n",
    ]
    tally = tally_from_csv(lines)
    # then only U1 and U9 are in use, with their answers
    assert tally.codes == ("U1", "U9")
    assert tally.element("U1").counts == (0, 1, 1, 0)
    assert tally.element("U9").counts == (0, 0, 0, 1)
    assert tally.responses == 2


def test_tally_from_csv_tolerates_blank_lines_and_padding() -> None:
    """Blank lines are skipped and ' 3 ' reads as 3 (row-by-row path)."""
    lines = ["U1,U2\n", "4, 3 \n", "\n", "2,\n"]
    tally = tally_from_csv(lines)
    assert tally == tally_from_responses(
        [{"U1": 4, "U2": 3}, {"U1": 2}], codes=("U1", "U2")
    )


@pytest.mark.parametrize(
    ("lines", "row", "column"),
    [
        (["U1,U2,U3\n", "1,2,3\n", "4,4,5\n"], 2, "U3"),
        (["U1,U2,U3\n", "1,2,3\n", "4,x,1\n"], 2, "U2"),
        (["U1,U2,U3\n", "1,2,3\n", "0,1,1\n"], 2, "U1"),
        (["U1,U2,U3\n", "1,2,3\n", "3.0,1,1\n"], 2, "U1"),
    ],
)
def test_tally_from_csv_bad_value_names_row_and_column(
    lines: list[str], row: int, column: str
) -> None:
    """A value other than 1–4 or empty names its 1-based data row and column."""
    with pytest.raises(MeasureInputError) as caught:
        tally_from_csv(lines)
    assert (caught.value.row, caught.value.column) == (row, column)
    assert f"baris data {row}" in caught.value.message_id.lower()
    assert f"column {column}" in caught.value.message_en


def test_tally_from_csv_bad_value_deep_in_a_large_file() -> None:
    """The first bad value is found by row even past many fast chunks."""
    rows = _random_rows(30_000, seed=2)
    lines = _csv(rows)
    lines[25_001] = "5" + lines[25_001][1:]  # data row 25 001, column U1
    with pytest.raises(MeasureInputError) as caught:
        tally_from_csv(lines)
    assert (caught.value.row, caught.value.column) == (25_001, "U1")


def test_tally_from_csv_rejects_empty_response() -> None:
    """A row with every element empty is rejected (D3)."""
    with pytest.raises(MeasureInputError) as caught:
        tally_from_csv(["U1,U2\n", "1,2\n", ",\n"])
    assert caught.value.row == 2


def test_tally_from_csv_rejects_empty_response_among_other_columns() -> None:
    """The D3 check also holds when element columns are picked out of others."""
    with pytest.raises(MeasureInputError) as caught:
        tally_from_csv(["id,U1,U2,saran\n", "1,4,,ok\n", "2,,,kosong\n"])
    assert caught.value.row == 2


def test_tally_from_csv_rejects_short_rows() -> None:
    """A row with fewer cells than the header is an error naming the row."""
    with pytest.raises(MeasureInputError) as caught:
        tally_from_csv(["U1,U2,U3\n", "1,2,3\n", "1,2\n"])
    assert caught.value.row == 2


@pytest.mark.parametrize(
    ("lines", "fragment"),
    [
        ([], "kosong"),
        (["\n"], "kosong"),
        (["a,b\n", "1,2\n"], "U1…U9"),
        (["U1,U1\n"], "dua kali"),
    ],
)
def test_tally_from_csv_header_errors(lines: list[str], fragment: str) -> None:
    """Empty input and headers without (or with doubled) element columns fail."""
    with pytest.raises(MeasureInputError, match=fragment):
        tally_from_csv(lines)


def test_tally_from_csv_requested_codes_must_be_present() -> None:
    """Asking for U1–U9 when the header lacks U9 names the missing column."""
    with pytest.raises(MeasureInputError) as caught:
        tally_from_csv(["U1,U2\n", "1,2\n"], codes=ELEMENT_CODES)
    assert caught.value.column == "U3"


def test_tally_from_csv_header_only_has_no_result() -> None:
    """A header without rows reads as zero responses; the result refuses it."""
    tally = tally_from_csv(io.StringIO("U1,U2\n"))
    assert tally.responses == 0
    with pytest.raises(MeasureInputError):
        skm_result(tally)


def _stream(rows: int) -> Iterator[str]:
    pool = _csv(_random_rows(1_000, seed=3))[1:]
    rng = random.Random(4)
    yield ",".join(ELEMENT_CODES) + "\n"
    for _ in range(rows):
        yield pool[rng.randrange(1_000)]


def _peak_memory(rows: int) -> int:
    tracemalloc.start()
    try:
        tally = tally_from_csv(_stream(rows))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert tally.responses == rows
    return peak


def test_tally_from_csv_streams_100_000_rows() -> None:
    """Memory stays at one chunk: 100 000 rows peak like 20 000, far below a list."""
    # given a lazy stream of 20 000 and of 100 000 rows
    # when each is read
    small, large = _peak_memory(20_000), _peak_memory(100_000)
    # then the peak does not grow with the row count; a list of 100 000 parsed rows
    # alone would take well over 10 MB
    assert large < small * 1.25 + 256_000
    assert large < 6_000_000
