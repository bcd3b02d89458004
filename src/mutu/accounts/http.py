"""The type of a request that only a logged-in user reaches."""

from django.http import HttpRequest

from mutu.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request behind ``login_required``: its ``user`` is a :class:`User`.

    For type checking only (django-stubs types ``request.user`` as ``User |
    AnonymousUser``): views that require a login annotate their request with it,
    so the services they call can take ``actor: User``.
    """

    user: User
