"""SKM tallies: answer counts per element, exactly addable for rollups.

PermenPANRB 14/2017, docs/regulations.md §1.3 and D3: an element's NRR divides by the
responses that answered it, so a tally keeps, per element, the counts of answers
1, 2, 3 and 4, plus n, the number of accepted responses (a response that answers
no element is rejected). For the confidence interval (``uncertainty``) a tally
built from raw responses also keeps, for every element pair, plain integer
co-answer sums; all fields are integers, so ``a + b`` is exact and associative.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations

from mutu.measures.errors import MeasureInputError
from mutu.measures.skm_elements import (
    ANSWER_VALUES,
    ELEMENT_CODES,
    check_code,
    element_order,
)


def _check_count(value: object, code: str) -> int:
    if type(value) is not int or value < 0:
        raise MeasureInputError(
            f"jumlah jawaban harus bilangan bulat ≥ 0, bukan {value!r}",
            f"answer counts must be integers ≥ 0, not {value!r}",
            column=code,
        )
    return value


@dataclass(frozen=True, slots=True)
class ElementTally:
    """How many responses answered 1, 2, 3 and 4 to one element."""

    code: str
    counts: tuple[int, int, int, int]

    def __post_init__(self) -> None:
        check_code(self.code)
        if not isinstance(self.counts, tuple) or len(self.counts) != len(ANSWER_VALUES):
            raise MeasureInputError(
                "jumlah jawaban harus 4 bilangan (untuk nilai 1, 2, 3, 4)",
                "answer counts must be 4 numbers (for values 1, 2, 3, 4)",
                column=self.code,
            )
        for value in self.counts:
            _check_count(value, self.code)

    # The three sums below spell out the values 1–4 (ANSWER_VALUES, checked
    # under the class): a national table reads them a hundred thousand times.

    @property
    def answered(self) -> int:
        """Number of responses that answered this element."""
        one, two, three, four = self.counts
        return one + two + three + four

    @property
    def total(self) -> int:
        """Sum of the answer values (Σ nilai persepsi)."""
        one, two, three, four = self.counts
        return one + 2 * two + 3 * three + 4 * four

    @property
    def sum_squares(self) -> int:
        """Sum of the squared answer values (for the variance)."""
        one, two, three, four = self.counts
        return one + 4 * two + 9 * three + 16 * four

    @property
    def nrr(self) -> Fraction:
        """NRR = Σ answers / answered (§1.3); raises if nobody answered."""
        if self.answered == 0:
            raise MeasureInputError(
                "unsur dipakai tetapi tidak ada jawaban; keluarkan unsur ini dari "
                "perhitungan secara eksplisit",
                "element is in use but has no answers; take it out of use explicitly",
                column=self.code,
            )
        return Fraction(self.total, self.answered)

    def __add__(self, other: ElementTally) -> ElementTally:
        if self.code != other.code:
            raise MeasureInputError(
                f"tidak dapat menjumlah {self.code} dengan {other.code}",
                f"cannot add {self.code} to {other.code}",
            )
        a, b = self.counts, other.counts
        return ElementTally(
            self.code, (a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3])
        )


if ANSWER_VALUES != (1, 2, 3, 4):  # pragma: no cover - a guard for a future edit
    raise ImportError("ElementTally's sums spell out the answer values 1-4")


@dataclass(frozen=True, slots=True)
class PairSums:
    """Co-answer sums of two elements ``a`` before ``b``, for the IKM's variance.

    Over the responses that answered both: ``n`` of them, ``sum_a`` = Σ answers to
    ``a``, ``sum_b`` = Σ answers to ``b``, ``sum_ab`` = Σ (answer a × answer b).
    Plain integer sums, so tallies stay exactly addable (see ``uncertainty``).
    """

    a: str
    b: str
    n: int = 0
    sum_a: int = 0
    sum_b: int = 0
    sum_ab: int = 0

    def __post_init__(self) -> None:
        if element_order(self.a) >= element_order(self.b):
            raise MeasureInputError(
                f"pasangan unsur harus berurutan: {self.a}, {self.b}",
                f"element pair must be ordered: {self.a}, {self.b}",
            )
        where = f"{self.a}×{self.b}"
        for value in (self.n, self.sum_a, self.sum_b, self.sum_ab):
            _check_count(value, where)
        n = self.n
        if not (
            n <= self.sum_a <= 4 * n
            and n <= self.sum_b <= 4 * n
            and n <= self.sum_ab <= 16 * n
        ):
            raise MeasureInputError(
                "jumlah pasangan tidak konsisten dengan jawaban 1–4",
                "pair sums are inconsistent with answers 1–4",
                column=where,
            )

    def __add__(self, other: PairSums) -> PairSums:
        if (self.a, self.b) != (other.a, other.b):
            raise MeasureInputError(
                "pasangan unsur berbeda tidak dapat dijumlah",
                "different element pairs cannot be added",
            )
        return PairSums(
            self.a,
            self.b,
            self.n + other.n,
            self.sum_a + other.sum_a,
            self.sum_b + other.sum_b,
            self.sum_ab + other.sum_ab,
        )


@dataclass(frozen=True, slots=True)
class Tally:
    """Answer counts of the elements in use plus the number of responses.

    ``responses`` is n, the number of accepted responses (each answered at least one
    element, D3); an element's ``answered`` may be lower when responses skipped it.
    ``elements`` are in code order (U1, U2, …, U10). ``pairs`` holds the co-answer
    sums of every element pair when the tally was built from raw responses, and is
    ``None`` when only the per-element counts are known (then the confidence
    interval falls back to a conservative bound). Tallies are immutable; ``a + b``
    merges them, so period and unit rollups can be summed.
    """

    responses: int
    elements: tuple[ElementTally, ...]
    pairs: tuple[PairSums, ...] | None = None

    def __post_init__(self) -> None:
        _check_count(self.responses, "n")
        codes = [e.code for e in self.elements]
        orders = [element_order(c) for c in codes]
        if orders != sorted(set(orders)):
            raise MeasureInputError(
                "unsur harus unik dan berurutan (U1, U2, …)",
                "elements must be unique and in order (U1, U2, …)",
            )
        for item in self.elements:
            if item.answered > self.responses:
                raise MeasureInputError(
                    f"{item.answered} jawaban melebihi jumlah responden "
                    f"{self.responses}",
                    f"{item.answered} answers exceed the {self.responses} responses",
                    column=item.code,
                )
        if self.responses > sum(e.answered for e in self.elements):
            raise MeasureInputError(
                "ada responden yang tidak menjawab satu unsur pun (D3)",
                "some responses answer no element at all (D3)",
                column="n",
            )
        if self.pairs is not None:
            expected = list(combinations(codes, 2))
            if [(p.a, p.b) for p in self.pairs] != expected:
                raise MeasureInputError(
                    "pasangan unsur harus lengkap dan berurutan",
                    "element pairs must be complete and in order",
                )
            answered = {e.code: e.answered for e in self.elements}
            for pair in self.pairs:
                if pair.n > min(answered[pair.a], answered[pair.b]):
                    raise MeasureInputError(
                        "jumlah pasangan melebihi jumlah jawaban",
                        "pair count exceeds the answer counts",
                        column=f"{pair.a}×{pair.b}",
                    )

    @classmethod
    def empty(cls) -> Tally:
        """The tally of no responses: the neutral element of ``+``."""
        return cls(0, (), ())

    @classmethod
    def from_counts(
        cls, counts: Mapping[str, Sequence[int]], *, responses: int | None = None
    ) -> Tally:
        """A tally from per-element counts ``{"U1": [n1, n2, n3, n4], …}``.

        ``responses`` defaults to the largest ``answered`` of any element (the
        smallest n consistent with the counts). Pair sums are unknown (``None``).
        """
        items = []
        for code, row in counts.items():
            check_code(code)
            if isinstance(row, str | bytes) or len(row) != len(ANSWER_VALUES):
                raise MeasureInputError(
                    "harus daftar 4 jumlah (untuk nilai 1, 2, 3, 4)",
                    "must be a list of 4 counts (for values 1, 2, 3, 4)",
                    column=code,
                )
            values = tuple(_check_count(v, code) for v in row)
            items.append(
                ElementTally(code, (values[0], values[1], values[2], values[3]))
            )
        items.sort(key=lambda e: element_order(e.code))
        if responses is None:
            responses = max((e.answered for e in items), default=0)
        return cls(responses, tuple(items), None)

    @property
    def codes(self) -> tuple[str, ...]:
        """The element codes in use, in order."""
        return tuple(e.code for e in self.elements)

    def element(self, code: str) -> ElementTally:
        """The counts of one element; raises ``MeasureInputError`` if not in use."""
        for item in self.elements:
            if item.code == code:
                return item
        raise MeasureInputError(
            "unsur tidak dipakai dalam tally ini",
            "element is not in use in this tally",
            column=code,
        )

    def pair(self, a: str, b: str) -> PairSums | None:
        """The co-answer sums of ``a`` and ``b`` (any order), or ``None``."""
        if self.pairs is None:
            return None
        if element_order(a) > element_order(b):
            a, b = b, a
        for pair in self.pairs:
            if pair.a == a and pair.b == b:
                return pair
        return None

    def as_dict(self) -> dict[str, list[int]]:
        """``{"U1": [n1, n2, n3, n4], …}``, the JSON tally format."""
        return {e.code: list(e.counts) for e in self.elements}

    def __add__(self, other: Tally) -> Tally:
        mine = {e.code: e for e in self.elements}
        theirs = {e.code: e for e in other.elements}
        codes = sorted(set(mine) | set(theirs), key=element_order)
        elements = tuple(
            mine[c] + theirs[c]
            if c in mine and c in theirs
            else (mine.get(c) or theirs[c])
            for c in codes
        )
        pairs: tuple[PairSums, ...] | None = None
        if self.pairs is not None and other.pairs is not None:
            merged = []
            for a, b in combinations(codes, 2):
                total = PairSums(a, b)
                for side in (self, other):
                    found = side.pair(a, b)
                    if found is not None:
                        total = total + found
                merged.append(total)
            pairs = tuple(merged)
        return Tally(self.responses + other.responses, elements, pairs)

    def __radd__(self, other: int) -> Tally:
        # Lets ``sum(tallies)`` work without a start value.
        if other == 0:
            return self
        return NotImplemented


def _answer_error(value: object, row: int, code: str) -> MeasureInputError:
    return MeasureInputError(
        f"nilai {value!r} tidak valid; harus 1, 2, 3, 4 atau kosong",
        f"invalid value {value!r}; must be 1, 2, 3, 4 or empty",
        row=row,
        column=code,
    )


def tally_from_patterns(
    patterns: Mapping[tuple[int, ...], int], codes: Sequence[str]
) -> Tally:
    """A tally (with pair sums) from counted answer patterns.

    Each key has one value per code, 0 for "not answered"; each value says how many
    responses had that pattern. Patterns are assumed valid (values 0–4, at least one
    answer); use :func:`tally_from_responses` for unchecked input.
    """
    k = len(codes)
    counts = [[0, 0, 0, 0] for _ in range(k)]
    index_pairs = list(combinations(range(k), 2))
    sums = [[0, 0, 0, 0] for _ in index_pairs]
    responses = 0
    for pattern, times in patterns.items():
        responses += times
        for i, value in enumerate(pattern):
            if value:
                counts[i][value - 1] += times
        for p, (i, j) in enumerate(index_pairs):
            x, y = pattern[i], pattern[j]
            if x and y:
                acc = sums[p]
                acc[0] += times
                acc[1] += x * times
                acc[2] += y * times
                acc[3] += x * y * times
    order = sorted(range(k), key=lambda i: element_order(codes[i]))
    if order != list(range(k)):
        raise MeasureInputError(
            "kode unsur harus berurutan (U1, U2, …)",
            "element codes must be in order (U1, U2, …)",
        )
    elements = tuple(
        ElementTally(codes[i], (c[0], c[1], c[2], c[3])) for i, c in enumerate(counts)
    )
    pairs = tuple(
        PairSums(codes[i], codes[j], s[0], s[1], s[2], s[3])
        for (i, j), s in zip(index_pairs, sums, strict=True)
    )
    return Tally(responses, elements, pairs)


def tally_from_responses(
    responses: Iterable[Mapping[str, int | None]],
    *,
    codes: Sequence[str] = ELEMENT_CODES,
) -> Tally:
    """Count raw responses ``{"U1": 4, "U2": None, …}`` into a :class:`Tally`.

    ``codes`` are the elements in use (default the standard nine, in order). A
    missing key or ``None`` means "not answered". Raises :class:`MeasureInputError`
    naming the 1-based response number and element for an unknown element, a value
    other than the integers 1–4, or a response with no answer at all (D3).
    """
    codes = tuple(sorted(dict.fromkeys(codes), key=element_order))
    position = {code: i for i, code in enumerate(codes)}
    patterns: Counter[tuple[int, ...]] = Counter()
    empty = [0] * len(codes)
    row = 0
    for row, response in enumerate(responses, start=1):
        values = empty.copy()
        for code, value in response.items():
            i = position.get(code)
            if i is None:
                raise MeasureInputError(
                    "unsur tidak dipakai atau tidak dikenal",
                    "element not in use or unknown",
                    row=row,
                    column=str(code),
                )
            if value is None:
                continue
            if type(value) is not int or not 1 <= value <= 4:
                raise _answer_error(value, row, code)
            values[i] = value
        if values == empty:
            raise MeasureInputError(
                "responden tidak menjawab satu unsur pun; respons ditolak (D3)",
                "the response answers no element; it is rejected (D3)",
                row=row,
            )
        patterns[tuple(values)] += 1
    return tally_from_patterns(patterns, codes)


def tally_from_json_data(data: object) -> Tally:
    """A tally from parsed JSON ``{"n": 29, "U1": [n1, n2, n3, n4], …}``.

    ``n`` (number of responses) is optional and defaults to the largest answered
    count of any element; pair sums are unknown. Raises :class:`MeasureInputError`
    naming the key for any other shape.
    """
    if not isinstance(data, dict) or not data:
        raise MeasureInputError(
            'JSON tally harus berbentuk {"U1": [n1, n2, n3, n4], …}',
            'a JSON tally must look like {"U1": [n1, n2, n3, n4], …}',
        )
    raw_n = data.get("n")
    responses = None if raw_n is None else _check_count(raw_n, "n")
    counts: dict[str, Sequence[int]] = {}
    for key, value in data.items():
        if key == "n":
            continue
        check_code(key)
        if not isinstance(value, list):
            raise MeasureInputError(
                "harus daftar 4 jumlah (untuk nilai 1, 2, 3, 4)",
                "must be a list of 4 counts (for values 1, 2, 3, 4)",
                column=key,
            )
        counts[key] = value
    return Tally.from_counts(counts, responses=responses)
