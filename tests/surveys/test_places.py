"""The survey form's cached place (point, services, extra questions) never goes stale
in the process that made the change."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from mutu.surveys.models import UnitSurveySettings
from mutu.surveys.places import survey_place
from tests.registry import factories
from tests.surveys.test_views import _post_data


@pytest.fixture
def point(world):
    cache.clear()
    counter = factories.point(world.dukcapil, code="dukcapil-1")
    counter.services.add(world.ktp)
    return counter


def test_form_reads_its_place_once(client, world, point, django_assert_num_queries):
    """After the first view, showing the form costs no query for the place."""
    url = reverse("web:form", args=[point.code])
    client.get(url)
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200


def test_a_post_costs_few_queries(client, world, point, django_assert_max_num_queries):
    """A citizen's post, once the place and the unit's networks are cached: the
    insert and the rollups in one transaction (here a savepoint and its release, in
    production BEGIN and COMMIT). No published-period look-up: a response stamped
    now cannot fall into a period that has ended. The rollups are two upserts: the
    day's row, then the month's with its revision (one function call on
    PostgreSQL; on SQLite the revision is a statement of its own)."""
    url = reverse("web:form", args=[point.code])
    client.post(url, _post_data(world))
    statements = 5 if connection.vendor == "postgresql" else 6
    with django_assert_max_num_queries(statements):
        assert client.post(url, _post_data(world)).status_code == 302


def test_new_service_shows_at_once(client, world, point):
    url = reverse("web:form", args=[point.code])
    assert "Akta Kelahiran" not in client.get(url).content.decode()
    birth = factories.service(world.dukcapil, "Akta Kelahiran")
    point.services.add(birth)
    assert "Akta Kelahiran" in client.get(url).content.decode()


def test_deactivated_service_leaves_at_once(client, world, point):
    url = reverse("web:form", args=[point.code])
    client.get(url)
    world.ktp.is_active = False
    world.ktp.save()
    assert client.get(url).status_code == 404


def test_extra_question_shows_at_once(client, world, point):
    url = reverse("web:form", args=[point.code])
    client.get(url)
    UnitSurveySettings.objects.create(
        unit=world.dukcapil, extra_questions=["Apakah toilet bersih?"]
    )
    assert "Apakah toilet bersih?" in client.get(url).content.decode()


def test_unknown_code_is_404_and_not_cached(client, point):
    assert client.get(reverse("web:form", args=["tidak-ada"])).status_code == 404
    assert survey_place("tidak-ada") is None
    assert not [k for k in cache._cache if "tidak-ada" in k]
