"""Every state-changing service writes an audit row (STYLE.md §9, DESIGN.md
"Security and privacy": every change is in an audit log).

The services are found by module convention, not listed by hand: every public
function defined in an app's ``services.py`` or ``services/`` package, in
``publishing.py``, and in the paper channel's ``upload.py`` and ``jobs.py``. Each
one must be in exactly one of three tables below:

- ``SCENARIOS``: a minimal valid call that changes something; the test runs it and
  fails unless ``AuditEvent`` grew during that one call;
- ``CITIZEN_WRITES``: the one list of exempt writes, those a citizen originates
  (a response, an F-03 answer, a message), which are the data itself;
- ``NOT_WRITES``: helpers that only read or compute; the test runs each and fails
  if it sends any INSERT, UPDATE or DELETE.

So a new service without an entry fails ``test_every_service_is_classified``, and a
stale entry (a renamed or deleted service) fails it too.
"""

from __future__ import annotations

import importlib
import inspect
import io
import pkgutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import Workbook
from PIL import Image

import mutu
from mutu.accounts import services as accounts_services
from mutu.accounts.models import Role, RoleGrant
from mutu.audit.models import AuditEvent
from mutu.evaluations import services as evaluations
from mutu.messaging.models import SmsConversation
from mutu.registry.models import Mpp
from mutu.surveys.channels.paper.layout import COLUMNS, SHEET_DATA, XLSX_MIME
from mutu.surveys.channels.paper.upload import import_job_create
from mutu.surveys.models import FollowUpItem
from mutu.surveys.periods import PeriodKind, period_containing
from mutu.surveys.publishing import follow_up_create, result_publish
from mutu.surveys.services import response_submit
from tests.accounts.login import enrol, totp_code_fresh
from tests.registry import factories

SERVICE_MODULE_NAMES = {"services", "publishing"}
PAPER_MODULES = {
    "mutu.surveys.channels.paper.upload",
    "mutu.surveys.channels.paper.jobs",
}


def service_modules() -> list[str]:
    """Every module of the convention, found by walking ``mutu``."""
    found = []
    for info in pkgutil.walk_packages(mutu.__path__, prefix="mutu."):
        parts = info.name.split(".")
        if (
            parts[-1] in SERVICE_MODULE_NAMES
            or "services" in parts[2:-1]
            or info.name in PAPER_MODULES
        ):
            found.append(info.name)
    return sorted(found)


def service_functions() -> list[str]:
    """``module:function`` of every public function defined in those modules."""
    names = []
    for module_name in service_modules():
        module = importlib.import_module(module_name)
        for name, value in vars(module).items():
            if (
                inspect.isfunction(value)
                and value.__module__ == module_name
                and not name.startswith("_")
            ):
                names.append(f"{module_name}:{name}")
    return sorted(names)


def resolve(qualname: str) -> Callable[..., Any]:
    module_name, name = qualname.split(":")
    return getattr(importlib.import_module(module_name), name)


# --- the world the scenarios act in ---------------------------------------------------


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (30, 120, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    """A paper-survey workbook with one valid form."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_DATA
    sheet.append(list(COLUMNS))
    answers = [4, 3, 3, 4, 3, 4, 4, 3, 3]
    profile = ["P", 34, "SMA", "SWASTA", "Antrean cepat."]
    sheet.append([date(2025, 7, 14), "Penerbitan KTP-el", *answers, *profile])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _instrument_file(version: str) -> bytes:
    """The shipped PEKPPP 2022 file as a new version (D19)."""
    from importlib import resources

    text = (
        resources.files("mutu.measures")
        .joinpath("instruments", "pekppp-2022.json")
        .read_text(encoding="utf-8")
    )
    return text.replace('"version": "2022"', f'"version": "{version}"', 1).encode()


@dataclass
class Ctx:
    """The shared ``world`` plus objects built on first use."""

    world: Any
    extra: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def cycle(self):
        return evaluations.cycle_open(
            actor=self.world.admin,
            year=2025,
            name="PEKPPP 2025",
            scheme="nasional",
            region=self.world.pesawaran,
            units=[self.world.dukcapil],
            self_assessment_due=timezone.localdate() + timedelta(days=30),
            verification_due=timezone.localdate() + timedelta(days=60),
        )

    @cached_property
    def assignment(self):
        item = self.cycle.assignments.get()
        evaluations.evaluators_assign(
            actor=self.world.admin, assignment=item, evaluators=[self.world.evaluator]
        )
        return item

    @cached_property
    def scored(self) -> list[str]:
        return list(
            self.assignment.answers.exclude(indicator="Q31").values_list(
                "indicator", flat=True
            )
        )

    def self_assess(self, level: int = 5) -> None:
        for number in self.scored:
            evaluations.self_answer_save(
                reason="Sesuai bukti dukung.",
                actor=self.world.operator,
                assignment=self.assignment,
                indicator=number,
                level=level,
            )

    def submitted(self):
        self.self_assess()
        evaluations.self_assessment_submit(
            actor=self.world.operator, assignment=self.assignment
        )
        return self.assignment

    def verified(self):
        self.submitted()
        for number in self.scored:
            evaluations.indicator_score(
                reason="Sesuai bukti dukung.",
                actor=self.world.evaluator,
                assignment=self.assignment,
                indicator=number,
                score=5,
            )
        return self.assignment

    def finalized(self):
        return evaluations.result_finalize(
            actor=self.world.coordinator, assignment=self.verified()
        )

    @cached_property
    def period(self):
        """The last quarter that has ended, with one response in it."""
        period = period_containing(timezone.localdate(), PeriodKind.QUARTER).previous()
        response_submit(
            unit=self.world.dukcapil,
            service=self.world.ktp,
            channel="web",
            answers={f"U{i}": 3 for i in range(1, 10)},
            submitted_at=timezone.make_aware(
                datetime.combine(period.start + timedelta(days=3), time(10))
            ),
        )
        return period

    @cached_property
    def point(self):
        return factories.point(self.world.dukcapil, "dukcapil-9")

    @cached_property
    def mpp(self):
        return Mpp.objects.create(
            government=self.world.gov_pesawaran, name="MPP Pesawaran"
        )

    def follow_up(self) -> FollowUpItem:
        return follow_up_create(
            actor=self.world.operator,
            unit=self.world.dukcapil,
            period_key=self.period.key,
            element="U1",
            action="Sederhanakan syarat",
            person_in_charge="Kasi Pelayanan",
            due_date=timezone.localdate() + timedelta(days=30),
        )


Call = Callable[[Callable[..., Any]], Any]
"""What a scenario returns once its preparation is done: the call of the service."""


def _unit_create(c: Ctx) -> Call:
    return lambda fn: fn(
        actor=c.world.admin,
        government=c.world.gov_pesawaran,
        data={"name": "Dinas Perhubungan", "short_name": "Dishub", "kind": "dinas"},
    )


def _grant(c: Ctx) -> RoleGrant:
    return RoleGrant.objects.get(user=c.world.operator)


def _excluded(c: Ctx) -> Call:
    result = response_submit(
        unit=c.world.dukcapil,
        service=c.world.ktp,
        channel="api",
        answers={"U1": 4},
        client_id=uuid.uuid4(),
    )
    return lambda fn: fn(
        actor=c.world.coordinator,
        response=result.response,
        excluded=True,
        reason="dari jaringan kantor",
    )


def _report_keep(c: Ctx) -> Call:
    period = period_containing(timezone.localdate(), PeriodKind.QUARTER).previous()
    response_submit(
        unit=c.world.dukcapil,
        service=c.world.ktp,
        channel="web",
        answers={"U1": 3},
        submitted_at=timezone.make_aware(datetime.combine(period.start, time(10))),
    )
    result_publish(
        actor=c.world.head,
        unit=c.world.dukcapil,
        period_key=period.key,
        published_at=period.end + timedelta(days=1),
        media=["website"],
    )
    return lambda fn: fn(unit=c.world.dukcapil, period_key=period.key)


def _import_job(c: Ctx):
    upload = SimpleUploadedFile("survei.xlsx", xlsx_bytes(), content_type=XLSX_MIME)
    return import_job_create(
        actor=c.world.operator, unit=c.world.dukcapil, uploaded_file=upload
    ).job


def _evidence(c: Ctx) -> Call:
    answer = c.assignment.answers.get(indicator="Q1")
    upload = SimpleUploadedFile("papan.png", png_bytes(), content_type="image/png")
    return lambda fn: fn(
        actor=c.world.operator, answer=answer, description="Foto", upload=upload
    )


def _revised(c: Ctx) -> Call:
    c.finalized()
    return lambda fn: fn(
        actor=c.world.coordinator,
        assignment=c.assignment,
        scores={"Q1": 4},
        reason="salah ketik",
    )


def _certificate(c: Ctx) -> Call:
    result = c.finalized()
    evaluations.cycle_publish(actor=c.world.admin, cycle=c.cycle)
    result.refresh_from_db()
    return lambda fn: fn(actor=c.world.admin, result=result)


def _cycle_publish(c: Ctx) -> Call:
    c.finalized()
    return lambda fn: fn(actor=c.world.admin, cycle=c.cycle)


def _submit(c: Ctx) -> Call:
    c.self_assess()
    return lambda fn: fn(actor=c.world.operator, assignment=c.assignment)


def _score(c: Ctx) -> Call:
    assignment = c.submitted()
    return lambda fn: fn(
        actor=c.world.evaluator,
        assignment=assignment,
        indicator="Q1",
        score=4,
        note="bukti kurang lengkap",
        reason="SK standar pelayanan terlampir",
    )


def _revision(c: Ctx) -> Call:
    assignment = c.submitted()
    return lambda fn: fn(
        actor=c.world.evaluator, assignment=assignment, note="Q2 kurang bukti"
    )


def _visit(c: Ctx) -> Call:
    assignment = c.submitted()
    return lambda fn: fn(
        actor=c.world.evaluator,
        assignment=assignment,
        note="Papan standar terpasang",
        visited_on=timezone.localdate(),
    )


def _finalize(c: Ctx) -> Call:
    assignment = c.verified()
    return lambda fn: fn(actor=c.world.coordinator, assignment=assignment)


def _follow_up_update(c: Ctx) -> Call:
    item = c.follow_up()
    return lambda fn: fn(
        actor=c.world.operator, item=item, status=FollowUpItem.Status.IN_PROGRESS
    )


def _import_job_run(c: Ctx) -> Call:
    job = _import_job(c)
    return lambda fn: fn(job.pk, today=date(2025, 9, 30))


def _user_form_for(c: Ctx) -> Call:
    assignment = c.assignment
    return lambda fn: fn(assignment)


def _totp_confirm(c: Ctx) -> Call:
    device = accounts_services.totp_enrol_start(actor=c.world.head, user=c.world.head)
    return lambda fn: fn(
        actor=c.world.head, user=c.world.head, code=totp_code_fresh(device)
    )


def _recovery_codes(c: Ctx) -> Call:
    enrol(c.world.head)
    return lambda fn: fn(actor=c.world.head, user=c.world.head)


def _two_factor_remove(c: Ctx) -> Call:
    enrol(c.world.head)
    return lambda fn: fn(actor=c.world.admin, user=c.world.head)


def _contact(c: Ctx):
    from mutu.messaging.services import contact_keep

    return contact_keep(
        phone="+6281234567890",
        provider="twilio",
        channel="sms",
        purpose="complaint_update",
        unit=c.world.dukcapil,
    )


def _contacts_erase_due(c: Ctx) -> Call:
    from mutu.messaging.models import Contact

    contact = _contact(c)
    Contact.objects.filter(pk=contact.pk).update(
        erase_after=timezone.now() - timedelta(days=1)
    )
    return lambda fn: fn()


def _contact_erase(c: Ctx) -> Call:
    contact = _contact(c)
    return lambda fn: fn(contact=contact, actor=c.world.operator)


def _contact_erase_schedule(c: Ctx) -> Call:
    contact = _contact(c)
    return lambda fn: fn(contact=contact, closed_at=timezone.now())


def _outbound_queue(c: Ctx) -> Call:
    from django.test import override_settings

    contact = _contact(c)

    def call(fn: Callable[..., Any]) -> Any:
        twilio = {"MUTU_TWILIO_ACCOUNT_SID": "AC1", "MUTU_TWILIO_AUTH_TOKEN": "t"}
        with override_settings(**twilio):
            return fn(actor=c.world.operator, contact=contact, text="Pembaruan")

    return call


# --- complaints (issue 13) ------------------------------------------------------------


def _filed(c: Ctx, *, days_ago: int = 0):
    from mutu.complaints.services import complaint_file

    return complaint_file(
        unit=c.world.dukcapil,
        text="Antrean perekaman KTP-el terlalu lama.",
        channel="web",
        now=timezone.now() - timedelta(days=days_ago),
    ).complaint


def _complaint_at(c: Ctx, stage: str):
    """A complaint moved to *stage* (verified, answered, closed) by the operator."""
    from mutu.complaints import services as complaints

    item = _filed(c)
    op = c.world.operator
    complaints.complaint_verify(actor=op, complaint=item)
    if stage in ("answered", "closed"):
        complaints.complaint_answer(actor=op, complaint=item, text="Sudah diperbaiki.")
    if stage == "closed":
        complaints.complaint_close(actor=op, complaint=item)
    item.refresh_from_db()
    return item


def _complaint_call(c: Ctx, at: str, **kwargs: Any) -> Call:
    item = _filed(c) if at == "received" else _complaint_at(c, at)
    return lambda fn: fn(complaint=item, **kwargs)


def _closed_long_ago(c: Ctx) -> Call:
    from mutu.complaints.models import Complaint

    item = _complaint_at(c, "closed")
    Complaint.objects.filter(pk=item.pk).update(
        closed_at=timezone.now() - timedelta(days=30)
    )
    return lambda fn: fn()


def _late(c: Ctx) -> Call:
    _filed(c, days_ago=20)
    return lambda fn: fn()


def _digest_send(c: Ctx) -> Call:
    from django.core.mail import EmailMultiAlternatives

    c.world.operator.email = "operator@example.org"
    c.world.operator.save()
    message = EmailMultiAlternatives("Mutu", "Isi", to=[c.world.operator.email])
    return lambda fn: fn(user=c.world.operator, week="2026-W49", message=message)


SCENARIOS: dict[str, Callable[[Ctx], Call]] = {
    "mutu.complaints.services:complaint_file": lambda c: (
        lambda fn: fn(
            unit=c.world.dukcapil,
            text="Petugas loket tidak ramah.",
            channel="counter",
            actor=c.world.operator,
        )
    ),
    "mutu.complaints.services:complaint_verify": lambda c: _complaint_call(
        c, "received", actor=c.world.operator
    ),
    "mutu.complaints.services:complaint_forward": lambda c: _complaint_call(
        c,
        "received",
        actor=c.world.operator,
        unit=c.world.dinsos,
        reason="Urusan bansos",
    ),
    "mutu.complaints.services:complaint_archive": lambda c: _complaint_call(
        c, "received", actor=c.world.operator, reason="Iklan, bukan aduan"
    ),
    "mutu.complaints.services:complaint_start": lambda c: _complaint_call(
        c, "verified", actor=c.world.operator
    ),
    "mutu.complaints.services:complaint_answer": lambda c: _complaint_call(
        c, "verified", actor=c.world.operator, text="Loket tambahan dibuka."
    ),
    "mutu.complaints.services:complaint_close": lambda c: _complaint_call(
        c, "answered", actor=c.world.operator
    ),
    "mutu.complaints.services:complaint_rate": lambda c: _complaint_call(
        c, "closed", rating=4
    ),
    "mutu.complaints.services:complaint_dispute": lambda c: _complaint_call(
        c, "closed", reason="Masih antre lama"
    ),
    "mutu.complaints.services:complaint_solved_answer": lambda c: _complaint_call(
        c, "closed", solved=False
    ),
    "mutu.complaints.services:complaint_note_add": lambda c: _complaint_call(
        c, "received", actor=c.world.operator, text="Cek CCTV loket 2"
    ),
    "mutu.complaints.services:complaint_follow_up_link": lambda c: (
        lambda item, plan: (
            lambda fn: fn(actor=c.world.operator, complaint=item, item=plan)
        )
    )(
        _filed(c),
        FollowUpItem.objects.create(
            unit=c.world.dukcapil,
            period_key="2026-Q1",
            element="U5",
            action="Tambah loket",
            person_in_charge="Kasi",
            due_date=timezone.localdate(),
        ),
    ),
    "mutu.complaints.services:complaint_escalate": lambda c: _complaint_call(
        c, "received", stage="verify"
    ),
    "mutu.complaints.services:complaints_escalate_due": _late,
    "mutu.complaints.services:complaint_solved_ask": lambda c: _complaint_call(
        c, "closed"
    ),
    "mutu.complaints.services:complaints_solved_ask_due": _closed_long_ago,
    "mutu.complaints.services:complaint_recap_publish": lambda c: (
        lambda fn: fn(actor=c.world.head, unit=c.world.dukcapil, period_key="2026-Q3")
    ),
    "mutu.complaints.services:calendar_day_set": lambda c: (
        lambda fn: fn(
            actor=c.world.admin,
            day=date(2026, 12, 31),
            working=False,
            reason="SKB 3 menteri",
        )
    ),
    "mutu.messaging.services:contact_erase": _contact_erase,
    "mutu.messaging.services:contact_erase_schedule": _contact_erase_schedule,
    "mutu.messaging.services:contacts_erase_due": _contacts_erase_due,
    "mutu.messaging.services:outbound_queue": _outbound_queue,
    "mutu.accounts.services:totp_enrol_start": lambda c: (
        lambda fn: fn(actor=c.world.head, user=c.world.head)
    ),
    "mutu.accounts.services:totp_enrol_confirm": _totp_confirm,
    "mutu.accounts.services:recovery_codes_regenerate": _recovery_codes,
    "mutu.accounts.services:two_factor_remove": _two_factor_remove,
    "mutu.accounts.services:totp_device_preset": lambda c: (
        lambda fn: fn(actor=None, user=c.world.head, secret="JBSWY3DPEHPK3PXP")
    ),
    "mutu.accounts.services:grant_ensure": lambda c: (
        lambda fn: fn(
            actor=c.world.admin,
            user=c.world.stranger,
            role=Role.UNIT_OPERATOR,
            target=c.world.dinsos,
        )
    ),
    "mutu.accounts.services:grant_update": lambda c: (
        lambda fn: fn(
            actor=c.world.admin,
            grant=_grant(c),
            role=Role.UNIT_HEAD,
            target=c.world.dukcapil,
        )
    ),
    "mutu.accounts.services:weekly_digest_set": lambda c: (
        lambda fn: fn(actor=c.world.operator, user=c.world.operator, enabled=False)
    ),
    "mutu.accounts.services:weekly_digest_send": _digest_send,
    "mutu.accounts.services:grant_revoke": lambda c: (
        lambda fn: fn(actor=c.world.admin, grant=_grant(c))
    ),
    "mutu.audit.services:audit_record": lambda c: (
        lambda fn: fn(
            actor=c.world.admin, action="test.record", target=c.world.dukcapil
        )
    ),
    "mutu.registry.services:unit_create": _unit_create,
    "mutu.registry.services:unit_update": lambda c: (
        lambda fn: fn(
            actor=c.world.operator, unit=c.world.dukcapil, data={"phone": "0721 123456"}
        )
    ),
    "mutu.registry.services:service_create": lambda c: (
        lambda fn: fn(
            actor=c.world.operator, unit=c.world.dukcapil, data={"name": "Akta Lahir"}
        )
    ),
    "mutu.registry.services:service_update": lambda c: (
        lambda fn: fn(
            actor=c.world.operator, service=c.world.ktp, data={"description": "KTP"}
        )
    ),
    "mutu.registry.services:standard_update": lambda c: (
        lambda fn: fn(
            actor=c.world.operator, service=c.world.ktp, data={"fee": "Gratis"}
        )
    ),
    "mutu.registry.services:unit_record_update": lambda c: (
        lambda fn: fn(
            actor=c.world.operator,
            unit=c.world.dukcapil,
            data={"hours_policy": "SK Kepala Dinas 5/2026", "queue_numbers": True},
        )
    ),
    "mutu.registry.services:service_point_create": lambda c: (
        lambda fn: fn(
            actor=c.world.operator,
            unit=c.world.dukcapil,
            data={"name": "Loket 2", "code": "dukcapil-2"},
        )
    ),
    "mutu.registry.services:service_point_update": lambda c: (
        lambda fn: fn(
            actor=c.world.operator, point=c.point, data={"name": "Loket Utama"}
        )
    ),
    "mutu.registry.services:mpp_create": lambda c: (
        lambda fn: fn(
            actor=c.world.admin,
            government=c.world.gov_pesawaran,
            data={"name": "MPP Gedong Tataan"},
        )
    ),
    "mutu.registry.services:mpp_update": lambda c: (
        lambda fn: fn(
            actor=c.world.admin, mpp=c.mpp, data={"address": "Jl. Raya Kedondong"}
        )
    ),
    "mutu.registry.services:unit_delete": lambda c: (
        lambda fn: fn(
            actor=c.world.admin, unit=factories.unit(c.world.gov_pesawaran, "Typo")
        )
    ),
    "mutu.registry.services:service_delete": lambda c: (
        lambda fn: fn(
            actor=c.world.operator,
            service=factories.service(c.world.dukcapil, "Duplikat"),
        )
    ),
    "mutu.registry.services:service_point_delete": lambda c: (
        lambda fn: fn(actor=c.world.operator, point=c.point)
    ),
    "mutu.registry.services:mpp_delete": lambda c: (
        lambda fn: fn(actor=c.world.admin, mpp=c.mpp)
    ),
    "mutu.surveys.services:response_set_excluded": _excluded,
    "mutu.reports.services:skm_report_keep": _report_keep,
    "mutu.surveys.publishing:population_set": lambda c: (
        lambda fn: fn(
            actor=c.world.operator,
            unit=c.world.dukcapil,
            period_key=c.period.key,
            population=500,
        )
    ),
    "mutu.surveys.publishing:result_publish": lambda c: (
        lambda fn: fn(
            actor=c.world.head,
            unit=c.world.dukcapil,
            period_key=c.period.key,
            published_at=c.period.end + timedelta(days=1),
            media=["website"],
        )
    ),
    "mutu.surveys.publishing:follow_up_create": lambda c: (
        lambda fn: fn(
            actor=c.world.operator,
            unit=c.world.dukcapil,
            period_key=c.period.key,
            element="U1",
            action="Pasang papan informasi",
            person_in_charge="Kasi Pelayanan",
            due_date=timezone.localdate() + timedelta(days=30),
        )
    ),
    "mutu.surveys.publishing:follow_up_update": _follow_up_update,
    "mutu.surveys.publishing:survey_settings_update": lambda c: (
        lambda fn: fn(
            actor=c.world.operator,
            unit=c.world.dukcapil,
            period_kind=PeriodKind.QUARTER,
            extra_questions=["Apakah petugas memakai seragam?"],
            own_networks=["10.0.0.0/8"],
        )
    ),
    "mutu.surveys.channels.paper.upload:import_job_create": lambda c: (
        lambda fn: fn(
            actor=c.world.operator,
            unit=c.world.dukcapil,
            uploaded_file=SimpleUploadedFile(
                "survei.xlsx", xlsx_bytes(), content_type=XLSX_MIME
            ),
        )
    ),
    "mutu.surveys.channels.paper.jobs:import_job_run": _import_job_run,
    "mutu.evaluations.services.cycles:cycle_open": lambda c: (
        lambda fn: fn(
            actor=c.world.admin,
            year=2026,
            name="PEKPPP 2026",
            scheme="nasional",
            region=c.world.pesawaran,
            units=[c.world.dinsos],
            self_assessment_due=timezone.localdate() + timedelta(days=30),
            verification_due=timezone.localdate() + timedelta(days=60),
        )
    ),
    "mutu.evaluations.services.cycles:cycle_deadlines_set": lambda c: (
        lambda fn: fn(
            actor=c.world.admin,
            cycle=c.cycle,
            self_assessment_due=timezone.localdate() + timedelta(days=40),
            verification_due=timezone.localdate() + timedelta(days=70),
            reason="banjir",
        )
    ),
    "mutu.evaluations.services.instruments:instrument_version_upload": lambda c: (
        lambda fn: fn(
            actor=c.world.admin, file_name="v.json", data=_instrument_file("audit")
        )
    ),
    "mutu.evaluations.services.instruments:instrument_version_retire": lambda c: (
        lambda fn: fn(
            actor=c.world.admin,
            record=evaluations.instrument_version_upload(
                actor=c.world.admin, file_name="v.json", data=_instrument_file("r")
            ),
            reason="Diganti",
        )
    ),
    "mutu.evaluations.services.cycles:cycle_signing_set": lambda c: (
        lambda fn: fn(
            actor=c.world.admin,
            cycle=c.cycle,
            issuing_authority="Pemerintah Kabupaten Pesawaran",
            signatory_name="Dendi Ramadhona",
            signatory_title="Bupati Pesawaran",
            signing_place="Gedong Tataan",
        )
    ),
    "mutu.evaluations.services.cycles:evaluators_assign": lambda c: (
        lambda fn: fn(
            actor=c.world.admin,
            assignment=c.cycle.assignments.get(),
            evaluators=[c.world.evaluator],
        )
    ),
    "mutu.evaluations.services.cycles:cycle_publish": _cycle_publish,
    "mutu.evaluations.services.self_assessment:self_answer_save": lambda c: (
        lambda fn: fn(
            actor=c.world.operator,
            assignment=c.assignment,
            indicator="Q1",
            level=4,
            reason="SK standar pelayanan terlampir",
        )
    ),
    "mutu.evaluations.services.self_assessment:evidence_add": _evidence,
    "mutu.evaluations.services.self_assessment:self_assessment_submit": _submit,
    "mutu.evaluations.services.verification:indicator_score": _score,
    "mutu.evaluations.services.verification:revision_request": _revision,
    "mutu.evaluations.services.verification:visit_record": _visit,
    "mutu.evaluations.services.results:result_finalize": _finalize,
    "mutu.evaluations.services.results:result_revise": _revised,
    "mutu.evaluations.services.results:certificate_issue": _certificate,
}

CITIZEN_WRITES = {
    # A citizen's SKM response, on any channel: the data itself (its rollup and
    # integrity flags follow from it); a coordinator's decision on it is audited
    # (response_set_excluded).
    "mutu.surveys.services:response_submit": "an SKM response",
    # One inbound SMS/WhatsApp message of a citizen, and the conversation state it
    # moves (the response it may complete is stored by response_submit).
    "mutu.messaging.services:conversation_handle": "a message",
    # A citizen's number kept sealed for the later messages of what they filed (a
    # complaint); its erasure and every message sent to it are audited.
    "mutu.messaging.services:contact_keep": "a citizen's contact",
    # A service user's F-03 rating of a unit in an evaluation: a citizen's answer
    # like an SKM response, idempotent by its client id.
    "mutu.evaluations.services.user_assessment:user_assessment_add": "an F-03 answer",
}

NOT_WRITES: dict[str, Callable[[Ctx], Call]] = {
    # Clears a conversation object in memory; conversation_handle saves it.
    "mutu.messaging.services:conversation_reset": lambda c: (
        lambda fn: fn(
            SmsConversation(provider="generic", phone_hash="x", answers={}),
            timezone.now(),
        )
    ),
    # The F-03 form of an assignment (reads the instrument and the deadline).
    "mutu.evaluations.services.user_assessment:user_form_for": _user_form_for,
    # The UUID5 of a paper row (pure).
    "mutu.surveys.channels.paper.jobs:paper_client_id": lambda c: (
        lambda fn: fn(1, "0" * 64, 2)
    ),
}

DISCOVERED = service_functions()


def test_every_service_is_classified():
    """Each service found by convention is in exactly one table, and each table
    entry names a service that exists."""
    tables = {
        "SCENARIOS": set(SCENARIOS),
        "CITIZEN_WRITES": set(CITIZEN_WRITES),
        "NOT_WRITES": set(NOT_WRITES),
    }
    listed = [name for names in tables.values() for name in names]
    assert len(listed) == len(set(listed)), "a service is in two tables"
    unclassified = sorted(set(DISCOVERED) - set(listed))
    assert not unclassified, (
        "services without an audit scenario (add each to SCENARIOS with a minimal "
        f"valid call, or to CITIZEN_WRITES / NOT_WRITES with a reason): {unclassified}"
    )
    stale = sorted(set(listed) - set(DISCOVERED))
    assert not stale, f"entries naming no service (renamed or removed?): {stale}"
    assert len(DISCOVERED) >= 35, DISCOVERED


@pytest.mark.parametrize("qualname", sorted(SCENARIOS))
def test_service_writes_an_audit_row(qualname, world, settings, tmp_path):
    """Called once in a minimal valid scenario, the service adds an audit row."""
    settings.MEDIA_ROOT = tmp_path
    # Given: the scenario's preparation (which may itself write audited rows).
    call = SCENARIOS[qualname](Ctx(world))
    assert callable(call)
    before = AuditEvent.objects.count()
    # When: the service runs.
    call(resolve(qualname))
    # Then: the audit log grew.
    assert AuditEvent.objects.count() > before, f"{qualname} wrote no audit row"


@pytest.mark.parametrize("qualname", sorted(NOT_WRITES))
def test_helper_listed_as_not_writing_writes_nothing(qualname, world):
    """A function excused as a reader sends no INSERT, UPDATE or DELETE."""
    call = NOT_WRITES[qualname](Ctx(world))
    with CaptureQueriesContext(connection) as queries:
        call(resolve(qualname))
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
