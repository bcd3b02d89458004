"""A unit's own questions (up to five, outside the IKM) on every channel and in results."""

import pytest
from django.urls import reverse

from mutu.errors import MutuError
from mutu.surveys.models import DailyRollup, Response, UnitSurveySettings
from mutu.surveys.services import response_submit
from tests.api.factories import response_body, token_client
from tests.registry import factories
from tests.surveys.test_kiosk import _item, _sync
from tests.surveys.test_views import _post_data

QUESTIONS = ["Apakah toilet bersih?", "Apakah parkir aman?"]


@pytest.fixture
def point(world):
    UnitSurveySettings.objects.create(unit=world.dukcapil, extra_questions=QUESTIONS)
    counter = factories.point(world.dukcapil, code="dukcapil-1")
    counter.services.add(world.ktp)
    return counter


def _submit(world, extra, **more):
    return response_submit(
        unit=world.dukcapil,
        service=world.ktp,
        channel="api",
        answers={"U1": 3},
        extra_answers=extra,
        **more,
    )


def test_extra_answers_are_stored_as_numbers_and_stay_out_of_the_ikm(world, point):
    stored = _submit(world, {"X1": "4", "X2": 2}).response
    assert stored.extra_answers == {"X1": 4, "X2": 2}
    rollup = DailyRollup.objects.get()
    assert (rollup.responses, rollup.u1_3, rollup.u1_4) == (1, 1, 0)


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        ({"X3": 4}, "tidak dikenal"),  # the unit has two questions
        ({"U1": 4}, "tidak dikenal"),
        ({"X1": 5}, "1, 2, 3 atau 4"),
        ({"X1": True}, "1, 2, 3 atau 4"),
        (["X1", 4], "harus objek"),
    ],
)
def test_bad_extra_answers_are_refused_and_nothing_is_stored(
    world, point, extra, fragment
):
    with pytest.raises(MutuError, match=fragment) as refused:
        _submit(world, extra)
    assert refused.value.details["field"] == "extra_answers"
    assert not Response.objects.exists()
    assert not DailyRollup.objects.exists()


def test_unit_without_extra_questions_takes_no_extra_answers(world):
    with pytest.raises(MutuError, match=r"unit ini punya 0"):
        _submit(world, {"X1": 4})


def test_kiosk_asks_the_extra_questions_and_syncs_their_answers(client, world, point):
    page = client.get(reverse("kiosk:page", args=[point.code])).content.decode()
    assert 'data-extra="X1"' in page
    assert QUESTIONS[1] in page
    assert "Pertanyaan tambahan 2 dari 2" in page
    item = _item(world, extra_answers={"X2": "3"})
    assert _sync(client, point, [item]).json()["results"][0]["status"] == "created"
    assert Response.objects.get().extra_answers == {"X2": 3}
    bad = _item(world, extra_answers={"X9": "3"})
    result = _sync(client, point, [bad]).json()["results"][0]
    assert (result["status"], result["field"]) == ("invalid", "extra_answers")


def test_api_refuses_an_unknown_extra_question(world, point):
    api = token_client(world.operator)
    body = {**response_body(world), "extra_answers": {"X7": 4}}
    answer = api.post("/api/v1/responses", body, format="json")
    assert answer.status_code == 400
    assert "X7" in answer.content.decode()
    assert not Response.objects.exists()


def test_results_page_shows_the_extra_questions(client, world, point):
    url = reverse("web:form", args=[point.code])
    for x1 in ("4", "4", "2"):
        assert client.post(url, _post_data(world, X1=x1)).status_code == 302
    client.force_login(world.operator)
    page = client.get(
        reverse("surveys:unit_results", args=[world.dukcapil.pk])
    ).content.decode()
    assert "Pertanyaan tambahan unit" in page
    assert QUESTIONS[0] in page
    assert "3,33" in page  # (4 + 4 + 2) / 3, in Indonesian notation
