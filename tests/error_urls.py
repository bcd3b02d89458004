"""Mutu's URLs plus views that fail on purpose, for the error-answer tests.

Django takes ``handler400``… from the root URLconf, so they are Mutu's own here.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path

from mutu.urls import handler400, handler403, handler404, handler500
from mutu.urls import urlpatterns as mutu_urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


class Broken(Exception):
    """A bug: what no view should raise."""


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def broken(request: HttpRequest) -> HttpResponse:
    raise Broken("a bug for the 500 answer")


def too_many(request: HttpRequest) -> HttpResponse:
    return HttpResponse(status=429)


urlpatterns = [
    path("uji/terlarang/", forbidden),
    path("uji/rusak/", broken),
    path("uji/terlalu-sering/", too_many),
    path("api/uji/rusak/", broken),
    *mutu_urlpatterns,
]
