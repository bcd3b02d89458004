"""The registry part of a synthetic database: regions, governments, units, services,
counters and MPP venues, as rows with ids assigned here."""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from datetime import datetime, time

from mutu.benchdata.plan import Plan
from mutu.benchdata.tables import next_id, rows_write, sequence_reset
from mutu.registry.models import (
    Government,
    Mpp,
    Region,
    Service,
    ServicePoint,
    ServiceUnit,
)
from mutu.registry.regions import DATA_DIR, NATIONAL_NAME

# Kind, name, short name, services, how common (units per regency), how busy.
CATALOGUE: tuple[tuple[str, str, str, tuple[str, ...], float, float], ...] = (
    (
        "dinas",
        "Dinas Kependudukan dan Pencatatan Sipil",
        "Disdukcapil",
        (
            "Penerbitan KTP-el",
            "Kartu Keluarga",
            "Akta Kelahiran",
            "Akta Kematian",
            "Surat Pindah",
        ),
        1.0,
        6.0,
    ),
    (
        "dinas",
        "Dinas Penanaman Modal dan PTSP",
        "DPMPTSP",
        ("Perizinan Berusaha", "Persetujuan Bangunan Gedung", "Izin Praktik"),
        1.0,
        3.0,
    ),
    (
        "rsud",
        "Rumah Sakit Umum Daerah",
        "RSUD",
        ("Rawat Jalan", "Rawat Inap", "Instalasi Gawat Darurat", "Laboratorium"),
        1.0,
        5.0,
    ),
    (
        "puskesmas",
        "Puskesmas",
        "Puskesmas",
        ("Pemeriksaan Umum", "Kesehatan Ibu dan Anak", "Imunisasi"),
        12.0,
        1.5,
    ),
    (
        "kecamatan",
        "Kecamatan",
        "Kec.",
        ("Surat Keterangan", "Rekomendasi Izin", "Legalisasi Dokumen"),
        10.0,
        1.0,
    ),
    (
        "dinas",
        "Dinas Sosial",
        "Dinsos",
        ("Rekomendasi Bantuan Sosial", "Surat Keterangan Tidak Mampu"),
        1.0,
        1.5,
    ),
    (
        "kantor",
        "UPT Samsat",
        "Samsat",
        ("Pajak Kendaraan Tahunan", "Balik Nama Kendaraan"),
        1.0,
        4.0,
    ),
    (
        "dinas",
        "Dinas Tenaga Kerja",
        "Disnaker",
        ("Kartu Pencari Kerja", "Pelatihan Kerja"),
        1.0,
        1.0,
    ),
    (
        "badan",
        "Badan Pendapatan Daerah",
        "Bapenda",
        ("Pajak Bumi dan Bangunan", "BPHTB"),
        1.0,
        1.5,
    ),
    (
        "kelurahan",
        "Kelurahan",
        "Kel.",
        ("Surat Pengantar", "Surat Keterangan Domisili"),
        8.0,
        0.5,
    ),
)


@dataclass
class UnitInfo:
    """What the response generator needs of one unit."""

    id: int
    region_code: str
    services: list[int] = field(default_factory=list)
    points: list[int] = field(default_factory=list)
    volume: float = 1.0
    quality: int = 0
    channels: tuple[float, ...] = ()


@dataclass
class Registry:
    units: list[UnitInfo]
    counts: dict[str, int]
    national_region_id: int


def registry_generate(plan: Plan, rng: random.Random, now: datetime) -> Registry:
    """Write regions, governments, units, services, counters and MPPs of *plan*."""
    counts: dict[str, int] = {}
    # Regions: the national root, 38 provinces, 514 regencies and cities.
    region_ids: dict[str, int] = {}
    region_rows: list[tuple[object, ...]] = []
    rid = next_id(Region._meta.db_table)
    region_ids["ID"] = rid
    region_rows.append((rid, "/ID/", now, now, "ID", NATIONAL_NAME, "national", None))
    with (DATA_DIR / "provinces.csv").open(encoding="utf-8") as handle:
        provinces = list(csv.DictReader(handle))
    with (DATA_DIR / "regencies.csv").open(encoding="utf-8") as handle:
        regencies = list(csv.DictReader(handle))
    paths = {"ID": "/ID/"}
    for row in provinces:
        rid += 1
        region_ids[row["code"]] = rid
        paths[row["code"]] = f"/ID/{row['code']}/"
        region_rows.append(
            (
                rid,
                paths[row["code"]],
                now,
                now,
                row["code"],
                row["name"],
                "province",
                region_ids["ID"],
            )
        )
    names = {row["code"]: row["name"] for row in [*provinces, *regencies]}
    for row in regencies:
        rid += 1
        region_ids[row["code"]] = rid
        paths[row["code"]] = f"{paths[row['province_code']]}{row['code']}/"
        level = "city" if row["name"].startswith("Kota ") else "regency"
        region_rows.append(
            (
                rid,
                paths[row["code"]],
                now,
                now,
                row["code"],
                row["name"],
                level,
                region_ids[row["province_code"]],
            )
        )
    counts["regions"] = rows_write(
        Region._meta.db_table,
        (
            "id",
            "path",
            "created_at",
            "updated_at",
            "code",
            "name",
            "level",
            "parent_id",
        ),
        region_rows,
    )

    # Governments: one per province and regency/city inside the scope.
    inside = sorted(
        code
        for code in region_ids
        if code != "ID"
        and (not plan.scope or code == plan.scope or code.startswith(plan.scope + "."))
    )
    gid = next_id(Government._meta.db_table)
    governments: list[tuple[int, str, str]] = []  # id, region code, path
    government_rows = []
    for code in inside:
        kind = (
            "province"
            if "." not in code
            else "city"
            if names[code].startswith("Kota ")
            else "regency"
        )
        prefix = "Pemerintah Provinsi " if kind == "province" else "Pemerintah "
        path = f"{paths[code]}g{gid}/"
        government_rows.append(
            (gid, path, now, now, f"{prefix}{names[code]}", kind, region_ids[code])
        )
        governments.append((gid, code, path))
        gid += 1
    counts["governments"] = rows_write(
        Government._meta.db_table,
        ("id", "path", "created_at", "updated_at", "name", "kind", "region_id"),
        government_rows,
    )

    # Units: each government draws kinds from the catalogue by how common they are;
    # a regency's government is busier than a province's own offices.
    weights = [
        (rng.lognormvariate(0, 0.5) * (0.4 if "." not in code else 1.0))
        for _, code, _ in governments
    ]
    picks = rng.choices(range(len(governments)), weights=weights, k=plan.units)
    picks.sort()
    kind_weights = [entry[4] for entry in CATALOGUE]
    uid = next_id(ServiceUnit._meta.db_table)
    sid = next_id(Service._meta.db_table)
    unit_rows, service_rows = [], []
    units: list[UnitInfo] = []
    seen: dict[tuple[int, int], int] = {}
    for index in picks:
        gov_id, code, gov_path = governments[index]
        kind_index = rng.choices(range(len(CATALOGUE)), weights=kind_weights)[0]
        kind, label, short, services, _, busy = CATALOGUE[kind_index]
        number = seen[(gov_id, kind_index)] = seen.get((gov_id, kind_index), 0) + 1
        place = names[code].removeprefix("Kabupaten ")
        name = f"{label} {place}" + (f" {number}" if number > 1 else "")
        short_name = f"{short} {number}" if number > 1 else short
        unit_rows.append(
            (
                uid,
                f"{gov_path}u{uid}/",
                now,
                now,
                gov_id,
                name[:200],
                short_name[:60],
                kind,
                "",
                "",
                "",
                "",
                "",
                "",
            )
        )
        info = UnitInfo(
            id=uid,
            region_code=code,
            volume=busy * rng.lognormvariate(0, 0.8),
            quality=min(7, max(0, round(rng.gauss(4.2, 1.6)))),
            channels=_channel_mix(rng),
        )
        for service in services[: max(2, len(services) - rng.randrange(2))]:
            service_rows.append((sid, now, now, uid, service, "", True))
            info.services.append(sid)
            sid += 1
        units.append(info)
        uid += 1
    counts["units"] = rows_write(
        ServiceUnit._meta.db_table,
        (
            "id",
            "path",
            "created_at",
            "updated_at",
            "government_id",
            "name",
            "short_name",
            "kind",
            "head_name",
            "head_title",
            "address",
            "phone",
            "email",
            "website",
        ),
        unit_rows,
    )
    counts["services"] = rows_write(
        Service._meta.db_table,
        (
            "id",
            "created_at",
            "updated_at",
            "unit_id",
            "name",
            "description",
            "is_active",
        ),
        service_rows,
    )

    # MPP venues: in about 60 % of the regencies/cities with units (305 of 514 in
    # December 2025, REGULATIONS.md §6), run by the first unit there.
    mid = next_id(Mpp._meta.db_table)
    mpp_rows = []
    mpp_of: dict[str, int] = {}
    first_unit: dict[str, int] = {}
    for info in units:
        first_unit.setdefault(info.region_code, info.id)
    gov_of = {code: gov_id for gov_id, code, _ in governments}
    for code in sorted(first_unit):
        if "." in code and rng.random() < 0.6:
            mpp_rows.append(
                (
                    mid,
                    now,
                    now,
                    gov_of[code],
                    f"Mal Pelayanan Publik {names[code]}",
                    "",
                    first_unit[code],
                )
            )
            mpp_of[code] = mid
            mid += 1
    counts["mpps"] = rows_write(
        Mpp._meta.db_table,
        (
            "id",
            "created_at",
            "updated_at",
            "government_id",
            "name",
            "address",
            "operator_unit_id",
        ),
        mpp_rows,
    )

    # Counters: one to three per unit, some inside the region's MPP; each serves
    # every service of its unit.
    pid = next_id(ServicePoint._meta.db_table)
    point_rows, link_rows = [], []
    lid = next_id(ServicePoint.services.through._meta.db_table)
    for info in units:
        for number in range(1, 2 + rng.randrange(3)):
            mpp = mpp_of.get(info.region_code) if rng.random() < 0.25 else None
            point_rows.append(
                (
                    pid,
                    now,
                    now,
                    info.id,
                    mpp,
                    f"Loket {number}" + (" (MPP)" if mpp else ""),
                    f"b{info.id}-{number}",
                    "Senin–Jumat 08.00–16.00",
                    time(8),
                    time(16),
                    "12345",
                )
            )
            info.points.append(pid)
            for service_id in info.services:
                link_rows.append((lid, pid, service_id))
                lid += 1
            pid += 1
    counts["points"] = rows_write(
        ServicePoint._meta.db_table,
        (
            "id",
            "created_at",
            "updated_at",
            "unit_id",
            "mpp_id",
            "name",
            "code",
            "opening_hours",
            "opens_at",
            "closes_at",
            "open_weekdays",
        ),
        point_rows,
    )
    rows_write(
        ServicePoint.services.through._meta.db_table,
        ("id", "servicepoint_id", "service_id"),
        link_rows,
    )
    for model in (Region, Government, ServiceUnit, Service, Mpp, ServicePoint):
        sequence_reset(model._meta.db_table)
    sequence_reset(ServicePoint.services.through._meta.db_table)
    return Registry(units=units, counts=counts, national_region_id=region_ids["ID"])


# Channels and their national share before each unit's own mix (issue 14: channels
# vary): QR at the counter leads, paper forms are still common.
CHANNELS = ("qr", "web", "kiosk", "paper", "whatsapp", "sms", "api")
CHANNEL_SHARES = (0.35, 0.18, 0.15, 0.20, 0.06, 0.03, 0.03)


def _channel_mix(rng: random.Random) -> tuple[float, ...]:
    """Cumulative weights of the channels for one unit (a perturbed national mix)."""
    total = 0.0
    cumulative = []
    for share in CHANNEL_SHARES:
        total += share * rng.uniform(0.1, 2.0)
        cumulative.append(total)
    return tuple(cumulative)
