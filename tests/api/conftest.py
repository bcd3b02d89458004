"""Fixtures of the API tests: a fresh throttle cache, the Swagger UI static files."""

import pytest
from django.core.cache import cache

from tests.api.fixtures import sidecar  # noqa: F401 (fixture)


@pytest.fixture(autouse=True)
def throttle_cache():
    """Rate-limit counters live in the cache: start every test with none."""
    cache.clear()
    yield
    cache.clear()
