"""Demo registry records behind the fed indicators Q3, Q5, Q10 and Q31 (D19).

Called by :func:`mutu.demo.loader.demo_load` with the story's level for each unit
(``RECORD_LEVELS``): :func:`records_load` writes, for each unit, the records whose
feeds propose the level asked for, so the demo's scores follow its data. Direct
writes, like the rest of the demo loader; idempotent.
"""

from collections.abc import Mapping

from mutu.registry.models import (
    ServicePoint,
    ServiceStandard,
    ServiceUnit,
    StandardMedium,
    UnitRecord,
)

MEDIA = [m.value for m in StandardMedium]


def _standards(unit: ServiceUnit, level: int) -> None:
    """Every active standard published so that Q3 proposes *level* (its rule in
    pekppp-2022.json: 1 part only; 2 two media, no SIPPN; 3–5 two to four media
    and SIPPN)."""
    media = {0: 0, 1: 1, 2: 2, 3: 2, 4: 3, 5: 4}[level]
    ServiceStandard.objects.filter(service__unit=unit, service__is_active=True).update(
        publication_media=MEDIA[:media],
        publication_complete=level >= 2,
        on_sippn=level >= 3,
    )


def _record(unit: ServiceUnit, level: int) -> None:
    """The unit's record so that Q5, Q10 and Q31 propose *level* (Q10 counts the
    counters' opening hours, read from the counters, as one of its elements)."""
    points = list(ServicePoint.objects.filter(unit=unit))
    counters = bool(points) and all(p.opens_at and p.closes_at for p in points)
    extra = max(0, min(3, level - 1 - counters))
    UnitRecord.objects.update_or_create(
        unit=unit,
        defaults={
            "charter_text": "Dengan ini kami menyatakan sanggup menyelenggarakan "
            "pelayanan sesuai standar pelayanan yang telah ditetapkan."
            if level >= 1
            else "",
            "charter_decree_number": f"SK Kepala {unit.short_name or unit.name} "
            "tentang Maklumat Pelayanan"
            if level >= 2
            else "",
            "charter_decree_date": "2025-01-06" if level >= 2 else None,
            "charter_content_checked": level >= 3,
            "charter_print": level >= 4,
            "charter_electronic": level >= 5,
            "hours_policy": f"SK Kepala {unit.short_name or unit.name} tentang "
            "Jam Pelayanan"
            if level >= 1
            else "",
            "hours_no_break": extra >= 1,
            "hours_extra": extra >= 2,
            "hours_holiday": extra >= 3,
            "queue_numbers": level >= 1,
            "queue_machine": level >= 2,
            "queue_display": level >= 3,
            "queue_online": level >= 4,
            "queue_priority": level >= 5,
        },
    )


def records_load(units: Mapping[str, ServiceUnit], levels: Mapping[str, int]) -> None:
    """For each unit key in *levels*, records whose feeds propose that level (0–5)
    for Q3, Q5 and Q31, and for Q10 as far as its counters allow."""
    for key, level in levels.items():
        _standards(units[key], level)
        _record(units[key], level)
