"""The one place that decides which rows of the registry a user may see.

Every selector passes its queryset through :func:`scope_queryset`. A model opts in by
naming, in ``scope_path_field``, the lookup that reaches a registry path (for example
``"unit__path"`` on a service). A user sees a row when that path starts with the
scope path of one of the user's grants, so a coordinator of Kabupaten Pesawaran sees
every unit under ``/ID/18/18.09/`` and nothing else.

An evaluator's grant is not such a sight: it says where the evaluator may be
assigned, not what he may read. An evaluator sees only the units he is assigned to
evaluate, and of them only what the evaluation needs (the unit's page, its services
and standards, its evaluation pages and evidence; its published SKM results are
public): a selector opts in with ``evaluated=True`` where it serves that need, and
never for a unit's working pages (unpublished results, citizens' comments, paper
imports, posters, settings).
"""

from collections.abc import Iterable

from django.db.models import Model, Q, QuerySet

from mutu.accounts.models import Role, RoleGrant
from mutu.registry.models import ServiceUnit


def grant_paths(user, roles: Iterable[str] | None = None) -> list[str]:
    """Return the scope paths of *user*'s grants (optionally only for *roles*).

    A superuser is treated as a national admin. The result is cached on the user
    object for the length of the request.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if user.is_superuser:
        return ["/"]
    cache = user.__dict__.setdefault("_mutu_grant_cache", {})
    key = tuple(sorted(roles)) if roles is not None else None
    if key not in cache:
        grants = RoleGrant.objects.filter(user=user)
        if roles is not None:
            grants = grants.filter(role__in=list(roles))
        cache[key] = sorted(set(grants.values_list("scope_path", flat=True)))
    return cache[key]


def scope_filter(model: type[Model], paths: Iterable[str]) -> Q:
    """Build the filter that keeps rows of *model* under any of *paths*."""
    field = model.scope_path_field  # type: ignore[attr-defined]
    condition = Q(pk__in=[])
    for path in paths:
        if path == "/":
            return Q()
        condition |= Q(**{f"{field}__startswith": path})
    return condition


def evaluated_filter(model: type[Model], user) -> Q:
    """Build the filter that keeps rows of *model* in the units *user* evaluates.

    A unit is evaluated by the users named on one of its evaluation assignments
    (``Assignment.evaluators``, whatever the cycle's stage: after the result is
    final the evaluator still reads, and the evaluation services refuse writes).
    The rows are matched by their unit's path, so any model with a
    ``scope_path_field`` works.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    field = model.scope_path_field  # type: ignore[attr-defined]
    units = ServiceUnit.objects.filter(assignments__evaluators=user).values("path")
    return Q(**{f"{field}__in": units})


def scope_queryset(
    user,
    queryset: QuerySet,
    roles: Iterable[str] | None = None,
    *,
    evaluated: bool = False,
) -> QuerySet:
    """Narrow *queryset* to the rows *user* may see through the grants of *roles*.

    *roles* defaults to :data:`SIGHT_ROLES` (every role but the evaluator's). With
    ``evaluated=True`` the rows of the units *user* is assigned to evaluate are
    kept too (see the module's docstring for when a selector may ask for them).
    """
    paths = grant_paths(user, SIGHT_ROLES if roles is None else roles)
    if "/" in paths:
        return queryset
    condition = scope_filter(queryset.model, paths)
    if evaluated:
        condition |= evaluated_filter(queryset.model, user)
    return queryset.filter(condition)


def can_see(
    user, obj: Model, roles: Iterable[str] | None = None, *, evaluated: bool = False
) -> bool:
    """Return whether *user* may see the single row *obj*."""
    return scope_queryset(
        user, type(obj)._default_manager.filter(pk=obj.pk), roles, evaluated=evaluated
    ).exists()


def region_part(scope_path: str) -> str:
    """The region prefix of a scope path: ``/ID/18/18.09/g2/u5/`` -> ``/ID/18/18.09/``."""
    return scope_path.split("/g", 1)[0].rstrip("/") + "/"


def has_role(user, *roles: str) -> bool:
    """Return whether *user* holds any of *roles* anywhere (superusers hold all)."""
    return bool(grant_paths(user, roles))


SIGHT_ROLES = (
    Role.NATIONAL_ADMIN,
    Role.COORDINATOR,
    Role.UNIT_HEAD,
    Role.UNIT_OPERATOR,
)
"""Roles whose grant shows every row under its scope path: a unit's working pages
(its SKM results with comments, paper imports, posters, settings) and its registry
rows. Not the evaluator's: see :func:`evaluated_filter`."""


EDITOR_ROLES = (
    Role.NATIONAL_ADMIN,
    Role.COORDINATOR,
    Role.UNIT_HEAD,
    Role.UNIT_OPERATOR,
)
"""Roles that may edit a unit's services and standards within their scope.

Evaluators read but never edit what they evaluate.
"""


UNIT_ROLES = (Role.UNIT_HEAD, Role.UNIT_OPERATOR)
"""The unit's own staff: they fill its self-assessment and keep its services."""

MANAGER_ROLES = (Role.NATIONAL_ADMIN, Role.COORDINATOR)
"""Roles that may change the shape of the registry within their scope: add a unit or
an MPP, rename or re-classify a unit, move it to another government, keep an MPP.

A coordinator (Bagian Organisasi of a regency, Biro Organisasi of a province) keeps
the list of its region's units; a unit's head and operators keep what the unit
serves and where (:data:`EDITOR_ROLES`).
"""
