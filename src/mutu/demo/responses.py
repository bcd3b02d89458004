"""Demo SKM responses, seeded: the 2025 story and the live quarters.

The story (:func:`story_responses_load`) is the SKM the PEKPPP 2025 cycle reads:
the four quarters of 2025 on fixed dates, with stated populations, publications
and follow-up plans that make each unit's feeds what its result says (D5, D11).
The live data (:func:`responses_load`) is the last four quarters up to today,
after 2025, for the live pages. The three award units answer mostly 3s and 4s
(grade A); the others sit lower, so the regional page and the results pages have
something to compare. Client ids are derived from the seed, so loading twice
stores each response once.
"""

import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from mutu.accounts.models import User
from mutu.measures.skm_elements import ELEMENT_CODES
from mutu.registry.models import ServiceUnit
from mutu.surveys.models import Response
from mutu.surveys.periods import Period, PeriodKind, period_containing, period_from_key
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
STORY_YEAR = 2025
"""The year of the demo's evaluation story (PEKPPP 2025): its SKM data keeps its own
fixed dates; the live data covers only the quarters after it."""
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
COMMENTS = (
    "",
    "",
    "",
    "Pelayanan cepat dan ramah.",
    "Antrean masih panjang.",
    "Persyaratan perlu dijelaskan lebih jelas.",
)


@dataclass(frozen=True)
class StoryPlan:
    """One unit's SKM in the story year: what the PEKPPP 2025 feeds read.

    ``population`` is the stated number of service users per quarter (None: never
    stated, so no quarter can show a sample of the Krejcie–Morgan size, D5);
    ``per_quarter`` the responses collected; ``published`` the quarters (1–4)
    published, 7 days after their end, on ``media``; each published quarter gets a
    two-item follow-up plan, the items done ``done_after`` days after the
    publication (None: the second item is still open).
    """

    population: int | None
    per_quarter: int
    published: tuple[int, ...]
    media: tuple[str, ...]
    done_after: int | None


FIVE_MEDIA = ("print", "screen", "social", "website", "app")
STORY = {
    # The award units: a Krejcie–Morgan sample every quarter (required 92, 132,
    # 108), Q1–Q3 published on five media, plans done within three weeks.
    "dinsos": StoryPlan(120, 95, (1, 2, 3), FIVE_MEDIA, 21),
    "dukcapil": StoryPlan(200, 135, (1, 2, 3), FIVE_MEDIA, 14),
    "rsud": StoryPlan(150, 110, (1, 2, 3), FIVE_MEDIA, 25),
    # DPMPTSP: too few responses for its population (132 needed), published on
    # its website only, one plan item left open.
    "dpmptsp": StoryPlan(200, 60, (1, 2), ("website",), None),
    # Puskesmas Gedong Tataan: a full sample, one printed publication, a plan
    # finished four months later.
    "pkm-gedongtataan": StoryPlan(60, 55, (2,), ("print",), 120),
    # Puskesmas Hanura: a few paper forms, no population, nothing published.
    "pkm-hanura": StoryPlan(None, 30, (), (), None),
}
PUBLISHED_AFTER = 7
"""Days from a quarter's end to its publication in the story."""
# Per unit: the two weakest elements of the story and what the plan does about them.
PLAN_ITEMS = (
    ("U3", "Tambah petugas loket pada jam sibuk", "Kepala Bidang Pelayanan"),
    ("U8", "Sosialisasi kanal pengaduan di ruang tunggu", "Petugas Pengaduan"),
)


def _quarters() -> list[Period]:
    """The live quarters: the last four up to today's, after the story year."""
    period = period_containing(timezone.localdate(), PeriodKind.QUARTER)
    periods = [period]
    while len(periods) < QUARTERS:
        periods.append(periods[-1].previous())
    return [p for p in reversed(periods) if p.start.year > STORY_YEAR]


def _story_quarters() -> list[Period]:
    return [period_from_key(f"{STORY_YEAR}-Q{n}") for n in range(1, 5)]


def _submit(
    rng: random.Random,
    unit: ServiceUnit,
    weights: tuple[int, ...],
    day: date,
    client_id: uuid.UUID,
    *,
    services: list,
    points: list,
    now: datetime | None = None,
) -> int:
    moment = timezone.make_aware(
        datetime.combine(day, time(8 + rng.randrange(7), rng.randrange(60)))
    )
    answers = {
        code: rng.choices((1, 2, 3, 4), weights)[0] if rng.random() > 0.03 else None
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
            "occupation": rng.choice(["SWASTA", "WIRAUSAHA", "PNS", "LAINNYA"]),
        },
        comment=rng.choice(COMMENTS),
        client_id=client_id,
        # A story response is submitted "then" (now= its own time plus a few
        # minutes), so the submission window accepts it whatever today is; a live
        # one is never later than now, like on every channel.
        submitted_at=moment if now is None else min(moment, now),
        now=moment + timedelta(minutes=5) if now is None else now,
    )
    return int(result.created)


def story_responses_load(
    units: dict[str, ServiceUnit], *, admin: User, operators: dict[str, User]
) -> int:
    """The story year's SKM (fixed 2025 dates): responses, populations,
    publications and follow-up plans of every unit in :data:`STORY`. Idempotent."""
    rng = random.Random(STORY_YEAR * 7)  # noqa: S311 (demo data, not security)
    stored = 0
    for key, plan in STORY.items():
        unit = units[key]
        services = list(unit.services.filter(is_active=True))
        points = list(unit.points.all())
        if not services:
            continue
        for number, period in enumerate(_story_quarters(), start=1):
            span = (period.end - period.start).days + 1
            for n in range(plan.per_quarter):
                stored += _submit(
                    rng,
                    unit,
                    PROFILES[key],
                    period.start + timedelta(days=rng.randrange(span)),
                    uuid.uuid5(NAMESPACE, f"story-{key}-{period.key}-{n}"),
                    services=services,
                    points=points,
                )
            if plan.population is not None:
                population_set(
                    actor=admin,
                    unit=unit,
                    period_key=period.key,
                    population=plan.population,
                )
            if number in plan.published:
                _story_publish(unit, period, plan, admin, operators[key])
    return stored


def _story_publish(
    unit: ServiceUnit, period: Period, plan: StoryPlan, head: User, operator: User
) -> None:
    published_at = period.end + timedelta(days=PUBLISHED_AFTER)
    result_publish(
        actor=head,
        unit=unit,
        period_key=period.key,
        published_at=published_at,
        media=list(plan.media),
        today=published_at,
    )
    for index, (element, action, person) in enumerate(PLAN_ITEMS):
        item = follow_up_create(
            actor=operator,
            unit=unit,
            period_key=period.key,
            element=element,
            action=action,
            person_in_charge=person,
            due_date=published_at + timedelta(days=30),
        )
        if plan.done_after is None and index == len(PLAN_ITEMS) - 1:
            continue  # left open: the data shows an unfinished plan
        follow_up_update(
            actor=operator,
            item=item,
            status="done",
            evidence=f"Laporan pelaksanaan {period.label}",
            completed_at=published_at + timedelta(days=plan.done_after or 75),
        )


def responses_load(
    units: dict[str, ServiceUnit], *, admin: User, head: User, operator: User
) -> int:
    """The live responses (idempotent) and the Dukcapil publication and plan."""
    rng = random.Random(2025)  # noqa: S311 (demo data, not security)
    today = timezone.localdate()
    now = timezone.now()
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
                stored += _submit(
                    rng,
                    unit,
                    weights,
                    period.start + timedelta(days=rng.randrange(span)),
                    uuid.uuid5(NAMESPACE, f"{key}-{period.key}-{number}"),
                    services=services,
                    points=points,
                    now=now,
                )
            population_set(actor=admin, unit=unit, period_key=period.key, population=50)
    _publish_dukcapil(units["dukcapil"], head, operator)
    return stored


def _publish_dukcapil(unit: ServiceUnit, head: User, operator: User) -> None:
    quarters = _quarters()
    if len(quarters) < 2:
        return
    previous = quarters[-2]
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


FLAGGED = 5
"""Straight-line answers in a row from one counter: the coordinator's review queue."""


def flagged_load(units: dict[str, ServiceUnit]) -> int:
    """A few responses the integrity rules flag, for the coordinator to review.

    Five responses a minute apart at one Dukcapil counter, all nine answers 4: the
    straight-line rule (``MUTU_SURVEY_STRAIGHT_LINE_RUN``, 3 in a row) flags them.
    Idempotent (fixed client ids); dated two hours before the load.
    """
    unit = units["dukcapil"]
    point = unit.points.filter(code="dukcapil-1").first()
    service = unit.services.filter(is_active=True).first()
    if point is None or service is None:
        return 0
    now = timezone.now()
    quarter = period_containing(timezone.localdate(), PeriodKind.QUARTER)
    # Never before today's quarter (the one before may be published and closed).
    start = max(
        now - timedelta(hours=2),
        timezone.make_aware(datetime.combine(quarter.start, time(0))),
    )
    stored = 0
    for n in range(FLAGGED):
        client_id = uuid.uuid5(NAMESPACE, f"flagged-{now.year}-{n}")
        if Response.objects.filter(client_id=client_id).exists():
            continue
        result = response_submit(
            unit=unit,
            service=service,
            point=point,
            channel="kiosk",
            answers=dict.fromkeys(ELEMENT_CODES, 4),
            client_id=client_id,
            submitted_at=start + timedelta(minutes=n),
            now=now,
        )
        stored += int(result.created)
    return stored
