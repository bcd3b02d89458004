"""The Pesawaran demo world."""

import pytest
from django.core.management import CommandError, call_command

from mutu.accounts.models import RoleGrant, User
from mutu.demo.loader import demo_load
from mutu.registry.models import Mpp, Region, Service, ServicePoint, ServiceUnit


def test_demo_load_builds_the_award_units(db):
    """The three July 2025 award units stand with their heads, under Pesawaran."""
    demo_load()
    heads = dict(ServiceUnit.objects.values_list("short_name", "head_name"))
    assert heads["Dinas Sosial"] == "M. Zuriadi, M.H."
    assert heads["Dukcapil"] == "Chairuddin"
    assert heads["RSUD Pesawaran"] == "dr. Dian Adhitama Lubis"
    assert heads["Bagian Organisasi"] == "Dr. Hairiwira Usman"
    pesawaran = Region.objects.get(code="18.09")
    assert ServiceUnit.objects.filter(path__startswith=pesawaran.path).count() == 7
    assert ServiceUnit.objects.filter(kind="puskesmas").count() == 2


def test_demo_load_mpp_hosts_counters_of_several_units(db):
    """The MPP hosts counters of at least four different units."""
    demo_load()
    mpp = Mpp.objects.get()
    assert mpp.points.values("unit").distinct().count() >= 4


def test_demo_load_has_one_login_per_role(db):
    """Each of the five roles has a demo login that works."""
    report = demo_load()
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


def test_demo_load_twice_is_idempotent(db):
    """Loading the demo twice leaves the same rows."""
    demo_load()
    counts = [
        m.objects.count() for m in (ServiceUnit, Service, ServicePoint, User, RoleGrant)
    ]
    demo_load()
    assert [
        m.objects.count() for m in (ServiceUnit, Service, ServicePoint, User, RoleGrant)
    ] == counts


def test_demo_standards_mix_complete_and_partial(db):
    """Most demo standards are complete, some deliberately partial."""
    demo_load()
    filled = [
        s.standard.completeness.filled
        for s in Service.objects.select_related("standard")
    ]
    assert filled.count(14) >= 6
    assert any(0 < f < 14 for f in filled)


def test_demo_command_refuses_production_without_flag(db, settings):
    """With DEBUG off the demo (public passwords) needs an explicit flag."""
    settings.DEBUG = False
    with pytest.raises(CommandError, match="kata sandi"):
        call_command("demo", "load")
