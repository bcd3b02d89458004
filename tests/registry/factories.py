"""Small builders of registry rows for tests."""

from itertools import count

from mutu.registry.models import (
    Government,
    Region,
    Service,
    ServicePoint,
    ServiceStandard,
    ServiceUnit,
)

_seq = count(1)


def region(code: str, name: str, parent: Region | None = None) -> Region:
    if parent is None:
        level = Region.Level.NATIONAL
    elif parent.level == Region.Level.NATIONAL:
        level = Region.Level.PROVINCE
    else:
        level = Region.Level.REGENCY
    obj, _ = Region.objects.get_or_create(
        code=code, defaults={"name": name, "parent": parent, "level": level}
    )
    return obj


def government(region_obj: Region, name: str | None = None) -> Government:
    return Government.objects.create(
        region=region_obj,
        name=name or f"Pemerintah {region_obj.name}",
        kind=Government.Kind.REGENCY,
    )


def unit(gov: Government, name: str | None = None, **extra) -> ServiceUnit:
    return ServiceUnit.objects.create(
        government=gov,
        name=name or f"Unit {next(_seq)}",
        kind=extra.pop("kind", ServiceUnit.Kind.DINAS),
        **extra,
    )


def service(unit_obj: ServiceUnit, name: str | None = None, **components) -> Service:
    obj = Service.objects.create(unit=unit_obj, name=name or f"Layanan {next(_seq)}")
    ServiceStandard.objects.create(service=obj, **components)
    return obj


def point(unit_obj: ServiceUnit, code: str | None = None) -> ServicePoint:
    number = next(_seq)
    return ServicePoint.objects.create(
        unit=unit_obj, name=f"Loket {number}", code=code or f"loket-{number}"
    )
