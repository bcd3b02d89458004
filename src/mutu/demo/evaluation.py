"""The demo PEKPPP 2025 cycle for Kabupaten Pesawaran, walked through every stage.

Dinas Sosial, Dukcapil and RSUD Pesawaran reach A- "Sangat Baik" (as in the July
2025 awards), the other units lower; each indicator carries evidence, the three
award units get their certificates. Loading twice changes nothing.
"""

import uuid
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from mutu.accounts.models import User
from mutu.errors import MutuError
from mutu.evaluations import services
from mutu.evaluations.models import Cycle
from mutu.measures.instrument import DEFAULT_PEKPPP_INSTRUMENT, load_instrument
from mutu.registry.models import Region, ServiceUnit

CYCLE_NAME = "PEKPPP 2025 Kabupaten Pesawaran"
SELF_ASSESSED_ON = date(2025, 5, 20)
"""The day the demo units fill in and submit F-01, before the May 2025 deadline."""
NAMESPACE = uuid.UUID("9b0f6d3e-2a41-4f7c-8e15-5c2d7a6b4e21")
# Per unit: (level of most indicators, indicators one level higher, F-03 item score).
PLANS = {
    "dinsos": (4, {"Q1", "Q6", "Q11", "Q14", "Q16", "Q21", "Q24", "Q28", "Q29"}, 4),
    "dukcapil": (4, {"Q1", "Q2", "Q6", "Q12", "Q14", "Q17", "Q21", "Q22", "Q29"}, 4),
    "rsud": (4, {"Q1", "Q6", "Q10", "Q14", "Q16", "Q18", "Q21", "Q26", "Q30"}, 4),
    "dpmptsp": (4, set(), 4),
    "pkm-gedongtataan": (3, {"Q1", "Q6"}, 4),
    "pkm-hanura": (3, set(), 3),
}


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

DEMO_REASON = "Bukti dukung yang dilampirkan mendukung level ini."
"""Given with every demo level; kept only where the level departs from the level
the data propose (docs/regulations.md D11)."""


def cycle_load(
    units: dict[str, ServiceUnit],
    *,
    admin: User,
    evaluator: User,
    coordinator: User,
    operators: dict[str, User],
) -> Cycle:
    """Create the 2025 cycle and take every unit through to a published result."""
    existing = Cycle.objects.filter(year=2025, name=CYCLE_NAME).first()
    if existing:
        return existing
    instrument = load_instrument(DEFAULT_PEKPPP_INSTRUMENT)
    user_form = instrument.user_assessment
    f03_items = len(user_form.items) if user_form is not None else 0
    scored = [i.number for a in instrument.aspects if a.scored for i in a.indicators]
    cycle = services.cycle_open(
        actor=admin,
        year=2025,
        name=CYCLE_NAME,
        scheme="nasional",
        region=Region.objects.get(code="18.09"),
        units=[units[key] for key in PLANS],
        self_assessment_due=date(2025, 5, 31),
        verification_due=date(2025, 6, 30),
    )
    for key, (base, higher, user_score) in PLANS.items():
        assignment = cycle.assignments.get(unit=units[key])
        services.evaluators_assign(
            actor=admin, assignment=assignment, evaluators=[evaluator]
        )
        operator = operators[key]
        for number in scored:
            level = min(5, base + (number in higher))
            claimed = min(5, level + (number == "Q4"))  # units overclaim one indicator
            services.self_answer_save(
                actor=operator,
                assignment=assignment,
                indicator=number,
                level=claimed,
                reason=DEMO_REASON,
                today=SELF_ASSESSED_ON,
            )
            answer = assignment.answers.get(indicator=number)
            services.evidence_add(
                actor=operator,
                answer=answer,
                description=f"Bukti {number} ({units[key].short_name})",
                upload=SimpleUploadedFile(
                    f"bukti-{number}.pdf", PDF, "application/pdf"
                ),
                today=SELF_ASSESSED_ON,
            )
        services.self_assessment_submit(
            actor=operator, assignment=assignment, today=SELF_ASSESSED_ON
        )
        for number in scored:
            level = min(5, base + (number in higher))
            note = (
                "Bukti peninjauan SP belum mencakup semua layanan."
                if number == "Q4"
                else ""
            )
            services.indicator_score(
                actor=evaluator,
                assignment=assignment,
                indicator=number,
                score=level,
                note=note,
                reason=DEMO_REASON,
            )
        for respondent in range(12 if f03_items else 0):
            services.user_assessment_add(
                assignment=assignment,
                scores=[user_score] * f03_items,
                client_id=uuid.uuid5(NAMESPACE, f"{key}-{respondent}"),
                channel="paper",
            )
        services.result_finalize(actor=coordinator, assignment=assignment)
    services.cycle_signing_set(
        actor=admin,
        cycle=cycle,
        issuing_authority=(
            "Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi"
        ),
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
    return cycle
