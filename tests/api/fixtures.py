"""Fixtures shared by the API tests and the browser test of the docs page."""

import pytest
from django.conf import settings as django_settings
from django.contrib.staticfiles import finders

SIDECAR = "drf_spectacular_sidecar"


@pytest.fixture
def sidecar(settings):
    """drf-spectacular-sidecar installed, so its static files are found and served.

    The project settings are to list it in ``INSTALLED_APPS``; until then the
    tests add it themselves (and then this changes nothing).
    """
    if SIDECAR not in django_settings.INSTALLED_APPS:
        settings.INSTALLED_APPS = [*django_settings.INSTALLED_APPS, SIDECAR]
    finders.get_finder.cache_clear()
    yield
    finders.get_finder.cache_clear()
