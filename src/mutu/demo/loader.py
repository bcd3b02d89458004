"""Build the demo world. Idempotent: every row is found by its natural key first."""

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from mutu.accounts.models import User
from mutu.accounts.services import grant_ensure, totp_device_preset
from mutu.demo import data
from mutu.demo.complaints import complaints_load
from mutu.demo.evaluation import current_cycle_load, cycle_load
from mutu.demo.messages import messages_load
from mutu.demo.records import records_load
from mutu.demo.responses import flagged_load, responses_load, story_responses_load
from mutu.measures.standards import STANDARD_COMPONENTS
from mutu.registry.models import (
    Government,
    Mpp,
    Region,
    Service,
    ServicePoint,
    ServiceStandard,
    ServiceUnit,
)
from mutu.registry.regions import regions_load

PARTIAL_FIELDS = 8  # a "partial" demo standard fills only its first 8 components


@dataclass
class DemoReport:
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    totp_secrets: dict[str, str] = field(default_factory=dict)
    units: int = 0
    services: int = 0
    responses: int = 0


RECORD_LEVELS = {
    "dinsos": 4,
    "dukcapil": 4,
    "rsud": 4,
    "dpmptsp": 4,
    "pkm-gedongtataan": 3,
    "pkm-hanura": 2,
}
"""The level each unit's registry records support for Q3, Q5, Q10 and Q31: the
story's levels for those indicators (its plan's base level; Hanura's records are
thinner still)."""


@transaction.atomic
def demo_load(*, surveys: bool = True, evaluation: bool = True) -> DemoReport:
    """Create (or find) the Lampung/Pesawaran demo: units, services, MPP, logins,
    and unless turned off the SKM of 2025 with the PEKPPP 2025 cycle (the story),
    the live SKM of the last quarters with a few flagged responses, and the
    current year's cycle in progress."""
    if not Region.objects.filter(code=data.PESAWARAN_CODE).exists():
        regions_load()
    lampung = Region.objects.get(code=data.LAMPUNG_CODE)
    pesawaran = Region.objects.get(code=data.PESAWARAN_CODE)
    Government.objects.get_or_create(
        region=lampung,
        name="Pemerintah Provinsi Lampung",
        defaults={"kind": Government.Kind.PROVINCE},
    )
    regency, _ = Government.objects.get_or_create(
        region=pesawaran,
        name="Pemerintah Kabupaten Pesawaran",
        defaults={"kind": Government.Kind.REGENCY},
    )
    units = {}
    for spec in data.UNITS:
        values = {k: v for k, v in spec.items() if k != "key"}
        units[spec["key"]], _ = ServiceUnit.objects.get_or_create(
            government=regency, name=values.pop("name"), defaults=values
        )
    report = DemoReport(units=len(units))
    for key, services in data.SERVICES.items():
        for spec in services:
            _service_with_standard(units[key], spec)
            report.services += 1
    mpp, _ = Mpp.objects.get_or_create(
        government=regency,
        name=data.MPP_NAME,
        defaults={
            "address": data.MPP_ADDRESS,
            "operator_unit": units[data.MPP_OPERATOR],
        },
    )
    for key, name, code in data.MPP_COUNTERS:
        _point(units[key], name, code, mpp)
    for key, name, code in data.OWN_POINTS:
        _point(units[key], name, code, None)
    users = {}
    for user_spec in data.USERS:
        user = users[user_spec["username"]] = _user(user_spec)
        scope = user_spec["scope"]
        target = (
            regency if scope == "government" else units.get(scope) if scope else None
        )
        grant_ensure(actor=None, user=user, role=user_spec["role"], target=target)
        report.logins.append(
            (user_spec["username"], data.DEMO_PASSWORD, user_spec["role"])
        )
        secret = data.DEMO_TOTP_SECRETS.get(user_spec["username"])
        if secret:
            totp_device_preset(actor=None, user=user, secret=secret)
            report.totp_secrets[user_spec["username"]] = secret
    messages_load(units["dukcapil"])
    complaints_load(units, users)
    if not surveys:
        return report
    operators = {key: users[f"operator.{key}"] for key in data.UNITS_WITH_OPERATORS}
    # The 2025 story first: its SKM, then its cycle, which reads that SKM.
    report.responses = story_responses_load(
        units, admin=users["admin.nasional"], operators=operators
    )
    # The registry records behind Q3, Q5, Q10 and Q31 (D19), at the levels the
    # story gives each unit, before the cycle reads them.
    records_load(units, RECORD_LEVELS)
    if evaluation:
        cycle_load(
            units,
            admin=users["admin.nasional"],
            evaluator=users["evaluator"],
            coordinator=users["koordinator.pesawaran"],
            operators=operators,
        )
    report.responses += responses_load(
        units,
        admin=users["admin.nasional"],
        head=users["kepala.dukcapil"],
        operator=users["operator.dukcapil"],
    )
    report.responses += flagged_load(units)
    if evaluation:
        current_cycle_load(
            units,
            admin=users["admin.nasional"],
            evaluator=users["evaluator"],
            operators=operators,
        )
    return report


def _service_with_standard(unit: ServiceUnit, spec: dict[str, str]) -> Service:
    service, _ = Service.objects.get_or_create(unit=unit, name=spec["name"])
    standard, created = ServiceStandard.objects.get_or_create(service=service)
    if created or not standard.completeness.filled:
        values = {**data.COMMON_COMPONENTS, **spec}
        fields = [c.field for c in STANDARD_COMPONENTS]
        if spec.get("fill") == "partial":
            fields = [f for f in fields if f in spec][:PARTIAL_FIELDS]
        for name in fields:
            setattr(standard, name, values.get(name, ""))
        if spec.get("fill") == "all":
            standard.decree_number = (
                f"SK Kepala {unit.short_name} tentang Standar Pelayanan"
            )
        standard.save()
    return service


def _point(unit: ServiceUnit, name: str, code: str, mpp: Mpp | None) -> ServicePoint:
    point, created = ServicePoint.objects.get_or_create(
        code=code,
        defaults={
            "unit": unit,
            "name": name,
            "mpp": mpp,
            "opening_hours": "Senin–Jumat 08.00–15.00",
        },
    )
    if created:
        point.services.set(unit.services.all())
    return point


def _user(spec: dict[str, Any]) -> User:
    user, created = User.objects.get_or_create(
        username=spec["username"],
        defaults={
            "first_name": spec["first_name"],
            "last_name": spec["last_name"],
            "email": f"{spec['username']}@demo.mutu.invalid",
            "is_staff": spec.get("staff", False),
            "is_superuser": spec.get("staff", False),
        },
    )
    if created:
        user.set_password(data.DEMO_PASSWORD)
        user.save()
    return user
