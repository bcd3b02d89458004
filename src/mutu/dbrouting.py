"""Read replicas: where the read-only work of a request goes (issue 14, item 8).

PostgreSQL streaming replicas listed in ``DATABASE_REPLICA_URLS`` become the database
aliases ``replica1``, ``replica2`` … (``settings.MUTU_REPLICA_ALIASES``). A view says
that its work is read-only with :func:`replica_reads`; while it runs (a GET or a HEAD),
the ORM's reads go to one replica chosen at random, its writes still to ``default``.
Every other view, and every read inside a transaction on the primary, reads from
``default``, exactly as with no replica at all: an empty ``DATABASE_REPLICA_URLS``
changes nothing.

Read-your-writes: a replica replays the primary's changes a little later (usually
milliseconds, seconds under load), so a person who has just saved something and is
sent back to a page must not read the replica's older copy. :class:`ReadYourWritesMiddleware`
stamps every answer to a non-safe request (POST, PUT, PATCH, DELETE) with a cookie
holding the time until which this browser reads from the primary
(``MUTU_READ_YOUR_WRITES_SECONDS`` later); while it holds, :func:`replica_reads` does
nothing. The cookie only ever sends reads to the primary, so a forged one gains
nothing but slower pages. API clients (no cookies) that read just after writing must
ask the primary themselves: the API's read endpoints are not marked.

The chosen alias lives in a context variable, so threads and asynchronous tasks do not
see each other's. A streaming answer runs after the view has returned: its generator
takes the alias with :func:`read_alias` while the view runs and passes it on
(``using=``), as the exports do (:mod:`mutu.surveys.exports`).
"""

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponseBase

READ_YOUR_WRITES_COOKIE = "mutu_primary_until"
"""The cookie that pins a browser's reads to the primary: a Unix time in seconds."""

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

_read_alias: ContextVar[str | None] = ContextVar("mutu_read_alias", default=None)


def replica_aliases() -> list[str]:
    """The database aliases of the replicas (empty: none configured)."""
    return list(settings.MUTU_REPLICA_ALIASES)


def read_alias() -> str:
    """The alias the ORM reads from now: a replica inside a marked view, else default."""
    return _read_alias.get() or DEFAULT_DB_ALIAS


@contextmanager
def reading_from(alias: str | None) -> Iterator[str]:
    """Send the ORM's reads to *alias* inside the block (``None``: the primary)."""
    token = _read_alias.set(alias)
    try:
        yield alias or DEFAULT_DB_ALIAS
    finally:
        _read_alias.reset(token)


def primary_pinned(request: HttpRequest, *, now: float | None = None) -> bool:
    """Whether *request*'s browser wrote recently, so it must read from the primary."""
    stamp = request.COOKIES.get(READ_YOUR_WRITES_COOKIE, "")
    try:
        until = float(stamp)
    except ValueError:
        return False
    return until > (time.time() if now is None else now)


def choose_replica(request: HttpRequest) -> str | None:
    """The replica *request*'s reads may go to, or ``None`` for the primary.

    ``None`` when no replica is configured, for a non-safe method, and for a
    browser inside its read-your-writes window.
    """
    aliases = replica_aliases()
    if not aliases or request.method not in SAFE_METHODS or primary_pinned(request):
        return None
    return random.choice(aliases)  # noqa: S311 (load spreading, not security)


def replica_reads(view: Callable[..., HttpResponseBase]) -> Callable[..., Any]:
    """Mark *view* as read-only work: its reads may go to a replica.

    Only GET and HEAD requests are routed (a POST to the same view reads from the
    primary); writes always go to the primary.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        with reading_from(choose_replica(request)):
            return view(request, *args, **kwargs)

    wrapper.replica_reads = True  # type: ignore[attr-defined]
    return wrapper


class ReplicaRouter:
    """Django's database router: reads to the request's replica, the rest to default.

    A read inside a transaction on the primary (a service's ``atomic`` block) stays
    on the primary, so a workflow never mixes a replica's older rows with its own.
    Migrations run only on the primary (the replicas copy its schema).
    """

    def db_for_read(self, model: type, **hints: Any) -> str | None:
        alias = _read_alias.get()
        if alias is None or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None
        return alias

    def db_for_write(self, model: type, **hints: Any) -> str | None:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # every alias holds the same rows: the replicas are copies of default
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db == DEFAULT_DB_ALIAS


class ReadYourWritesMiddleware:
    """Pin a browser's reads to the primary for a while after it writes.

    Any non-safe request stamps the answer with :data:`READ_YOUR_WRITES_COOKIE`,
    ``MUTU_READ_YOUR_WRITES_SECONDS`` ahead, when replicas are configured (without
    them every read is on the primary already, and no cookie is set).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if request.method not in SAFE_METHODS and replica_aliases():
            seconds = int(settings.MUTU_READ_YOUR_WRITES_SECONDS)
            response.set_cookie(
                READ_YOUR_WRITES_COOKIE,
                f"{time.time() + seconds:.0f}",
                max_age=seconds,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
