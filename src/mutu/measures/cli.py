"""``mutu measure``: SKM, sample size and PEKPPP evaluation from the command line.

A thin interface (STYLE.md §5): parse arguments and files, call ``mutu.measures``,
render. Runs without Django (``python -m mutu.measures.cli``). Subcommands::

    mutu measure skm FILE [--json] [--legacy-weight 0.111|0.11] [--lang id|en]
    mutu measure sample-size POPULATION [--collected N] [--json]
    mutu measure evaluation [--instrument pekppp-2022] FILE [--allow-missing] [--json]
    mutu measure instruments [--json]   (shipped files only, with sha256; D19)

``skm`` reads a CSV of raw responses (``.csv``) or JSON tallies (``.json``,
``{"n": 29, "U1": [n1, n2, n3, n4], …}``); without either extension a first
character ``{`` means JSON. ``-`` reads standard input.

JSON numbers are floats rounded half-up: 4 decimals for NRRs, IKM, aspect values,
F-02, F-03 and the margin of error (a proportion: 0.0512 = ±5,12 points); 2 decimals
for the converted IKM, its interval and the IPP — the values that are classified
(D1, D2, D7). Exact values are available from the library, not from the CLI.

Bad input prints one line to standard error, Indonesian then English after
``" / "``, naming the row and column where there is one, and exits with status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from fractions import Fraction
from itertools import chain
from pathlib import Path
from typing import IO, NoReturn

from mutu.measures.errors import MeasureInputError
from mutu.measures.evaluation import (
    EvaluationResult,
    evaluate,
    evaluation_input_from_json,
    scores_from_csv,
)
from mutu.measures.instrument import (
    DEFAULT_PEKPPP_INSTRUMENT,
    list_instruments,
    load_instrument,
    shipped_checksum,
)
from mutu.measures.rounding import format_number, round_half_up
from mutu.measures.sampling import margin_of_error, meets, required_sample
from mutu.measures.skm import SkmResult, skm_result
from mutu.measures.skm_csv import tally_from_csv
from mutu.measures.tally import Tally, tally_from_json_data
from mutu.measures.uncertainty import grade_uncertainty, skm_uncertainty

PROG = "mutu measure"
EXIT_BAD_INPUT = 2


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _UsageError(message)


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def _dump(data: object) -> None:
    _out(json.dumps(data, ensure_ascii=False, indent=2))


def _exact(value: Fraction | Decimal | int, places: int) -> float:
    return float(round_half_up(value, places))


def _approx(value: float, places: int) -> float | None:
    if value != value or value in (float("inf"), float("-inf")):
        return None
    return float(round_half_up(Decimal(repr(value)), places))


def _num(value: Fraction | Decimal | int | float, places: int, lang: str) -> str:
    exact = Decimal(repr(value)) if isinstance(value, float) else value
    return format_number(exact, places, lang=lang)


@contextmanager
def _open_text(name: str) -> Iterator[IO[str]]:
    """Open ``name`` (stdin for ``-``) as UTF-8 text; OS errors become input errors."""
    if name == "-":
        yield sys.stdin
        return
    path = Path(name)
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise MeasureInputError(
            f"berkas tidak ditemukan: {name}", f"file not found: {name}"
        ) from None
    except OSError as error:
        raise MeasureInputError(
            f"berkas tidak dapat dibuka: {name} ({type(error).__name__})",
            f"cannot open file: {name} ({type(error).__name__})",
        ) from None
    with handle:
        try:
            yield handle
        except UnicodeDecodeError:
            raise MeasureInputError(
                f"berkas {name} bukan teks UTF-8", f"file {name} is not UTF-8 text"
            ) from None
        except IsADirectoryError:
            raise MeasureInputError(
                f"{name} adalah direktori, bukan berkas",
                f"{name} is a directory, not a file",
            ) from None


def _parse_json(text: str, name: str) -> object:
    if not text.strip():
        raise MeasureInputError(f"berkas kosong: {name}", f"empty file: {name}")
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as error:
        raise MeasureInputError(
            f"JSON tidak valid ({error.msg})",
            f"invalid JSON ({error.msg})",
            row=error.lineno,
            column=str(error.colno),
        ) from None


def _kind(name: str, first_line: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix in (".json", ".csv"):
        return suffix[1:]
    return "json" if first_line.lstrip().startswith("{") else "csv"


def _read_tally(name: str) -> Tally:
    with _open_text(name) as handle:
        first = handle.readline()
        if _kind(name, first) == "json":
            return tally_from_json_data(_parse_json(first + handle.read(), name))
        return tally_from_csv(chain([first], handle))


_SKM_TEXT: dict[str, dict[str, str]] = {
    "id": {
        "title": "SKM — nilai rata-rata per unsur (NRR)",
        "head": "Unsur|Nama|Jawaban|NRR",
        "ikm": "IKM (1–4)",
        "converted": "IKM konversi (25–100)",
        "grade": "Mutu pelayanan",
        "n": "Jumlah responden (n)",
        "ci": "Interval kepercayaan 95 %",
        "covariance": "metode: kovarians antar-unsur",
        "conservative": "metode: batas konservatif, tanpa data per responden",
        "risk": "Peluang mutu sebenarnya berbeda",
        "weakest": "Unsur terlemah",
        "note": "Catatan",
        "weight": "Bobot per unsur",
    },
    "en": {
        "title": "SKM — mean score per element (NRR)",
        "head": "Element|Name|Answers|NRR",
        "ikm": "IKM (1–4)",
        "converted": "Converted IKM (25–100)",
        "grade": "Service quality",
        "n": "Responses (n)",
        "ci": "95 % confidence interval",
        "covariance": "method: cross-element covariance",
        "conservative": "method: conservative bound, no per-response data",
        "risk": "Chance the true grade differs",
        "weakest": "Weakest elements",
        "note": "Note",
        "weight": "Weight per element",
    },
}


def _weight_text(result: SkmResult, lang: str) -> str:
    if result.legacy_weight is None:
        return f"1/{len(result.elements)}"
    text = str(result.legacy_weight)
    return text if lang == "en" else text.replace(".", ",")


def _skm_json(result: SkmResult, lang: str) -> dict[str, object]:
    spread = skm_uncertainty(result)
    elements: dict[str, object] = {}
    for item in result.elements:
        interval = spread.element(item.code)
        elements[item.code] = {
            "name": item.name(lang),
            "answered": item.answered,
            "nrr": _exact(item.nrr, 4),
            "weighted_nrr": _exact(item.weighted_nrr, 4),
            "ci95": [_approx(interval.low, 4), _approx(interval.high, 4)],
        }
    return {
        "elements": elements,
        "ikm": _exact(result.ikm, 4),
        "ikm_converted": _exact(result.ikm_converted, 2),
        "grade": result.grade.letter,
        "grade_label": result.grade.label(lang),
        "n": result.n,
        "ci95": [_approx(spread.ci95.low, 2), _approx(spread.ci95.high, 2)],
        "ci_method": spread.method,
        "grade_change_probability": _approx(grade_uncertainty(result), 4),
        "weight": _weight_text(result, "en"),
        "legacy_weight": None
        if result.legacy_weight is None
        else float(result.legacy_weight),
        "weight_note": result.weight_note(lang),
        "weakest": list(result.weakest),
    }


def _skm_text(result: SkmResult, lang: str) -> None:
    t = _SKM_TEXT[lang]
    spread = skm_uncertainty(result)
    width = max(len(item.name(lang)) for item in result.elements)
    head = t["head"].split("|")
    _out(t["title"])
    _out(f"{head[0]:<7} {head[1]:<{width}} {head[2]:>8} {head[3]:>8}")
    for item in result.elements:
        _out(
            f"{item.code:<7} {item.name(lang):<{width}} {item.answered:>8} "
            f"{_num(item.nrr, 4, lang):>8}"
        )
    _out()
    rows = [
        (t["weight"], _weight_text(result, lang)),
        (t["ikm"], _num(result.ikm, 4, lang)),
        (t["converted"], _num(result.ikm_converted, 2, lang)),
        (t["grade"], f"{result.grade.letter} ({result.grade.label(lang)})"),
        (t["n"], str(result.n)),
        (
            t["ci"],
            f"{_num(spread.ci95.low, 2, lang)} – {_num(spread.ci95.high, 2, lang)} "
            f"({t[spread.method]})",
        ),
        (t["risk"], f"{_num(100 * grade_uncertainty(result), 1, lang)} %"),
        (t["weakest"], ", ".join(result.weakest)),
    ]
    note = result.weight_note(lang)
    if note is not None:
        rows.append((t["note"], note))
    label_width = max(len(label) for label, _ in rows)
    for label, value in rows:
        _out(f"{label:<{label_width}} : {value}")


def _cmd_skm(args: argparse.Namespace) -> int:
    legacy = None if args.legacy_weight is None else Decimal(args.legacy_weight)
    result = skm_result(_read_tally(args.file), legacy_weight=legacy)
    if args.json:
        _dump(_skm_json(result, args.lang))
    else:
        _skm_text(result, args.lang)
    return 0


def _cmd_sample_size(args: argparse.Namespace) -> int:
    population: int = args.population
    collected: int | None = args.collected
    required = required_sample(population)
    enough = None if collected is None else meets(population, collected)
    margin = (
        None
        if not collected
        else margin_of_error(population, collected)  # collected 0 has no margin
    )
    if args.json:
        _dump(
            {
                "population": population,
                "required": required,
                "collected": collected,
                "meets": enough,
                "margin_of_error": None if margin is None else _approx(margin, 4),
            }
        )
        return 0
    en = args.lang == "en"
    group = "," if en else "."
    _out(
        f"{'Population (N)' if en else 'Populasi (N)'}: {population:,}".replace(
            ",", group
        )
    )
    _out(
        f"{'Required sample' if en else 'Sampel minimal'} "
        f"(Krejcie & Morgan, D5): {required}"
    )
    if collected is not None:
        verdict = (
            ("meets the requirement" if en else "memenuhi")
            if enough
            else ("below the requirement" if en else "belum memenuhi")
        )
        _out(f"{'Collected' if en else 'Sampel terkumpul'}: {collected} — {verdict}")
    if margin is not None:
        _out(
            "Margin of error (95 %): "
            f"±{_num(100 * margin, 2, args.lang)} "
            f"{'percentage points' if en else 'poin persen'}"
        )
    return 0


def _read_evaluation(
    name: str, instrument_id: str
) -> tuple[dict[str, object], list[Sequence[object]] | None]:
    instrument = load_instrument(instrument_id)
    with _open_text(name) as handle:
        first = handle.readline()
        if _kind(name, first) == "json":
            return evaluation_input_from_json(_parse_json(first + handle.read(), name))
        if not first.strip():
            raise MeasureInputError(f"berkas kosong: {name}", f"empty file: {name}")
        scores = scores_from_csv(chain([first], handle), instrument=instrument)
        return dict(scores), None


def _evaluation_json(result: EvaluationResult, lang: str) -> dict[str, object]:
    return {
        "instrument": result.instrument_id,
        "aspects": [
            {
                "code": a.code,
                "name": a.label(lang),
                "weight": _exact(a.weight, 4),
                "scored": a.scored,
                "value": _exact(a.value, 4),
            }
            for a in result.aspects
        ],
        "evaluator_index": _exact(result.evaluator_index, 4),
        "user_index": None
        if result.user_index is None
        else _exact(result.user_index, 4),
        "user_respondents": result.user_respondents,
        "user_index_used": result.user_index_used,
        "index": _exact(result.index, 2),
        "predicate": result.predicate.letter,
        "predicate_label": result.predicate.label(lang),
        "missing": list(result.missing),
        "basis": result.basis(lang),
        "notes": [en if lang == "en" else id_ for id_, en in result.notes],
    }


def _evaluation_text(result: EvaluationResult, lang: str) -> None:
    en = lang == "en"
    _out(f"{'Instrument' if en else 'Instrumen'}: {result.instrument_id}")
    width = max(len(a.label(lang)) for a in result.aspects)
    head = (
        ("Aspect", "Name", "Weight %", "Value")
        if en
        else (
            "Aspek",
            "Nama",
            "Bobot %",
            "Nilai",
        )
    )
    _out(f"{head[0]:<6} {head[1]:<{width}} {head[2]:>8} {head[3]:>7}")
    for a in result.aspects:
        _out(
            f"{a.code:<6} {a.label(lang):<{width}} {_num(a.weight, 0, lang):>8} "
            f"{_num(a.value, 4, lang):>7}"
        )
    _out()
    user = "—" if result.user_index is None else _num(result.user_index, 4, lang)
    rows = [
        (
            "Evaluator index (F-02)" if en else "Indeks evaluator (F-02)",
            _num(result.evaluator_index, 4, lang),
        ),
        ("User index (F-03)" if en else "Indeks pengguna (F-03)", user),
        ("IPP", _num(result.index, 2, lang)),
        (
            "Predicate" if en else "Predikat",
            f"{result.predicate.letter} ({result.predicate.label(lang)})",
        ),
        ("Basis" if en else "Dasar", result.basis(lang)),
    ]
    if result.missing:
        rows.append(
            (
                "Missing (scored 0)" if en else "Belum dinilai (nilai 0)",
                ", ".join(result.missing),
            )
        )
    for id_, en_text in result.notes:
        rows.append(("Note" if en else "Catatan", en_text if en else id_))
    label_width = max(len(label) for label, _ in rows)
    for label, value in rows:
        _out(f"{label:<{label_width}} : {value}")


def _cmd_evaluation(args: argparse.Namespace) -> int:
    instrument = load_instrument(args.instrument)
    scores, users = _read_evaluation(args.file, args.instrument)
    result = evaluate(
        instrument, scores, user_scores=users, allow_missing=args.allow_missing
    )
    if args.json:
        _dump(_evaluation_json(result, args.lang))
    else:
        _evaluation_text(result, args.lang)
    return 0


def _cmd_instruments(args: argparse.Namespace) -> int:
    items = list_instruments()
    if args.json:
        _dump(
            [
                {
                    "id": i.id,
                    "version": i.version,
                    "kind": i.kind,
                    "title": i.title_for(args.lang),
                    "sha256": shipped_checksum(i.id),
                }
                for i in items
            ]
        )
        return 0
    width = max(len(i.id) for i in items)
    for i in items:
        _out(f"{i.id:<{width}}  {i.version:<6}  {i.title_for(args.lang)}")
    return 0


def _parser() -> _Parser:
    common = _Parser(add_help=False)
    common.add_argument("--json", action="store_true", help="output JSON")
    common.add_argument(
        "--lang", choices=("id", "en"), default="id", help="output language"
    )
    parser = _Parser(
        prog=PROG, description="Mutu measurements (SKM, sample size, PEKPPP)."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    skm = commands.add_parser(
        "skm", parents=[common], help="SKM result from raw responses or tallies"
    )
    skm.add_argument(
        "file", help="CSV of responses (U1..U9) or JSON tallies; - = stdin"
    )
    skm.add_argument(
        "--legacy-weight",
        choices=("0.111", "0.11"),
        help="legacy rounded weight instead of exactly 1/9 (labelled in output)",
    )
    skm.set_defaults(handler=_cmd_skm)
    size = commands.add_parser(
        "sample-size", parents=[common], help="Krejcie & Morgan sample size"
    )
    size.add_argument("population", type=int, help="service users in the period")
    size.add_argument("--collected", type=int, help="responses collected")
    size.set_defaults(handler=_cmd_sample_size)
    evaluation = commands.add_parser(
        "evaluation", parents=[common], help="PEKPPP evaluation index (IPP)"
    )
    evaluation.add_argument("--instrument", default=DEFAULT_PEKPPP_INSTRUMENT)
    evaluation.add_argument(
        "file", help='JSON {"indicators": {...}, "user_scores": [...]} or CSV'
    )
    evaluation.add_argument("--allow-missing", action="store_true")
    evaluation.set_defaults(handler=_cmd_evaluation)
    listing = commands.add_parser(
        "instruments", parents=[common], help="list the instruments"
    )
    listing.set_defaults(handler=_cmd_instruments)
    return parser


def _fail(message_id: str, message_en: str) -> int:
    line = " ".join(f"{message_id} / {message_en}".split())
    line = line[:1].upper() + line[1:]
    sys.stderr.write(line + "\n")
    return EXIT_BAD_INPUT


def main(argv: list[str] | None = None) -> int:
    """Run ``mutu measure`` on ``argv`` (default ``sys.argv[1:]``); return exit code.

    0 on success, 2 on bad arguments or bad input (one line on standard error).
    """
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except _UsageError as error:
        return _fail(
            f"argumen tidak valid: {error} (lihat {PROG} --help)",
            f"invalid arguments: {error} (see {PROG} --help)",
        )
    except SystemExit as exit_:  # --help
        return exit_.code if isinstance(exit_.code, int) else 0
    try:
        code: int = args.handler(args)
    except MeasureInputError as error:
        return _fail(error.message_id, error.message_en)
    except UnicodeDecodeError:
        return _fail("berkas bukan teks UTF-8", "the file is not UTF-8 text")
    except OSError as error:
        return _fail(
            f"berkas tidak dapat dibaca ({type(error).__name__})",
            f"the file cannot be read ({type(error).__name__})",
        )
    return code


if __name__ == "__main__":
    raise SystemExit(main())
