"""The role × route matrix (issue 9): who reaches what, for every route there is.

Every URL pattern of Django's resolver (the Django admin checked through its index,
static files served by WhiteNoise, not by a pattern) and every operation of the
OpenAPI document is requested by each role (anonymous, the operator and the head
of unit A, the coordinator of A's regency, the evaluator assigned to A, a national
admin), against objects inside and outside its scope, with GET and with POST. Each
answer must be what :data:`ROUTES` (or :data:`API_OPERATIONS`) says: allowed, or
refused (403/404, or a redirect to the login page for an anonymous visitor), or 405
for a method the route does not serve. A route or operation without an expectation
fails the test, so a new route joins the matrix by itself, and must be given one.

Every request runs in a transaction rolled back afterwards (each starts from the
same rows), and after every refused POST the rows of every Mutu table must be
unchanged: a refusal that wrote something fails.

Heavy: runs only on PostgreSQL (CI runs it once there); the core suite runs on
SQLite. Set ``ON_SQLITE = True`` below to try it on SQLite while developing.
"""

import json
import logging
import sys
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from hashlib import sha256
from importlib import resources
from typing import Any

import pytest
from django.apps import apps
from django.core import signing
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from mutu.accounts.models import Role, User
from mutu.complaints.models import Complaint, ComplaintAttachment
from mutu.complaints.services import complaint_file
from mutu.evaluations.models import (
    Assignment,
    Certificate,
    Cycle,
    Evidence,
    Result,
)
from mutu.evaluations.services import (
    cycle_open,
    evaluators_assign,
    instrument_version_upload,
)
from mutu.evaluations.views import F03_SALT
from mutu.registry.models import Mpp, Region, Service, ServicePoint, ServiceUnit
from mutu.surveys.models import FollowUpItem, ImportJob, Publication
from mutu.surveys.periods import PeriodKind, period_containing
from tests.accounts.factories import user_with_role
from tests.accounts.login import login
from tests.api.factories import ALL_FOUR
from tests.evaluations.conftest import PDF_BYTES, PNG_BYTES
from tests.registry import factories
from tests.routes import Route
from tests.routes import routes as all_routes

ON_SQLITE = False
"""Run the matrix on SQLite too (while developing it; CI runs it on PostgreSQL)."""

MINIMUM_CHECKS = 2886
"""The matrix sent 2,886 requests when the dashboards (region, unit), the MPP page,
the evaluation reports and the weekly digest switch joined it (104 routes and 4 API
operations); 2,622 when the complaint pages, the instrument versions, the official
SKM report and the open data joined it (94 routes, the admin's index among them, the
exports, and 4 API operations); 1,968 before them: it may grow, never silently
shrink."""

# --- who may pass -------------------------------------------------------------------
# The roles, and the objects each request names: those of unit A (Dukcapil
# Pesawaran: the operator's and the head's unit, evaluated by the evaluator), of A2
# (Dinas Sosial Pesawaran: same regency, evaluated by another evaluator) or of B
# (Dukcapil Bandung: another province, in a published national cycle).

ROLES = ("anonymous", "operator", "head", "coordinator", "evaluator", "admin")
A, A2, B = "A", "A2", "B"
TARGETS = (A, A2, B)
ALL = frozenset(TARGETS)

Access = Mapping[str, frozenset[str]]
"""Who passes: role -> the targets (A, A2, B) on which it is allowed."""

EVERYONE: Access = dict.fromkeys(ROLES, ALL)
SIGNED_IN: Access = {role: ALL for role in ROLES if role != "anonymous"}
STAFF: Access = {
    "operator": frozenset({A}),
    "head": frozenset({A}),
    "coordinator": frozenset({A, A2}),
    "admin": ALL,
}
"""The unit's own staff and those above it: its working pages and edit forms."""
READERS: Access = {**STAFF, "evaluator": frozenset({A})}
"""Staff, and the unit's own evaluator: unit page, standards, evaluation, evidence."""
PUBLISHERS: Access = {"head": frozenset({A}), "admin": ALL}
MANAGERS: Access = {"coordinator": frozenset({A, A2}), "admin": ALL}
"""Coordinators of the region and national admins: cycles, reviews, regions, audit."""
UNIT_SIDE: Access = {"operator": frozenset({A}), "head": frozenset({A})}
EVALUATOR_SIDE: Access = {"evaluator": frozenset({A})}
PUBLISHED: Access = dict.fromkeys(ROLES, frozenset({B}))
"""Public once published: only B's cycle is published and holds a certificate."""
NOBODY: Access = {}


def _either(*accesses: Access) -> Access:
    """Who passes by any of *accesses*."""
    merged: dict[str, frozenset[str]] = {}
    for access in accesses:
        for role, targets in access.items():
            merged[role] = merged.get(role, frozenset()) | targets
    return merged


NATIONAL: Access = {"admin": ALL}
"""National admins only: instrument versions (D19)."""
OPEN = "open"
"""Anyone reaches it, and it checks its own token or signature: any answer but a
405 or a 5xx."""
API = "api"
"""An API route: its operations are checked by :data:`API_OPERATIONS`."""


@dataclass(frozen=True)
class Expect:
    """Who passes with GET and with POST; ``None``: the route answers 405."""

    get: Access | str | None = None
    post: Access | str | None = None


ROUTES: dict[str, Expect] = {
    "home": Expect(get=EVERYONE),
    "public_results": Expect(get=EVERYONE),
    "set_language": Expect(get=EVERYONE, post=EVERYONE),
    "admin:index": Expect(get=NOBODY, post=NOBODY),
    "accounts:login": Expect(get=EVERYONE, post=EVERYONE),
    "accounts:logout": Expect(post=EVERYONE),
    "accounts:password_change": Expect(get=SIGNED_IN, post=SIGNED_IN),
    "accounts:password_change_done": Expect(get=SIGNED_IN),
    "accounts:password_reset": Expect(get=EVERYONE, post=EVERYONE),
    "accounts:password_reset_done": Expect(get=EVERYONE),
    "accounts:password_reset_confirm": Expect(get=EVERYONE, post=EVERYONE),
    "accounts:password_reset_complete": Expect(get=EVERYONE),
    "accounts:dashboard": Expect(get=SIGNED_IN),
    "accounts:digest": Expect(get=SIGNED_IN, post=SIGNED_IN),
    # Two-step verification: every signed-in user may open their own pages (a
    # verified session is sent on; an optional role may enrol).
    "accounts:two_factor_verify": Expect(get=SIGNED_IN, post=SIGNED_IN),
    "accounts:two_factor": Expect(get=SIGNED_IN),
    "accounts:two_factor_enrol": Expect(get=SIGNED_IN, post=SIGNED_IN),
    "accounts:recovery_codes": Expect(post=SIGNED_IN),
    "api-schema": Expect(get=EVERYONE),
    "api-docs": Expect(get=EVERYONE),
    "api-v1-responses": Expect(post=API),
    "api-v1-responses-bulk": Expect(post=API),
    "registry:unit_detail": Expect(get=READERS),
    "registry:service_detail": Expect(get=READERS),
    "registry:service_create": Expect(get=STAFF, post=STAFF),
    "registry:service_edit": Expect(get=STAFF, post=STAFF),
    "registry:standard_edit": Expect(get=STAFF, post=STAFF),
    "registry:unit_records": Expect(get=STAFF, post=STAFF),
    "registry:region_detail": Expect(get=MANAGERS),
    "surveys:unit_results": Expect(get=STAFF),
    # The CSV exports (issue 14): scoped as the unit's results page and the region's
    # page (the nation's is the national region's, for national admins).
    "surveys:export_unit": Expect(get=STAFF),
    "surveys:export_region": Expect(get=MANAGERS),
    "surveys:population": Expect(post=STAFF),
    "surveys:publish": Expect(post=PUBLISHERS),
    "surveys:follow_up_add": Expect(post=STAFF),
    "surveys:follow_up_status": Expect(post=STAFF),
    "surveys:flagged": Expect(get=MANAGERS, post=MANAGERS),
    "surveys:settings": Expect(get=STAFF, post=STAFF),
    "surveys:public_unit": Expect(get=EVERYONE),
    "surveys:public_result": Expect(get=EVERYONE),
    "web:form": Expect(get=EVERYONE, post=EVERYONE),
    "web:thanks": Expect(get=EVERYONE),
    "kiosk:service_worker": Expect(get=EVERYONE),
    "kiosk:page": Expect(get=EVERYONE),
    "kiosk:sync": Expect(post=OPEN),
    "paper:upload": Expect(get=STAFF, post=STAFF),
    "paper:template": Expect(get=STAFF),
    "paper:job": Expect(get=STAFF),
    "messaging:webhook": Expect(post=OPEN),  # the generic provider has no GET
    "messaging:twilio_status": Expect(post=OPEN),  # signed by Twilio
    "messaging:log": Expect(get=STAFF),
    "reports:unit_posters": Expect(get=STAFF),
    "reports:point_poster": Expect(get=STAFF),
    "reports:skm_report_pdf": Expect(get=EVERYONE),  # published periods only
    "reports:skm_report_xlsx": Expect(get=EVERYONE),
    "reports:region_skm_reports": Expect(get=MANAGERS),
    "reports:region_dashboard": Expect(get=MANAGERS),
    "reports:unit_dashboard": Expect(get=STAFF),
    "reports:mpp_detail": Expect(get=EVERYONE),  # a tenant published a period
    "reports:open_data": Expect(get=EVERYONE),
    "reports:open_data_dictionary": Expect(get=EVERYONE),
    "reports:open_data_csv": Expect(get=EVERYONE),
    "reports:open_data_json": Expect(get=EVERYONE),
    "api-v1-open-data": Expect(get=EVERYONE),  # and its operation, open_data
    # Evaluation reports (issue 15 item 6, D25): a published cycle's (B's) for
    # everyone; a draft cycle's for its managers; a unit's score sheet, before
    # publication, for those who read its assignment.
    "reports:evaluation_report_pdf": Expect(get=_either(MANAGERS, PUBLISHED)),
    "reports:evaluation_report_xlsx": Expect(get=_either(MANAGERS, PUBLISHED)),
    "reports:score_sheet_pdf": Expect(get=_either(READERS, PUBLISHED)),
    "reports:score_sheet_xlsx": Expect(get=_either(READERS, PUBLISHED)),
    "evaluations:index": Expect(get=SIGNED_IN),
    "evaluations:cycle_create": Expect(get=MANAGERS, post=MANAGERS),
    # Instrument versions (D19): national admins only.
    "evaluations:instruments": Expect(get=NATIONAL),
    "evaluations:instrument_upload": Expect(post=NATIONAL),
    "evaluations:instrument_retire": Expect(post=NATIONAL),
    # An evaluator opens the cycle he is assigned in, read-only and showing only his
    # own assignments (issue 10): A and A2 share the Pesawaran cycle, so he reaches
    # it through both; B's cycle, where he has no assignment, stays 404.
    "evaluations:cycle": Expect(get={**MANAGERS, "evaluator": frozenset({A, A2})}),
    "evaluations:cycle_deadlines": Expect(post=MANAGERS),
    "evaluations:cycle_signing": Expect(post=MANAGERS),
    "evaluations:cycle_evaluators": Expect(post=MANAGERS),
    "evaluations:cycle_publish": Expect(post=MANAGERS),
    "evaluations:certificates": Expect(post=MANAGERS),
    "evaluations:assignment": Expect(get=READERS),
    "evaluations:evidence_file": Expect(get=READERS),
    "evaluations:self_answer": Expect(post=UNIT_SIDE),
    "evaluations:evidence": Expect(post=UNIT_SIDE),
    "evaluations:submit": Expect(post=UNIT_SIDE),
    "evaluations:score": Expect(post=EVALUATOR_SIDE),
    "evaluations:revision": Expect(post=EVALUATOR_SIDE),
    "evaluations:visit": Expect(post=EVALUATOR_SIDE),
    "evaluations:finalize": Expect(post=MANAGERS),
    "evaluations:revise": Expect(post=MANAGERS),
    "evaluations:f03": Expect(get=EVERYONE, post=EVERYONE),
    "evaluations:public_cycle": Expect(get=PUBLISHED),
    "evaluations:verify": Expect(get=PUBLISHED),
    "evaluations:certificate_pdf": Expect(get=PUBLISHED),
    "audit:log": Expect(get=MANAGERS),
    # Complaints (issue 13): the citizen's pages are public (the tracking page by
    # its code, which names one complaint and never its identity); the unit's are
    # its staff's and those above it; the recap is the head's act. The evaluator
    # does not see complaints.
    "complaints:form": Expect(get=EVERYONE, post=EVERYONE),
    "complaints:lookup": Expect(get=EVERYONE),
    "complaints:track": Expect(get=EVERYONE, post=EVERYONE),
    "complaints:attachment": Expect(get=STAFF),
    "complaints:inbox": Expect(get=STAFF),
    "complaints:create": Expect(get=STAFF, post=STAFF),
    "complaints:export": Expect(get=STAFF),
    "complaints:recap": Expect(post=PUBLISHERS),
    "complaints:detail": Expect(get=STAFF, post=STAFF),
    "api-v1-complaints": Expect(post=API),
}
"""Every route by name: who passes with GET and with POST."""

API_OPERATIONS: dict[str, Access] = {
    "responses_create": STAFF,
    "responses_bulk_create": STAFF,
    "open_data": EVERYONE,  # published figures only (issue 15 item 8)
    "complaints_create": STAFF,
}
"""Every operation of the OpenAPI document by operationId: who passes (an
evaluator's token writes nothing)."""


# --- the objects ----------------------------------------------------------------------


@dataclass
class Target:
    """The objects of one unit that a route's parameters name."""

    unit: ServiceUnit
    service: Service
    point: ServicePoint
    item: FollowUpItem
    job: ImportJob
    cycle: Cycle
    assignment: Assignment
    evidence: Evidence
    region_code: str
    certificate_code: str
    complaint: Complaint
    attachment: ComplaintAttachment
    mpp_id: int = 0


@dataclass
class Matrix:
    targets: dict[str, Target]
    users: dict[str, User | None]
    other_evaluator: User
    open_key: str
    published_key: str
    instrument_version_id: int = 0


def _target(
    world, unit, service, code: str, cycle: Cycle, region_code: str, key: str
) -> Target:
    assignment = cycle.assignments.get(unit=unit)
    evidence = Evidence(
        answer=assignment.answers.get(indicator="Q1"),
        description="SK standar pelayanan",
        content_type="application/pdf",
        size=len(PDF_BYTES),
    )
    evidence.file.save("sk.pdf", ContentFile(PDF_BYTES), save=True)
    Publication.objects.create(
        unit=unit, period_key=key, published_at=timezone.localdate()
    )
    complaint = complaint_file(
        unit=unit,
        text="Antrean terlalu lama di loket.",
        channel="web",
        privacy="confidential",
        reporter_name="Pelapor Matriks",
        attachments=[SimpleUploadedFile("foto.png", PNG_BYTES, "image/png")],
    ).complaint
    return Target(
        unit=unit,
        service=service,
        point=factories.point(unit, code),
        item=FollowUpItem.objects.create(
            unit=unit,
            period_key=key,
            element="U1",
            action="Tambah petugas loket",
            person_in_charge="Kepala seksi",
            due_date=timezone.localdate() + timedelta(days=60),
        ),
        job=ImportJob.objects.create(
            unit=unit,
            uploaded_by=world.operator,
            original_name="skm-kertas.xlsx",
            file_sha256=sha256(code.encode()).hexdigest(),
        ),
        cycle=cycle,
        assignment=assignment,
        evidence=evidence,
        region_code=region_code,
        certificate_code="tidak-ada",
        complaint=complaint,
        attachment=complaint.attachments.get(),
    )


def _certify(world, target: Target) -> None:
    """Finalize *target*'s evaluation with an A, publish its cycle, issue the
    certificate (written directly: the workflow itself is tested elsewhere)."""
    Assignment.objects.filter(pk=target.assignment.pk).update(
        stage=Assignment.Stage.FINALIZED
    )
    result = Result.objects.create(
        assignment=target.assignment,
        aspects={},
        evaluator_index=Decimal("4.6"),
        index=Decimal("4.6"),
        index_display=Decimal("92.00"),
        predicate="A",
        predicate_label="Pelayanan Prima",
        basis="F-02",
        finalized_by=world.admin,
        finalized_at=timezone.now(),
    )
    certificate = Certificate.objects.create(
        result=result,
        number="MATRIKS/2026/1",
        unit_name=target.unit.name,
        head_name="Kepala Dinas",
        head_title="Kepala",
        predicate="A",
        predicate_label="Pelayanan Prima",
        cycle_name=target.cycle.name,
    )
    Cycle.objects.filter(pk=target.cycle.pk).update(
        status=Cycle.Status.PUBLISHED, published_at=timezone.now()
    )
    target.certificate_code = certificate.verification_code


@pytest.fixture
def matrix(world, settings, tmp_path) -> Matrix:
    """Two regencies with two units each; one user per role; two evaluators with
    different assignments; every object a route can name, for A, A2 and B."""
    settings.MEDIA_ROOT = tmp_path
    settings.MUTU_SMS_GATEWAY_TOKEN = "matriks-token"
    today = timezone.localdate()
    quarter = period_containing(today, PeriodKind.QUARTER)
    dinsos_bandung = factories.unit(world.gov_bandung, "Dinas Sosial Bandung")
    bansos = factories.service(world.dinsos, "Bantuan Sosial")
    coordinator = user_with_role("koordinator-r", Role.COORDINATOR, world.pesawaran)
    other_evaluator = user_with_role("evaluator-2", Role.EVALUATOR)
    dues = {
        "self_assessment_due": today + timedelta(days=30),
        "verification_due": today + timedelta(days=60),
    }
    mandiri = cycle_open(
        actor=coordinator,
        year=today.year,
        name="PEKPPP Mandiri Pesawaran",
        scheme=Cycle.Scheme.SELF,
        region=world.pesawaran,
        units=[world.dukcapil, world.dinsos],
        **dues,
    )
    national = cycle_open(
        actor=world.admin,
        year=today.year,
        name="PEKPPP Nasional Bandung",
        scheme=Cycle.Scheme.NATIONAL,
        region=world.bandung,
        units=[world.dukcapil_bandung, dinsos_bandung],
        **dues,
    )
    key = quarter.previous().key
    targets = {
        A: _target(world, world.dukcapil, world.ktp, "a-1", mandiri, "18.09", key),
        A2: _target(world, world.dinsos, bansos, "a2-1", mandiri, "18.09", key),
        B: _target(
            world,
            world.dukcapil_bandung,
            world.ktp_bandung,
            "b-1",
            national,
            "32.04",
            key,
        ),
    }
    for target, evaluator in ((A, world.evaluator), (A2, other_evaluator)):
        evaluators_assign(
            actor=world.admin,
            assignment=targets[target].assignment,
            evaluators=[evaluator],
        )
    evaluators_assign(
        actor=world.admin,
        assignment=targets[B].assignment,
        evaluators=[other_evaluator],
    )
    _certify(world, targets[B])
    for target in targets.values():
        target.mpp_id = _mpp_of(target)
    return Matrix(
        targets=targets,
        users={
            "anonymous": None,
            "operator": world.operator,
            "head": world.head,
            "coordinator": coordinator,
            "evaluator": world.evaluator,
            "admin": world.admin,
        },
        other_evaluator=other_evaluator,
        open_key=quarter.key,
        published_key=key,
        instrument_version_id=instrument_version_upload(
            actor=world.admin, file_name="matriks.json", data=_instrument_file("m1")
        ).pk,
    )


# --- what each route's parameters name ---------------------------------------------


def _mpp_of(target: Target) -> int:
    """An MPP of the target's government holding the target's counter."""
    mpp, _ = Mpp.objects.get_or_create(
        government=target.unit.government, name=f"MPP {target.unit.government_id}"
    )
    ServicePoint.objects.filter(pk=target.point.pk).update(mpp=mpp)
    return mpp.pk


Value = Callable[[Matrix, Target], Any]

PARAMETERS: dict[str, Value] = {
    "unit_id": lambda m, t: t.unit.pk,
    "service_id": lambda m, t: t.service.pk,
    "period_key": lambda m, t: m.open_key,
    "item_id": lambda m, t: t.item.pk,
    "job_id": lambda m, t: t.job.pk,
    "cycle_id": lambda m, t: t.cycle.pk,
    "assignment_id": lambda m, t: t.assignment.pk,
    "evidence_id": lambda m, t: t.evidence.pk,
    "indicator": lambda m, t: "Q1",
    "code": lambda m, t: t.point.code,
    "complaint_id": lambda m, t: t.complaint.pk,
    "attachment_id": lambda m, t: t.attachment.pk,
}
"""A parameter's value by its name, for one target."""

ROUTE_PARAMETERS: dict[str, dict[str, Value]] = {
    "registry:region_detail": {"code": lambda m, t: t.region_code},
    "surveys:export_region": {"code": lambda m, t: t.region_code},
    "surveys:public_result": {"period_key": lambda m, t: m.published_key},
    "reports:skm_report_pdf": {"period_key": lambda m, t: m.published_key},
    "reports:skm_report_xlsx": {"period_key": lambda m, t: m.published_key},
    "reports:region_skm_reports": {
        "code": lambda m, t: t.region_code,
        "period_key": lambda m, t: m.published_key,
    },
    "reports:region_dashboard": {"code": lambda m, t: t.region_code},
    "reports:mpp_detail": {"mpp_id": lambda m, t: t.mpp_id},
    "evaluations:verify": {"code": lambda m, t: t.certificate_code},
    "evaluations:certificate_pdf": {"code": lambda m, t: t.certificate_code},
    "complaints:track": {"code": lambda m, t: t.complaint.tracking_code},
    "evaluations:f03": {
        "token": lambda m, t: signing.dumps(t.assignment.pk, salt=F03_SALT)
    },
    "evaluations:instrument_retire": {
        "version_id": lambda m, t: m.instrument_version_id
    },
}
"""Where a route's parameter of that name means something else."""

FIXED_PARAMETERS: dict[str, dict[str, str]] = {
    "accounts:password_reset_confirm": {"uidb64": "MQ", "token": "set-password"},
    "messaging:webhook": {"provider": "generic"},
    "reports:open_data_csv": {"dataset": "skm"},
    "reports:open_data_json": {"dataset": "skm"},
    "api-v1-open-data": {"dataset": "skm"},
}
"""Parameters that name no unit's object: such a route is requested once per role."""

Body = Callable[[Matrix, Target | None], Any]

POST_BODIES: dict[str, Body] = {
    "registry:service_create": lambda m, t: {"name": "Legalisir", "is_active": "on"},
    "registry:service_edit": lambda m, t: {"name": "Diganti", "is_active": "on"},
    "registry:standard_edit": lambda m, t: {"fee": "Rp 10.000"},
    "registry:unit_records": lambda m, t: {"hours_policy": "SK 1/2026"},
    "surveys:population": lambda m, t: {"population": "500"},
    "surveys:publish": lambda m, t: {
        "published_at": timezone.localdate().isoformat(),
        "publication_media": ["website"],
    },
    "surveys:follow_up_add": lambda m, t: {
        "element": "U2",
        "action": "Sederhanakan syarat",
        "person_in_charge": "Kepala seksi",
        "due_date": (timezone.localdate() + timedelta(days=30)).isoformat(),
    },
    "surveys:follow_up_status": lambda m, t: {"status": "in_progress"},
    "surveys:settings": lambda m, t: {"period_kind": "month"},
    "evaluations:cycle_create": lambda m, t: {
        "name": "Siklus matriks",
        "year": timezone.localdate().year,
        "scheme": Cycle.Scheme.SELF,
        "region": "18.09",
        "units": [m.targets[A].unit.pk],
        "self_assessment_due": timezone.localdate() + timedelta(days=10),
        "verification_due": timezone.localdate() + timedelta(days=20),
    },
    "evaluations:cycle_deadlines": lambda m, t: {
        "self_assessment_due": timezone.localdate() + timedelta(days=40),
        "verification_due": timezone.localdate() + timedelta(days=80),
        "reason": "Banjir",
    },
    "evaluations:cycle_signing": lambda m, t: {
        "issuing_authority": "Pemerintah Kabupaten Pesawaran",
        "signatory_name": "Dendi Ramadhona",
        "signatory_title": "Bupati Pesawaran",
        "signing_place": "Gedong Tataan",
    },
    "evaluations:cycle_evaluators": lambda m, t: {"evaluators": [m.other_evaluator.pk]},
    "evaluations:self_answer": lambda m, t: {"level": 4, "note": "Ada SK"},
    "evaluations:evidence": lambda m, t: {
        "description": "SK",
        "url": "https://example.org/sk.pdf",
    },
    "evaluations:score": lambda m, t: {"score": 2, "note": "Bukti kurang"},
    "evaluations:revision": lambda m, t: {"note": "Lengkapi bukti"},
    "evaluations:visit": lambda m, t: {"visited_on": "2026-08-01", "note": "Rapi"},
    "evaluations:revise": lambda m, t: {"indicator": "Q1", "score": 1, "reason": "X"},
    "evaluations:instrument_upload": lambda m, t: {
        "file": SimpleUploadedFile("baru.json", _instrument_file("m2"))
    },
    "evaluations:instrument_retire": lambda m, t: {"reason": "Diganti"},
    "complaints:create": lambda m, t: {
        "unit": t.unit.pk if t else "",
        "kind": "pengaduan",
        "text": "Dicatat dari loket oleh operator.",
        "privacy": "open",
        "channel": "counter",
    },
    "complaints:detail": lambda m, t: {"action": "note", "text": "Catatan matriks"},
    "complaints:recap": lambda m, t: {"period_key": m.open_key},
}
"""What each POST sends: a body that would write if the role were allowed, so a
refusal that still wrote is caught (others send an empty form)."""


def _instrument_file(version: str) -> bytes:
    """The shipped PEKPPP 2022 file as a new version *version* (D19)."""
    data = json.loads(
        resources.files("mutu.measures")
        .joinpath("instruments", "pekppp-2022.json")
        .read_text(encoding="utf-8")
    )
    return json.dumps(data | {"version": version}).encode()


def _api_item(m: Matrix, t: Target) -> dict[str, Any]:
    return {
        "client_id": str(uuid.uuid4()),
        "unit": t.unit.pk,
        "service": t.service.pk,
        "answers": ALL_FOUR,
    }


API_PATH_VALUES = {"{dataset}": "skm"}
"""Values of the path parameters of the API operations."""

API_BODIES: dict[str, Body] = {
    "complaints_create": lambda m, t: {
        "client_id": str(uuid.uuid4()),
        "unit": t.unit.pk,
        "text": "Antrean terlalu lama di loket.",
    },
    "responses_create": _api_item,
    "responses_bulk_create": lambda m, t: [_api_item(m, t), _api_item(m, t)],
}


# --- the routes -------------------------------------------------------------------


def _targeted(route: Route) -> bool:
    """Whether a parameter of *route* names an object of a unit."""
    return bool(set(route.parameters) - set(FIXED_PARAMETERS.get(route.name, {})))


def _url(m: Matrix, route: Route, target: Target | None) -> str:
    kwargs: dict[str, Any] = {}
    for name in route.parameters:
        fixed = FIXED_PARAMETERS.get(route.name, {})
        if name in fixed:
            kwargs[name] = fixed[name]
            continue
        value = ROUTE_PARAMETERS.get(route.name, {}).get(name) or PARAMETERS.get(name)
        if value is None or target is None:
            raise LookupError(f"{route.name}: no value for the parameter {name!r}")
        kwargs[name] = value(m, target)
    return reverse(route.name, kwargs=kwargs)


# --- one request ------------------------------------------------------------------


def _sign_in(user: User) -> dict[str, str]:
    """The cookies of a signed-in session of *user*: the one place the matrix logs
    a user in (two-factor login will sign in here)."""
    client = Client()
    login(client, user)
    return {name: morsel.value for name, morsel in client.cookies.items()}


def _fingerprint() -> dict[str, str]:
    """A digest of every row of every Mutu table (and API tokens), by model."""
    digests = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.app_label
        module = apps.get_app_config(label).module
        if not (module.__name__.startswith("mutu.") or label == "authtoken"):
            continue
        if model._meta.proxy or not model._meta.managed:
            continue
        rows = list(model._base_manager.order_by("pk").values_list())
        digests[model._meta.label] = sha256(repr(rows).encode()).hexdigest()
    return digests


def _writes() -> int:
    """How many rows this connection has inserted, updated or deleted (PostgreSQL:
    in this transaction): when it has not moved, no row changed, and the
    fingerprint of every table need not be taken."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) "
                "FROM pg_stat_xact_user_tables"
            )
        else:
            cursor.execute("SELECT total_changes()")
        return int(cursor.fetchone()[0])


def _outcome(response: HttpResponse) -> str:
    """``allow``, ``deny`` (401/403/404, or off to a login page), ``405``, ``5xx``."""
    status = response.status_code
    if status >= 500:
        return "5xx"
    if status == 405:
        return "405"
    if status in (401, 403, 404):
        return "deny"
    if status in (301, 302, 303) and "next=" in response.get("Location", ""):
        return "deny"
    return "allow"


def _expected(rule: Access | str | None, role: str, target: str | None) -> set[str]:
    if rule is None:
        # login_required answers an anonymous visitor before the method guard
        return {"405", "deny"} if role == "anonymous" else {"405"}
    if rule == OPEN:
        return {"allow", "deny"}
    assert isinstance(rule, Mapping)
    targets = rule.get(role, frozenset())
    allowed = bool(targets) if target is None else target in targets
    return {"allow"} if allowed else {"deny"}


@dataclass
class Run:
    """One pass of the matrix: the signed-in sessions and API tokens of the roles,
    the fingerprint of the rows before any request, and what went wrong."""

    matrix: Matrix | None
    cookies: dict[str, dict[str, str]]
    tokens: dict[str, str]
    baseline: dict[str, str]
    checked: int = 0

    def __post_init__(self) -> None:
        self.failures: list[str] = []

    def request(
        self,
        label: str,
        role: str,
        expected: set[str],
        send: Callable[[], HttpResponse],
        method: str,
    ) -> None:
        """Send one request in a transaction rolled back afterwards; record it."""
        cache.clear()  # rate limits and throttles count per test, not per matrix
        self.checked += 1
        with transaction.atomic():
            writes = _writes()
            response = send()
            if response.streaming:
                # reading to the end closes it the way the test client closes
                # other answers (a close() of our own would drop the connection)
                b"".join(response.streaming_content)
            outcome = _outcome(response)
            changed: list[str] = []
            refused = outcome != "allow" or response.status_code not in (200, 201, 302)
            if method == "POST" and refused and _writes() != writes:
                now = _fingerprint()
                changed = sorted(k for k in now if now[k] != self.baseline[k])
            transaction.set_rollback(True)
        if outcome not in expected:
            self.failures.append(
                f"{label} as {role}: {response.status_code} ({outcome}), "
                f"expected {' or '.join(sorted(expected))}"
            )
        if changed:
            self.failures.append(
                f"{label} as {role}: refused ({response.status_code}) but wrote "
                f"{', '.join(changed)}"
            )

    def client(self, role: str) -> Client:
        client = Client(raise_request_exception=False)
        for name, value in self.cookies.get(role, {}).items():
            client.cookies[name] = value
        return client

    def api_client(self, role: str) -> APIClient:
        client = APIClient(raise_request_exception=False)
        if role in self.tokens:
            client.credentials(HTTP_AUTHORIZATION=f"Token {self.tokens[role]}")
        return client


def _check_routes(run: Run, routes: list[Route], api_paths: set[str]) -> None:
    m = run.matrix
    assert m is not None
    for route in routes:
        expect = ROUTES[route.name]
        targets = TARGETS if _targeted(route) else (None,)
        for method, rule in (("GET", expect.get), ("POST", expect.post)):
            if rule == API:
                url = _url(m, route, None)
                assert url in api_paths, f"{route.name}: {url} is in no API operation"
                continue
            for target in targets:
                objects = m.targets[target] if target else None
                url = _url(m, route, objects)
                body = POST_BODIES.get(route.name, lambda m, t: {})(m, objects)
                for role in ROLES:

                    def send(role=role, url=url, body=body, method=method):
                        client = run.client(role)
                        if method == "GET":
                            return client.get(url)
                        return client.post(url, body)

                    run.request(
                        f"{method} {route.name} on {target or '-'} ({url})",
                        role,
                        _expected(rule, role, target),
                        send,
                        method,
                    )


def _api_operations() -> list[tuple[str, str, str]]:
    """(operationId, method, path) of every operation of the OpenAPI document."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        (operation["operationId"], method.upper(), path)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]


def _api_path(template: str) -> str:
    """An operation's path with its parameters filled in (:data:`API_PATH_VALUES`)."""
    for name, value in API_PATH_VALUES.items():
        template = template.replace(name, value)
    return template


def _check_api(run: Run, operations: list[tuple[str, str, str]]) -> None:
    m = run.matrix
    assert m is not None
    for operation_id, method, template in operations:
        access = API_OPERATIONS[operation_id]
        path = _api_path(template)
        for target in TARGETS:
            for role in ROLES:
                body = API_BODIES.get(operation_id, lambda m, t: None)(
                    m, m.targets[target]
                )

                def send(role=role, body=body, method=method, path=path):
                    return run.api_client(role).generic(
                        method,
                        path,
                        data=json.dumps(body) if body is not None else "",
                        content_type="application/json",
                    )

                allowed = target in access.get(role, frozenset())
                run.request(
                    f"{method} {operation_id} on {target} ({path})",
                    role,
                    {"allow"} if allowed else {"deny"},
                    send,
                    method,
                )


def test_every_route_answers_every_role_as_expected(matrix, capsys):
    """Each role reaches exactly what ROUTES and API_OPERATIONS say, on objects
    inside and outside its scope, with GET and POST; no refusal writes."""
    if connection.vendor != "postgresql" and not ON_SQLITE:
        pytest.skip("the role × route matrix runs once, on PostgreSQL")
    started = time.monotonic()
    routes = all_routes()
    operations = _api_operations()
    names = [route.name for route in routes]
    assert sorted(set(names) - set(ROUTES)) == [], "routes without an expectation"
    assert sorted(set(ROUTES) - set(names)) == [], "expectations of no route"
    assert len(names) == len(set(names)), "two patterns share a name"
    operation_ids = {operation_id for operation_id, _, _ in operations}
    assert sorted(operation_ids - set(API_OPERATIONS)) == [], "operations unexpected"
    assert sorted(set(API_OPERATIONS) - operation_ids) == [], "operations gone"

    users = {role: user for role, user in matrix.users.items() if user}
    run = Run(
        matrix=matrix,
        cookies={role: _sign_in(user) for role, user in users.items()},
        tokens={
            role: Token.objects.get_or_create(user=user)[0].key
            for role, user in users.items()
        },
        baseline=_fingerprint(),
    )
    quiet = logging.getLogger("django.request")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)  # thousands of expected 404s
    try:
        _check_routes(run, routes, {_api_path(path) for _, _, path in operations})
        _check_api(run, operations)
    finally:
        quiet.setLevel(level)

    with capsys.disabled():  # the size of the matrix, in CI's log
        sys.stdout.write(
            f"\naccess matrix: {len(routes)} routes + {len(operations)} API "
            f"operations × {len(ROLES)} roles × GET/POST, on {len(TARGETS)} targets "
            f"where a route names objects: {run.checked} requests, "
            f"{time.monotonic() - started:.1f} s\n"
        )
    assert run.failures == []
    assert run.checked >= MINIMUM_CHECKS


def test_the_matrix_reports_a_refusal_that_wrote_and_an_unexpected_answer(world):
    """The checks bite (on any database): a POST refused with 404 after writing a
    row is reported with the table it wrote, and the row is rolled back; a 200
    where a refusal was expected is reported too."""
    run = Run(matrix=None, cookies={}, tokens={}, baseline=_fingerprint())

    def leaky() -> HttpResponse:
        factories.region("99", "Wilayah Bocor", world.national)
        return HttpResponse(status=404)

    run.request("POST bocor", "evaluator", {"deny"}, leaky, "POST")
    run.request("GET terbuka", "operator", {"deny"}, HttpResponse, "GET")

    assert run.failures == [
        "POST bocor as evaluator: refused (404) but wrote registry.Region",
        "GET terbuka as operator: 200 (allow), expected deny",
    ]
    assert not Region.objects.filter(code="99").exists()
    assert run.checked == 2
