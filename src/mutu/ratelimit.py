"""Per-address rate limits for public endpoints, kept in Django's cache.

A fixed one-minute window per (scope, address). With several web processes the cache
must be shared (database or Redis cache backend); the default local-memory cache
limits each process on its own.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The caller's address; behind a trusted proxy, the first X-Forwarded-For hop."""
    if settings.SECURE_PROXY_SSL_HEADER and request.META.get("HTTP_X_FORWARDED_FOR"):
        return request.META["HTTP_X_FORWARDED_FOR"].split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


def rate_limited(
    request: HttpRequest, scope: str, *, per_minute: int | None = None
) -> bool:
    """Count this request; return whether the address is over its limit for *scope*."""
    limit = per_minute or settings.MUTU_PUBLIC_POSTS_PER_MINUTE
    window = int(time.time() // 60)
    key = f"mutu-rate:{scope}:{client_ip(request)}:{window}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=120)
        count = 1
    return count > limit
