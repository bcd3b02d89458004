"""Objective feeds: indicators whose evidence Mutu already holds, pre-filled for review.

Each feed returns a suggested level 0–5 with the data it came from and how it was
computed, in Indonesian; the evaluator confirms or changes it. The rubrics are those
of REGULATIONS.md §1.7 and §2.3 (PEKPPP 2022). Complaint indicators (Q25–Q28) show
"no data" until the complaints app exists and are scored by hand.
"""

from datetime import date
from typing import Any

from mutu.registry.models import ServiceStandard, ServiceUnit
from mutu.surveys.models import FollowUpItem, Publication


def _feed(level: int | None, value: str, how: str, source: str) -> dict[str, Any]:
    return {"level": level, "value": value, "how": how, "source": source}


def standard_feed(unit: ServiceUnit) -> dict[str, Any]:
    """Q1: service standards with all 14 components (UU 25/2009 Ps. 21) and a decree."""
    standards = list(
        ServiceStandard.objects.filter(service__unit=unit, service__is_active=True)
    )
    if not standards:
        return _feed(
            0, "0 layanan", "Tidak ada standar pelayanan: level 0.", "registri"
        )
    complete = [s for s in standards if s.completeness.is_complete]
    decreed = [s for s in complete if s.decree_number]
    if len(complete) < len(standards):
        level = 1
    elif len(decreed) < len(standards):
        level = 2
    else:
        level = 3
    return _feed(
        level,
        f"{len(complete)}/{len(standards)} lengkap 14 komponen, {len(decreed)} ditetapkan SK",
        "Level 1 bila ada standar yang belum memenuhi 14 komponen, 2 bila semua "
        "lengkap, 3 bila semua juga ditetapkan. Level 4–5 (pelibatan masyarakat, monev) "
        "dinilai evaluator dari bukti.",
        "registri standar pelayanan",
    )


def _publications(unit: ServiceUnit, year: int) -> list[Publication]:
    return list(Publication.objects.filter(unit=unit, period_key__startswith=str(year)))


def skm_feed(unit: ServiceUnit, year: int) -> dict[str, Any]:
    """Q6: SKM run per PermenPANRB 14/2017, published, followed up (§1.7)."""
    publications = _publications(unit, year)
    has_responses = unit.rollups.filter(day__year=year, responses__gt=0).exists()
    if not has_responses:
        return _feed(
            0, "tidak ada respons SKM", "Belum melaksanakan SKM: level 0.", "survei"
        )
    media = {medium for p in publications for medium in p.media}
    electronic = media & {"screen", "social", "website", "app", "billboard"}
    followed = FollowUpItem.objects.filter(
        unit=unit, period_key__startswith=str(year), status=FollowUpItem.Status.DONE
    ).exists()
    # The rubric is cumulative: 3 needs a non-electronic (print) publication, 4 print
    # and electronic, 5 all of that and a follow-up of the results.
    level = 2
    if "print" in media:
        level = 3
        if electronic:
            level = 5 if followed else 4
    return _feed(
        level,
        f"{len(publications)} publikasi, media: {', '.join(sorted(media)) or '-'}",
        "2 = SKM sesuai Permen; 3 = + publikasi; 4 = + non-elektronik dan elektronik; "
        "5 = + tindak lanjut selesai.",
        "survei SKM Mutu",
    )


def media_feed(unit: ServiceUnit, year: int) -> dict[str, Any]:
    """Q7: number of media the SKM results were published in (>4 is level 5)."""
    media = {medium for p in _publications(unit, year) for medium in p.media}
    count = len(media)
    return _feed(
        min(count, 5),
        f"{count} media",
        "Level = jumlah media (0 tidak dipublikasikan … 5 bila lebih dari 4).",
        "publikasi hasil SKM",
    )


def follow_up_share_feed(unit: ServiceUnit, year: int) -> dict[str, Any]:
    """Q8: share of follow-up items done (RTL realisasi / jumlah RTL × 100)."""
    items = list(
        FollowUpItem.objects.filter(unit=unit, period_key__startswith=str(year))
    )
    if not items:
        return _feed(
            0, "tidak ada RTL", "Tidak ada rencana tindak lanjut: level 0.", "RTL"
        )
    done = sum(item.status == FollowUpItem.Status.DONE for item in items)
    share = done * 100 / len(items)
    if done == len(items):
        level = 5
    elif share > 80:
        level = 4
    elif share >= 30:
        level = 3
    elif done:
        level = 2
    else:
        level = 1
    return _feed(
        level,
        f"{done}/{len(items)} selesai ({share:.0f}%)",
        "1 = RTL ada belum dilaksanakan; 2 < 30%; 3 = 30–80%; 4 > 80%; 5 = 100%.",
        "rencana tindak lanjut SKM",
    )


def follow_up_speed_feed(unit: ServiceUnit, year: int) -> dict[str, Any]:
    """Q9: months from publication to completion of the follow-up, over the last two
    years (§1.7: 1 month is 5 … 12 months is 1; later or never is 0)."""
    months: list[int] = []
    publications = _publications(unit, year) + _publications(unit, year - 1)
    for publication in publications:
        items = list(
            FollowUpItem.objects.filter(unit=unit, period_key=publication.period_key)
        )
        if items and all(
            i.status == FollowUpItem.Status.DONE and i.completed_at for i in items
        ):
            last: date = max(i.completed_at for i in items if i.completed_at)
            months.append(
                (last.year - publication.published_at.year) * 12
                + last.month
                - publication.published_at.month
            )
    if not months:
        return _feed(
            0, "belum ada RTL yang tuntas", "Tidak ditindaklanjuti: level 0.", "RTL"
        )
    slowest = max(months)
    thresholds = ((1, 5), (3, 4), (6, 3), (9, 2), (12, 1))
    level = next((lvl for limit, lvl in thresholds if slowest <= limit), 0)
    return _feed(
        level,
        f"tuntas {slowest} bulan setelah publikasi",
        "5 ≤ 1 bulan; 4 ≤ 3; 3 ≤ 6; 2 ≤ 9; 1 ≤ 12 bulan; lebih lama 0 "
        "(dua tahun terakhir; periode yang RTL-nya belum tuntas tidak dihitung).",
        "publikasi dan RTL SKM",
    )


def complaints_feed() -> dict[str, Any]:
    return _feed(
        None, "tidak ada data", "Modul pengaduan belum tersedia: dinilai manual.", "-"
    )


def feeds_for(unit: ServiceUnit, year: int) -> dict[str, dict[str, Any]]:
    """Every fed indicator of PEKPPP 2022 for *unit* in *year*, by indicator number."""
    return {
        "Q1": standard_feed(unit),
        "Q6": skm_feed(unit, year),
        "Q7": media_feed(unit, year),
        "Q8": follow_up_share_feed(unit, year),
        "Q9": follow_up_speed_feed(unit, year),
        **{q: complaints_feed() for q in ("Q25", "Q26", "Q27", "Q28")},
    }
