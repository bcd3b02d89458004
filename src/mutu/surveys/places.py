"""The public survey form's place: a service point, its services and the unit's extra
questions, read on every form view and post, so kept in Django's cache.

A citizen's post is the busiest request Mutu serves; without this cache it spends
three of its queries re-reading data that changes a few times a year. Any save or
delete of a point, service, unit, MPP or survey settings (and any change of a point's
services) moves every entry to a new generation, so the next read is fresh. With a
cache shared by all processes (Redis, database) that is at once everywhere; with
Django's default per-process memory cache, other processes see the change within
``PLACE_CACHE_SECONDS``.
"""

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from mutu.registry.models import Mpp, Service, ServicePoint, ServiceUnit
from mutu.surveys.models import UnitSurveySettings
from mutu.surveys.selectors import survey_settings_for

PLACE_CACHE_SECONDS = 60
GENERATION_KEY = "mutu-survey-place:generation"


@dataclass(frozen=True)
class SurveyPlace:
    point: ServicePoint
    services: list[Service]
    extra_questions: list[str] = field(default_factory=list)


def point_services(point: ServicePoint) -> list[Service]:
    """The services rated at *point*: its own active ones, else all of its unit's.

    The one rule of every channel that starts from a counter (form, kiosk, SMS).
    """
    return list(point.services.filter(is_active=True).order_by("name")) or list(
        point.unit.services.filter(is_active=True).order_by("name")
    )


def _read(code: str) -> SurveyPlace | None:
    point = ServicePoint.objects.select_related("unit", "mpp").filter(code=code).first()
    if point is None:
        return None
    extra = list(survey_settings_for(point.unit).extra_questions or [])
    return SurveyPlace(point, point_services(point), extra)


def survey_place(code: str) -> SurveyPlace | None:
    """The point with *code*, its active services (the unit's when the point lists
    none) and the unit's extra questions; ``None`` for an unknown code. Unknown
    codes are not cached, so guessing codes cannot fill the cache."""
    generation = cache.get_or_set(GENERATION_KEY, 0, timeout=None)
    key = f"mutu-survey-place:{generation}:{code}"
    place: SurveyPlace | None = cache.get(key)
    if place is None:
        place = _read(code)
        if place is not None:
            cache.set(key, place, PLACE_CACHE_SECONDS)
    return place


def survey_places_forget(**_signal: object) -> None:
    """Start a new generation now and again after the commit (an old copy read by
    another request before the commit must not survive it)."""

    def bump() -> None:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:
            cache.set(GENERATION_KEY, 1, timeout=None)

    bump()
    transaction.on_commit(bump)


def connect_signals() -> None:
    for model in (ServicePoint, Service, ServiceUnit, Mpp, UnitSurveySettings):
        post_save.connect(survey_places_forget, sender=model, weak=False)
        post_delete.connect(survey_places_forget, sender=model, weak=False)
    m2m_changed.connect(
        survey_places_forget, sender=ServicePoint.services.through, weak=False
    )
