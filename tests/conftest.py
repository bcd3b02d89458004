"""Shared fixtures: a small registry with two regencies in two provinces."""

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.utils import translation

from mutu.accounts.models import Role, User
from mutu.registry.models import Government, Region, Service, ServiceUnit
from tests.accounts.factories import user_with_role
from tests.registry import factories


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache: rate-limit counts, cached survey places
    and share-of-4s baselines are keyed by row ids that the next test reuses."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language (Indonesian): a request through
    the test client leaves its language active in the thread (LocaleMiddleware
    never deactivates it), so an English page would turn the next test English."""
    translation.deactivate()
    yield
    translation.deactivate()


@dataclass
class World:
    national: Region
    lampung: Region
    pesawaran: Region
    bandar_lampung: Region
    jabar: Region
    bandung: Region
    gov_pesawaran: Government
    gov_bandar_lampung: Government
    gov_bandung: Government
    dukcapil: ServiceUnit
    dinsos: ServiceUnit
    rsud_bandar_lampung: ServiceUnit
    dukcapil_bandung: ServiceUnit
    ktp: Service
    ktp_bandung: Service
    admin: User
    evaluator: User
    coordinator: User
    province_coordinator: User
    head: User
    operator: User
    stranger: User

    @property
    def units(self) -> list[ServiceUnit]:
        return [
            self.dukcapil,
            self.dinsos,
            self.rsud_bandar_lampung,
            self.dukcapil_bandung,
        ]


@pytest.fixture
def world(db) -> World:
    """Two provinces, three regencies/cities, four units and one user per role."""
    national = factories.region("ID", "Indonesia")
    lampung = factories.region("18", "Lampung", national)
    pesawaran = factories.region("18.09", "Kabupaten Pesawaran", lampung)
    bandar_lampung = factories.region("18.71", "Kota Bandar Lampung", lampung)
    jabar = factories.region("32", "Jawa Barat", national)
    bandung = factories.region("32.04", "Kabupaten Bandung", jabar)
    gov_pesawaran = factories.government(pesawaran)
    gov_bandar_lampung = factories.government(bandar_lampung)
    gov_bandung = factories.government(bandung)
    dukcapil = factories.unit(gov_pesawaran, "Dukcapil Pesawaran")
    dinsos = factories.unit(gov_pesawaran, "Dinas Sosial Pesawaran")
    rsud = factories.unit(gov_bandar_lampung, "RSUD Bandar Lampung", kind="rsud")
    dukcapil_bandung = factories.unit(gov_bandung, "Dukcapil Bandung")
    ktp = factories.service(dukcapil, "Penerbitan KTP-el", legal_basis="UU 24/2013")
    ktp_bandung = factories.service(dukcapil_bandung, "KTP-el Bandung")
    return World(
        national=national,
        lampung=lampung,
        pesawaran=pesawaran,
        bandar_lampung=bandar_lampung,
        jabar=jabar,
        bandung=bandung,
        gov_pesawaran=gov_pesawaran,
        gov_bandar_lampung=gov_bandar_lampung,
        gov_bandung=gov_bandung,
        dukcapil=dukcapil,
        dinsos=dinsos,
        rsud_bandar_lampung=rsud,
        dukcapil_bandung=dukcapil_bandung,
        ktp=ktp,
        ktp_bandung=ktp_bandung,
        admin=user_with_role("admin", Role.NATIONAL_ADMIN),
        evaluator=user_with_role("evaluator", Role.EVALUATOR),
        coordinator=user_with_role("koordinator", Role.COORDINATOR, gov_pesawaran),
        province_coordinator=user_with_role("biro", Role.COORDINATOR, lampung),
        head=user_with_role("kepala", Role.UNIT_HEAD, dukcapil),
        operator=user_with_role("operator", Role.UNIT_OPERATOR, dukcapil),
        stranger=user_with_role("tamu"),
    )


@pytest.fixture
def superuser(db) -> User:
    """A superuser: opens the Django admin and counts as a national admin."""
    return User.objects.create_superuser(
        username="super", email="super@example.org", password="sandi-uji-123"
    )
