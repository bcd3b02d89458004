"""Services of the unit's SKM cycle after collection: population, publication, follow-up.

PermenPANRB 14/2017 requires results to be published and followed up; PEKPPP
indicators 6–9 score exactly that (docs/regulations.md §1.7), so each act is recorded with
its date, and every change is audited.
"""

import ipaddress
from datetime import date

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from mutu.accounts.models import Role, User
from mutu.accounts.scoping import EDITOR_ROLES, can_see
from mutu.audit.services import audit_record
from mutu.errors import MutuError
from mutu.measures.skm_elements import ELEMENT_CODES
from mutu.registry.models import ServiceUnit
from mutu.surveys.integrity import own_networks_cache_key
from mutu.surveys.models import (
    DailyRollup,
    FollowUpItem,
    PeriodPopulation,
    Publication,
    UnitSurveySettings,
)
from mutu.surveys.periods import PeriodKind, period_from_key
from mutu.surveys.signals import result_published

PUBLISHER_ROLES = (Role.UNIT_HEAD, Role.NATIONAL_ADMIN)
"""Publication is the unit head's act (the national admin may act for a unit)."""


def _require(
    actor: User, unit: ServiceUnit, roles: tuple[str, ...], what_id: str, what_en: str
) -> None:
    if not can_see(actor, unit, roles=roles):
        raise MutuError(
            f"Anda tidak berwenang {what_id}.", f"You are not allowed to {what_en}."
        )


def _period(period_key: str):
    try:
        return period_from_key(period_key)
    except (ValueError, TypeError) as error:
        raise MutuError(
            f"Periode tidak dikenal: {period_key!r}.",
            f"Unknown period: {period_key!r}.",
            field="period_key",
        ) from error


@transaction.atomic
def population_set(
    *, actor: User, unit: ServiceUnit, period_key: str, population: int
) -> PeriodPopulation:
    """Record how many people used the unit's services in the period (N of K&M, D5)."""
    _require(
        actor,
        unit,
        EDITOR_ROLES,
        "mengisi populasi unit ini",
        "set this unit's population",
    )
    _period(period_key)
    if not isinstance(population, int) or population < 1:
        raise MutuError(
            "Jumlah pengguna layanan harus bilangan bulat ≥ 1.",
            "The number of service users must be a whole number ≥ 1.",
            field="population",
        )
    record, created = PeriodPopulation.objects.get_or_create(
        unit=unit, period_key=period_key, defaults={"population": population}
    )
    if not created and record.population != population:
        audit_record(
            actor=actor,
            action="population.update",
            target=record,
            changes={"population": [record.population, population]},
        )
        record.population = population
        record.save()
    elif created:
        audit_record(
            actor=actor,
            action="population.create",
            target=record,
            changes={"population": [None, population]},
        )
    return record


@transaction.atomic
def result_publish(
    *,
    actor: User,
    unit: ServiceUnit,
    period_key: str,
    published_at: date,
    media: list[str],
    today: date | None = None,
) -> Publication:
    """Publish a period's SKM result: an explicit, dated act of the unit head.

    Publishing again updates the date and media (audited). A period is published
    only after it ended, on a date between its end and today: a publication closes
    the period to new responses, so an open period must not be closed early. Raises
    :class:`MutuError` for those, a period without responses, an unknown medium or
    no medium at all.
    """
    _require(
        actor,
        unit,
        PUBLISHER_ROLES,
        "mempublikasikan hasil unit ini",
        "publish this unit's results",
    )
    period = _period(period_key)
    today = today or timezone.localdate()
    if period.end >= today:
        raise MutuError(
            "Periode ini belum berakhir; hasilnya baru dapat dipublikasikan sesudahnya.",
            "This period has not ended; its results can be published only afterwards.",
            field="period_key",
        )
    if not period.end <= published_at <= today:
        raise MutuError(
            "Tanggal publikasi harus sesudah akhir periode dan tidak di masa depan.",
            "The publication date must follow the end of the period and not be in the future.",
            field="published_at",
        )
    media = sorted(set(media))
    unknown = set(media) - set(Publication.Medium.values)
    if not media or unknown:
        raise MutuError(
            "Pilih paling sedikit satu media publikasi yang dikenal.",
            "Choose at least one known publication medium.",
            field="media",
        )
    if not DailyRollup.objects.filter(
        unit=unit, day__gte=period.start, day__lte=period.end, responses__gt=0
    ).exists():
        raise MutuError(
            "Belum ada respons pada periode ini; tidak ada yang dapat dipublikasikan.",
            "There are no responses in this period; nothing to publish.",
            field="period_key",
        )
    publication, created = Publication.objects.get_or_create(
        unit=unit,
        period_key=period_key,
        defaults={"published_at": published_at, "media": media, "published_by": actor},
    )
    if created:
        result_published.send(sender=Publication, unit=unit, period_key=period_key)
        audit_record(
            actor=actor,
            action="result.publish",
            target=publication,
            changes={
                "published_at": [None, published_at.isoformat()],
                "media": [None, media],
            },
        )
    elif (publication.published_at, publication.media) != (published_at, media):
        audit_record(
            actor=actor,
            action="result.publish_update",
            target=publication,
            changes={
                "published_at": [
                    publication.published_at.isoformat(),
                    published_at.isoformat(),
                ],
                "media": [publication.media, media],
            },
        )
        publication.published_at, publication.media = published_at, media
        publication.save()
    return publication


@transaction.atomic
def follow_up_create(
    *,
    actor: User,
    unit: ServiceUnit,
    period_key: str,
    element: str,
    action: str,
    person_in_charge: str,
    due_date: date,
) -> FollowUpItem:
    """Add a follow-up plan item (rencana tindak lanjut) for one element of a period."""
    _require(
        actor,
        unit,
        EDITOR_ROLES,
        "menyusun rencana tindak lanjut unit ini",
        "plan this unit's follow-up",
    )
    _period(period_key)
    if element not in ELEMENT_CODES:
        raise MutuError(
            f"Unsur tidak dikenal: {element!r}.",
            f"Unknown element: {element!r}.",
            field="element",
        )
    if not action.strip() or not person_in_charge.strip():
        raise MutuError(
            "Tindakan dan penanggung jawab wajib diisi.",
            "The action and the person in charge are required.",
            field="action",
        )
    item, created = FollowUpItem.objects.get_or_create(
        unit=unit,
        period_key=period_key,
        element=element,
        action=action.strip(),
        defaults={"person_in_charge": person_in_charge.strip(), "due_date": due_date},
    )
    if created:
        audit_record(actor=actor, action="follow_up.create", target=item)
    return item


@transaction.atomic
def follow_up_update(
    *,
    actor: User,
    item: FollowUpItem,
    status: str,
    evidence: str = "",
    completed_at: date | None = None,
) -> FollowUpItem:
    """Move a follow-up item to *status*; "done" needs evidence and a completion date."""
    _require(
        actor,
        item.unit,
        EDITOR_ROLES,
        "memperbarui rencana tindak lanjut unit ini",
        "update this unit's follow-up",
    )
    if status not in FollowUpItem.Status.values:
        raise MutuError(
            f"Status tidak dikenal: {status!r}.",
            f"Unknown status: {status!r}.",
            field="status",
        )
    evidence = (evidence or "").strip()
    if status == FollowUpItem.Status.DONE and (not evidence or completed_at is None):
        raise MutuError(
            "Tindak lanjut selesai wajib disertai bukti dan tanggal selesai.",
            "A completed follow-up needs evidence and a completion date.",
            field="evidence",
        )
    if status != FollowUpItem.Status.DONE:
        completed_at = None
    changes = {
        name: [str(getattr(item, name) or ""), str(value or "")]
        for name, value in (
            ("status", status),
            ("evidence", evidence),
            ("completed_at", completed_at),
        )
        if getattr(item, name) != value
    }
    if changes:
        item.status, item.evidence, item.completed_at = status, evidence, completed_at
        item.save()
        audit_record(
            actor=actor, action="follow_up.update", target=item, changes=changes
        )
    return item


@transaction.atomic
def survey_settings_update(
    *,
    actor: User,
    unit: ServiceUnit,
    period_kind: str,
    extra_questions: list[str],
    own_networks: list[str],
) -> UnitSurveySettings:
    """Save a unit's survey period, its extra questions (≤ 5) and its own networks."""
    _require(
        actor,
        unit,
        EDITOR_ROLES,
        "mengatur survei unit ini",
        "configure this unit's survey",
    )
    questions = [q.strip() for q in extra_questions if q.strip()]
    if len(questions) > UnitSurveySettings.MAX_EXTRA_QUESTIONS:
        raise MutuError(
            f"Paling banyak {UnitSurveySettings.MAX_EXTRA_QUESTIONS} pertanyaan tambahan.",
            f"At most {UnitSurveySettings.MAX_EXTRA_QUESTIONS} extra questions.",
            field="extra_questions",
        )
    networks = [n.strip() for n in own_networks if n.strip()]
    for network in networks:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError as error:
            raise MutuError(
                f"Rentang jaringan tidak sah: {network!r}. Tulis alamat IP dan "
                "panjang awalannya, mis. 192.168.1.0/24.",
                f"Invalid network range: {network!r}. Write an IP address and its "
                "prefix length, e.g. 192.168.1.0/24.",
                field="own_networks",
            ) from error
    if period_kind not in PeriodKind.values:
        raise MutuError(
            "Periode tidak dikenal.", "Unknown period.", field="period_kind"
        )
    record, _created = UnitSurveySettings.objects.select_for_update().get_or_create(
        unit=unit
    )
    before = [record.period_kind, record.extra_questions, record.own_networks]
    record.period_kind = period_kind
    record.extra_questions = questions
    record.own_networks = "\n".join(networks)
    after = [record.period_kind, record.extra_questions, record.own_networks]
    if before != after:
        record.save()
        transaction.on_commit(lambda: cache.delete(own_networks_cache_key(unit.pk)))
        audit_record(
            actor=actor,
            action="survey_settings.update",
            target=record,
            changes={
                name: [old, new]
                for name, old, new in zip(
                    ("period_kind", "extra_questions", "own_networks"),
                    before,
                    after,
                    strict=True,
                )
                if old != new
            },
        )
    return record
