"""Feed rules: from figures Mutu measured to a proposed indicator level (D11, D13).

An indicator whose evidence Mutu already holds names a *feed* in its instrument
file: the *source* of its figures (gathered by the app from its own data, see
:mod:`mutu.measures.feed_sources`) and, level by level, the condition each proposed
level needs. :func:`feed_propose` turns the figures into the proposed level and
the Indonesian texts shown beside the score; the evaluator confirms the level or
departs from it with a written reason (docs/regulations.md D11). Thresholds are
data, so a new instrument version with other thresholds is a new file, not a code
change (D13).

Rule format, inside an indicator of an instrument file::

    "feed": {
      "source": "skm_follow_up",
      "label": "rencana tindak lanjut SKM",
      "value": "{done}/{items} selesai ({done_percent}%)",
      "how": "1 = RTL ada belum dilaksanakan; 2 < 30%; ... 5 = 100%.",
      "basis": "docs/regulations.md §1.7 (indikator 8), D11",
      "levels": [
        {"level": 0, "when": {"figure": "items", "eq": 0},
         "value": "tidak ada RTL", "how": "...", "label": "RTL"},
        {"level": 5, "when": {"figure": "done", "eq": {"figure": "items"}}},
        {"level": 4, "when": {"figure": "done_percent", "gt": 80}},
        {"level": 3, "when": {"figure": "done_percent", "ge": 30}},
        {"level": 2, "when": {"figure": "done", "ge": 1}},
        {"level": 1}
      ]
    }

* ``source``: a key of ``FEED_SOURCES`` (:mod:`mutu.measures.feed_sources`); it
  fixes which figures exist.
* ``label``, ``value``, ``how``: the texts shown (stored as the answer's ``source``,
  ``value`` and ``how``): where the data come from, the figures, and the rule.
  ``value`` may hold ``{figure}`` placeholders. ``basis`` (optional) cites where the
  thresholds come from.
* ``levels``: tried in order, the first whose ``when`` holds is proposed; an entry
  may override ``value``, ``how`` and ``label`` (e.g. the "no data" case). The last
  entry has no ``when`` and only the last may omit it, so every input gets a level.
  ``level`` is an integer on the instrument's scale or ``null``: no proposal, the
  evaluator scores by hand.
* Conditions: ``{"figure": F, OP: X}`` with OP one of ``eq ne lt le gt ge``, F a
  count or number figure and X a number (``30``, ``"100/3"``, ``-1``) or another
  figure, ``{"figure": G}``; ``{"figure": F, "is": true}`` for a flag;
  ``{"figure": F, "missing": true}`` for an optional figure; ``{"all": [...]}``,
  ``{"any": [...]}``, ``{"not": {...}}``. A comparison with a missing figure is
  false.
* Placeholders show counts as integers, numbers rounded to a whole number with a
  half going to the even neighbour (12,5 → 12, as the feeds have always shown
  them), flags as ``ya``/``tidak`` and text as given; a missing figure or an empty
  text shows ``-``.

Everything is validated when the instrument loads (unknown keys, figures and
placeholders, levels off the scale, unreachable levels), with errors naming the
file and the field path.
"""

from __future__ import annotations

import operator
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from mutu.measures.errors import MeasureInputError
from mutu.measures.feed_sources import (
    FEED_SOURCES,
    FeedSource,
    Figure,
    FigureValue,
    Value,
    source_figures,
)
from mutu.measures.instrument_fields import FieldReader

__all__ = [
    "AllOf",
    "AnyOf",
    "Compare",
    "Condition",
    "FeedLevel",
    "FeedProposal",
    "FeedRule",
    "IsFlag",
    "Missing",
    "Not",
    "feed_propose",
    "feed_rule_from_json",
]

_OPERATORS: dict[str, Callable[[Fraction, Fraction], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
}


@dataclass(frozen=True, slots=True)
class Compare:
    """``figure`` compared by ``op`` with a number ``value`` or a figure ``other``."""

    figure: str
    op: str
    value: Fraction | None = None
    other: str | None = None


@dataclass(frozen=True, slots=True)
class IsFlag:
    """A flag figure is ``value``."""

    figure: str
    value: bool


@dataclass(frozen=True, slots=True)
class Missing:
    """An optional figure is missing (``value`` true) or present (false)."""

    figure: str
    value: bool


@dataclass(frozen=True, slots=True)
class AllOf:
    """Every condition holds."""

    conditions: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    """At least one condition holds."""

    conditions: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Not:
    """The condition does not hold."""

    condition: Condition


Condition = Compare | IsFlag | Missing | AllOf | AnyOf | Not


@dataclass(frozen=True, slots=True)
class FeedLevel:
    """One entry of a rule: the level proposed when ``when`` holds (or always)."""

    level: int | None
    when: Condition | None = None
    value: str | None = None
    how: str | None = None
    label: str | None = None


@dataclass(frozen=True, slots=True)
class FeedRule:
    """How an indicator's level is proposed from a source's figures; see the module."""

    source: str
    label: str
    value: str
    how: str
    levels: tuple[FeedLevel, ...]
    basis: str | None = None


@dataclass(frozen=True, slots=True)
class FeedProposal:
    """A proposed level (``None``: no proposal) with the texts shown beside it."""

    level: int | None
    value: str
    how: str
    source: str

    def as_dict(self) -> dict[str, int | str | None]:
        """The stored form: ``{"level", "value", "how", "source"}``."""
        return {
            "level": self.level,
            "value": self.value,
            "how": self.how,
            "source": self.source,
        }


def _number(value: Value) -> Fraction | None:
    if value is None or isinstance(value, bool | str):
        return None
    return Fraction(value)


def _holds(condition: Condition, values: Mapping[str, Value]) -> bool:
    if isinstance(condition, AllOf):
        return all(_holds(c, values) for c in condition.conditions)
    if isinstance(condition, AnyOf):
        return any(_holds(c, values) for c in condition.conditions)
    if isinstance(condition, Not):
        return not _holds(condition.condition, values)
    if isinstance(condition, Missing):
        return (values[condition.figure] is None) is condition.value
    if isinstance(condition, IsFlag):
        return values[condition.figure] is condition.value
    left = _number(values[condition.figure])
    right = (
        condition.value if condition.other is None else _number(values[condition.other])
    )
    if left is None or right is None:
        return False
    return _OPERATORS[condition.op](left, right)


def _shown(value: Value) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, Fraction):
        return str(round(value))  # a half to the even neighbour, see the module
    return str(value)


def _fill(template: str, values: Mapping[str, Value]) -> str:
    parts = []
    for literal, name, _spec, _conversion in string.Formatter().parse(template):
        parts.append(literal)
        if name is not None:
            parts.append(_shown(values[name]))
    return "".join(parts)


def feed_propose(rule: FeedRule, figures: Mapping[str, FigureValue]) -> FeedProposal:
    """The level ``rule`` proposes for ``figures``, with the texts to show.

    ``figures`` holds every given figure of the rule's source (see
    :mod:`mutu.measures.feed_sources`) and nothing else. Raises
    :class:`MeasureInputError` naming the figure when one is missing, unknown, of
    the wrong kind, or inconsistent with another (e.g. more items done than
    planned).
    """
    source = FEED_SOURCES.get(rule.source)
    if source is None:
        raise MeasureInputError(
            "sumber umpan tidak dikenal", "unknown feed source", column=rule.source
        )
    values = source_figures(source, figures)
    for entry in rule.levels:
        if entry.when is None or _holds(entry.when, values):
            return FeedProposal(
                level=entry.level,
                value=_fill(entry.value or rule.value, values),
                how=entry.how or rule.how,
                source=entry.label or rule.label,
            )
    raise MeasureInputError(
        "aturan umpan tanpa level terakhir tanpa syarat",
        "feed rule without an unconditional last level",
        column=rule.source,
    )


# Reading a rule from an instrument file -------------------------------------------

_RULE_KEYS = ("source", "label", "value", "how", "basis", "levels")
_LEVEL_KEYS = ("level", "when", "value", "how", "label")


def _template(r: FieldReader, value: object, path: str, source: FeedSource) -> str:
    text = r.text(value, path)
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError as error:
        raise r.fail(
            path,
            f"kurung kurawal tidak seimbang ({error}); tulis {{{{ untuk {{",
            f"unbalanced braces ({error}); write {{{{ for {{",
        ) from None
    for _literal, name, spec, conversion in fields:
        if name is None:
            continue
        if name not in source.figures or spec or conversion:
            known = ", ".join(source.figures) or "-"
            raise r.fail(
                path,
                f"isian {{{name}}} tidak dikenal untuk sumber {source.id} "
                f"(yang dikenal: {known}; tanpa format)",
                f"unknown placeholder {{{name}}} for source {source.id} "
                f"(known: {known}; no format spec)",
            )
    return text


def _figure_of(
    r: FieldReader, value: object, path: str, source: FeedSource, kinds: tuple[str, ...]
) -> Figure:
    name = r.text(value, path)
    figure = source.figures.get(name)
    if figure is None:
        known = ", ".join(source.figures) or "-"
        raise r.fail(
            path,
            f"angka {name!r} tidak dikenal untuk sumber {source.id} "
            f"(yang dikenal: {known})",
            f"unknown figure {name!r} for source {source.id} (known: {known})",
        )
    if figure.kind not in kinds:
        raise r.fail(
            path,
            f"angka {name!r} berjenis {figure.kind}; di sini harus {'/'.join(kinds)}",
            f"figure {name!r} is a {figure.kind}; here it must be a {'/'.join(kinds)}",
        )
    return figure


def _condition(
    r: FieldReader, value: object, path: str, source: FeedSource
) -> Condition:
    data = r.obj(value, path)
    for key in ("all", "any"):
        if key in data:
            r.only(data, (key,), path)
            where = f"{path}.{key}"
            parts = tuple(
                _condition(r, item, f"{where}[{index}]", source)
                for index, item in enumerate(r.items(data[key], where))
            )
            return AllOf(parts) if key == "all" else AnyOf(parts)
    if "not" in data:
        r.only(data, ("not",), path)
        return Not(_condition(r, data["not"], f"{path}.not", source))
    operators = [key for key in data if key != "figure"]
    if "figure" not in data or len(operators) != 1:
        raise r.fail(
            path,
            'harus {"figure": …, <operator>: …} dengan satu operator (eq, ne, lt, '
            'le, gt, ge, is, missing), atau {"all"|"any": [...]}, {"not": {...}}',
            'must be {"figure": …, <operator>: …} with one operator (eq, ne, lt, '
            'le, gt, ge, is, missing), or {"all"|"any": [...]}, {"not": {...}}',
        )
    op = operators[0]
    where = f"{path}.{op}"
    if op == "is":
        figure = _figure_of(r, data["figure"], f"{path}.figure", source, ("flag",))
        return IsFlag(figure.name, r.flag(data[op], where))
    if op == "missing":
        figure = _figure_of(
            r, data["figure"], f"{path}.figure", source, ("count", "number")
        )
        if not figure.optional:
            raise r.fail(
                f"{path}.figure",
                f"angka {figure.name!r} selalu ada; 'missing' tidak berarti",
                f"figure {figure.name!r} is never missing; 'missing' means nothing",
            )
        return Missing(figure.name, r.flag(data[op], where))
    if op not in _OPERATORS:
        raise r.fail(
            where,
            "operator tidak dikenal (eq, ne, lt, le, gt, ge, is, missing)",
            "unknown operator (eq, ne, lt, le, gt, ge, is, missing)",
        )
    numeric = ("count", "number")
    figure = _figure_of(r, data["figure"], f"{path}.figure", source, numeric)
    operand = data[op]
    if isinstance(operand, dict):
        r.only(operand, ("figure",), where)
        other = _figure_of(
            r, r.field(operand, "figure", where), f"{where}.figure", source, numeric
        )
        return Compare(figure.name, op, other=other.name)
    return Compare(figure.name, op, value=r.number(operand, where, signed=True))


def _level(
    r: FieldReader, value: object, path: str, source: FeedSource, scale: range
) -> FeedLevel:
    data = r.obj(value, path)
    r.only(data, _LEVEL_KEYS, path)
    raw_level = r.field(data, "level", path)
    level = None if raw_level is None else r.integer(raw_level, f"{path}.level")
    if level is not None and level not in scale:
        raise r.fail(
            f"{path}.level",
            f"harus {scale.start}..{scale.stop - 1} atau null (tanpa usulan)",
            f"must be {scale.start}..{scale.stop - 1} or null (no proposal)",
        )
    when = (
        None
        if "when" not in data
        else _condition(r, data["when"], f"{path}.when", source)
    )
    return FeedLevel(
        level=level,
        when=when,
        value=_template(r, data["value"], f"{path}.value", source)
        if "value" in data
        else None,
        how=r.text(data["how"], f"{path}.how") if "how" in data else None,
        label=r.text(data["label"], f"{path}.label") if "label" in data else None,
    )


def feed_rule_from_json(
    r: FieldReader, value: object, path: str, scale: range
) -> FeedRule:
    """Read and validate the ``feed`` object of an indicator (format: module doc).

    ``scale`` is the instrument's score scale. Raises :class:`InstrumentError`
    through ``r`` naming the field path.
    """
    data = r.obj(value, path)
    r.only(data, _RULE_KEYS, path)
    source_id = r.text(r.field(data, "source", path), f"{path}.source")
    source = FEED_SOURCES.get(source_id)
    if source is None:
        known = ", ".join(FEED_SOURCES)
        raise r.fail(
            f"{path}.source",
            f"sumber tidak dikenal: {source_id!r} (yang dikenal: {known})",
            f"unknown source: {source_id!r} (known: {known})",
        )
    where = f"{path}.levels"
    levels = tuple(
        _level(r, item, f"{where}[{index}]", source, scale)
        for index, item in enumerate(r.items(r.field(data, "levels", path), where))
    )
    for index, entry in enumerate(levels[:-1]):
        if entry.when is None:
            raise r.fail(
                f"{where}[{index}].when",
                "wajib ada kecuali pada level terakhir (level sesudahnya tidak "
                "akan pernah dipakai)",
                "is required except on the last level (the levels after it "
                "could never apply)",
            )
    if levels[-1].when is not None:
        raise r.fail(
            f"{where}[{len(levels) - 1}].when",
            "level terakhir tidak boleh bersyarat: ia berlaku bila tidak ada "
            "yang lain berlaku",
            "the last level must have no condition: it applies when no other does",
        )
    basis = data.get("basis")
    return FeedRule(
        source=source.id,
        label=r.text(r.field(data, "label", path), f"{path}.label"),
        value=_template(r, r.field(data, "value", path), f"{path}.value", source),
        how=r.text(r.field(data, "how", path), f"{path}.how"),
        levels=levels,
        basis=None if basis is None else r.text(basis, f"{path}.basis"),
    )
