"""Every URL pattern of the project, walked from Django's resolver.

Shared by the role × route matrix (``tests/security/test_access_matrix.py``) and the
page crawl (``tests/browser/test_every_page.py``): a pattern added to any app joins
both by itself, and each fails until it is told what to expect of it.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

ADMIN = "admin:index"
"""The Django admin's many patterns stand as one route: its index."""


@dataclass(frozen=True)
class Route:
    """One URL pattern: its name as ``reverse`` takes it, its path pattern, and the
    names of its parameters (those of the including patterns first)."""

    name: str
    pattern: str
    parameters: tuple[str, ...]


def walk(
    patterns: list, prefix: str = "", namespace: str = "", parameters: tuple = ()
) -> Iterator[Route]:
    """The routes under *patterns*, depth first, in the resolver's order."""
    for pattern in patterns:
        converters = getattr(pattern.pattern, "converters", {})
        names = (
            *parameters,
            *converters,
            *(
                name
                for name in pattern.pattern.regex.groupindex
                if name not in converters
            ),
        )
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                yield Route(ADMIN, prefix + str(pattern.pattern), ())
                continue
            inner = (
                f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            )
            yield from walk(
                pattern.url_patterns, prefix + str(pattern.pattern), inner, names
            )
        elif isinstance(pattern, URLPattern):
            yield Route(
                f"{namespace}{pattern.name}", prefix + str(pattern.pattern), names
            )


def routes() -> list[Route]:
    """Every URL pattern of the project, named as ``reverse`` takes it."""
    return list(walk(get_resolver().url_patterns))
