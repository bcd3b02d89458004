"""Reads of accounts."""

from django.db.models import QuerySet

from mutu.accounts.models import RoleGrant, User


def grant_list_for_user(user: User) -> QuerySet[RoleGrant]:
    """The grants *user* holds, with their scope objects loaded."""
    return RoleGrant.objects.filter(user=user).select_related(
        "region", "government", "unit"
    )
