"""Streaming CSV reader of raw SKM responses into a :class:`~mutu.measures.tally.Tally`.

Input: a header row naming the element columns ``U1`` … ``U9`` (any order, any case,
other columns such as a respondent id or "Kritik dan Saran" are ignored), then one
row per response with answers ``1``–``4`` or an empty cell for "not answered"
(PermenPANRB 14/2017, docs/regulations.md §1.2, D3, D4). The delimiter (``,``, ``;`` or
tab) is taken from the header line; a UTF-8 byte-order mark is ignored.

Speed: the reader never converts a cell on its own. It reads chunks of rows,
transposes them and counts the raw strings of each column with ``Counter`` (C code),
checking only the few distinct strings per chunk. For the co-answer sums of each
element pair it packs a column into one byte per row (0 = empty, 1–4 = answer),
reads those bytes as one big integer, and adds column a + 5 × column b so each byte
holds a + 5b (≤ 24, so no carries); ``bytes.count`` then yields the joint counts.
Only when a chunk holds something unusual (a bad value, padding spaces, a blank or
short line, a response with no answer) is that chunk, still in memory, walked row by
row, which either tolerates it or raises naming the row and column. Memory stays at
one chunk whatever the file size.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain, combinations, islice
from operator import itemgetter

from mutu.measures.errors import MeasureInputError
from mutu.measures.skm_elements import check_code, element_order
from mutu.measures.tally import ElementTally, PairSums, Tally, tally_from_patterns

__all__ = ["tally_from_csv"]

_CANONICAL = frozenset({"", "1", "2", "3", "4"})
_VALUE = {"": 0, "1": 1, "2": 2, "3": 3, "4": 4}
_LANE = {"": "0", "1": "1", "2": "2", "3": "3", "4": "4"}
# Byte value a + 5b for answers a, b in 1..4, with its (a, b).
_JOINT = tuple((a + 5 * b, a, b) for a in range(1, 5) for b in range(1, 5))
_JOINT_BYTES = tuple(bytes([code]) for code, _, _ in _JOINT)


def _sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _header_codes(
    header: list[str], codes: Sequence[str] | None
) -> tuple[tuple[str, ...], tuple[int, ...]]:
    names = [cell.strip().lstrip("\ufeff").strip().upper() for cell in header]
    found: dict[str, int] = {}
    for position, name in enumerate(names):
        if not name.startswith("U") or not name[1:].isdigit():
            continue
        check_code(name)
        if name in found:
            raise MeasureInputError(
                "kolom unsur muncul dua kali di header",
                "element column appears twice in the header",
                column=name,
            )
        found[name] = position
    if codes is None:
        wanted = sorted(found, key=element_order)
        if not wanted:
            raise MeasureInputError(
                "header tidak memuat kolom unsur U1…U9",
                "the header has no element columns U1…U9",
            )
    else:
        wanted = sorted(dict.fromkeys(codes), key=element_order)
        missing = [c for c in wanted if c not in found]
        if missing:
            raise MeasureInputError(
                f"header tidak memuat kolom {', '.join(missing)}",
                f"the header lacks column(s) {', '.join(missing)}",
                column=missing[0],
            )
    return tuple(wanted), tuple(found[c] for c in wanted)


class _Accumulator:
    """Per-element value counts and per-pair joint counts of the fast path."""

    def __init__(self, k: int) -> None:
        self.k = k
        self.responses = 0
        self.values = [[0, 0, 0, 0, 0] for _ in range(k)]  # empty, 1, 2, 3, 4
        self.pairs = list(combinations(range(k), 2))
        self.joint = [[0] * len(_JOINT) for _ in self.pairs]
        self.zero_lanes: dict[int, int] = {}

    def _lanes(self, column: Sequence[str], has_empty: bool, size: int) -> int:
        text = "".join(map(_LANE.__getitem__, column)) if has_empty else "".join(column)
        zero = self.zero_lanes.get(size)
        if zero is None:
            zero = self.zero_lanes[size] = int.from_bytes(b"0" * size, "little")
        return int.from_bytes(text.encode("ascii"), "little") - zero

    def add_chunk(self, rows: Sequence[Sequence[str]], width: int) -> bool:
        """Count a chunk of projected rows; ``False`` if it needs the slow path."""
        columns = list(zip(*rows, strict=False))
        if len(columns) != width:
            return False
        counters = [Counter(column) for column in columns]
        for counter in counters:
            if not counter.keys() <= _CANONICAL:
                return False
        if all(counter[""] for counter in counters):
            empty: Sequence[str] = [""] * width
            if not isinstance(rows[0], list):
                empty = tuple(empty)
            if empty in rows:
                return False
        size = len(rows)
        self.responses += size
        for totals, counter in zip(self.values, counters, strict=True):
            for value, index in _VALUE.items():
                totals[index] += counter[value]
        if len(columns) > 1:
            lanes = [
                self._lanes(column, bool(counter[""]), size)
                for column, counter in zip(columns, counters, strict=True)
            ]
            for (i, j), joint in zip(self.pairs, self.joint, strict=True):
                combined = (lanes[i] + 5 * lanes[j]).to_bytes(size, "little")
                for index, code in enumerate(_JOINT_BYTES):
                    joint[index] += combined.count(code)
        return True

    def tally(self, codes: tuple[str, ...]) -> Tally:
        """The tally of every chunk counted so far."""
        elements = tuple(
            ElementTally(code, (v[1], v[2], v[3], v[4]))
            for code, v in zip(codes, self.values, strict=True)
        )
        pair_sums = []
        for (i, j), joint in zip(self.pairs, self.joint, strict=True):
            n = sum_a = sum_b = sum_ab = 0
            for (_, a, b), times in zip(_JOINT, joint, strict=True):
                n += times
                sum_a += a * times
                sum_b += b * times
                sum_ab += a * b * times
            pair_sums.append(PairSums(codes[i], codes[j], n, sum_a, sum_b, sum_ab))
        return Tally(self.responses, elements, tuple(pair_sums))


def _slow_chunk(
    rows: Sequence[Sequence[str]],
    first_row: int,
    width: int,
    positions: tuple[int, ...],
    codes: tuple[str, ...],
) -> Tally:
    """Walk a chunk row by row: tolerate blank lines and padding, or raise."""
    patterns: Counter[tuple[int, ...]] = Counter()
    for offset, row in enumerate(rows):
        number = first_row + offset
        if not row:
            continue  # a blank line is not a response
        if len(row) != width:
            raise MeasureInputError(
                f"baris memiliki {len(row)} kolom, header memiliki {width}",
                f"the row has {len(row)} columns, the header has {width}",
                row=number,
            )
        values = []
        for code, position in zip(codes, positions, strict=True):
            raw = row[position]
            value = _VALUE.get(raw)
            if value is None:
                value = _VALUE.get(raw.strip())
            if value is None:
                raise MeasureInputError(
                    f"nilai {raw!r} tidak valid; harus 1, 2, 3, 4 atau kosong",
                    f"invalid value {raw!r}; must be 1, 2, 3, 4 or empty",
                    row=number,
                    column=code,
                )
            values.append(value)
        if not any(values):
            raise MeasureInputError(
                "responden tidak menjawab satu unsur pun; respons ditolak (D3)",
                "the response answers no element; it is rejected (D3)",
                row=number,
            )
        patterns[tuple(values)] += 1
    return tally_from_patterns(patterns, codes)


def tally_from_csv(
    lines: Iterable[str],
    *,
    codes: Sequence[str] | None = None,
    chunk_rows: int = 8192,
) -> Tally:
    """Read raw responses from CSV text lines into a tally, streaming.

    ``lines`` is a text file opened with ``newline=""`` or any iterable of lines.
    ``codes`` are the elements in use; by default every element column of the
    header. Raises :class:`MeasureInputError` for an empty input, a header without
    element columns (or without a requested one), a row of the wrong length, a value
    other than 1–4 or empty (naming the 1-based data row and the column), or a row
    that answers no element (D3). Blank lines are skipped.
    """
    iterator: Iterator[str] = iter(lines)
    first = next(iterator, None)
    if first is None or not first.strip():
        raise MeasureInputError(
            "berkas kosong: tidak ada header", "empty file: there is no header"
        )
    reader = csv.reader(chain([first], iterator), delimiter=_sniff_delimiter(first))
    header = next(reader)
    wanted, positions = _header_codes(header, codes)
    width, k = len(header), len(wanted)
    identity = width == k and positions == tuple(range(k))
    getter = itemgetter(*positions)
    accumulator = _Accumulator(k)
    slow: list[Tally] = []
    first_row = 1
    while True:
        chunk = list(islice(reader, chunk_rows))
        if not chunk:
            break
        rows: Sequence[Sequence[str]] | None = None
        if set(map(len, chunk)) == {width}:
            if identity:
                rows = chunk
            elif k == 1:
                rows = [(value,) for value in map(getter, chunk)]
            else:
                rows = list(map(getter, chunk))
        if rows is None or not accumulator.add_chunk(rows, k):
            slow.append(_slow_chunk(chunk, first_row, width, positions, wanted))
        first_row += len(chunk)
    total = accumulator.tally(wanted)
    for part in slow:
        total = total + part
    return total
