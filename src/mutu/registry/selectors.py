"""Reads of the registry, always narrowed to what the user may see."""

from collections import Counter
from collections.abc import Iterable
from typing import Any, NamedTuple

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from mutu.accounts.models import Role, User
from mutu.accounts.scoping import (
    EDITOR_ROLES,
    grant_paths,
    region_part,
    scope_queryset,
)
from mutu.registry.models import (
    Region,
    Service,
    ServicePoint,
    ServiceUnit,
    UnitRecord,
)


def _listed(units: QuerySet[ServiceUnit]) -> QuerySet[ServiceUnit]:
    return (
        units.select_related("government", "government__region")
        .annotate(service_count=Count("services", filter=Q(services__is_active=True)))
        .order_by("government__name", "name")
    )


def unit_list_for_user(user: User) -> QuerySet[ServiceUnit]:
    """The units whose page *user* may open (:func:`unit_get_for_reader`): those
    under a grant and those *user* evaluates, with government and service count."""
    return _listed(scope_queryset(user, ServiceUnit.objects.all(), evaluated=True))


def _unit_get(units: QuerySet[ServiceUnit], unit_id: int) -> ServiceUnit:
    try:
        return units.select_related("government").get(pk=unit_id)
    except ServiceUnit.DoesNotExist as error:
        raise Http404 from error


def unit_get_for_user(
    user: User, unit_id: int, *, roles: Iterable[str] | None = None
) -> ServiceUnit:
    """One unit whose working pages *user* may open; ``Http404`` otherwise (no hint
    that it exists).

    Through a grant of *roles* over the unit (default
    :data:`~mutu.accounts.scoping.SIGHT_ROLES`, never the evaluator's): a view
    passes the roles that may act on the page, so a GET form answers 404 to whoever
    could not submit it, like its POST.
    """
    return _unit_get(scope_queryset(user, ServiceUnit.objects.all(), roles), unit_id)


def unit_get_for_editor(user: User, unit_id: int) -> ServiceUnit:
    """One unit whose services, standards and surveys *user* may change
    (:data:`~mutu.accounts.scoping.EDITOR_ROLES`); ``Http404`` otherwise."""
    return unit_get_for_user(user, unit_id, roles=EDITOR_ROLES)


def unit_get_for_reader(user: User, unit_id: int) -> ServiceUnit:
    """One unit whose page, services and standards *user* may read: under a grant,
    or evaluated by *user* (what an evaluation needs); ``Http404`` otherwise."""
    return _unit_get(
        scope_queryset(user, ServiceUnit.objects.all(), evaluated=True), unit_id
    )


def service_list_for_unit(unit: ServiceUnit) -> list[Service]:
    """The unit's services with their standards (completeness needs the texts)."""
    return list(unit.services.select_related("standard").order_by("-is_active", "name"))


def service_get_for_unit(unit: ServiceUnit, service_id: int) -> Service:
    try:
        return unit.services.select_related("standard", "unit").get(pk=service_id)
    except Service.DoesNotExist as error:
        raise Http404 from error


def unit_record_get(unit: ServiceUnit) -> UnitRecord:
    """What *unit* keeps on record for the fed indicators (D19); an unsaved empty
    record when it has recorded nothing yet."""
    return UnitRecord.objects.filter(unit=unit).first() or UnitRecord(unit=unit)


def point_list_for_unit(unit: ServiceUnit) -> QuerySet[ServicePoint]:
    return unit.points.select_related("mpp").prefetch_related(
        Prefetch("services", queryset=Service.objects.only("id", "name", "unit_id"))
    )


def region_list_for_user(user: User) -> QuerySet[Region]:
    """Regions where *user* coordinates or administers (the tops of their subtrees)."""
    paths = grant_paths(user, roles=[Role.NATIONAL_ADMIN, Role.COORDINATOR])
    if "/" in paths:
        return Region.objects.filter(level=Region.Level.NATIONAL)
    region_paths = {region_part(path) for path in paths}
    return Region.objects.filter(path__in=region_paths).order_by("code")


def region_get_for_user(user: User, code: str) -> Region:
    """A region that lies inside one of *user*'s coordinator or admin scopes."""
    paths = grant_paths(user, roles=[Role.NATIONAL_ADMIN, Role.COORDINATOR])
    region = Region.objects.filter(code=code).first()
    if region is None or not any(
        region.path.startswith(region_part(path)) for path in paths
    ):
        raise Http404
    return region


def region_unit_list(user: User, region: Region) -> QuerySet[ServiceUnit]:
    """Units under *region* that *user* may see through a grant (a government-scoped
    coordinator sees only that government's units even inside a larger region)."""
    return _listed(
        scope_queryset(user, ServiceUnit.objects.filter(path__startswith=region.path))
    )


class UnitBrief(NamedTuple):
    """What a league table shows of a unit: its id, name and path. A tuple, not a
    model instance: a national table holds 25,000 units, and Django spent 100 ms
    building them as instances (docs/scaling.md "Unit summaries")."""

    pk: int
    name: str
    path: str


def region_unit_brief_list(user: User, region: Region) -> list[UnitBrief]:
    """The units of :func:`region_unit_list` with only what a league table shows
    of them (:class:`UnitBrief`), by name: a national table loads thousands of
    units, and their government, region and service count would be most of its
    time."""
    units = ServiceUnit.objects.filter(path__startswith=region.path)
    rows = (
        scope_queryset(user, units).order_by("name").values_list("id", "name", "path")
    )
    return list(map(UnitBrief._make, rows))


def region_children_with_units(user: User, region: Region) -> list[dict[str, Any]]:
    """The direct sub-regions of *region* holding units *user* may see, with counts.

    One query for the unit paths, bucketed in Python by the child's path prefix.
    """
    depth = region.path.count("/")
    counts: Counter[str] = Counter()
    for path in region_unit_list(user, region).values_list("path", flat=True):
        counts["/".join(path.split("/")[: depth + 1]) + "/"] += 1
    children = region.children.filter(path__in=list(counts)).order_by("code")
    return [{"region": child, "unit_count": counts[child.path]} for child in children]
