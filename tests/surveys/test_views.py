"""The citizen's SKM form and the unit's results page, through real HTTP."""

import uuid

import pytest
from django.core import signing
from django.urls import reverse

from mutu.surveys.forms import STARTED_SALT
from mutu.surveys.models import Response
from tests.accounts.login import login
from tests.registry import factories


@pytest.fixture
def point(world):
    counter = factories.point(world.dukcapil, code="dukcapil-1")
    counter.services.add(world.ktp)
    return counter


def _started(seconds_ago: float) -> str:
    import time

    return signing.dumps(time.time() - seconds_ago, salt=STARTED_SALT)


def _post_data(world, **overrides):
    data = {
        "service": world.ktp.pk,
        **{f"U{i}": "3" for i in range(1, 10)},
        "sex": "L",
        "age": "40",
        "comment": "Antrean cepat.",
        "started": _started(60),
        "client_id": str(uuid.uuid4()),
        "website": "",
    }
    data.update(overrides)
    return data


def test_form_is_light_has_no_script_and_uses_words(client, point):
    """The form page is under 30 KB with its CSS, has no JavaScript and shows words."""
    response = client.get(reverse("web:form", args=[point.code]))
    html = response.content
    css = client.get("/static/mutu/mutu.css")
    css_bytes = b"".join(css.streaming_content) if css.streaming else css.content
    assert response.status_code == 200
    assert len(html) + len(css_bytes) < 30 * 1024
    assert b"<script" not in html
    assert "Sangat sesuai" in html.decode()
    assert "Dikelola dengan baik" in html.decode()
    assert "mutu_dev" in response.cookies


def test_form_submit_stores_one_response_and_thanks(client, world, point):
    """Submitting the form stores the response on the QR channel and says thank you."""
    response = client.post(reverse("web:form", args=[point.code]), _post_data(world))
    assert response.status_code == 302
    assert response["Location"] == reverse("web:thanks", args=[point.code])
    stored = Response.objects.get()
    assert (stored.channel, stored.point, stored.u5, stored.sex) == (
        "qr",
        point,
        3,
        "L",
    )


def test_form_double_submit_stores_once(client, world, point):
    """Pressing send twice (same hidden client id) stores one response."""
    data = _post_data(world)
    url = reverse("web:form", args=[point.code])
    client.post(url, data)
    again = client.post(url, data)
    assert again.status_code == 302
    assert Response.objects.count() == 1


def test_form_too_fast_is_refused(client, world, point):
    """A form sent within the minimum fill time is shown again with a message."""
    data = _post_data(world, started=_started(1))
    response = client.post(reverse("web:form", args=[point.code]), data)
    assert response.status_code == 400
    assert "Terlalu cepat" in response.content.decode()
    assert not Response.objects.exists()


def test_form_forged_start_is_refused(client, world, point):
    """A tampered start stamp counts as too fast."""
    data = _post_data(world, started="palsu")
    response = client.post(reverse("web:form", args=[point.code]), data)
    assert response.status_code == 400
    assert not Response.objects.exists()


def test_form_honeypot_stores_nothing(client, world, point):
    """A filled honeypot gets a thank-you page and stores nothing."""
    data = _post_data(world, website="http://spam.example")
    response = client.post(reverse("web:form", args=[point.code]), data)
    assert response.status_code == 302
    assert not Response.objects.exists()


def test_form_without_answers_explains(client, world, point):
    """A form with no rating answered is refused in Indonesian (D3)."""
    data = _post_data(world, **{f"U{i}": "" for i in range(1, 10)})
    response = client.post(reverse("web:form", args=[point.code]), data)
    assert response.status_code == 400
    assert "Jawab paling sedikit satu" in response.content.decode()


def test_form_unknown_point_is_404(client, world):
    assert client.get("/s/tidak-ada/").status_code == 404


def test_results_page_shows_ikm_grade_and_chart(client, world, point):
    """The operator's results page shows the converted IKM, grade and the SVG bars."""
    url = reverse("web:form", args=[point.code])
    client.post(url, _post_data(world))
    client.post(url, _post_data(world, **{"U1": "4"}))
    client.force_login(world.operator)
    body = client.get(
        reverse("surveys:unit_results", args=[world.dukcapil.pk])
    ).content.decode()
    # U1: (3+4)/2 = 3,5; U2..U9: 3; IKM = (3,5 + 8×3)/9 = 27,5/9; ×25 = 76,388… -> 76,39 C
    assert "76,39" in body
    assert "Kurang Baik" in body
    assert "<svg" in body
    assert "<script" not in body


def test_results_page_of_another_unit_is_404(client, world):
    client.force_login(world.operator)
    url = reverse("surveys:unit_results", args=[world.dukcapil_bandung.pk])
    assert client.get(url).status_code == 404


def test_results_page_bad_period_is_404(client, world):
    client.force_login(world.operator)
    url = reverse("surveys:unit_results", args=[world.dukcapil.pk])
    assert client.get(url, {"periode": "2025-Q9"}).status_code == 404


def test_extra_questions_are_asked_and_stored_outside_the_ikm(client, world, point):
    """A unit's own question shows on the form; its answer is kept but never counted."""
    client.force_login(world.operator)
    url = reverse("surveys:settings", args=[world.dukcapil.pk])
    saved = client.post(
        url,
        {
            "period_kind": "quarter",
            "extra_questions": "Apakah papan informasi mudah dibaca?",
            "own_networks": "10.18.9.0/24",
        },
    )
    assert saved.status_code == 302
    too_many = client.post(
        url, {"period_kind": "quarter", "extra_questions": "a\nb\nc\nd\ne\nf"}
    )
    assert too_many.status_code == 400
    client.logout()
    form = client.get(reverse("web:form", args=[point.code])).content.decode()
    assert "Apakah papan informasi mudah dibaca?" in form
    client.post(reverse("web:form", args=[point.code]), _post_data(world, X1="4"))
    stored = Response.objects.get()
    assert stored.extra_answers == {"X1": 4}
    assert set(stored.answers()) == {f"U{i}" for i in range(1, 10)}


def test_survey_settings_page_is_for_editors_only(client, world):
    login(client, world.evaluator)
    url = reverse("surveys:settings", args=[world.dukcapil.pk])
    assert client.get(url).status_code == 404
    client.force_login(world.operator)
    bad = client.post(url, {"period_kind": "quarter", "own_networks": "bukan-jaringan"})
    assert bad.status_code == 400
    assert "Rentang jaringan tidak sah" in bad.content.decode()


def test_survey_settings_explain_the_own_network(client, world):
    """The own-network field says what it is, why it matters and gives an example,
    in Indonesian and in English; a wrong range is answered with the expected form."""
    client.force_login(world.operator)
    url = reverse("surveys:settings", args=[world.dukcapil.pk])
    page = client.get(url).content.decode()
    assert "komputer kantor unit ini" in page
    assert "ditandai untuk diperiksa koordinator" in page
    assert "mis. 192.168.1.0/24" in page
    client.cookies["django_language"] = "en"
    english = client.get(url).content.decode()
    assert "office computers" in english
    assert "flagged for the coordinator to check" in english
    assert "komputer kantor" not in english
    client.cookies["django_language"] = "id"
    bad = client.post(url, {"period_kind": "quarter", "own_networks": "10.18.9"})
    assert "mis. 192.168.1.0/24" in bad.content.decode()
