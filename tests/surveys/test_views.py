"""The citizen's SKM form and the unit's results page, through real HTTP."""

import re
import uuid

import pytest
from django.core import signing
from django.urls import reverse

from mutu.measures.skm_elements import ELEMENTS
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


def _confirm_flag(html: str) -> str:
    match = re.search(r'<input type="hidden" name="confirmed" value="([^"]+)">', html)
    assert match, "no confirm flag on the page"
    return match.group(1)


def test_form_with_several_services_starts_on_choose_a_service(client, world):
    """A counter with two services selects none: the respondent must pick one."""
    counter = factories.point(world.dukcapil, code="dukcapil-2")
    kk = factories.service(world.dukcapil, "Penerbitan KK")
    counter.services.add(world.ktp, kk)
    url = reverse("web:form", args=[counter.code])

    html = client.get(url).content.decode()
    unchosen = client.post(url, _post_data(world, service=""))

    assert '<option value="" selected>Pilih layanan</option>' in html
    service_select = html.split('name="service"', 1)[1].split("</select>", 1)[0]
    assert service_select.count(" selected>") == 1
    assert unchosen.status_code == 400
    page = unchosen.content.decode()
    assert "<li>Pilih layanan yang Anda terima.</li>" in page
    assert 'name="U1" value="3"' in page  # the answers are kept
    assert not Response.objects.exists()
    assert client.post(url, _post_data(world, service=kk.pk)).status_code == 302
    assert Response.objects.get().service == kk


def test_form_with_one_service_has_it_chosen(client, point):
    """A counter with one service needs no choice: it is selected."""
    html = client.get(reverse("web:form", args=[point.code])).content.decode()

    assert "Pilih layanan" not in html
    assert re.search(r'<option value="\d+" selected>Penerbitan KTP-el</option>', html)


def test_incomplete_form_asks_once_then_stores_every_answer(client, world, point):
    """Two of nine answers: the form comes back asking "send now?" with the answers
    kept; the second submit (the signed flag) stores them and thanks."""
    url = reverse("web:form", args=[point.code])
    data = _post_data(world, **{f"U{i}": "" for i in range(3, 10)}, U2="4")

    asked = client.post(url, data)
    html = asked.content.decode()

    assert asked.status_code == 200
    assert "Anda baru menjawab 2 dari 9 pertanyaan. Kirim sekarang?" in html
    assert re.search(r'name="U1" value="3"[^>]*checked', html)
    assert re.search(r'name="U2" value="4"[^>]*checked', html)
    assert "Antrean cepat." in html
    assert 'href="#id_U3_0"' in html
    assert html.count("(belum dijawab)") == 7
    assert not Response.objects.exists()

    sent = client.post(url, {**data, "confirmed": _confirm_flag(html)})

    assert sent.status_code == 302
    assert sent["Location"] == reverse("web:thanks", args=[point.code])
    stored = Response.objects.get()
    assert (stored.u1, stored.u2, stored.u3, stored.u9) == (3, 4, None, None)
    assert stored.comment == "Antrean cepat."


def test_incomplete_form_with_a_forged_or_foreign_flag_asks_again(client, world, point):
    """The flag is signed for one form: forged, or taken from another form, it does
    not skip the question."""
    url = reverse("web:form", args=[point.code])
    data = _post_data(world, **{f"U{i}": "" for i in range(2, 10)})
    other = client.post(url, _post_data(world, **{f"U{i}": "" for i in range(2, 10)}))

    forged = client.post(url, {**data, "confirmed": "ya"})
    foreign = client.post(
        url, {**data, "confirmed": _confirm_flag(other.content.decode())}
    )

    for answer in (forged, foreign):
        assert answer.status_code == 200
        assert "Anda baru menjawab 1 dari 9 pertanyaan." in answer.content.decode()
    assert not Response.objects.exists()


def test_form_without_answers_says_so_without_the_question_text(client, world, point):
    """No answer at all: one sentence for a person, not question 1 and a colon."""
    data = _post_data(world, **{f"U{i}": "" for i in range(1, 10)})

    html = client.post(reverse("web:form", args=[point.code]), data).content.decode()

    assert "<li>Jawab paling sedikit satu pertanyaan penilaian.</li>" in html
    assert "Kirim sekarang?" not in html
    assert html.count(ELEMENTS[0].question_id) == 1  # the question, not the error


def test_form_error_names_a_question_by_its_number(client, world, point):
    """An answer outside the scale is reported as "Pertanyaan 4", not its text."""
    data = _post_data(world, U4="7")

    html = client.post(reverse("web:form", args=[point.code]), data).content.decode()

    assert re.search(r"<li>Pertanyaan 4: [^<]+</li>", html)
    assert html.count(ELEMENTS[3].question_id) == 1


def test_incomplete_form_asks_in_english(client, world, point, settings):
    """An English visitor is asked in English."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    data = _post_data(world, **{f"U{i}": "" for i in range(3, 10)})

    html = client.post(reverse("web:form", args=[point.code]), data).content.decode()

    assert "You have answered 2 of 9 questions. Send now?" in html
    assert "Yes, send now" in html
    assert html.count("(not answered yet)") == 7


def test_form_questions_follow_the_language_of_each_request(client, point):
    """The rating questions are built once per language and shared by every form:
    an English page after an Indonesian one (and back) shows each in its own
    words."""
    url = reverse("web:form", args=[point.code])
    first = client.get(url).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(url).content.decode()
    client.cookies["django_language"] = "id"
    again = client.get(url).content.decode()
    assert "kesesuaian persyaratan pelayanan" in first
    assert "Sangat sesuai" in first
    assert "Requirements" in english
    assert "Very suitable" in english
    assert "Sangat sesuai" not in english
    assert "kesesuaian persyaratan pelayanan" in again
    assert "Very suitable" not in again


def test_results_page_links_the_unit_dashboard_of_its_period(client, world, point):
    """From a period's results the unit's dashboard opens on the same period, and
    that link works for the same reader."""
    client.force_login(world.operator)
    page = client.get(reverse("surveys:unit_results", args=[world.dukcapil.pk]))
    key = page.context["data"].period.key
    link = (
        f"{reverse('reports:unit_dashboard', args=[world.dukcapil.pk])}?periode={key}"
    )
    assert f'href="{link}"' in page.content.decode()
    assert client.get(link).status_code == 200
