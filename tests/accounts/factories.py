"""Builders of users with role grants for tests."""

from mutu.accounts.models import User
from mutu.accounts.services import grant_ensure


def user_with_role(username: str, role: str | None = None, target=None) -> User:
    user = User.objects.create_user(username=username, password="sandi-uji-123")
    if role:
        grant_ensure(actor=None, user=user, role=role, target=target)
    return user
