"""The sources of feed figures: what the app measures and passes to a feed rule.

Each :class:`FeedSource` names the figures one gatherer of the app provides (counts,
exact numbers, flags, display text), checks that they agree with each other, and
derives the figures that are formulas (e.g. the share of follow-up items done,
docs/regulations.md §1.7 indicator 8). The feed rules of the instrument files
(:mod:`mutu.measures.feeds`) may use exactly these figures; a new source, or a new
figure of a source, is added here together with its gatherer in the app.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import cast

from mutu.measures.errors import MeasureInputError
from mutu.measures.sampling import required_sample

__all__ = [
    "FEED_SOURCES",
    "HOURS_ELEMENTS",
    "QUEUE_FEATURES",
    "FeedSource",
    "FeedWindow",
    "Figure",
    "FigureValue",
    "FollowUpPeriod",
    "SamplePeriod",
    "Value",
    "follow_up_days",
    "follow_up_speed",
    "months_between",
    "sample_periods",
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

    def overlaps(self, start: date, end: date) -> bool:
        """Whether the days ``start``–``end`` (a survey period) touch the window.

        A survey period belongs to the window when any of its days falls in it
        (docs/regulations.md D16).
        """
        return start <= self.end and end >= self.start


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
    _at_most(values, "periods_sized", "periods")
    if _count(values, "periods_sized") + _count(values, "periods_short") + _count(
        values, "periods_unstated"
    ) != _count(values, "periods"):
        raise MeasureInputError(
            "periods_sized + periods_short + periods_unstated harus sama dengan "
            "periods",
            "periods_sized + periods_short + periods_unstated must equal periods",
            column="periods",
        )
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
    _at_most(values, "unplanned", "periods")
    done, items = _count(values, "done"), _count(values, "items")
    planned = _count(values, "periods") - _count(values, "unplanned")
    if _count(values, "unfinished") > planned:
        raise MeasureInputError(
            f"unfinished ({_count(values, 'unfinished')}) tidak boleh lebih dari "
            f"periode ber-RTL ({planned})",
            f"unfinished ({_count(values, 'unfinished')}) must not exceed the "
            f"periods with a plan ({planned})",
            column="unfinished",
        )
    if (values["slowest_days"] is None) != (planned == 0):
        raise MeasureInputError(
            "slowest_days harus ada tepat bila ada periode ber-RTL",
            "slowest_days must be given exactly when a period has a plan",
            column="slowest_days",
        )
    # docs/regulations.md §1.7, indicator 8: realisasi RTL / jumlah RTL × 100.
    return {"done_percent": Fraction(done * 100, items) if items else None}


def _standard_publication(values: Mapping[str, Value]) -> dict[str, Value]:
    _at_most(values, "complete", "published")
    _at_most(values, "published", "standards")
    _at_most(values, "sippn", "standards")
    return {}


def _flags(values: Mapping[str, Value], names: tuple[str, ...]) -> int:
    return sum(1 for name in names if values[name] is True)


HOURS_ELEMENTS = ("counter_hours", "no_break", "extra_hours", "holiday")
"""The elements besides the policy that indicator 10 counts (Mutu's reading, D19)."""

QUEUE_FEATURES = ("machine", "display", "online", "priority")
"""The queue features beyond numbering that indicator 31 counts (Mutu's, D19)."""


def _service_hours(values: Mapping[str, Value]) -> dict[str, Value]:
    return {"elements": _flags(values, HOURS_ELEMENTS)}


def _queue_system(values: Mapping[str, Value]) -> dict[str, Value]:
    return {"features": _flags(values, QUEUE_FEATURES)}


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
                Figure("periods", "count", "periode SKM jendela data yang berjalan"),
                Figure(
                    "periods_sized",
                    "count",
                    "periode dengan populasi tercatat dan sampel memenuhi "
                    "Krejcie & Morgan (D5)",
                ),
                Figure(
                    "periods_short",
                    "count",
                    "periode dengan populasi tercatat tetapi sampel kurang",
                ),
                Figure(
                    "periods_unstated",
                    "count",
                    "periode tanpa populasi tercatat (tidak dihitung sesuai Permen)",
                ),
            ),
            derive=_skm,
        ),
        FeedSource(
            "skm_follow_up",
            "Rencana tindak lanjut (RTL) hasil SKM dan kecepatannya",
            (
                Figure("items", "count", "butir RTL periode jendela data"),
                Figure("done", "count", "butir RTL itu yang selesai"),
                Figure("periods", "count", "periode jendela data yang dipublikasikan"),
                Figure("unplanned", "count", "periode dipublikasikan tanpa RTL"),
                Figure(
                    "unfinished",
                    "count",
                    "periode yang RTL-nya belum tuntas (dihitung sampai tanggal "
                    "evaluasi)",
                ),
                Figure(
                    "slowest_days",
                    "count",
                    "hari dari publikasi sampai butir RTL terakhir selesai, periode "
                    "terlambat (follow_up_speed)",
                    optional=True,
                ),
            ),
            derived=(
                Figure("done_percent", "number", "done × 100 / items", optional=True),
            ),
            derive=_skm_follow_up,
        ),
        FeedSource(
            "standard_publication",
            "Publikasi standar pelayanan: media komponen service delivery dan "
            "SIPP Nasional (registri, per standar)",
            (
                Figure("standards", "count", "layanan aktif yang punya standar"),
                Figure(
                    "published", "count", "standar yang dipublikasikan di ≥ 1 media"
                ),
                Figure(
                    "complete",
                    "count",
                    "standar yang seluruh komponen service delivery-nya dipublikasikan",
                ),
                Figure(
                    "fewest_media",
                    "count",
                    "jumlah media standar dengan media paling sedikit (0 bila ada "
                    "yang belum dipublikasikan)",
                ),
                Figure("sippn", "count", "standar yang tayang di SIPP Nasional"),
            ),
            derive=_standard_publication,
        ),
        FeedSource(
            "service_charter",
            "Maklumat Pelayanan unit (registri)",
            (
                Figure("drafted", "flag", "naskah maklumat tercatat"),
                Figure("decreed", "flag", "ditetapkan: nomor dan tanggal penetapan"),
                Figure("content_checked", "flag", "isi diperiksa sesuai peraturan"),
                Figure("print", "flag", "dipublikasikan di media non-elektronik"),
                Figure("electronic", "flag", "dipublikasikan di media elektronik"),
            ),
        ),
        FeedSource(
            "service_hours",
            "Waktu pelayanan unit: kebijakan jam pelayanan dan unsur lainnya "
            "(registri, loket)",
            (
                Figure("policy", "flag", "kebijakan jam pelayanan/kerja tercatat"),
                Figure(
                    "counter_hours",
                    "flag",
                    "jam buka setiap loket tercatat (minimal satu loket)",
                ),
                Figure("no_break", "flag", "pelayanan bergilir tanpa jeda istirahat"),
                Figure("extra_hours", "flag", "jam pelayanan tambahan/lembur"),
                Figure("holiday", "flag", "pelayanan pada hari libur"),
            ),
            derived=(Figure("elements", "count", "unsur lain selain kebijakan (0–4)"),),
            derive=_service_hours,
        ),
        FeedSource(
            "queue_system",
            "Sistem antrian di loket unit (registri)",
            (
                Figure("queue", "flag", "ada nomor antrian"),
                Figure("machine", "flag", "mesin nomor antrian"),
                Figure("display", "flag", "layar/suara pemanggil antrian"),
                Figure("online", "flag", "antrian daring"),
                Figure("priority", "flag", "antrian prioritas kelompok rentan"),
            ),
            derived=(
                Figure("features", "count", "fasilitas selain nomor antrian (0–4)"),
            ),
            derive=_queue_system,
        ),
        FeedSource(
            "complaints",
            "Pengaduan periode data: kanal, ketepatan jawaban, rekap, tindak lanjut "
            "(docs/regulations.md D9, D13, D20)",
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
    falls in an earlier month. The unit the follow-up speed rubric is written in
    (docs/regulations.md §1.7, indicator 9); the feed counts days instead
    (:func:`follow_up_days`, D17).
    """
    return (end.year - start.year) * 12 + end.month - start.month


@dataclass(frozen=True, slots=True)
class SamplePeriod:
    """One SKM period of the window: its stated population (``None``: not stated)
    and the counted responses collected in it."""

    population: int | None
    collected: int


def sample_periods(periods: Sequence[SamplePeriod]) -> dict[str, FigureValue]:
    """The ``periods*`` figures of source ``skm`` (indicator 6, D17).

    A period counts as held per the Permen when its population is stated and its
    collected responses reach the Krejcie & Morgan size for it (D5,
    :func:`mutu.measures.sampling.required_sample`); a period without a stated
    population is counted apart and never as held per the Permen.
    """
    sized = short = unstated = 0
    for period in periods:
        if period.population is None:
            unstated += 1
        elif period.collected >= required_sample(period.population):
            sized += 1
        else:
            short += 1
    return {
        "periods": len(periods),
        "periods_sized": sized,
        "periods_short": short,
        "periods_unstated": unstated,
    }


@dataclass(frozen=True, slots=True)
class FollowUpPeriod:
    """One published SKM period of the window: the day its result was published
    and, per item of its follow-up plan, the day the item was completed (``None``:
    not finished yet)."""

    published_on: date
    completions: tuple[date | None, ...]


def follow_up_days(period: FollowUpPeriod, evaluated_on: date) -> int | None:
    """Days from publication to the completion of the plan's last item (D17).

    An unfinished plan counts up to ``evaluated_on``; ``None`` without a plan. An
    item finished before the publication counts as 0 days, never fewer.
    """
    if not period.completions:
        return None
    last = max(day or evaluated_on for day in period.completions)
    return max(0, (last - period.published_on).days)


def follow_up_speed(
    periods: Sequence[FollowUpPeriod], evaluated_on: date
) -> dict[str, FigureValue]:
    """The speed figures of source ``skm_follow_up`` (indicator 9, D17): how many
    published periods, how many without a plan or with an unfinished one, and the
    days of the slowest period with a plan (:func:`follow_up_days`)."""
    days = [d for p in periods if (d := follow_up_days(p, evaluated_on)) is not None]
    return {
        "periods": len(periods),
        "unplanned": len(periods) - len(days),
        "unfinished": sum(
            1 for p in periods if p.completions and None in p.completions
        ),
        "slowest_days": max(days) if days else None,
    }


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
