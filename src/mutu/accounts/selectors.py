"""Reads of accounts."""

from typing import Any

from django.db.models import QuerySet

from mutu.accounts.models import RoleGrant


def grant_list_for_user(user: Any) -> QuerySet[RoleGrant]:
    """The grants *user* holds, with their scope objects loaded."""
    return RoleGrant.objects.filter(user=user).select_related(
        "region", "government", "unit"
    )
