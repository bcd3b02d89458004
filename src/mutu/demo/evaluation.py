"""The demo's evaluation cycles for Kabupaten Pesawaran.

PEKPPP 2025 (the story) is walked through every stage on fixed 2025 dates: opened
after the SKM of 2025 is in (:mod:`mutu.demo.responses`), self-assessed in
November, finalized and published in December 2025. Every fed indicator is
self-assessed and scored at the level its feed proposes, except the few departures
of :data:`DEPARTURES`, each with a written reason (D11), so the results follow
from the data: Dinas Sosial, Dukcapil and RSUD Pesawaran reach A- "Sangat Baik"
and get their certificates; DPMPTSP and the two puskesmas stay lower for what
their SKM shows (too small a sample, one medium, plans late or open, nothing
published).

The current cycle (:func:`current_cycle_load`, the current year, deadlines counted
from today) is left in progress with one unit at each stage of the workflow.
Loading twice changes nothing.
"""

import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mutu.accounts.models import User
from mutu.errors import MutuError
from mutu.evaluations import services
from mutu.evaluations.feeds import indicator_feed
from mutu.evaluations.models import Answer, Assignment, Certificate, Cycle, Result
from mutu.measures.instrument import DEFAULT_PEKPPP_INSTRUMENT, load_instrument
from mutu.registry.models import Region, ServiceUnit

STORY_YEAR = 2025
CYCLE_NAME = "PEKPPP 2025 Kabupaten Pesawaran"
SELF_ASSESSMENT_DUE = date(2025, 11, 14)
VERIFICATION_DUE = date(2025, 12, 5)
SELF_ASSESSED_ON = date(2025, 11, 10)
"""The day the demo units fill in and submit F-01, before the deadline."""
OPENED_AT = date(2025, 10, 1)
FINALIZED_ON = date(2025, 12, 8)
PUBLISHED_ON = date(2025, 12, 15)
NAMESPACE = uuid.UUID("9b0f6d3e-2a41-4f7c-8e15-5c2d7a6b4e21")
# Per unit: (level of most unfed indicators, unfed indicators one level higher,
# F-03 item score). Fed indicators take the level their feed proposes.
PLANS = {
    "dinsos": (4, {"Q11", "Q14", "Q16", "Q21", "Q24", "Q28", "Q29"}, 4),
    "dukcapil": (4, {"Q2", "Q12", "Q14", "Q17", "Q21", "Q22", "Q29"}, 4),
    "rsud": (4, {"Q10", "Q14", "Q16", "Q18", "Q21", "Q26", "Q30"}, 4),
    "dpmptsp": (4, set(), 4),
    "pkm-gedongtataan": (3, set(), 4),
    "pkm-hanura": (3, set(), 3),
}
# The departures from a fed indicator's proposed level: (level, the unit's reason,
# the evaluator's reason). Q1's levels 4–5 (community involvement, monitoring) are
# not in Mutu's data, so a unit that shows them departs from the proposal of 3.
DEPARTURES: dict[str, dict[str, tuple[int, str, str]]] = {
    "dinsos": {
        "Q1": (
            4,
            "Standar pelayanan disusun bersama perwakilan penerima layanan (berita "
            "acara FGD 12 Februari 2025); pelibatan ini tidak tercatat di registri.",
            "Berita acara dan daftar hadir FGD diperiksa: masyarakat dilibatkan; "
            "level 4 diterima.",
        ),
    },
    "dukcapil": {
        "Q1": (
            5,
            "Standar disusun dengan masyarakat (FGD Maret 2025) dan dimonev tiap "
            "semester (laporan monev Juli 2025).",
            "Berita acara FGD dan laporan monev semester I 2025 diperiksa; level 5 "
            "diterima.",
        ),
    },
    "rsud": {
        "Q1": (
            4,
            "Standar pelayanan rawat jalan dan IGD dibahas dengan perwakilan pasien "
            "(notulen forum konsultasi publik 20 Januari 2025).",
            "Notulen forum konsultasi publik diperiksa; pelibatan masyarakat "
            "terbukti, monev belum ada: level 4.",
        ),
    },
}
Q4_NOTE = "Bukti peninjauan SP belum mencakup semua layanan."
AUTHORITY = "Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi"


def _demo_pdf() -> bytes:
    """A one-page A4 PDF saying it is demo evidence, with a correct cross-reference
    table (the evidence check parses every PDF, so the demo's must be real)."""
    text = b"BT /F1 16 Tf 72 770 Td (Bukti dukung contoh - demo Mutu) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
    ]
    parts = [b"%PDF-1.4\n"]
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(sum(map(len, parts)))
        parts.append(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = sum(map(len, parts))
    parts.append(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    parts.extend(b"%010d 00000 n \n" % offset for offset in offsets)
    parts.append(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, xref)
    )
    return b"".join(parts)


PDF = _demo_pdf()


def _scored(instrument: Any) -> list[str]:
    return [i.number for a in instrument.aspects if a.scored for i in a.indicators]


Departures = dict[str, tuple[int, str, str]]


DATA_MOVED_NOTE = "Disesuaikan dengan usulan data Mutu terbaru."
"""The evaluator's note where the data moved after the self-assessment (the live
proposal, D16, differs from the level the unit gave)."""


def _level(
    answer: Answer, base: int, higher: set[str], departures: Departures, today: date
) -> int:
    """The level of one indicator in the plan: the departure, the feed's live
    proposal on *today* (what the services hold the level against, D16), or the base."""
    if answer.indicator in departures:
        return departures[answer.indicator][0]
    feed = indicator_feed(answer.assignment, answer.indicator, today)
    proposed = (feed or {}).get("level")
    if proposed is not None:
        return int(proposed)
    return min(5, base + (answer.indicator in higher))


def _aware(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _self_assess(
    key: str,
    assignment: Assignment,
    operator: User,
    numbers: list[str],
    *,
    today: date,
    evidence: bool = True,
    departures: Departures | None = None,
) -> None:
    base, higher, _ = PLANS[key]
    departures = departures or {}
    short = assignment.unit.short_name
    for answer in assignment.answers.filter(indicator__in=numbers):
        level = _level(answer, base, higher, departures, today)
        # The unit's reason for departing from the data (D11), kept only where the
        # level departs from the proposal.
        reason = departures.get(answer.indicator, (0, "", ""))[1]
        claimed = min(5, level + (answer.indicator == "Q4"))  # one overclaim
        services.self_answer_save(
            actor=operator,
            assignment=assignment,
            indicator=answer.indicator,
            level=claimed,
            reason=reason,
            today=today,
        )
        if evidence:
            services.evidence_add(
                actor=operator,
                answer=answer,
                description=f"Bukti {answer.indicator} ({short})",
                upload=SimpleUploadedFile(
                    f"bukti-{answer.indicator}.pdf", PDF, "application/pdf"
                ),
                today=today,
            )


def _score(
    key: str,
    assignment: Assignment,
    evaluator: User,
    numbers: list[str],
    departures: Departures | None = None,
) -> None:
    base, higher, _ = PLANS[key]
    departures = departures or {}
    for answer in assignment.answers.filter(indicator__in=numbers):
        level = _level(answer, base, higher, departures, timezone.localdate())
        # The evaluator's reason for departing from the data (D11).
        reason = departures.get(answer.indicator, (0, "", ""))[2]
        services.indicator_score(
            actor=evaluator,
            assignment=assignment,
            indicator=answer.indicator,
            score=level,
            note=Q4_NOTE
            if answer.indicator == "Q4"
            else DATA_MOVED_NOTE
            if level != answer.self_level
            else "",
            reason=reason,
        )


def _user_assessments(key: str, assignment: Assignment, items: int, count: int) -> None:
    score = PLANS[key][2]
    for respondent in range(count if items else 0):
        services.user_assessment_add(
            assignment=assignment,
            scores=[score] * items,
            client_id=uuid.uuid5(
                NAMESPACE, f"{assignment.cycle.year}-{key}-{respondent}"
            ),
            channel="paper",
        )


def cycle_load(
    units: dict[str, ServiceUnit],
    *,
    admin: User,
    evaluator: User,
    coordinator: User,
    operators: dict[str, User],
) -> Cycle:
    """Create the 2025 cycle and take every unit through to a published result.

    Call it after :func:`mutu.demo.responses.story_responses_load`: the feeds are
    read when the cycle opens.
    """
    existing = Cycle.objects.filter(year=STORY_YEAR, name=CYCLE_NAME).first()
    if existing:
        return existing
    instrument = load_instrument(DEFAULT_PEKPPP_INSTRUMENT)
    user_form = instrument.user_assessment
    f03_items = len(user_form.items) if user_form is not None else 0
    scored = _scored(instrument)
    cycle = services.cycle_open(
        actor=admin,
        year=STORY_YEAR,
        name=CYCLE_NAME,
        scheme="nasional",
        region=Region.objects.get(code="18.09"),
        units=[units[key] for key in PLANS],
        self_assessment_due=SELF_ASSESSMENT_DUE,
        verification_due=VERIFICATION_DUE,
    )
    for key in PLANS:
        assignment = cycle.assignments.get(unit=units[key])
        services.evaluators_assign(
            actor=admin, assignment=assignment, evaluators=[evaluator]
        )
        departures = DEPARTURES.get(key, {})
        _self_assess(
            key,
            assignment,
            operators[key],
            scored,
            today=SELF_ASSESSED_ON,
            departures=departures,
        )
        services.self_assessment_submit(
            actor=operators[key], assignment=assignment, today=SELF_ASSESSED_ON
        )
        _score(key, assignment, evaluator, scored, departures)
        _user_assessments(key, assignment, f03_items, 12)
        services.result_finalize(actor=coordinator, assignment=assignment)
    services.cycle_signing_set(
        actor=admin,
        cycle=cycle,
        issuing_authority=AUTHORITY,
        signatory_name="Rini Widyantini",
        signatory_title=(
            "Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi"
        ),
        signing_place="Jakarta",
    )
    services.cycle_publish(actor=admin, cycle=cycle)
    for assignment in cycle.assignments.all():
        result = assignment.results.get(is_current=True)
        if instrument.awards(result.predicate):
            try:
                services.certificate_issue(actor=admin, result=result)
            except MutuError:
                continue
    _date_story(cycle)
    return cycle


def _date_story(cycle: Cycle) -> None:
    """Put the story's own 2025 dates on what the services stamped with the clock
    (opened, submitted, finalized, published, certificates issued), so the 2025
    cycle reads the same whatever day the demo is loaded. The audit rows keep the
    day the demo was loaded: that is when they were written."""
    Cycle.objects.filter(pk=cycle.pk).update(
        created_at=_aware(OPENED_AT), published_at=_aware(PUBLISHED_ON)
    )
    Assignment.objects.filter(cycle=cycle).update(
        submitted_at=_aware(SELF_ASSESSED_ON, 14)
    )
    Result.objects.filter(assignment__cycle=cycle).update(
        finalized_at=_aware(FINALIZED_ON)
    )
    Certificate.objects.filter(result__assignment__cycle=cycle).update(
        issued_at=_aware(PUBLISHED_ON, 14)
    )


CURRENT_UNITS = ("dinsos", "dukcapil", "rsud", "dpmptsp")
"""The current cycle's units, one per stage: self-assessment, waiting for
verification, revision, verified and waiting for F-03."""
SELF_ASSESSMENT_DAYS = 14
VERIFICATION_DAYS = 45
F03_SO_FAR = 4
"""F-03 respondents of the verified unit: fewer than the 10 the index needs (D6)."""


def current_cycle_name(year: int) -> str:
    return f"PEKPPP {year} Kabupaten Pesawaran"


def current_cycle_load(
    units: dict[str, ServiceUnit],
    *,
    admin: User,
    evaluator: User,
    operators: dict[str, User],
) -> Cycle | None:
    """The current year's cycle, in progress (None while the story year is current).

    Opened through the services with deadlines counted from today (self-assessment
    in 14 days); Dinas Sosial is still self-assessing, Dukcapil has submitted and
    waits for verification, RSUD is in its revision round, DPMPTSP is verified and
    waits for F-03 respondents.
    """
    today = timezone.localdate()
    if today.year <= STORY_YEAR:
        return None
    name = current_cycle_name(today.year)
    existing = Cycle.objects.filter(year=today.year, name=name).first()
    if existing:
        return existing
    instrument = load_instrument(DEFAULT_PEKPPP_INSTRUMENT)
    user_form = instrument.user_assessment
    f03_items = len(user_form.items) if user_form is not None else 0
    scored = _scored(instrument)
    cycle = services.cycle_open(
        actor=admin,
        year=today.year,
        name=name,
        scheme="nasional",
        region=Region.objects.get(code="18.09"),
        units=[units[key] for key in CURRENT_UNITS],
        self_assessment_due=today + timedelta(days=SELF_ASSESSMENT_DAYS),
        verification_due=today + timedelta(days=VERIFICATION_DAYS),
    )
    assignments = {key: cycle.assignments.get(unit=units[key]) for key in CURRENT_UNITS}
    for assignment in assignments.values():
        services.evaluators_assign(
            actor=admin, assignment=assignment, evaluators=[evaluator]
        )
    # Dinas Sosial: halfway through aspect I, not submitted.
    _self_assess(
        "dinsos", assignments["dinsos"], operators["dinsos"], scored[:5], today=today
    )
    for key in ("dukcapil", "rsud", "dpmptsp"):
        _self_assess(
            key, assignments[key], operators[key], scored, today=today, evidence=False
        )
        services.self_assessment_submit(
            actor=operators[key], assignment=assignments[key], today=today
        )
    _score("rsud", assignments["rsud"], evaluator, scored[:9])
    services.revision_request(
        actor=evaluator,
        assignment=assignments["rsud"],
        note="Lampirkan SK standar pelayanan terbaru dan bukti publikasi hasil SKM "
        "triwulan terakhir.",
    )
    _score("dpmptsp", assignments["dpmptsp"], evaluator, scored)
    _user_assessments("dpmptsp", assignments["dpmptsp"], f03_items, F03_SO_FAR)
    return cycle
