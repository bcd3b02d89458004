"""PEKPPP evaluation: aspect values, evaluator index (F-02), user index (F-03), IPP.

PermenPANRB 29/2022 (2022+) and 17/2017 as recorded in docs/regulations.md §2.4 and
decisions D6–D8; every weight comes from the instrument file (``instrument``):

* indicator score sᵢ: an integer on the instrument's scale (0–5);
* aspect value Aₐ = Σᵢ (wₐᵢ / 100)·sᵢ with the intra-aspect weights as given (an
  aspect whose weights the regulation lists as summing to 99,9 is not renormalised);
* evaluator index F02 = Σₐ (Wₐ / 100)·Aₐ over scored aspects;
* user index F03 = mean over respondents of each respondent's mean item score, each
  score on the scale of the instrument's user form (``user_assessment``, 0–5);
* IPP = evaluator_weight·F02 + user_weight·F03 (0,75 and 0,25 in PEKPPP 2022) when
  at least ``user_min_respondents`` (10) respondents answered, else IPP = F02 and the
  result says so (``user_index_used`` is ``False`` with a reason, D6);
* predicate: the IPP rounded half-up to 2 decimals against the instrument's table
  (D7, ``predicates``).

A missing scored indicator is an error unless ``allow_missing=True``; it then counts
as 0 and is listed in ``missing``. Unscored indicators (Q31 "Informasi Tambahan") are
optional and never change the index. All arithmetic is exact (``Fraction``).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from mutu.measures.errors import MeasureInputError
from mutu.measures.instrument import (
    Combination,
    Indicator,
    Instrument,
    list_instruments,
    load_instrument,
)
from mutu.measures.predicates import Band
from mutu.measures.rounding import format_en, format_id

__all__ = [
    "AspectResult",
    "EvaluationResult",
    "evaluate",
    "evaluation_input_from_json",
    "index_basis",
    "list_instruments",
    "load_instrument",
    "scores_from_csv",
]

_INTEGER_RE = re.compile(r"[+-]?\d+\Z")


@dataclass(frozen=True, slots=True)
class AspectResult:
    """An aspect's value Aₐ (0–5, exact) with its weight in % of the index."""

    code: str
    name: str
    name_en: str
    weight: Fraction
    scored: bool
    value: Fraction

    def label(self, lang: str = "id") -> str:
        """The aspect name in ``"id"`` (default) or ``"en"``."""
        return self.name_en if lang == "en" else self.name


@dataclass(frozen=True, slots=True)
class EvaluationResult:
    """The outcome of one evaluation, exact; see the module docstring.

    ``user_index`` is ``None`` when no user scores were given or too few
    respondents (then ``user_index_used`` is ``False``); ``basis_id``/``basis_en``
    say how the index was formed, and must be shown with it. ``scores`` maps every
    indicator number to the score used (0 for a missing one).
    """

    instrument_id: str
    aspects: tuple[AspectResult, ...]
    scores: tuple[tuple[str, int], ...]
    evaluator_index: Fraction
    user_index: Fraction | None
    user_respondents: int
    user_index_used: bool
    index: Fraction
    predicate: Band
    missing: tuple[str, ...]
    basis_id: str
    basis_en: str
    notes: tuple[tuple[str, str], ...]

    def basis(self, lang: str = "id") -> str:
        """How the index was formed, in ``"id"`` (default) or ``"en"``."""
        return self.basis_en if lang == "en" else self.basis_id


def _score(value: object, key: str, low: int, high: int, row: int | None) -> int:
    if type(value) is not int or not low <= value <= high:
        raise MeasureInputError(
            f"nilai {value!r} tidak valid; harus bilangan bulat {low}–{high}",
            f"invalid score {value!r}; must be an integer {low}–{high}",
            row=row,
            column=key,
        )
    return value


def _resolve_scores(
    instrument: Instrument, scores: Mapping[str, object]
) -> dict[str, int]:
    resolved: dict[str, int] = {}
    for key, value in scores.items():
        item = instrument.indicator(str(key))
        if item.number in resolved:
            raise MeasureInputError(
                f"indikator {item.number} diberi nilai dua kali",
                f"indicator {item.number} is scored twice",
                column=str(key),
            )
        resolved[item.number] = _score(
            value, str(key), instrument.scale_min, instrument.scale_max, None
        )
    return resolved


def _user_index(
    instrument: Instrument, user_scores: Sequence[Sequence[object]]
) -> Fraction:
    form = instrument.user_assessment
    low, high = (
        (form.scale_min, form.scale_max)
        if form is not None
        else (instrument.scale_min, instrument.scale_max)
    )
    means = []
    for row, answers in enumerate(user_scores, start=1):
        if isinstance(answers, str | bytes) or not isinstance(answers, Sequence):
            raise MeasureInputError(
                "nilai responden harus daftar angka",
                "a respondent's scores must be a list of numbers",
                row=row,
            )
        if not answers:
            raise MeasureInputError(
                "responden tanpa nilai", "respondent without scores", row=row
            )
        values = [
            _score(v, f"item {i}", low, high, row)
            for i, v in enumerate(answers, start=1)
        ]
        means.append(Fraction(sum(values), len(values)))
    return sum(means, Fraction(0)) / len(means)


def _scored(item: Indicator, instrument: Instrument) -> bool:
    for aspect in instrument.aspects:
        if aspect.code == item.aspect:
            return aspect.scored and aspect.weight > 0 and item.weight > 0
    return False


def index_basis(
    combination: Combination, *, respondents: int, used: bool
) -> tuple[str, str]:
    """How an IPP was formed, in Indonesian and in English (D6): with the weights of
    *combination* when the user index was *used* (from *respondents* F-03 answers),
    else why it was not. Stored results keep the Indonesian text; a page in English
    rebuilds the English one from the same three facts."""
    ew, uw = combination.evaluator_weight, combination.user_weight
    minimum = combination.user_min_respondents
    if used:
        return (
            f"IPP = {format_id(ew)} × F-02 + {format_id(uw)} × F-03 "
            f"({respondents} responden; D6)",
            f"IPP = {format_en(ew)} × F-02 + {format_en(uw)} × F-03 "
            f"({respondents} respondents; D6)",
        )
    if uw == 0:
        return (
            "IPP = F-02 saja: instrumen ini tidak memakai penilaian pengguna",
            "IPP = F-02 only: this instrument does not use user scores",
        )
    if not respondents:
        return (
            "IPP = F-02 saja: tidak ada penilaian pengguna (F-03) (D6)",
            "IPP = F-02 only: there is no user assessment (F-03) (D6)",
        )
    return (
        f"IPP = F-02 saja: penilaian pengguna (F-03) dari {respondents} "
        f"responden, kurang dari minimum {minimum} (D6)",
        f"IPP = F-02 only: the user assessment (F-03) has {respondents} "
        f"respondents, fewer than the minimum {minimum} (D6)",
    )


def evaluate(
    instrument: Instrument,
    scores: Mapping[str, object],
    *,
    user_scores: Sequence[Sequence[object]] | None = None,
    allow_missing: bool = False,
) -> EvaluationResult:
    """Compute aspect values, F-02, F-03, the IPP and its predicate (§2.4, D6, D7).

    ``scores`` maps indicator numbers (``"Q1"``) or unambiguous codes to integer
    scores; ``user_scores`` lists each respondent's F-03 item scores. Raises
    :class:`MeasureInputError` for an unknown or ambiguous indicator, an indicator
    scored twice, a score that is not an integer on the scale, an empty respondent,
    or a missing scored indicator (unless ``allow_missing``).
    """
    if instrument.kind != "pekppp" or instrument.combination is None:
        raise MeasureInputError(
            f"instrumen {instrument.id} bukan instrumen evaluasi PEKPPP",
            f"instrument {instrument.id} is not a PEKPPP evaluation instrument",
            column="instrument",
        )
    resolved = _resolve_scores(instrument, scores)
    missing = tuple(
        item.number
        for item in instrument.indicators
        if item.number not in resolved and _scored(item, instrument)
    )
    if missing and not allow_missing:
        raise MeasureInputError(
            f"indikator belum dinilai: {', '.join(missing)}",
            f"indicators without a score: {', '.join(missing)}",
            column=missing[0],
        )
    aspects = []
    for aspect in instrument.aspects:
        value = sum(
            (
                item.weight / 100 * resolved.get(item.number, 0)
                for item in aspect.indicators
            ),
            Fraction(0),
        )
        aspects.append(
            AspectResult(
                aspect.code,
                aspect.name,
                aspect.name_en,
                aspect.weight,
                aspect.scored,
                value,
            )
        )
    evaluator = sum(
        (a.weight / 100 * a.value for a in aspects if a.scored), Fraction(0)
    )
    combination = instrument.combination
    respondents = 0 if user_scores is None else len(user_scores)
    user: Fraction | None = None
    notes: list[tuple[str, str]] = []
    if user_scores:
        user = _user_index(instrument, user_scores)
    minimum = combination.user_min_respondents
    maximum = combination.user_max_respondents
    ew, uw = combination.evaluator_weight, combination.user_weight
    if user is not None and uw > 0 and minimum is not None and respondents >= minimum:
        index = ew * evaluator + uw * user
        used = True
    else:
        index = evaluator
        used = False
    basis_id, basis_en = index_basis(combination, respondents=respondents, used=used)
    if used and maximum is not None and respondents > maximum:
        notes.append(
            (
                f"{respondents} responden F-03 melebihi pedoman maksimum {maximum}",
                f"{respondents} F-03 respondents exceed the guideline maximum "
                f"{maximum}",
            )
        )
    if instrument.has_placeholders:
        notes.append(
            (
                f"instrumen {instrument.id} memuat indikator/bobot placeholder; "
                "hasil hanya indikatif",
                f"instrument {instrument.id} has placeholder indicators/weights; "
                "the result is indicative only",
            )
        )
    return EvaluationResult(
        instrument_id=instrument.id,
        aspects=tuple(aspects),
        scores=tuple(
            (i.number, resolved.get(i.number, 0)) for i in instrument.indicators
        ),
        evaluator_index=evaluator,
        user_index=user if used else None,
        user_respondents=respondents,
        user_index_used=used,
        index=index,
        predicate=instrument.predicates.classify(index),
        missing=missing,
        basis_id=basis_id,
        basis_en=basis_en,
        notes=tuple(notes),
    )


def evaluation_input_from_json(
    data: object,
) -> tuple[dict[str, object], list[Sequence[object]] | None]:
    """Split ``{"indicators": {...}, "user_scores": [[...], ...]}`` into its parts.

    Raises :class:`MeasureInputError` when the shape is wrong; scores themselves are
    checked by :func:`evaluate`.
    """
    if not isinstance(data, dict) or not isinstance(data.get("indicators"), dict):
        raise MeasureInputError(
            'JSON harus berbentuk {"indicators": {"Q1": 4, ...}, "user_scores": [...]}',
            'the JSON must look like {"indicators": {"Q1": 4, ...}, '
            '"user_scores": [...]}',
            column="indicators",
        )
    unknown = sorted(set(data) - {"indicators", "user_scores"})
    if unknown:
        raise MeasureInputError(
            f"kunci tidak dikenal: {', '.join(unknown)}",
            f"unknown keys: {', '.join(unknown)}",
            column=unknown[0],
        )
    users = data.get("user_scores")
    if users is not None and not isinstance(users, list):
        raise MeasureInputError(
            "user_scores harus daftar berisi daftar nilai per responden",
            "user_scores must be a list of per-respondent score lists",
            column="user_scores",
        )
    return dict(data["indicators"]), users


def scores_from_csv(
    lines: Iterable[str], *, instrument: Instrument | None = None
) -> dict[str, int]:
    """Read ``indicator,score`` CSV lines into ``{indicator: score}``.

    Raises :class:`MeasureInputError` for an empty input, a different header, a
    short row, a score that is not an integer, or an indicator given twice — naming
    the 1-based data row and column. With ``instrument`` each row's indicator and
    score range are checked here too, so those errors also name the row.
    """
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None:
        raise MeasureInputError(
            "berkas kosong: tidak ada header", "empty file: there is no header"
        )
    names = [cell.strip().lstrip("\ufeff").strip().lower() for cell in header]
    if names[:2] != ["indicator", "score"]:
        raise MeasureInputError(
            "header harus 'indicator,score'",
            "the header must be 'indicator,score'",
            column=",".join(header),
        )
    scores: dict[str, int] = {}
    for row, cells in enumerate(reader, start=1):
        if not cells or not any(cell.strip() for cell in cells):
            continue
        if len(cells) < 2 or not cells[0].strip():
            raise MeasureInputError(
                "baris harus berisi indikator dan nilai",
                "the row must hold an indicator and a score",
                row=row,
            )
        key, raw = cells[0].strip(), cells[1].strip()
        if not _INTEGER_RE.match(raw):
            raise MeasureInputError(
                f"nilai {raw!r} bukan bilangan bulat",
                f"score {raw!r} is not an integer",
                row=row,
                column="score",
            )
        if key in scores:
            raise MeasureInputError(
                "indikator muncul dua kali",
                "the indicator appears twice",
                row=row,
                column=key,
            )
        value = int(raw)
        if instrument is not None:
            try:
                instrument.indicator(key)
            except MeasureInputError as error:
                raise MeasureInputError(
                    error.detail_id, error.detail_en, row=row, column=error.column
                ) from None
            _score(value, key, instrument.scale_min, instrument.scale_max, row)
        scores[key] = value
    return scores
