"""A year of synthetic SKM responses for the units of a registry, with flags.

Distributions (issue 14: realistic, not uniform): a unit's volume follows its kind
(a Dukcapil office is busier than a kelurahan) times a log-normal factor; its
quality is one of eight tiers (mean answer from about 2.5 to 3.8), with element
U9 (complaint handling, the weakest in published SKM reports) a little lower; each
unit has its own channel mix; weekdays carry most responses, office hours only;
about 2 % of the cells are left blank and about 3 % of the respondents tick the
same box nine times. Integrity flags: straight lines in a run are flagged as the
live rule would, plus a small share of duplicate (same device) and burst (busy
counter) flags; a few flagged responses are excluded (and left out of rollups).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone

from mutu.benchdata.registry import CHANNELS, UnitInfo
from mutu.surveys.hashing import response_content_hash
from mutu.surveys.integrity import straight_line_flag

RESPONSE_COLUMNS = (
    "id", "unit_id", "service_id", "point_id", "channel", "submitted_at", "day",
    "u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9",
    "sex", "age", "education", "occupation", "comment", "extra_answers",
    "client_id", "content_hash", "device_hash", "is_flagged", "is_excluded",
    "integrity_pending",
)  # fmt: skip

POOL = 1024
TIERS = 8
ELEMENT_OFFSETS = (0.05, 0.0, 0.05, 0.1, -0.05, 0.05, 0.1, 0.0, -0.3)
SEXES = ("L", "P")
EDUCATIONS = (("SD", 12), ("SMP", 15), ("SMA", 40), ("D1-D3", 9), ("S1", 20), ("S2", 4))
OCCUPATIONS = (
    ("PNS", 10),
    ("TNI", 2),
    ("POLRI", 2),
    ("SWASTA", 30),
    ("WIRAUSAHA", 30),
    ("LAINNYA", 26),
)
COMMENTS = (
    "Pelayanan cepat dan ramah.",
    "Antrean terlalu lama, mohon ditambah loket.",
    "Petugas membantu dengan sabar.",
    "Informasi persyaratan kurang jelas.",
    "Ruang tunggu panas, mohon diperbaiki.",
    "Terima kasih, sudah jauh lebih baik.",
)
FLAG_DUPLICATE = "duplicate"
FLAG_BURST = "burst"


@dataclass
class FlagRows:
    """Flags to write after the responses: ``(response id, rule, reason)``."""

    rows: list[tuple[int, str, str]]


def _answer_pool(rng: random.Random, tier: int) -> list[tuple[int | None, ...]]:
    centre = 2.5 + tier * 0.18
    pool: list[tuple[int | None, ...]] = []
    for _ in range(POOL):
        if rng.random() < 0.03:  # straight line: nine equal answers
            value = 4 if rng.random() < centre - 2.8 else 3
            pool.append((value,) * 9)
            continue
        person = rng.gauss(0, 0.35)
        answers: list[int | None] = []
        for offset in ELEMENT_OFFSETS:
            if rng.random() < 0.02:
                answers.append(None)
                continue
            value = round(centre + person + offset + rng.gauss(0, 0.55))
            answers.append(min(4, max(1, value)))
        if all(a is None for a in answers):
            answers[0] = 3  # D3: a response answers at least one element
        pool.append(tuple(answers))
    return pool


def _profile_pool(rng: random.Random) -> list[tuple[str, int | None, str, str]]:
    educations = [e for e, _ in EDUCATIONS]
    occupations = [o for o, _ in OCCUPATIONS]
    pool = []
    for _ in range(POOL):
        sex = rng.choice(SEXES) if rng.random() < 0.95 else ""
        age = (
            None if rng.random() < 0.05 else min(85, max(17, round(rng.gauss(38, 12))))
        )
        education = rng.choices(educations, weights=[w for _, w in EDUCATIONS])[0]
        occupation = rng.choices(occupations, weights=[w for _, w in OCCUPATIONS])[0]
        pool.append((sex, age, education, occupation))
    return pool


def _days(year: int) -> tuple[list[date], list[float]]:
    """The days of *year* and their cumulative weights (weekdays, few weekends)."""
    first = date(year, 1, 1)
    days, cumulative, total = [], [], 0.0
    day = first
    while day.year == year:
        weekday = day.isoweekday()
        total += 1.0 if weekday <= 5 else 0.15 if weekday == 6 else 0.05
        days.append(day)
        cumulative.append(total)
        day += timedelta(days=1)
    return days, cumulative


def responses_rows(
    units: list[UnitInfo], total: int, year: int, rng: random.Random, first_id: int
) -> tuple[Iterator[tuple[object, ...]], FlagRows]:
    """The rows of *total* responses (in :data:`RESPONSE_COLUMNS` order) and the flags
    they carry, filled in as the rows are consumed."""
    flags = FlagRows(rows=[])
    return _rows(units, total, year, rng, first_id, flags), flags


def _rows(
    units: list[UnitInfo],
    total: int,
    year: int,
    rng: random.Random,
    first_id: int,
    flags: FlagRows,
) -> Iterator[tuple[object, ...]]:
    pools = [_answer_pool(rng, tier) for tier in range(TIERS)]
    profiles = _profile_pool(rng)
    days, day_weights = _days(year)
    zone = timezone.get_default_timezone()
    opening = {
        day: datetime(day.year, day.month, day.day, 8, tzinfo=zone) for day in days
    }
    unit_weights = []
    running = 0.0
    for unit in units:
        running += unit.volume
        unit_weights.append(running)
    run = settings.MUTU_SURVEY_STRAIGHT_LINE_RUN
    straight = straight_line_flag(run)
    duplicate_reason = (
        "Perangkat/nomor yang sama sudah menilai layanan ini dalam "
        f"{settings.MUTU_SURVEY_DUPLICATE_WINDOW_MINUTES} menit."
    )
    burst_limit = settings.MUTU_SURVEY_BURST_PER_MINUTE
    burst_reason = (
        f"Lebih dari {burst_limit} respons dari loket ini dalam satu menit "
        f"(batas wajar {burst_limit})."
    )
    # The last straight lines of each unit and channel, for the run rule.
    streaks: dict[tuple[int, str], int] = {}
    random_bits = rng.getrandbits
    randrange = rng.randrange
    chunk = 10_000
    response_id = first_id
    for start in range(0, total, chunk):
        size = min(chunk, total - start)
        picked_units = rng.choices(units, cum_weights=unit_weights, k=size)
        picked_days = rng.choices(days, cum_weights=day_weights, k=size)
        for unit, day in zip(picked_units, picked_days, strict=True):
            channel = rng.choices(CHANNELS, cum_weights=unit.channels)[0]
            service_id = unit.services[randrange(len(unit.services))]
            point_id = (
                unit.points[randrange(len(unit.points))]
                if channel in ("qr", "kiosk")
                else None
            )
            answers = pools[unit.quality][random_bits(10)]
            sex, age, education, occupation = profiles[random_bits(10)]
            comment = COMMENTS[randrange(len(COMMENTS))] if randrange(10) == 0 else ""
            device = (
                f"{random_bits(256):064x}" if channel in ("qr", "web", "kiosk") else ""
            )
            moment = opening[day] + timedelta(seconds=randrange(8 * 3600))
            flagged = excluded = False
            key = (unit.id, channel)
            if answers[0] is not None and answers.count(answers[0]) == 9:
                streak = streaks[key] = streaks.get(key, 0) + 1
                if streak >= run:
                    flags.rows.append((response_id, straight.rule, straight.reason))
                    flagged = True
            else:
                streaks[key] = 0
            chance = random_bits(12)
            if device and chance < 20:  # about 0.5 %
                flags.rows.append((response_id, FLAG_DUPLICATE, duplicate_reason))
                flagged = True
            elif point_id is not None and chance < 32:  # about 0.3 %
                flags.rows.append((response_id, FLAG_BURST, burst_reason))
                flagged = True
            if flagged and chance % 5 == 0:
                excluded = True  # a coordinator left it out of the results
            yield (
                response_id,
                unit.id,
                service_id,
                point_id,
                channel,
                moment,
                day,
                *answers,
                sex,
                age,
                education,
                occupation,
                comment,
                "{}",
                uuid.UUID(int=random_bits(128), version=4),
                response_content_hash(
                    unit_id=unit.id,
                    service_id=service_id,
                    point_id=point_id,
                    channel=channel,
                    answers=answers,
                    sex=sex,
                    age=age,
                    education=education,
                    occupation=occupation,
                    comment=comment,
                    extra={},
                ),
                device,
                flagged,
                excluded,
                False,
            )
            response_id += 1
