"""Versioned instrument files (PEKPPP 2022, PEKPPP 2017, SKM 2017): load and validate.

D8: each instrument is a data file in ``mutu/measures/instruments/<id>.json``, and a
published cycle keeps the exact instrument version it was scored with. Every number
marked M or L in docs/regulations.md (weights, the 0,75/0,25 split, the F-03 minimum)
lives in these files, never in code.

File format (numbers may be JSON numbers, read exactly as decimals, or strings such
as ``"100/13"`` for exact fractions)::

    {"id": "pekppp-2022", "version": "2022", "kind": "pekppp" | "skm",
     "title": "...", "title_en": "...", "source": "<citation>",
     "scale": {"min": 0, "max": 5}, "predicate_table": "ipp",
     "combination": {"evaluator_weight": 0.75, "user_weight": 0.25,
                     "user_min_respondents": 10, "user_max_respondents": 20,
                     "source": "..."} | null,
     "user_assessment": {"form": "F-03", "scale": {"min": 0, "max": 5},
                         "items": ["Persyaratan pelayanan mudah dipenuhi.", ...],
                         "source": "..."} | null,
     "awards": {"predicates": ["A", "A-"], "source": "..."},
     "aspects": [{"code": "I", "name": "...", "name_en": "...", "weight": 24,
                  "scored": true, "note": "...",
                  "indicator_weight_total": 100, "weights_placeholder": false,
                  "indicators": [{"number": "Q1", "code": "1.a.Ak", "text": "...",
                                  "weight": 17, "placeholder": false,
                                  "rubric": [{"level": 0, "text": "...",
                                              "generic": false}, ...],
                                  "evidence": ["Dokumen ...", ...],
                                  "feed": {...}}]}]}

``user_assessment`` is the user form (F-03) the instrument takes from service users,
its items in order and their scale; ``null`` when the instrument has none (PEKPPP
2017 scores F-01/F-02 only). ``awards`` lists the predicates that earn a certificate
(D14: A and A-), letters of the instrument's predicate table; an empty list means
the instrument awards none. ``feed`` (optional) makes an indicator *fed*: Mutu
proposes its level from its own data by the rule given there (format and sources in
:mod:`mutu.measures.feeds`; D11, D13); which indicators are fed is the instrument's
choice, read through :attr:`Instrument.fed_indicators`. ``evidence`` (optional) lists
the documents the evaluation expects as proof (bukti dukung), shown on the
self-assessment form. A rubric level marked ``generic`` is a stand-in, not the
regulation's wording: an indicator with one has no official level texts loaded
(:attr:`Indicator.official_rubric`; docs/regulations.md §7b).

An instrument is identified by its ``id`` and ``version``: a new version of an
instrument is a new file with the same ``id``; uploaded versions live in the
database beside the shipped files (D8, D19), each with the sha256 checksum of its
bytes (:func:`instrument_checksum`).

Validation on load (errors name the file and the field path, e.g.
``pekppp-2022.json: aspects[2].indicators[1].weight: ...``): scored aspect weights
sum to 100; a scored aspect's indicator weights sum to 100, or to an explicit
``indicator_weight_total`` that must then come with a ``note`` (the regulation's own
numbers are kept, never silently renormalised); an unscored aspect has weight 0 and
indicators of weight 0; aspect codes and indicator numbers are unique; every rubric
lists each level of the scale exactly once. A PEKPPP instrument states its
``user_assessment`` (an object, or ``null`` only when its user weight is 0) and its
``awards``; F-03 items are unique non-empty texts; every feed rule is checked as
:mod:`mutu.measures.feeds` describes.

Indicators are identified by their number (Q1…Q31); codes repeat in the regulation
(e.g. ``a.K`` is Q4 and Q5), so :meth:`Instrument.indicator` accepts a code only when
it is unambiguous and otherwise raises naming the candidates.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cache
from importlib import resources
from pathlib import Path

from mutu.measures.errors import InstrumentError, MeasureInputError
from mutu.measures.feeds import FeedRule, feed_rule_from_json
from mutu.measures.instrument_fields import FieldReader
from mutu.measures.predicates import PredicateTable, predicate_table

__all__ = [
    "DEFAULT_PEKPPP_INSTRUMENT",
    "Aspect",
    "Combination",
    "Indicator",
    "Instrument",
    "RubricLevel",
    "UserAssessment",
    "instrument_checksum",
    "instrument_from_json",
    "list_instruments",
    "load_instrument",
    "load_instrument_file",
    "shipped_checksum",
]

DEFAULT_PEKPPP_INSTRUMENT = "pekppp-2022"
"""The instrument a new evaluation cycle uses unless told otherwise (D8)."""

_ID_RE = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
_KINDS = ("pekppp", "skm")
_ID_MAX = 40  # Cycle.instrument_id
_VERSION_MAX = 20  # Cycle.instrument_version
HUNDRED = Fraction(100)


@dataclass(frozen=True, slots=True)
class RubricLevel:
    """One level of an indicator's rubric; ``generic`` marks a stand-in text."""

    level: int
    text: str
    generic: bool


@dataclass(frozen=True, slots=True)
class Indicator:
    """An indicator: number (its identity), code, text, weight in % of its aspect."""

    number: str
    code: str
    text: str
    weight: Fraction
    rubric: tuple[RubricLevel, ...]
    placeholder: bool
    aspect: str
    feed: FeedRule | None = None
    evidence: tuple[str, ...] = ()

    @property
    def official_rubric(self) -> bool:
        """Whether every level text is the regulation's (none is a stand-in)."""
        return not any(level.generic for level in self.rubric)


@dataclass(frozen=True, slots=True)
class Aspect:
    """An aspect with its weight in % of the index and its indicators."""

    code: str
    name: str
    name_en: str
    weight: Fraction
    scored: bool
    indicators: tuple[Indicator, ...]
    indicator_weight_total: Fraction
    weights_placeholder: bool
    note: str | None

    def label(self, lang: str = "id") -> str:
        """The aspect name in ``"id"`` (default) or ``"en"``."""
        return self.name_en if lang == "en" else self.name


@dataclass(frozen=True, slots=True)
class Combination:
    """How evaluator (F-02) and user (F-03) scores combine into the IPP (D6)."""

    evaluator_weight: Fraction
    user_weight: Fraction
    user_min_respondents: int | None
    user_max_respondents: int | None
    source: str


@dataclass(frozen=True, slots=True)
class UserAssessment:
    """The form service users fill in about a unit (F-03): items in order, scale."""

    form: str
    items: tuple[str, ...]
    scale_min: int
    scale_max: int
    source: str

    @property
    def scale(self) -> range:
        """Every allowed answer, lowest first."""
        return range(self.scale_min, self.scale_max + 1)


@dataclass(frozen=True, slots=True)
class Instrument:
    """A validated instrument; see the module docstring for the file format."""

    id: str
    version: str
    kind: str
    title: str
    title_en: str
    source: str
    scale_min: int
    scale_max: int
    predicate_table_id: str
    combination: Combination | None
    aspects: tuple[Aspect, ...]
    user_assessment: UserAssessment | None = None
    award_predicates: tuple[str, ...] = ()

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        """Every indicator in file order."""
        return tuple(i for a in self.aspects for i in a.indicators)

    @property
    def fed_indicators(self) -> tuple[Indicator, ...]:
        """The indicators whose level Mutu proposes from its own data (D11)."""
        return tuple(i for i in self.indicators if i.feed is not None)

    def awards(self, predicate: str) -> bool:
        """Whether a final result with ``predicate`` earns a certificate (D14)."""
        return predicate in self.award_predicates

    @property
    def predicates(self) -> PredicateTable:
        """The predicate table the instrument's index is classified with."""
        return predicate_table(self.predicate_table_id)

    @property
    def has_placeholders(self) -> bool:
        """Whether any indicator or weight is a placeholder, not regulation data."""
        return any(a.weights_placeholder for a in self.aspects) or any(
            i.placeholder for i in self.indicators
        )

    def title_for(self, lang: str = "id") -> str:
        """The title in ``"id"`` (default) or ``"en"``."""
        return self.title_en if lang == "en" else self.title

    def indicator(self, key: str) -> Indicator:
        """The indicator with number ``key`` (``Q4``, ``q4``) or unambiguous code.

        Raises :class:`MeasureInputError` naming the candidates when a code belongs
        to several indicators, or when nothing matches.
        """
        wanted = key.strip()
        for item in self.indicators:
            if item.number.upper() == wanted.upper():
                return item
        matches = [i for i in self.indicators if i.code == wanted]
        if not matches:
            matches = [i for i in self.indicators if i.code.lower() == wanted.lower()]
        if len(matches) == 1:
            return matches[0]
        if matches:
            names = ", ".join(i.number for i in matches)
            raise MeasureInputError(
                f"kode indikator {wanted!r} ambigu: {names}; pakai nomor indikator",
                f"indicator code {wanted!r} is ambiguous: {names}; use the number",
                column=wanted,
            )
        raise MeasureInputError(
            f"indikator tidak dikenal dalam instrumen {self.id}",
            f"unknown indicator in instrument {self.id}",
            column=wanted,
        )


def _show(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    return str(Decimal(value.numerator) / Decimal(value.denominator))


def _rubric(
    r: FieldReader, value: object, path: str, scale: range
) -> tuple[RubricLevel, ...]:
    levels = []
    for index, raw in enumerate(r.items(value, path)):
        where = f"{path}[{index}]"
        data = r.obj(raw, where)
        level = r.integer(r.field(data, "level", where), f"{where}.level")
        text = r.text(r.field(data, "text", where), f"{where}.text")
        generic = r.flag(data.get("generic", False), f"{where}.generic")
        levels.append(RubricLevel(level, text, generic))
    found = [lv.level for lv in levels]
    if found != list(scale):
        raise r.fail(
            path,
            f"level harus tepat {scale.start}..{scale.stop - 1} masing-masing sekali "
            f"dan berurutan, ditemukan {found}",
            f"levels must be exactly {scale.start}..{scale.stop - 1}, each once and "
            f"in order; found {found}",
        )
    return tuple(levels)


def _evidence(
    r: FieldReader, item: Mapping[str, object], where: str
) -> tuple[str, ...]:
    if item.get("evidence") is None:
        return ()
    path = f"{where}.evidence"
    texts = []
    for index, raw in enumerate(r.items(item["evidence"], path)):
        texts.append(r.text(raw, f"{path}[{index}]"))
    return tuple(texts)


def _combination(r: FieldReader, value: object, kind: str) -> Combination | None:
    if value is None:
        if kind == "pekppp":
            raise r.fail(
                "combination",
                "wajib ada untuk instrumen PEKPPP",
                "is required for PEKPPP instruments",
            )
        return None
    data = r.obj(value, "combination")
    evaluator = r.number(
        r.field(data, "evaluator_weight", "combination"), "combination.evaluator_weight"
    )
    user = r.number(
        r.field(data, "user_weight", "combination"), "combination.user_weight"
    )
    if evaluator + user != 1:
        raise r.fail(
            "combination.user_weight",
            "bobot evaluator + bobot pengguna harus 1",
            "evaluator weight + user weight must be 1",
        )
    bounds: list[int | None] = []
    for key in ("user_min_respondents", "user_max_respondents"):
        raw = data.get(key)
        bounds.append(None if raw is None else r.integer(raw, f"combination.{key}"))
    low, high = bounds
    if user and (low is None or low < 1):
        raise r.fail(
            "combination.user_min_respondents",
            "wajib ≥ 1 bila bobot pengguna > 0",
            "must be ≥ 1 when the user weight is > 0",
        )
    if low is not None and high is not None and high < low:
        raise r.fail(
            "combination.user_max_respondents",
            "harus ≥ user_min_respondents",
            "must be ≥ user_min_respondents",
        )
    source = r.text(r.field(data, "source", "combination"), "combination.source")
    return Combination(evaluator, user, low, high, source)


def _user_assessment(
    r: FieldReader, data: Mapping[str, object], combination: Combination | None
) -> UserAssessment | None:
    if "user_assessment" not in data:
        if combination is None:  # an SKM instrument: no evaluation, no F-03
            return None
        raise r.fail(
            "user_assessment",
            "wajib ada untuk instrumen PEKPPP (null bila tanpa penilaian pengguna)",
            "is required for PEKPPP instruments (null when there is no user form)",
        )
    value = data["user_assessment"]
    if value is None:
        if combination is not None and combination.user_weight > 0:
            raise r.fail(
                "user_assessment",
                "wajib ada karena combination.user_weight > 0",
                "is required because combination.user_weight > 0",
            )
        return None
    path = "user_assessment"
    block = r.obj(value, path)
    r.only(block, ("form", "scale", "items", "source"), path)
    scale = r.obj(r.field(block, "scale", path), f"{path}.scale")
    low = r.integer(r.field(scale, "min", f"{path}.scale"), f"{path}.scale.min")
    high = r.integer(r.field(scale, "max", f"{path}.scale"), f"{path}.scale.max")
    if high <= low:
        raise r.fail(f"{path}.scale.max", "harus > min", "must be > min")
    items: list[str] = []
    for index, raw in enumerate(
        r.items(r.field(block, "items", path), f"{path}.items")
    ):
        text = r.text(raw, f"{path}.items[{index}]").strip()
        if text in items:
            raise r.fail(
                f"{path}.items[{index}]",
                f"butir ganda (sama dengan butir {items.index(text) + 1})",
                f"duplicate item (same as item {items.index(text) + 1})",
            )
        items.append(text)
    return UserAssessment(
        form=r.text(r.field(block, "form", path), f"{path}.form"),
        items=tuple(items),
        scale_min=low,
        scale_max=high,
        source=r.text(r.field(block, "source", path), f"{path}.source"),
    )


def _awards(
    r: FieldReader, data: Mapping[str, object], kind: str, table: PredicateTable
) -> tuple[str, ...]:
    if "awards" not in data and kind != "pekppp":
        return ()
    block = r.obj(r.field(data, "awards", ""), "awards")
    r.only(block, ("predicates", "source"), "awards")
    raw = r.field(block, "predicates", "awards")
    if not isinstance(raw, list):
        raise r.fail(
            "awards.predicates",
            "harus daftar (kosong bila tanpa piagam)",
            "must be a list (empty when no certificate is awarded)",
        )
    letters = [band.letter for band in table.bands]
    predicates: list[str] = []
    for index, value in enumerate(raw):
        letter = r.text(value, f"awards.predicates[{index}]")
        if letter not in letters or letter in predicates:
            raise r.fail(
                f"awards.predicates[{index}]",
                f"harus predikat tabel {table.id} ({', '.join(letters)}), "
                f"masing-masing sekali; bukan {letter!r}",
                f"must be a predicate of table {table.id} ({', '.join(letters)}), "
                f"each once; not {letter!r}",
            )
        predicates.append(letter)
    r.text(r.field(block, "source", "awards"), "awards.source")
    return tuple(predicates)


def _aspect(
    r: FieldReader, raw: object, path: str, scale: range, numbers: set[str]
) -> Aspect:
    data = r.obj(raw, path)
    code = r.text(r.field(data, "code", path), f"{path}.code")
    name = r.text(r.field(data, "name", path), f"{path}.name")
    name_en = r.text(data.get("name_en", name), f"{path}.name_en")
    weight = r.number(r.field(data, "weight", path), f"{path}.weight")
    scored = r.flag(data.get("scored", True), f"{path}.scored")
    placeholder_weights = r.flag(
        data.get("weights_placeholder", False), f"{path}.weights_placeholder"
    )
    note = data.get("note")
    if note is not None:
        note = r.text(note, f"{path}.note")
    total = HUNDRED
    if "indicator_weight_total" in data:
        total = r.number(
            data["indicator_weight_total"], f"{path}.indicator_weight_total"
        )
        if note is None:
            raise r.fail(
                f"{path}.note",
                "wajib ada bila indicator_weight_total dipakai (jelaskan mengapa "
                "jumlah bobot bukan 100)",
                "is required with indicator_weight_total (say why the weights do "
                "not sum to 100)",
            )
    indicators = []
    for index, raw_indicator in enumerate(
        r.items(r.field(data, "indicators", path), f"{path}.indicators")
    ):
        where = f"{path}.indicators[{index}]"
        item = r.obj(raw_indicator, where)
        number = r.text(r.field(item, "number", where), f"{where}.number").strip()
        if number.upper() in numbers:
            raise r.fail(
                f"{where}.number",
                f"nomor indikator {number} ganda",
                f"duplicate indicator number {number}",
            )
        numbers.add(number.upper())
        indicators.append(
            Indicator(
                number=number,
                code=r.text(r.field(item, "code", where), f"{where}.code").strip(),
                text=r.text(r.field(item, "text", where), f"{where}.text"),
                weight=r.number(r.field(item, "weight", where), f"{where}.weight"),
                rubric=_rubric(
                    r, r.field(item, "rubric", where), f"{where}.rubric", scale
                ),
                placeholder=r.flag(
                    item.get("placeholder", False), f"{where}.placeholder"
                ),
                aspect=code,
                feed=None
                if item.get("feed") is None
                else feed_rule_from_json(r, item["feed"], f"{where}.feed", scale),
                evidence=_evidence(r, item, where),
            )
        )
    weights = sum((i.weight for i in indicators), Fraction(0))
    if not scored:
        if weight != 0 or weights != 0:
            raise r.fail(
                f"{path}.weight",
                "aspek yang tidak dinilai harus berbobot 0, juga indikatornya",
                "an unscored aspect and its indicators must have weight 0",
            )
    elif weights != total:
        last = len(indicators) - 1
        raise r.fail(
            f"{path}.indicators[{last}].weight",
            f"bobot indikator berjumlah {_show(weights)}, harus {_show(total)}",
            f"indicator weights sum to {_show(weights)}, must be {_show(total)}",
        )
    return Aspect(
        code=code,
        name=name,
        name_en=name_en,
        weight=weight,
        scored=scored,
        indicators=tuple(indicators),
        indicator_weight_total=total,
        weights_placeholder=placeholder_weights,
        note=note,
    )


def instrument_checksum(data: bytes) -> str:
    """The sha256 checksum (hex) of an instrument file's bytes (D19)."""
    return hashlib.sha256(data).hexdigest()


def instrument_from_json(
    text: str, *, filename: str, match_filename: bool = True
) -> Instrument:
    """Parse and validate an instrument from JSON text.

    ``filename`` is used in error messages and, with ``match_filename`` (shipped
    files), must be ``<id>.json``; an uploaded file may have any name. Raises
    :class:`InstrumentError` naming the file and the field path.
    """
    r = FieldReader(filename)
    try:
        raw = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as error:
        raise r.fail(
            f"baris {error.lineno} kolom {error.colno}",
            f"JSON tidak valid ({error.msg})",
            f"invalid JSON ({error.msg})",
        ) from None
    data = r.obj(raw, "")
    ident = r.text(r.field(data, "id", ""), "id")
    if not _ID_RE.match(ident) or len(ident) > _ID_MAX:
        raise r.fail(
            "id",
            f"id {ident!r} harus huruf kecil, angka dan tanda hubung "
            f"(paling banyak {_ID_MAX} karakter)",
            f"id {ident!r} must be lowercase letters, digits and hyphens "
            f"(at most {_ID_MAX} characters)",
        )
    if match_filename and f"{ident}.json" != Path(filename).name:
        raise r.fail(
            "id",
            f"id {ident!r} harus sama dengan nama berkas tanpa .json",
            f"id {ident!r} must equal the file name without .json",
        )
    version = r.text(r.field(data, "version", ""), "version").strip()
    if len(version) > _VERSION_MAX:
        raise r.fail(
            "version",
            f"paling banyak {_VERSION_MAX} karakter",
            f"at most {_VERSION_MAX} characters",
        )
    kind = r.text(r.field(data, "kind", ""), "kind")
    if kind not in _KINDS:
        raise r.fail(
            "kind", f"harus salah satu dari {_KINDS}", f"must be one of {_KINDS}"
        )
    scale_data = r.obj(r.field(data, "scale", ""), "scale")
    low = r.integer(r.field(scale_data, "min", "scale"), "scale.min")
    high = r.integer(r.field(scale_data, "max", "scale"), "scale.max")
    if high <= low:
        raise r.fail("scale.max", "harus > scale.min", "must be > scale.min")
    table_id = r.text(r.field(data, "predicate_table", ""), "predicate_table")
    try:
        predicate_table(table_id)
    except MeasureInputError:
        raise r.fail(
            "predicate_table",
            f"tabel predikat tidak dikenal: {table_id!r}",
            f"unknown predicate table: {table_id!r}",
        ) from None
    combination = _combination(r, data.get("combination"), kind)
    user_assessment = _user_assessment(r, data, combination)
    award_predicates = _awards(r, data, kind, predicate_table(table_id))
    scale = range(low, high + 1)
    numbers: set[str] = set()
    aspects = []
    codes: set[str] = set()
    for index, raw_aspect in enumerate(
        r.items(r.field(data, "aspects", ""), "aspects")
    ):
        aspect = _aspect(r, raw_aspect, f"aspects[{index}]", scale, numbers)
        if aspect.code in codes:
            raise r.fail(
                f"aspects[{index}].code",
                f"kode aspek {aspect.code} ganda",
                f"duplicate aspect code {aspect.code}",
            )
        codes.add(aspect.code)
        aspects.append(aspect)
    total = sum((a.weight for a in aspects if a.scored), Fraction(0))
    if total != HUNDRED:
        raise r.fail(
            "aspects",
            f"bobot aspek yang dinilai berjumlah {_show(total)}, harus 100",
            f"scored aspect weights sum to {_show(total)}, must be 100",
        )
    return Instrument(
        id=ident,
        version=version,
        kind=kind,
        title=r.text(r.field(data, "title", ""), "title"),
        title_en=r.text(data.get("title_en", data.get("title")), "title_en"),
        source=r.text(r.field(data, "source", ""), "source"),
        scale_min=low,
        scale_max=high,
        predicate_table_id=table_id,
        combination=combination,
        aspects=tuple(aspects),
        user_assessment=user_assessment,
        award_predicates=award_predicates,
    )


def load_instrument_file(path: str | Path) -> Instrument:
    """Load and validate an instrument file anywhere on disk (for review/tests)."""
    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InstrumentError(
            source.name,
            "",
            f"berkas tidak dapat dibaca ({type(error).__name__})",
            f"the file cannot be read ({type(error).__name__})",
        ) from None
    return instrument_from_json(text, filename=source.name)


def _shipped() -> dict[str, str]:
    folder = resources.files("mutu.measures").joinpath("instruments")
    return {
        entry.name.removesuffix(".json"): entry.read_text(encoding="utf-8")
        for entry in folder.iterdir()
        if entry.name.endswith(".json")
    }


@cache
def load_instrument(instrument_id: str) -> Instrument:
    """The shipped instrument ``instrument_id`` (e.g. ``"pekppp-2022"``), validated.

    Raises :class:`MeasureInputError` for an unknown id and :class:`InstrumentError`
    for a shipped file that fails validation.
    """
    files = _shipped()
    if instrument_id not in files:
        known = ", ".join(sorted(files))
        raise MeasureInputError(
            f"instrumen tidak dikenal: {instrument_id!r} (tersedia: {known})",
            f"unknown instrument: {instrument_id!r} (available: {known})",
            column="instrument",
        )
    return instrument_from_json(files[instrument_id], filename=f"{instrument_id}.json")


def shipped_checksum(instrument_id: str) -> str:
    """The sha256 checksum of the shipped file ``instrument_id`` (D19)."""
    folder = resources.files("mutu.measures").joinpath("instruments")
    return instrument_checksum(folder.joinpath(f"{instrument_id}.json").read_bytes())


def list_instruments() -> tuple[Instrument, ...]:
    """Every shipped instrument, validated, sorted by id."""
    return tuple(load_instrument(ident) for ident in sorted(_shipped()))
