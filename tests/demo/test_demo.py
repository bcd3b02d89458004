"""The Pesawaran demo world, loaded twice (it is slow, so one test checks it all)."""

from base64 import b32decode
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from mutu.accounts.models import RoleGrant, User
from mutu.accounts.two_factor import REQUIRED_ROLES
from mutu.demo.data import DEMO_TOTP_SECRETS, USERS
from mutu.demo.loader import demo_load
from mutu.evaluations.models import Certificate, Result
from mutu.registry.models import Mpp, Region, Service, ServicePoint, ServiceUnit
from mutu.surveys.models import Response
from mutu.surveys.periods import PeriodKind, period_containing
from mutu.surveys.rollups import rollups_rebuild
from mutu.surveys.selectors import period_result

MODELS = (
    ServiceUnit,
    Service,
    ServicePoint,
    User,
    RoleGrant,
    TOTPDevice,
    Response,
    Result,
    Certificate,
)


def test_demo_load_builds_the_pesawaran_world_idempotently(db):
    """Award units with their heads, an MPP, logins, a year of SKM, the 2025 cycle."""
    report = demo_load()
    counts = [model.objects.count() for model in MODELS]
    # The three July 2025 award units stand with their heads, under Pesawaran.
    heads = dict(ServiceUnit.objects.values_list("short_name", "head_name"))
    assert heads["Dinas Sosial"] == "M. Zuriadi, M.H."
    assert heads["Dukcapil"] == "Chairuddin"
    assert heads["RSUD Pesawaran"] == "dr. Dian Adhitama Lubis"
    assert heads["Bagian Organisasi"] == "Dr. Hairiwira Usman"
    pesawaran = Region.objects.get(code="18.09")
    assert ServiceUnit.objects.filter(path__startswith=pesawaran.path).count() == 7
    assert Mpp.objects.get().points.values("unit").distinct().count() >= 4
    # One working login per role.
    roles = {role for _, _, role in report.logins}
    assert roles == {
        "national_admin",
        "evaluator",
        "coordinator",
        "unit_head",
        "unit_operator",
    }
    for username, password, _ in report.logins:
        assert User.objects.get(username=username).check_password(password)
    # Every demo user of a role that needs two-factor login is enrolled with the
    # documented secret (README, `make demo`).
    assert set(DEMO_TOTP_SECRETS) == {
        spec["username"] for spec in USERS if spec["role"] in REQUIRED_ROLES
    }
    assert report.totp_secrets == DEMO_TOTP_SECRETS
    for username, secret in DEMO_TOTP_SECRETS.items():
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        assert device.bin_key == b32decode(secret)
    # Standards: most complete, some deliberately partial.
    filled = [
        s.standard.completeness.filled
        for s in Service.objects.select_related("standard")
    ]
    assert filled.count(14) >= 6
    assert any(0 < f < 14 for f in filled)
    # SKM over all channels; the award units come out "Sangat Baik".
    channels = set(Response.objects.values_list("channel", flat=True))
    assert {"qr", "kiosk", "paper", "web", "sms"} <= channels
    quarter = period_containing(timezone.localdate(), PeriodKind.QUARTER).previous()
    for short_name in ("Dinas Sosial", "Dukcapil", "RSUD Pesawaran"):
        unit = ServiceUnit.objects.get(short_name=short_name)
        assert period_result(unit, quarter).result.grade.label_id == "Sangat Baik"
    assert rollups_rebuild(check_only=True).ok
    # PEKPPP 2025: the three award units at A-, others lower, three certificates.
    predicates = dict(
        Result.objects.values_list("assignment__unit__short_name", "predicate")
    )
    assert [predicates[n] for n in ("Dinas Sosial", "Dukcapil", "RSUD Pesawaran")] == [
        "A-"
    ] * 3
    assert predicates["Puskesmas Hanura"] not in {"A", "A-"}
    assert Certificate.objects.count() == 3
    # Loading again changes nothing.
    demo_load()
    assert [model.objects.count() for model in MODELS] == counts


def test_readme_documents_the_demo_totp_secrets():
    """The README's login table gives each demo TOTP secret that `make demo` prints."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for username, secret in DEMO_TOTP_SECRETS.items():
        assert f"| `{username}` |" in readme
        assert f"`{secret}`" in readme


def test_demo_command_refuses_production_without_flag(db, settings):
    """With DEBUG off the demo (public passwords) needs an explicit flag."""
    settings.DEBUG = False
    with pytest.raises(CommandError, match="kata sandi"):
        call_command("demo", "load")
