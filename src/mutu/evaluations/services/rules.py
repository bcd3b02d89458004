"""Rules every evaluation write shares: the role constants, the refusal error,
who manages a cycle, the row lock on an assignment, the lookup of one answer,
and the 0–5 level check (what each state allows is in mutu.evaluations.states)."""

from typing import Any

from mutu.accounts.models import Role
from mutu.accounts.scoping import MANAGER_ROLES, can_see, grant_paths, region_part
from mutu.errors import MutuError
from mutu.evaluations.models import Answer, Assignment, Cycle


def _refuse(message_id: str, message_en: str, **details: Any) -> MutuError:
    return MutuError(message_id, message_en, **details)


def _can_manage_cycle(actor: Any, cycle: Cycle) -> bool:
    """National cycles belong to national admins; a Mandiri round to a coordinator
    whose scope covers the round's region (a regency coordinator's scope is its
    government; the region part of that scope is the regency)."""
    if cycle.scheme == Cycle.Scheme.NATIONAL:
        return can_see(actor, cycle.region, roles=[Role.NATIONAL_ADMIN])
    region_path = cycle.region.path
    return any(
        region_path.startswith(region_part(path))
        for path in grant_paths(actor, roles=MANAGER_ROLES)
    )


def _lock(assignment: Assignment) -> Assignment:
    return (
        Assignment.objects.select_for_update()
        .select_related("cycle", "unit")
        .get(pk=assignment.pk)
    )


def _answer(assignment: Assignment, indicator: str) -> Answer:
    try:
        return assignment.answers.get(indicator=indicator)
    except Answer.DoesNotExist as error:
        raise _refuse(
            f"Indikator tidak dikenal: {indicator}.",
            f"Unknown indicator: {indicator}.",
            field="indicator",
        ) from error


def _level(value: Any, field: str, scale: range = range(6)) -> int:
    """*value* as a level on *scale* (the instruments' 0–5 unless given)."""
    if isinstance(value, bool) or not isinstance(value, int) or value not in scale:
        low, high = scale.start, scale.stop - 1
        raise _refuse(
            f"Nilai harus bilangan bulat {low}–{high}.",
            f"The value must be a whole number {low}–{high}.",
            field=field,
        )
    return value


def _departure_refused(
    indicator: str, level: int, feed: dict[str, Any] | None
) -> MutuError:
    """The refusal of a level that departs from the proposal without a reason (D11),
    with the data beside it."""
    feed = feed or {}
    return _refuse(
        f"{indicator}: level {level} berbeda dari usulan data Mutu (level "
        f"{feed.get('level')}: {feed.get('value')}). Tuliskan alasannya.",
        f"{indicator}: level {level} departs from Mutu's proposed level "
        f"({feed.get('level')}: {feed.get('value')}). Give the reason.",
        field="reason",
        proposed=feed.get("level"),
    )
