"""Every page, for every role, at a phone's width and a desktop's (issue 10).

The crawl walks every URL pattern of the project (:mod:`tests.routes`, as the access
matrix does), fills each pattern's parameters with real objects of the demo world
(``mutu demo load``: Dukcapil Pesawaran, its service, counter, SKM publication and
PEKPPP 2025 assignment, evidence and certificate), and opens it in one Chromium as
each demo role and as an anonymous visitor, each signed in once and kept signed in.

Whether a role may open a page is what the role × route matrix says of it
(:data:`tests.security.test_access_matrix.ROUTES`): the demo's Dukcapil stands where
the matrix's unit A stands (the operator's and head's unit, in the coordinator's
regency, assigned to the evaluator), its published cycle and certificate where B's
stand. A role that may not open a page must be refused (403, 404, or the login page
for an anonymous visitor). A page a role may open must answer 200 (after any
redirect), and:

- not scroll sideways at 360 × 800 nor at 1280 × 900;
- have no serious or critical axe-core violation (at 360 px);
- say its language in ``<html lang>`` (``id``; a few pages are opened in English too,
  with the language cookie, and must say ``en``);
- show no ISO date (2025-05-31) and no dot decimal (3.64) in its visible Indonesian
  text, nor an ISO date or a comma decimal (3,64) in English.

A pattern is opened, or fetched and checked by status only when it is not an HTML page
of ours (:data:`NOT_PAGES`, :data:`OTHERS_PAGES`, POST-only routes), or is out of the
crawl (:data:`OUT_OF_CRAWL`, the Django admin); a pattern without a row in the
matrix, or whose parameter has no demo value in :data:`PARAMETERS`, fails the crawl:
pages added later join it by themselves, or say loudly what they need.

Heavy (the demo load and some 200 pages in Chromium; several minutes on a busy
two-core machine): runs once, on PostgreSQL, like the access matrix.
"""

import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from mutu.accounts.models import User
from mutu.complaints.models import ComplaintAttachment
from mutu.demo.evaluation import CYCLE_NAME
from mutu.demo.loader import demo_load
from mutu.evaluations.models import Certificate, Cycle, Evidence
from mutu.evaluations.views import F03_SALT
from mutu.registry.models import Mpp, Region, ServiceUnit
from mutu.surveys.channels.paper.upload import import_job_create
from mutu.surveys.models import FollowUpItem, Publication
from tests.browser.accessibility import axe_preload, axe_violations
from tests.browser.conftest import login
from tests.routes import ADMIN, Route, routes
from tests.security.test_access_matrix import (
    API,
    FIXED_PARAMETERS,
    OPEN,
    ROUTES,
    A,
    B,
    _expected,
)
from tests.surveys.test_paper import form_row, xlsx_bytes

PHONE = {"width": 360, "height": 800}
DESKTOP = {"width": 1280, "height": 900}
ROLES = {
    "anonymous": None,
    "operator": "operator.dukcapil",
    "head": "kepala.dukcapil",
    "coordinator": "koordinator.pesawaran",
    "evaluator": "evaluator",
    "admin": "admin.nasional",
}
"""The crawl's roles (those of the access matrix) and the demo login of each."""

OUT_OF_CRAWL = {
    ADMIN: "the Django admin is Django's own pages (the access matrix checks who "
    "reaches it)",
}
"""Patterns the crawl does not open at all, and why."""

NOT_PAGES = {
    "api-schema": "the OpenAPI document (YAML)",
    "kiosk:service_worker": "the kiosk's service worker (JavaScript)",
    "paper:template": "the paper form's XLSX template (a download)",
    "reports:unit_posters": "the unit's QR posters (a PDF download)",
    "reports:point_poster": "one counter's QR poster (a PDF download)",
    "reports:skm_report_pdf": "the official SKM report (a PDF download)",
    "reports:skm_report_xlsx": "the SKM report's tables (an XLSX download)",
    "reports:region_skm_reports": "a region's SKM reports (a ZIP download)",
    "reports:open_data_csv": "an open dataset (CSV)",
    "reports:open_data_json": "an open dataset (JSON)",
    "api-v1-open-data": "an open dataset through the API (JSON)",
    "reports:evaluation_report_pdf": "a cycle's evaluation report (a PDF download)",
    "reports:evaluation_report_xlsx": "a cycle's evaluation report (an XLSX download)",
    "reports:score_sheet_pdf": "a unit's evaluation score sheet (a PDF download)",
    "reports:score_sheet_xlsx": "a unit's score sheet (an XLSX download)",
    "evaluations:evidence_file": "an evidence file (the demo's PDF)",
    "evaluations:certificate_pdf": "the certificate (a PDF download)",
    "complaints:attachment": "a complaint's attachment (the demo's PDF)",
    "complaints:export": "the SP4N-LAPOR! hand-off (a CSV download)",
    "surveys:export_unit": "the unit's responses (a CSV download)",
    "surveys:export_region": "the region's responses (a CSV download)",
}
"""Patterns that answer GET with something other than an HTML page: fetched by each
role and checked by status only (and that the answer is not an HTML page)."""

OTHERS_PAGES = {
    # Swagger UI, drawn by drf-spectacular-sidecar's own script in English for
    # developers: its markup is not ours to fix (axe finds its grey version badge
    # and its operation rows, buttons in buttons; "OAS 3.0" is a version).
    # tests/browser/test_api_docs.py checks that it renders under the site's CSP.
    "api-docs": "the API documentation, Swagger UI's own page",
}
"""HTML pages the crawl checks by status only, and why."""

STATUS = {
    # The demo's only cycle is published, so its F-03 link is closed: the page says
    # so, with "410 Gone" (the open form is tested in test_evaluation_public_pages).
    "evaluations:f03": 410,
}
"""The status of a page that is not 200 for the demo's objects."""


# --- the demo objects each parameter names -------------------------------------------


@dataclass
class Demo:
    """The demo objects the crawl's URLs name (those of Dukcapil Pesawaran)."""

    unit: ServiceUnit
    values: dict[str, Any] = field(default_factory=dict)


Value = Callable[[Demo], Any]

PARAMETERS: dict[str, Value] = {
    "unit_id": lambda d: d.unit.pk,
    "service_id": lambda d: d.values["service"].pk,
    "period_key": lambda d: d.values["publication"].period_key,
    "item_id": lambda d: d.values["item"].pk,
    "job_id": lambda d: d.values["job"].pk,
    "cycle_id": lambda d: d.values["cycle"].pk,
    "assignment_id": lambda d: d.values["assignment"].pk,
    "evidence_id": lambda d: d.values["evidence"].pk,
    "indicator": lambda d: "Q1",
    "code": lambda d: d.values["point"].code,
    "complaint_id": lambda d: d.values["complaint"].pk,
    "attachment_id": lambda d: d.values["attachment"].pk,
    "mpp_id": lambda d: d.values["mpp"].pk,
}
"""A parameter's demo value by its name."""

ROUTE_PARAMETERS: dict[str, dict[str, Value]] = {
    "registry:region_detail": {"code": lambda d: d.unit.government.region.code},
    "reports:region_skm_reports": {"code": lambda d: d.unit.government.region.code},
    "reports:region_dashboard": {"code": lambda d: d.unit.government.region.code},
    "surveys:export_region": {"code": lambda d: d.unit.government.region.code},
    "evaluations:verify": {"code": lambda d: d.values["certificate"].verification_code},
    "evaluations:certificate_pdf": {
        "code": lambda d: d.values["certificate"].verification_code
    },
    "evaluations:f03": {
        "token": lambda d: signing.dumps(d.values["assignment"].pk, salt=F03_SALT)
    },
    # POST only: the crawl checks that a GET is refused, so no version need exist
    "evaluations:instrument_retire": {"version_id": lambda d: 1},
    "complaints:track": {"code": lambda d: d.values["complaint"].tracking_code},
}
"""Where a route's parameter of that name means something else."""

AS_TARGET = {
    "evaluations:public_cycle": B,
    # The demo's cycle is published with every unit's result: its reports are
    # public, like the matrix's B.
    "reports:evaluation_report_pdf": B,
    "reports:evaluation_report_xlsx": B,
    "reports:score_sheet_pdf": B,
    "reports:score_sheet_xlsx": B,
    "evaluations:verify": B,
    "evaluations:certificate_pdf": B,
}
"""Routes whose demo object stands where the matrix's B stands (a published cycle
and its certificate); every other route's stands where A's stands."""


def _demo(operator_username: str) -> Demo:
    """Load the demo and gather the objects of Dukcapil Pesawaran; add the one thing
    the demo lacks, a paper import (refused: one good row, one with an answer of 5,
    so the job page shows its error list)."""
    demo_load()
    unit = ServiceUnit.objects.select_related("government__region").get(
        short_name="Dukcapil"
    )
    cycle = Cycle.objects.get(name=CYCLE_NAME)
    assignment = cycle.assignments.get(unit=unit)
    service = unit.services.order_by("pk").first()
    assert service is not None
    day = timezone.localdate()
    content = xlsx_bytes(
        [form_row(day, service.name, [4] * 9), form_row(day, service.name, [5] * 9)]
    )
    job = import_job_create(
        actor=User.objects.get(username=operator_username),
        unit=unit,
        uploaded_file=SimpleUploadedFile("survei-kertas.xlsx", content),
    ).job
    job.refresh_from_db()
    attachment = ComplaintAttachment.objects.filter(complaint__unit=unit).first()
    assert attachment is not None
    return Demo(
        unit=unit,
        values={
            "service": service,
            "point": unit.points.order_by("code").first(),
            "publication": Publication.objects.filter(unit=unit)
            .order_by("-period_key")
            .first(),
            "item": FollowUpItem.objects.filter(unit=unit).first(),
            "job": job,
            "cycle": cycle,
            "assignment": assignment,
            "evidence": Evidence.objects.filter(answer__assignment=assignment).first(),
            "certificate": Certificate.objects.get(result__assignment=assignment),
            "complaint": attachment.complaint,
            "attachment": attachment,
            "mpp": Mpp.objects.filter(points__unit=unit).distinct().get(),
        },
    )


def _url(demo: Demo, route: Route) -> str:
    kwargs = {}
    for name in route.parameters:
        fixed = FIXED_PARAMETERS.get(route.name, {})
        value = ROUTE_PARAMETERS.get(route.name, {}).get(name) or PARAMETERS.get(name)
        if name in fixed:
            kwargs[name] = fixed[name]
        elif value is None:
            raise LookupError(
                f"{route.name} ({route.pattern}): no demo value for the parameter "
                f"{name!r}; add one to PARAMETERS (or ROUTE_PARAMETERS) in "
                "tests/browser/test_every_page.py"
            )
        else:
            kwargs[name] = value(demo)
    return reverse(route.name, kwargs=kwargs)


# --- what the visible text must not show ---------------------------------------------

ISO_DATE = re.compile(r"(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)")
DOTTED = re.compile(r"(?<![\d.,])\d+\.\d+(?![\d]|\.\d)")
"""A number with exactly one dot: a dot decimal, unless allowed below (numbers with
more dots are versions, IP addresses or region codes of villages, never decimals)."""
COMMA_DECIMAL = re.compile(r"(?<![\d.,])\d+,\d{1,2}(?![\d]|,\d)")
THOUSANDS = re.compile(r"\d{1,3}\.\d{3}")
"""Indonesian thousands: "200.000", not a decimal."""
TIME = re.compile(r"(?:[01]\d|2[0-3])\.[0-5]\d")
"""Indonesian times of day: "08.00", "15.30"."""


def _text_problems(text: str, language: str, region_codes: set[str]) -> list[str]:
    """ISO dates; in Indonesian dot decimals, in English comma decimals."""
    problems = [f"ISO date {m.group()!r}" for m in ISO_DATE.finditer(text)]
    if language == "en":
        problems += [
            f"comma decimal {m.group()!r}" for m in COMMA_DECIMAL.finditer(text)
        ]
        return problems
    for match in DOTTED.finditer(text):
        number = match.group()
        if THOUSANDS.fullmatch(number) or number in region_codes:
            continue  # a thousands separator; a region code (Kemendagri: "18.09")
        if TIME.fullmatch(number):
            continue  # a time of day, as Indonesian writes it ("08.00")
        start = max(0, match.start() - 30)
        problems.append(
            f"dot decimal {number!r} in …{text[start : match.end() + 10]!r}"
        )
    return problems


# --- the crawl ---------------------------------------------------------------------


@dataclass
class Crawl:
    demo: Demo
    region_codes: set[str]
    failures: list[str] = field(default_factory=list)
    pages: int = 0
    widths: int = 0
    axe: int = 0
    statuses: int = 0
    english: int = 0

    def fail(self, where: str, problem: str) -> None:
        self.failures.append(f"{where}: {problem}")

    def status(self, context, role: str, url: str, expected: set[str], html: bool):
        """Fetch *url* without rendering it and check only how it answers."""
        self.statuses += 1
        response = context.request.get(url, max_redirects=0, fail_on_status_code=False)
        outcome = _outcome(response.status, response.headers.get("location", ""))
        if outcome not in expected:
            self.fail(
                f"GET {url} as {role}",
                f"{response.status} ({outcome}), expected {' or '.join(expected)}",
            )
        elif outcome == "allow" and not html:
            kind = response.headers.get("content-type", "")
            if kind.startswith("text/html"):
                self.fail(f"GET {url} as {role}", "an HTML page: crawl it")
        response.dispose()

    def page(
        self, page, role: str, url: str, language: str = "id", status: int = 200
    ) -> None:
        """Open *url* as a person does and check it at both widths."""
        where = f"{url} as {role}" + (" in English" if language != "id" else "")
        page.set_viewport_size(PHONE)
        try:
            response = page.goto(url)
        except Exception as error:  # a download, or no answer at all
            self.fail(
                where,
                f"did not open as a page ({error}); if it is not an "
                "HTML page, add it to NOT_PAGES with why",
            )
            return
        if response is None or response.status != status:
            answer = response.status if response else "no answer"
            self.fail(where, f"answered {answer}, expected {status}")
            return
        if not response.headers.get("content-type", "").startswith("text/html"):
            self.fail(where, "not an HTML page: add it to NOT_PAGES with why")
            return
        self.pages += 1
        seen = page.evaluate(
            "() => ({lang: document.documentElement.lang,"
            " wide: document.documentElement.scrollWidth,"
            " text: document.body.innerText})"
        )
        if seen["lang"] != language:
            self.fail(where, f'<html lang="{seen["lang"]}">, expected {language}')
        for problem in _text_problems(seen["text"], language, self.region_codes):
            self.fail(where, problem)
        self._fits(where, seen["wide"], PHONE)
        if language == "id":
            self.axe += 1
            for v in axe_violations(page):
                targets = "; ".join(str(n["target"][0]) for n in v["nodes"][:3])
                self.fail(
                    where, f"axe {v['id']} ({v['impact']}): {v['help']} — {targets}"
                )
        page.set_viewport_size(DESKTOP)
        self._fits(
            where, page.evaluate("document.documentElement.scrollWidth"), DESKTOP
        )

    def _fits(self, where: str, wide: int, viewport: dict[str, int]) -> None:
        self.widths += 1
        if wide > viewport["width"]:
            self.fail(where, f"{wide} px wide at {viewport['width']} px")


def _outcome(status: int, location: str) -> str:
    """As the access matrix tells answers apart: allow, deny, 405 or 5xx."""
    if status >= 500:
        return "5xx"
    if status == 405:
        return "405"
    if status in (401, 403, 404) or (status in (301, 302, 303) and "next=" in location):
        return "deny"
    return "allow"


def _contexts(chromium, base_url: str) -> Iterator[tuple[str, Any, Any]]:
    """A browser context per role, signed in once (a phone's viewport, Indonesian)."""
    for role, username in ROLES.items():
        context = chromium.new_context(
            viewport=PHONE,
            base_url=base_url,
            locale="id-ID",
            bypass_csp=True,
            service_workers="block",  # the kiosk's worker would answer later visits
        )
        context.set_default_timeout(20_000)
        axe_preload(context)
        page = context.new_page()
        if username:
            login(page, username)
        yield role, context, page


ENGLISH = {
    "anonymous": (
        "home",
        "public_results",
        "surveys:public_unit",
        "surveys:public_result",
        "evaluations:public_cycle",
        "evaluations:verify",
        "web:form",
    ),
    "admin": (
        "accounts:dashboard",
        "registry:unit_detail",
        "surveys:unit_results",
        "evaluations:cycle",
        "evaluations:assignment",
        "audit:log",
    ),
}
"""Pages opened again in English (the language cookie), by role."""


def test_every_page_for_every_role_at_phone_and_desktop_width(
    live_server, chromium, settings, tmp_path, capsys
):
    """Each role reaches exactly the pages the access matrix allows it; each page it
    reaches fits 360 and 1280 px, passes axe, says its language and shows people's
    own dates and numbers."""
    if connection.vendor != "postgresql":
        pytest.skip("the page crawl runs once, on PostgreSQL (as the access matrix)")
    started = time.monotonic()
    settings.MEDIA_ROOT = tmp_path
    demo = _demo(ROLES["operator"])
    crawl = Crawl(
        demo=demo, region_codes=set(Region.objects.values_list("code", flat=True))
    )
    all_routes = routes()
    unknown = sorted({r.name for r in all_routes} - set(ROUTES) - set(OUT_OF_CRAWL))
    assert unknown == [], "patterns without a row in the access matrix's ROUTES"
    plan = []
    for route in all_routes:
        if route.name in OUT_OF_CRAWL:
            continue
        try:
            plan.append((route, _url(demo, route)))
        except LookupError as error:
            crawl.failures.append(str(error))
    loaded = time.monotonic()
    english_pages = []
    opened: set[str] = set()
    for role, context, page in _contexts(chromium, live_server.url):
        for route, url in plan:
            rule = ROUTES[route.name].get
            if rule is None or rule == API:
                # POST only (or an API operation): a GET is answered 405, or refused
                # first (an anonymous visitor is sent to the login page; the SMS
                # webhook of a provider that is not set up is 404)
                if role in ("anonymous", "admin"):
                    crawl.status(context, role, url, {"405", "deny"}, True)
                continue
            target = AS_TARGET.get(route.name, A) if route.parameters else None
            expected = _expected(rule, role, target)
            status_only = route.name in NOT_PAGES or route.name in OTHERS_PAGES
            if status_only or rule == OPEN or expected != {"allow"}:
                crawl.status(context, role, url, expected, route.name not in NOT_PAGES)
                continue
            crawl.page(page, role, url, status=STATUS.get(route.name, 200))
            opened.add(route.name)
            if route.name in ENGLISH.get(role, ()):
                english_pages.append((role, url))
        if role in ENGLISH:
            context.add_cookies(
                [{"name": "django_language", "value": "en", "url": live_server.url}]
            )
            for english_role, url in english_pages:
                if english_role == role:
                    crawl.english += 1
                    crawl.page(page, role, url, language="en")
        context.close()
    elapsed = time.monotonic() - started
    summary = (
        f"every-page crawl: {crawl.pages} pages × roles opened ({crawl.english} of them "
        f"in English) × 2 widths = {crawl.widths} width checks, axe on {crawl.axe}, "
        f"{crawl.statuses} answers checked by status only; {len(plan)} of "
        f"{len(all_routes)} patterns; demo {loaded - started:.0f} s, "
        f"total {elapsed:.0f} s"
    )
    with capsys.disabled():  # the size of the crawl, in CI's log
        sys.stdout.write(f"\n{summary}\n")
    assert crawl.failures == [], summary + "\n" + "\n".join(crawl.failures)
    assert crawl.english == sum(len(pages) for pages in ENGLISH.values()), summary
    pages = {r.name for r, _ in plan if ROUTES[r.name].get not in (None, API)}
    unopened = pages - opened - set(NOT_PAGES) - set(OTHERS_PAGES)
    assert unopened == set(), f"pages no role opens, so nothing checks them: {unopened}"


def test_the_text_check_tells_dates_and_decimals_from_codes_times_and_thousands():
    """What the crawl refuses in visible text, and what it lets through."""
    codes = {"18.09"}
    text = (
        "Kode 18.09 · buka 08.00–15.00 · 200.000 baris · 1.234.567 · "
        "10.18.9.0/24 · OpenAPI 3.0.3 · 2026-Q3 · 4 Des 2026 · 3,64"
    )
    assert _text_problems(text, "id", codes) == []
    assert _text_problems("IPP 3.64 pada 2025-05-31", "id", codes) == [
        "ISO date '2025-05-31'",
        "dot decimal '3.64' in …'IPP 3.64 pada 2025'",
    ]
    assert _text_problems("IPP 3.64, 200,000 rows", "en", codes) == []
    assert _text_problems("IPP = 0,75 × F-02", "en", codes) == ["comma decimal '0,75'"]


def test_a_parameter_without_a_demo_value_fails_loudly():
    """A pattern added later whose parameter the crawl cannot fill says so."""
    route = Route(
        "complaints:reply", "pengaduan/balasan/<int:reply_id>/", ("reply_id",)
    )
    with pytest.raises(LookupError, match="no demo value for the parameter 'reply_id'"):
        _url(Demo(unit=ServiceUnit()), route)
