"""A citizen rates a counter from a phone: with JavaScript, without it, on 30 KB."""

import pytest

from mutu.measures.skm_elements import ELEMENTS
from mutu.surveys.models import Response
from tests.browser.accessibility import assert_accessible, assert_fits_width
from tests.browser.conftest import PHONE, save_screenshot
from tests.registry import factories

PAGE_BUDGET = 30 * 1024


@pytest.fixture
def counter(transactional_db, settings):
    """A Dukcapil counter with one service; the minimum fill time is off for speed."""
    settings.MUTU_SURVEY_MIN_SECONDS = 0
    national = factories.region("ID", "Indonesia")
    lampung = factories.region("18", "Lampung", national)
    pesawaran = factories.region("18.09", "Kabupaten Pesawaran", lampung)
    unit = factories.unit(factories.government(pesawaran), "Dukcapil Pesawaran")
    point = factories.point(unit, code="dukcapil-1")
    point.services.add(factories.service(unit, "Penerbitan KTP-el"))
    return point


def _answer_all(page, choose) -> dict[str, int]:
    """Tap, in each of the nine questions, the word label *choose(index)* (0–3)."""
    chosen = {}
    for index, element in enumerate(ELEMENTS):
        value = choose(index)
        question = page.locator("fieldset.question").nth(index)
        question.get_by_text(element.answers_id[value], exact=True).click()
        chosen[element.code.lower()] = value + 1
    return chosen


def test_citizen_rates_a_counter_on_a_phone(counter, phone):
    """At 360 px the citizen taps nine word labels, sends, and is thanked."""
    finished = []
    # Only collect here: a blocking Playwright call inside an event handler hangs.
    phone.on("requestfinished", lambda request: finished.append(request))
    phone.goto(f"/s/{counter.code}/")
    phone.wait_for_load_state("load")
    transfers = [(r.resource_type, r.url, r.sizes()) for r in finished]
    page_bytes = sum(
        sizes["responseBodySize"] + sizes["responseHeadersSize"]
        for kind, _url, sizes in transfers
        if kind in {"document", "stylesheet"}
    )
    assert page_bytes < PAGE_BUDGET, f"{page_bytes} B > {PAGE_BUDGET} B: {transfers}"
    assert not [url for kind, url, _sizes in transfers if kind == "script"]
    assert_fits_width(phone)
    assert_accessible(phone)

    chosen = _answer_all(phone, lambda index: 3 - index % 2)
    # The screenshot comes before typing: a full-page capture taken while a number
    # field has focus leaves headless Chromium ignoring the next click on "send".
    save_screenshot(phone, "survey-form-360px")
    phone.get_by_label("Usia (tahun)").fill("41")
    phone.get_by_role("button", name="Kirim penilaian").click()
    phone.get_by_role("heading", name="Terima kasih!").wait_for()
    assert_fits_width(phone)
    assert_accessible(phone)
    save_screenshot(phone, "survey-thanks-360px")
    stored = Response.objects.get()
    assert stored.channel == "qr"
    assert stored.age == 41
    assert {field: getattr(stored, field) for field in chosen} == chosen


def test_citizen_rates_with_javascript_off(counter, chromium, live_server):
    """With JavaScript disabled the plain form still sends and thanks."""
    context = chromium.new_context(
        viewport=PHONE,
        base_url=live_server.url,
        locale="id-ID",
        java_script_enabled=False,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto(f"/s/{counter.code}/")
        chosen = _answer_all(page, lambda index: index % 4)
        page.get_by_role("button", name="Kirim penilaian").click()
        page.get_by_role("heading", name="Terima kasih!").wait_for()
        assert_fits_width(page)
    finally:
        context.close()
    stored = Response.objects.get()
    assert {field: getattr(stored, field) for field in chosen} == chosen


def test_unanswered_form_explains_in_indonesian(counter, phone):
    """Sending nothing shows a clear Indonesian message and stores nothing."""
    phone.goto(f"/s/{counter.code}/")
    phone.get_by_role("button", name="Kirim penilaian").click()
    phone.get_by_text("Jawab paling sedikit satu pertanyaan penilaian.").wait_for()
    assert_fits_width(phone)
    assert not Response.objects.exists()


@pytest.fixture
def no_script_phone(chromium, live_server):
    """A 360 px phone with JavaScript disabled."""
    context = chromium.new_context(
        viewport=PHONE,
        base_url=live_server.url,
        locale="id-ID",
        java_script_enabled=False,
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_incomplete_form_asks_once_at_360px_without_javascript(
    counter, no_script_phone
):
    """Two of nine answers: the page asks "send now?" at 360 px with both answers
    still chosen; "Ya, kirim sekarang" stores them."""
    page = no_script_phone
    page.goto(f"/s/{counter.code}/")
    for index in (0, 4):
        page.locator("fieldset.question").nth(index).get_by_text(
            ELEMENTS[index].answers_id[2], exact=True
        ).click()
    page.get_by_role("button", name="Kirim penilaian").click()

    page.get_by_text(
        "Anda baru menjawab 2 dari 9 pertanyaan. Kirim sekarang?"
    ).wait_for()
    assert_fits_width(page)
    save_screenshot(page, "survey-confirm-360px")
    checked = page.locator("fieldset.question input:checked")
    assert checked.count() == 2
    assert not Response.objects.exists()

    page.get_by_role("button", name="Ya, kirim sekarang").click()
    page.get_by_role("heading", name="Terima kasih!").wait_for()
    stored = Response.objects.get()
    assert (stored.u1, stored.u5, stored.u2) == (3, 3, None)


def test_confirm_question_is_accessible(counter, phone):
    """The "send now?" page passes axe at 360 px (axe needs JavaScript; the page has
    none of its own)."""
    phone.goto(f"/s/{counter.code}/")
    phone.locator("fieldset.question").first.get_by_text(
        ELEMENTS[0].answers_id[3], exact=True
    ).click()
    phone.get_by_role("button", name="Kirim penilaian").click()
    phone.get_by_role("button", name="Ya, kirim sekarang").wait_for()
    assert_accessible(phone)
    assert_fits_width(phone)
