"""The sources of feed figures: what the app measures and passes to a feed rule.

Each :class:`FeedSource` names the figures one gatherer of the app provides (counts,
exact numbers, flags, display text), checks that they agree with each other, and
derives the figures that are formulas (e.g. the share of follow-up items done,
docs/regulations.md §1.7 indicator 8). The feed rules of the instrument files
(:mod:`mutu.measures.feeds`) may use exactly these figures; a new source, or a new
figure of a source, is added here together with its gatherer in the app.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import cast

from mutu.measures.errors import MeasureInputError

__all__ = [
    "FEED_SOURCES",
    "FeedSource",
    "FeedWindow",
    "Figure",
    "FigureValue",
    "Value",
    "months_between",
    "source_figures",
]

FigureValue = int | Fraction | Decimal | bool | str | None
"""A figure as the app passes it: a count, an exact number, a flag or a text."""

Value = int | Fraction | bool | str | None
"""A checked figure: numbers are exact fractions, ``None`` a missing optional one."""


@dataclass(frozen=True, slots=True)
class Figure:
    """One figure of a source: ``kind`` is count, number, flag or text.

    An ``optional`` figure may be ``None`` (not measurable, e.g. a share of zero
    items).
    """

    name: str
    kind: str
    text: str
    optional: bool = False


@dataclass(frozen=True, slots=True)
class FeedWindow:
    """The data a feed reads: ``start``–``end`` (both included), evaluated on a day.

    The evaluation year by default (docs/regulations.md D11: the cycle's year, not
    the day the cycle opened); ``evaluated_on`` is the day the figures are taken
    (an unfinished plan, say, counts up to it).
    """

    start: date
    end: date
    evaluated_on: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise MeasureInputError(
                f"Akhir periode data ({self.end}) sebelum awalnya ({self.start})",
                f"The data period ends ({self.end}) before it starts ({self.start})",
                column="end",
            )

    @classmethod
    def for_year(cls, year: int, evaluated_on: date | None = None) -> FeedWindow:
        """The calendar year *year*, evaluated on *evaluated_on* (default 31 December)."""
        end = date(year, 12, 31)
        return cls(date(year, 1, 1), end, evaluated_on or end)

    @property
    def year(self) -> int:
        """The year the window ends in (the evaluation year)."""
        return self.end.year


def _no_derivation(values: Mapping[str, Value]) -> dict[str, Value]:
    return {}


@dataclass(frozen=True, slots=True)
class FeedSource:
    """The figures one source provides: ``given`` by the app, ``derived`` here.

    ``derive`` checks that the given figures agree with each other (raising
    :class:`MeasureInputError`) and computes the derived ones.
    """

    id: str
    text: str
    given: tuple[Figure, ...]
    derived: tuple[Figure, ...] = ()
    derive: Callable[[Mapping[str, Value]], dict[str, Value]] = field(
        default=_no_derivation
    )

    @property
    def figures(self) -> dict[str, Figure]:
        """Every figure a rule may use, given and derived, by name."""
        return {f.name: f for f in (*self.given, *self.derived)}


def _count(values: Mapping[str, Value], name: str) -> int:
    return cast(int, values[name])  # a count: checked by _check_figure first


def _at_most(values: Mapping[str, Value], small: str, large: str) -> None:
    low, high = _count(values, small), _count(values, large)
    if low > high:
        raise MeasureInputError(
            f"{small} ({low}) tidak boleh lebih dari {large} ({high})",
            f"{small} ({low}) must not exceed {large} ({high})",
            column=small,
        )


def _standards(values: Mapping[str, Value]) -> dict[str, Value]:
    _at_most(values, "decreed", "complete")
    _at_most(values, "complete", "standards")
    return {}


def _skm(values: Mapping[str, Value]) -> dict[str, Value]:
    printed, electronic = (
        _count(values, "print_media"),
        _count(values, "electronic_media"),
    )
    if printed + electronic != _count(values, "media"):
        raise MeasureInputError(
            "print_media + electronic_media harus sama dengan media",
            "print_media + electronic_media must equal media",
            column="media",
        )
    return {}


def _skm_follow_up(values: Mapping[str, Value]) -> dict[str, Value]:
    _at_most(values, "done", "items")
    done, items = _count(values, "done"), _count(values, "items")
    if (values["slowest_months"] is None) != (values["periods_done"] == 0):
        raise MeasureInputError(
            "slowest_months harus ada tepat bila periods_done > 0",
            "slowest_months must be given exactly when periods_done > 0",
            column="slowest_months",
        )
    # docs/regulations.md §1.7, indicator 8: realisasi RTL / jumlah RTL × 100.
    return {"done_percent": Fraction(done * 100, items) if items else None}


def _percent(part: int, whole: int) -> Fraction | None:
    return Fraction(part * 100, whole) if whole else None


def _complaints(values: Mapping[str, Value]) -> dict[str, Value]:
    _at_most(values, "counter", "complaints")
    _at_most(values, "handled", "complaints")
    _at_most(values, "answer_measured", "handled")
    _at_most(values, "answered_in_time", "answer_measured")
    _at_most(values, "closed", "handled")
    _at_most(values, "closed_with_follow_up", "closed")
    if _count(values, "other_media") > 4:
        raise MeasureInputError(
            "other_media paling banyak 4",
            "other_media is at most 4",
            column="other_media",
        )
    yes, no = _count(values, "solved_yes"), _count(values, "solved_no")
    return {
        "answered_percent": _percent(
            _count(values, "answered_in_time"), _count(values, "answer_measured")
        ),
        "closed_percent": _percent(_count(values, "closed"), _count(values, "handled")),
        "solved_percent": _percent(yes, yes + no),
    }


FEED_SOURCES: Mapping[str, FeedSource] = {
    source.id: source
    for source in (
        FeedSource(
            "standards",
            "Standar pelayanan layanan aktif unit (registri; UU 25/2009 Ps. 21)",
            (
                Figure("standards", "count", "layanan aktif yang punya standar"),
                Figure("complete", "count", "standar yang lengkap 14 komponen"),
                Figure("decreed", "count", "standar lengkap yang juga ditetapkan SK"),
            ),
            derive=_standards,
        ),
        FeedSource(
            "skm",
            "SKM tahun evaluasi: respons, publikasi hasil, tindak lanjut",
            (
                Figure("responses", "count", "respons SKM yang dihitung"),
                Figure("publications", "count", "publikasi hasil periode tahun itu"),
                Figure("media", "count", "media publikasi yang berbeda"),
                Figure("print_media", "count", "media non-elektronik yang berbeda"),
                Figure("electronic_media", "count", "media elektronik yang berbeda"),
                Figure("media_names", "text", "kode media, urut, dipisah koma"),
                Figure("follow_up_done", "count", "butir RTL tahun itu yang selesai"),
            ),
            derive=_skm,
        ),
        FeedSource(
            "skm_follow_up",
            "Rencana tindak lanjut (RTL) hasil SKM dan kecepatannya",
            (
                Figure("items", "count", "butir RTL periode tahun evaluasi"),
                Figure("done", "count", "butir RTL itu yang selesai"),
                Figure(
                    "periods_done",
                    "count",
                    "periode yang dipublikasikan tahun evaluasi atau tahun "
                    "sebelumnya dengan RTL tuntas (semua selesai, bertanggal)",
                ),
                Figure(
                    "slowest_months",
                    "number",
                    "bulan dari publikasi sampai butir RTL terakhir selesai, "
                    "periode terlambat (months_between)",
                    optional=True,
                ),
            ),
            derived=(
                Figure("done_percent", "number", "done × 100 / items", optional=True),
            ),
            derive=_skm_follow_up,
        ),
        FeedSource(
            "complaints",
            "Pengaduan periode data: kanal, ketepatan jawaban, rekap, tindak lanjut "
            "(docs/regulations.md D9, D13, D21)",
            (
                Figure("complaints", "count", "pengaduan yang diterima unit"),
                Figure("counter", "count", "pengaduan lewat loket tatap muka"),
                Figure(
                    "other_media",
                    "count",
                    "kelompok media lain yang dipakai pelapor (daring, SMS/WhatsApp, "
                    "telepon, surat; 0-4)",
                ),
                Figure("media_names", "text", "kelompok media itu, urut, dipisah koma"),
                Figure(
                    "answer_measured",
                    "count",
                    "pengaduan yang sudah dijawab atau tenggat jawabannya lewat",
                ),
                Figure(
                    "answered_in_time",
                    "count",
                    "pengaduan yang dijawab paling lambat pada tenggatnya (D9)",
                ),
                Figure(
                    "recaps", "count", "rekap pengaduan triwulanan yang diterbitkan"
                ),
                Figure("handled", "count", "pengaduan yang tidak diarsipkan"),
                Figure("closed", "count", "pengaduan yang selesai (ditutup)"),
                Figure(
                    "closed_with_follow_up",
                    "count",
                    "pengaduan selesai yang ditautkan ke rencana tindak lanjut",
                ),
                Figure("solved_yes", "count", "pelapor menjawab masalahnya selesai"),
                Figure(
                    "solved_no", "count", "pelapor menjawab masalahnya belum selesai"
                ),
            ),
            derived=(
                Figure(
                    "answered_percent",
                    "number",
                    "answered_in_time × 100 / answer_measured",
                    optional=True,
                ),
                Figure(
                    "closed_percent", "number", "closed × 100 / handled", optional=True
                ),
                Figure(
                    "solved_percent",
                    "number",
                    "solved_yes × 100 / (solved_yes + solved_no)",
                    optional=True,
                ),
            ),
            derive=_complaints,
        ),
    )
}


def months_between(start: date, end: date) -> int:
    """Calendar months from ``start``'s month to ``end``'s (days ignored).

    31 January → 1 February is 1, 1 → 31 January is 0; negative when ``end``
    falls in an earlier month. The unit of the follow-up speed rubric
    (docs/regulations.md §1.7, indicator 9).
    """
    return (end.year - start.year) * 12 + end.month - start.month


def _check_figure(figure: Figure, value: object) -> Value:
    if value is None and figure.optional:
        return None
    if figure.kind == "count":
        if type(value) is int and value >= 0:
            return value
    elif figure.kind == "number":
        if type(value) is int or isinstance(value, Fraction):
            return Fraction(value)
        if isinstance(value, Decimal) and value.is_finite():
            return Fraction(value)
    elif figure.kind == "flag":
        if isinstance(value, bool):
            return value
    elif isinstance(value, str):
        return value
    expected_id = {
        "count": "bilangan bulat ≥ 0",
        "number": "angka",
        "flag": "true/false",
        "text": "teks",
    }[figure.kind]
    raise MeasureInputError(
        f"harus {expected_id}{' atau kosong' if figure.optional else ''}, "
        f"bukan {value!r}",
        f"must be a {figure.kind}{' or None' if figure.optional else ''}, "
        f"not {value!r}",
        column=figure.name,
    )


def source_figures(
    source: FeedSource, given: Mapping[str, FigureValue]
) -> dict[str, Value]:
    """Every figure of ``source``: the ``given`` ones checked, the derived ones added.

    Raises :class:`MeasureInputError` naming the figure when one is missing,
    unknown, of the wrong kind, or inconsistent with another.
    """
    known = {f.name for f in source.given}
    unknown = sorted(set(given) - known)
    if unknown:
        raise MeasureInputError(
            f"angka tidak dikenal untuk sumber {source.id}",
            f"unknown figure for source {source.id}",
            column=unknown[0],
        )
    values: dict[str, Value] = {}
    for figure in source.given:
        if figure.name not in given:
            raise MeasureInputError(
                f"angka wajib untuk sumber {source.id} tidak ada",
                f"a required figure of source {source.id} is missing",
                column=figure.name,
            )
        values[figure.name] = _check_figure(figure, given[figure.name])
    return values | source.derive(values)
