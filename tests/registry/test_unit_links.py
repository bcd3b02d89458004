"""The unit page links each counter's survey form, kiosk and, for the unit's staff,
its QR poster (issue 10, item 4)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from mutu.evaluations.services import cycle_open, evaluators_assign
from tests.accounts.login import login
from tests.registry import factories


def _counter(world):
    """A counter of Dukcapil; its form offers the unit's services (it lists none)."""
    return factories.point(world.dukcapil, "dukcapil-1")


def test_unit_page_links_each_counters_form_kiosk_and_poster(client, world):
    """The operator reaches the form, the kiosk and the poster PDF from the unit
    page; each link answers 200."""
    point = _counter(world)
    client.force_login(world.operator)
    page = client.get(
        reverse("registry:unit_detail", args=[world.dukcapil.pk])
    ).content.decode()

    links = [
        reverse("web:form", args=[point.code]),
        reverse("kiosk:page", args=[point.code]),
        reverse("reports:point_poster", args=[world.dukcapil.pk, point.code]),
    ]
    for href in links:
        assert f'href="{href}"' in page, href
    answers = [client.get(href) for href in links]
    assert [answer.status_code for answer in answers] == [200, 200, 200]
    assert answers[2]["Content-Type"] == "application/pdf"


def test_evaluator_sees_the_public_links_but_not_the_poster(client, world):
    """The assigned evaluator reads the unit page: the public form and kiosk are
    linked, the poster (a working page, 404 to him) is not."""
    point = _counter(world)
    cycle = cycle_open(
        actor=world.admin,
        year=2025,
        name="PEKPPP 2025 Pesawaran",
        scheme="nasional",
        region=world.pesawaran,
        units=[world.dukcapil],
        self_assessment_due=timezone.localdate() + timedelta(days=30),
        verification_due=timezone.localdate() + timedelta(days=60),
    )
    evaluators_assign(
        actor=world.admin,
        assignment=cycle.assignments.get(),
        evaluators=[world.evaluator],
    )
    login(client, world.evaluator)
    page = client.get(
        reverse("registry:unit_detail", args=[world.dukcapil.pk])
    ).content.decode()

    assert f'href="{reverse("web:form", args=[point.code])}"' in page
    assert f'href="{reverse("kiosk:page", args=[point.code])}"' in page
    poster = reverse("reports:point_poster", args=[world.dukcapil.pk, point.code])
    assert poster not in page
    assert client.get(poster).status_code == 404
