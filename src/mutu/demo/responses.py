"""Demo SKM responses: four quarters for every Pesawaran demo unit, seeded.

The three award units answer mostly 3s and 4s (grade A); the others sit lower, so
the regional page and the results pages have something to compare. Client ids are
derived from the seed, so loading twice stores each response once.
"""

import random
import uuid
from datetime import datetime, time, timedelta

from django.utils import timezone

from mutu.accounts.models import User
from mutu.measures.skm_elements import ELEMENT_CODES
from mutu.registry.models import ServiceUnit
from mutu.surveys.models import Response
from mutu.surveys.periods import PeriodKind, period_containing
from mutu.surveys.publishing import (
    follow_up_create,
    follow_up_update,
    population_set,
    result_publish,
)
from mutu.surveys.services import response_submit

NAMESPACE = uuid.UUID("6f1c2a40-5d0e-4c1b-9a53-2f3e8d7b9c10")
PER_QUARTER = 45
QUARTERS = 4
# Probability weights of answers 1, 2, 3, 4 per unit (key of demo.data.UNITS).
PROFILES = {
    "dinsos": (1, 3, 30, 66),
    "dukcapil": (1, 2, 32, 65),
    "rsud": (1, 4, 33, 62),
    "dpmptsp": (3, 10, 55, 32),
    "pkm-gedongtataan": (4, 14, 56, 26),
    "pkm-hanura": (6, 20, 52, 22),
}
CHANNELS = ("qr", "qr", "qr", "kiosk", "paper", "web", "sms")


def _quarters() -> list:
    period = period_containing(timezone.localdate(), PeriodKind.QUARTER)
    periods = [period]
    while len(periods) < QUARTERS:
        periods.append(periods[-1].previous())
    return list(reversed(periods))


def responses_load(
    units: dict[str, ServiceUnit], *, admin: User, head: User, operator: User
) -> int:
    """Store the demo responses (idempotent) and the Dukcapil publication and plan."""
    rng = random.Random(2025)  # noqa: S311 (demo data, not security)
    today = timezone.localdate()
    stored = 0
    for key, weights in PROFILES.items():
        unit = units[key]
        services = list(unit.services.filter(is_active=True))
        points = list(unit.points.all())
        if not services:
            continue
        for period in _quarters():
            last_day = min(period.end, today)
            span = (last_day - period.start).days + 1
            for number in range(PER_QUARTER):
                day = period.start + timedelta(days=rng.randrange(span))
                moment = datetime.combine(
                    day, time(8 + rng.randrange(7), rng.randrange(60))
                )
                answers = {
                    code: rng.choices((1, 2, 3, 4), weights)[0]
                    if rng.random() > 0.03
                    else None
                    for code in ELEMENT_CODES
                }
                if all(value is None for value in answers.values()):
                    answers["U1"] = 3
                result = response_submit(
                    unit=unit,
                    service=rng.choice(services),
                    point=rng.choice(points) if points else None,
                    channel=rng.choice(CHANNELS),
                    answers=answers,
                    profile={
                        "sex": rng.choice("LP"),
                        "age": rng.randrange(18, 70),
                        "education": rng.choice(["SMA", "S1", "SMP", "D1-D3", "SD"]),
                        "occupation": rng.choice(
                            ["SWASTA", "WIRAUSAHA", "PNS", "LAINNYA"]
                        ),
                    },
                    comment=rng.choice(
                        [
                            "",
                            "",
                            "",
                            "Pelayanan cepat dan ramah.",
                            "Antrean masih panjang.",
                            "Persyaratan perlu dijelaskan lebih jelas.",
                        ]
                    ),
                    client_id=uuid.uuid5(NAMESPACE, f"{key}-{period.key}-{number}"),
                    # Today's answers are never later than now: a time ahead of
                    # the clock is refused like on every channel.
                    submitted_at=min(timezone.make_aware(moment), timezone.now()),
                )
                stored += result.created
            population_set(actor=admin, unit=unit, period_key=period.key, population=50)
    _publish_dukcapil(units["dukcapil"], head, operator)
    return stored


def _publish_dukcapil(unit: ServiceUnit, head: User, operator: User) -> None:
    previous = _quarters()[-2]
    if not Response.objects.filter(unit=unit, day__gte=previous.start).exists():
        return
    result_publish(
        actor=head,
        unit=unit,
        period_key=previous.key,
        published_at=min(previous.end + timedelta(days=7), timezone.localdate()),
        media=["print", "social", "website"],
    )
    item = follow_up_create(
        actor=operator,
        unit=unit,
        period_key=previous.key,
        element="U3",
        action="Tambah satu loket perekaman KTP-el pada jam sibuk",
        person_in_charge="Kepala Bidang Pelayanan Pendaftaran Penduduk",
        due_date=previous.end + timedelta(days=60),
    )
    follow_up_update(
        actor=operator,
        item=item,
        status="done",
        evidence="Foto loket tambahan dan jadwal piket",
        completed_at=previous.end + timedelta(days=40),
    )
    follow_up_create(
        actor=operator,
        unit=unit,
        period_key=previous.key,
        element="U8",
        action="Sosialisasi kanal pengaduan SP4N-LAPOR! di ruang tunggu",
        person_in_charge="Operator Pengaduan",
        due_date=previous.end + timedelta(days=90),
    )
