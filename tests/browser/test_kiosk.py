"""The counter kiosk on a tablet: answers survive going offline and sync exactly once."""

import json
import logging
import urllib.request

import pytest
from django.core.cache import cache
from playwright.sync_api import Error as PlaywrightError

from mutu.measures.skm_elements import ELEMENTS
from mutu.surveys.channels.kiosk.views import KIOSK_CACHE_NAME
from mutu.surveys.models import Response, UnitSurveySettings
from tests.browser.accessibility import assert_accessible, assert_fits_width
from tests.browser.conftest import PHONE, save_screenshot
from tests.registry import factories

logger = logging.getLogger(__name__)

TABLET = {"width": 800, "height": 1280}


@pytest.fixture
def counter(transactional_db):
    """A Dukcapil counter with one service; the rate-limit counters start empty."""
    cache.clear()
    national = factories.region("ID", "Indonesia")
    lampung = factories.region("18", "Lampung", national)
    pesawaran = factories.region("18.09", "Kabupaten Pesawaran", lampung)
    unit = factories.unit(factories.government(pesawaran), "Dukcapil Pesawaran")
    point = factories.point(unit, code="dukcapil-1")
    point.services.add(factories.service(unit, "Penerbitan KTP-el"))
    return point


@pytest.fixture
def tablet(chromium, live_server):
    """A tablet-sized context *with* the strict CSP (no bypass): no inline script runs."""
    context = chromium.new_context(
        viewport=TABLET, base_url=live_server.url, locale="id-ID"
    )
    context.set_default_timeout(10_000)
    yield context
    context.close()


def _respond(
    page, values: list[int | None], age: str = "", extras: tuple[str, ...] = ()
) -> None:
    """One respondent: start, tap a word label per question (None skips), then a
    label per extra question of the unit, send."""
    page.get_by_role("button", name="Mulai menilai").click()
    for element, value in zip(ELEMENTS, values, strict=True):
        step = page.locator(f'[data-element="{element.code}"]')
        if value is None:
            step.get_by_role("button", name="Lewati").click()
        else:
            label = element.answers_id[value - 1]
            step.get_by_role("button", name=label, exact=True).click()
    for number, label in enumerate(extras, start=1):
        step = page.locator(f'[data-extra="X{number}"]')
        step.get_by_role("button", name=label, exact=True).click()
    if age:
        page.get_by_label("Usia (tahun)").fill(age)
    page.get_by_role("button", name="Kirim penilaian").click()
    page.get_by_role("heading", name="Terima kasih!").wait_for()
    page.get_by_role("button", name="Selesai").click()
    page.get_by_role("button", name="Mulai menilai").wait_for()


def _reload_offline(page):
    """Reload with the network cut; the service worker must answer from its cache.

    In about one CI run in ten, Chromium's first offline navigation failed with
    ``net::ERR_FAILED`` although the page was verifiably in the cache (checked just
    before); a second reload was served from the cache. One retry is allowed, and it
    must come from the service worker just the same. The retry is logged, not warned:
    pytest turns warnings into errors here, which made the retry itself fail the test.
    """
    try:
        return page.reload()
    except PlaywrightError as error:
        if "ERR_FAILED" not in str(error):
            raise
        logger.warning("offline reload retried once: %s", error)
        return page.reload()


def test_kiosk_queues_offline_and_syncs_once(counter, tablet, live_server):
    """Offline, three respondents wait on the tablet; online, each is stored once."""
    page = tablet.new_page()
    problems = []
    # Failed loads while offline are expected; a script error or a CSP refusal is not.
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if message.type == "error" and "Failed to load resource" not in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    sync_requests = []
    page.on(
        "request",
        lambda request: (
            sync_requests.append(request) if request.method == "POST" else None
        ),
    )

    page.goto(f"/kiosk/{counter.code}/")
    page.get_by_role("button", name="Mulai menilai").wait_for()
    assert page.evaluate("window.isSecureContext")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    # The page itself must be in the cache before the network goes (it is added by
    # kiosk.js; counting keys alone raced with that and failed now and then).
    page.wait_for_function(
        """name => caches.open(name).then(c => Promise.all([
            c.keys(), c.match(location.pathname, {ignoreSearch: true, ignoreVary: true})
        ])).then(([keys, shell]) => keys.length >= 4 && shell !== undefined)""",
        arg=KIOSK_CACHE_NAME,
    )

    tablet.set_offline(True)
    offline_load = _reload_offline(page)
    assert offline_load is not None
    assert offline_load.from_service_worker
    page.get_by_role("button", name="Mulai menilai").wait_for()
    page.get_by_text("Luring").wait_for()
    _respond(page, [4, 3, 4, 3, 4, 4, 3, 4, 2], age="34")
    _respond(page, [3, 3, None, 2, 3, 3, 4, 3, 3])
    _respond(page, [2, 2, 3, 3, 3, 2, 3, 3, 3])
    page.get_by_text("3 menunggu dikirim").wait_for()
    save_screenshot(page, "kiosk-offline-3-waiting")
    assert not Response.objects.exists()

    tablet.set_offline(False)  # the "online" event starts the sync
    page.get_by_text("Semua penilaian terkirim").wait_for()
    save_screenshot(page, "kiosk-synced")
    stored = Response.objects.filter(channel="kiosk", point=counter)
    assert stored.count() == 3
    assert sorted(stored.values_list("u1", "u3", "age")) == [
        (2, 3, None),
        (3, None, None),
        (4, 4, 34),
    ]

    delivered = [
        request
        for request in sync_requests
        if request.url.endswith("/responses")
        and request.response() is not None
        and request.response().status == 200
    ]
    assert delivered
    payload = delivered[-1].post_data
    assert sum(len(json.loads(r.post_data)["responses"]) for r in delivered) == 3
    for _ in range(10):
        replay = urllib.request.Request(  # noqa: S310 (the live server, http)
            delivered[-1].url,
            data=payload.encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(replay, timeout=10) as answer:  # noqa: S310
            statuses = [r["status"] for r in json.load(answer)["results"]]
        assert set(statuses) == {"replayed"}
    assert Response.objects.filter(channel="kiosk").count() == 3
    assert not problems


def test_kiosk_resets_after_idle_time(counter, tablet, settings):
    """A respondent who walks away mid-survey leaves the start screen for the next."""
    settings.MUTU_KIOSK_IDLE_SECONDS = 1
    page = tablet.new_page()
    page.goto(f"/kiosk/{counter.code}/")
    page.get_by_role("button", name="Mulai menilai").click()
    first = page.locator('[data-element="U1"]')
    first.get_by_role("button", name="Sesuai", exact=True).click()
    page.locator('[data-element="U2"]').wait_for()
    page.get_by_role("button", name="Mulai menilai").wait_for(timeout=5_000)
    assert first.locator('[data-value="3"]').get_attribute("aria-pressed") == "false"
    assert not Response.objects.exists()


def test_kiosk_without_javascript_offers_the_form(counter, chromium, live_server):
    """With JavaScript off the kiosk page links to the ordinary form, which works."""
    context = chromium.new_context(
        viewport=PHONE, base_url=live_server.url, java_script_enabled=False
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto(f"/kiosk/{counter.code}/")
        assert not page.get_by_role("button", name="Mulai menilai").is_visible()
        page.get_by_role("link", name="Buka formulir survei").click()
        page.wait_for_url(f"**/s/{counter.code}/")
        page.get_by_role("button", name="Kirim penilaian").wait_for()
    finally:
        context.close()


def test_kiosk_screens_are_accessible_and_fit_a_phone(counter, phone):
    """The start, a question and the profile screen pass axe-core at 360 px."""
    phone.goto(f"/kiosk/{counter.code}/")
    phone.get_by_role("button", name="Mulai menilai").wait_for()
    assert_accessible(phone)
    assert_fits_width(phone)
    phone.get_by_role("button", name="Mulai menilai").click()
    question = phone.locator('[data-element="U8"]')
    for element in ELEMENTS[:7]:
        phone.locator(f'[data-element="{element.code}"]').get_by_role(
            "button", name=element.answers_id[2], exact=True
        ).click()
    question.get_by_role("button", name="Dikelola dengan baik").wait_for()
    assert_accessible(phone)
    assert_fits_width(phone)
    height = question.get_by_role("button", name="Tidak ada").bounding_box()["height"]
    assert height >= 48
    save_screenshot(phone, "kiosk-question-360px")


def test_kiosk_asks_the_units_own_question(counter, tablet):
    """An extra question of the unit comes after the nine and is stored apart."""
    UnitSurveySettings.objects.create(
        unit=counter.unit, extra_questions=["Apakah toilet bersih?"]
    )
    page = tablet.new_page()
    page.goto(f"/kiosk/{counter.code}/")
    _respond(page, [3] * 9, extras=("Sangat baik",))
    page.get_by_text("Semua penilaian terkirim").wait_for()
    stored = Response.objects.get(channel="kiosk")
    assert stored.extra_answers == {"X1": 4}
    assert stored.u1 == 3
