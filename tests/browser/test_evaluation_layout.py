"""The pages that once scrolled sideways fit the screen at phone and desktop width:
the public ranking of a cycle with many units, the audit log with a sha256 in a
change, and an assignment page with its long signed F-03 link."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from mutu.accounts.models import User
from mutu.audit.services import audit_record
from mutu.demo.loader import demo_load
from mutu.evaluations import services
from mutu.evaluations.models import Cycle, Result
from mutu.registry.models import Region, ServiceUnit
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import login, save_screenshot
from tests.registry import factories

SIZES = [(360, 800), (1280, 900)]
SHA256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


@pytest.fixture
def published(transactional_db) -> Cycle:
    """The demo registry plus units with long names, in a published cycle where every
    unit has a final result, and an audit row holding an evidence hash."""
    demo_load(surveys=False, evaluation=False)
    admin = User.objects.get(username="admin.nasional")
    pesawaran = Region.objects.get(code="18.09")
    government = ServiceUnit.objects.filter(government__region=pesawaran).first()
    assert government is not None
    for number in range(1, 7):
        factories.unit(
            government.government,
            name=f"Unit Pelaksana Teknis Daerah Pusat Kesehatan Masyarakat {number}",
        )
    cycle = services.cycle_open(
        actor=admin,
        year=2026,
        name="PEKPPP 2026 Kabupaten Pesawaran",
        scheme="nasional",
        region=pesawaran,
        units=ServiceUnit.objects.filter(government__region=pesawaran),
        self_assessment_due=timezone.localdate() + timedelta(days=30),
        verification_due=timezone.localdate() + timedelta(days=60),
    )
    for number, assignment in enumerate(cycle.assignments.order_by("pk")):
        index = Decimal("4.20") - Decimal(number) / 10
        Result.objects.create(
            assignment=assignment,
            aspects={},
            evaluator_index=index,
            index=index,
            index_display=index,
            predicate="A-",
            predicate_label="Sangat Baik",
            basis="F-02",
            finalized_by=admin,
            finalized_at=timezone.now(),
        )
    services.cycle_publish(actor=admin, cycle=cycle)
    audit_record(
        actor=admin,
        action="evidence.add",
        target=cycle.assignments.first(),
        changes={"answer": [None, "Q1"], "sha256": [None, SHA256]},
    )
    assert cycle.assignments.count() >= 10
    return cycle


@pytest.mark.parametrize(("width", "height"), SIZES, ids=["360px", "1280px"])
def test_no_page_scrolls_sideways(published, chromium, live_server, width, height):
    """At 360 × 800 and 1280 × 900 none of the three pages is wider than the screen;
    at 360 px each passes axe-core."""
    context = chromium.new_context(
        viewport={"width": width, "height": height},
        base_url=live_server.url,
        locale="id-ID",
        bypass_csp=True,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto(f"/hasil/evaluasi/{published.pk}/")
        assert page.get_by_text("Sangat Baik").count() >= 10
        login(page, "admin.nasional")
        page.goto("/audit/")
        page.get_by_text(SHA256[:8], exact=False).first.wait_for()
        page.goto(f"/evaluasi/{published.assignments.first().pk}/")
        page.get_by_text("Tautan formulir F-03").wait_for()
        widths = {}
        for url in (
            f"/hasil/evaluasi/{published.pk}/",
            "/audit/",
            f"/evaluasi/{published.assignments.first().pk}/",
        ):
            page.goto(url)
            widths[url] = page.evaluate(
                "[document.documentElement.scrollWidth, innerWidth]"
            )
            if width == 360:  # the reflowed tables keep their labels for everyone
                assert_accessible(page)
                save_screenshot(page, "layout" + url.replace("/", "-") + "360px")
    finally:
        context.close()
    too_wide = {url: w for url, w in widths.items() if w[0] > w[1]}
    assert not too_wide, f"scrollWidth > innerWidth at {width}px: {too_wide}"
