"""Loading Indonesia's provinces and regencies/cities into the ``Region`` tree.

The data set is ``idn-area-data`` 4.0.1 (npm), by Muhammad Fityan Nugroho and
contributors, under the Open Database License (ODbL 1.0); see ``data/LICENSE-ODbL.md``.
Its ``provinces.csv`` and ``regencies.csv`` are kept unmodified in ``data/``; codes are
the Ministry of Home Affairs' (Kemendagri) region codes.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from mutu.registry.models import Region

DATA_DIR = Path(__file__).resolve().parent / "data"
NATIONAL_NAME = "Indonesia"


@dataclass(frozen=True)
class RegionLoadReport:
    created: int
    updated: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def _regency_level(name: str) -> str:
    return Region.Level.CITY if name.startswith("Kota ") else Region.Level.REGENCY


@transaction.atomic
def regions_load(*, data_dir: Path = DATA_DIR) -> RegionLoadReport:
    """Create or update the national root, every province and every regency/city.

    Idempotent: a second run changes nothing and reports every row as unchanged.
    Regions that are not in the data set (none today) are left alone, never deleted,
    because units and grants may point at them.
    """
    existing = {region.code: region for region in Region.objects.all()}
    counts = {"created": 0, "updated": 0, "unchanged": 0}

    def upsert(code: str, name: str, level: str, parent: Region | None) -> Region:
        region = existing.get(code)
        if region is None:
            region = Region(code=code, name=name, level=level, parent=parent)
            region.save()
            existing[code] = region
            counts["created"] += 1
        elif (region.name, region.level, region.parent_id) != (
            name,
            level,
            parent.pk if parent else None,
        ):
            region.name, region.level, region.parent = name, level, parent
            region.save()
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
        return region

    national = upsert(Region.NATIONAL_CODE, NATIONAL_NAME, Region.Level.NATIONAL, None)
    provinces = {}
    for row in _rows_from(data_dir, "provinces.csv"):
        provinces[row["code"]] = upsert(
            row["code"], row["name"], Region.Level.PROVINCE, national
        )
    for row in _rows_from(data_dir, "regencies.csv"):
        upsert(
            row["code"],
            row["name"],
            _regency_level(row["name"]),
            provinces[row["province_code"]],
        )
    return RegionLoadReport(**counts)


def _rows_from(data_dir: Path, name: str) -> list[dict[str, str]]:
    with (data_dir / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))
