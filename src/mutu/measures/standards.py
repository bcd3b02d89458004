"""The 14 components of a service standard (UU 25/2009 Pasal 21; PermenPANRB 15/2014).

docs/regulations.md §3. Six components are *service delivery* (penyampaian: published to
the public), eight are *manufacturing* (pengelolaan: kept inside the unit).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class ComponentGroup(StrEnum):
    """PermenPANRB 15/2014 grouping of the components."""

    SERVICE_DELIVERY = "service_delivery"
    MANUFACTURING = "manufacturing"


@dataclass(frozen=True)
class StandardComponent:
    """One component of a service standard, in the order of UU 25/2009 Pasal 21."""

    letter: str
    field: str
    name_id: str
    name_en: str
    group: ComponentGroup


_SD = ComponentGroup.SERVICE_DELIVERY
_MF = ComponentGroup.MANUFACTURING

STANDARD_COMPONENTS: tuple[StandardComponent, ...] = (
    StandardComponent("a", "legal_basis", "Dasar hukum", "Legal basis", _MF),
    StandardComponent("b", "requirements", "Persyaratan", "Requirements", _SD),
    StandardComponent(
        "c",
        "procedure",
        "Sistem, mekanisme, dan prosedur",
        "System, mechanism and procedure",
        _SD,
    ),
    StandardComponent(
        "d", "completion_time", "Jangka waktu penyelesaian", "Completion time", _SD
    ),
    StandardComponent("e", "fee", "Biaya/tarif", "Fee/tariff", _SD),
    StandardComponent("f", "product", "Produk pelayanan", "Service product", _SD),
    StandardComponent(
        "g",
        "facilities",
        "Sarana, prasarana, dan/atau fasilitas",
        "Facilities and infrastructure",
        _MF,
    ),
    StandardComponent(
        "h", "staff_competence", "Kompetensi pelaksana", "Staff competence", _MF
    ),
    StandardComponent(
        "i", "internal_supervision", "Pengawasan internal", "Internal supervision", _MF
    ),
    StandardComponent(
        "j",
        "complaint_handling",
        "Penanganan pengaduan, saran, dan masukan",
        "Handling of complaints, suggestions and feedback",
        _SD,
    ),
    StandardComponent("k", "staff_count", "Jumlah pelaksana", "Number of staff", _MF),
    StandardComponent(
        "l", "service_guarantee", "Jaminan pelayanan", "Service guarantee", _MF
    ),
    StandardComponent(
        "m",
        "security_guarantee",
        "Jaminan keamanan dan keselamatan pelayanan",
        "Security and safety guarantee",
        _MF,
    ),
    StandardComponent(
        "n",
        "staff_evaluation",
        "Evaluasi kinerja pelaksana",
        "Evaluation of staff performance",
        _MF,
    ),
)

COMPONENT_COUNT = len(STANDARD_COMPONENTS)


@dataclass(frozen=True)
class Completeness:
    """How many of the 14 components hold text."""

    filled: int
    total: int
    missing: tuple[StandardComponent, ...]

    @property
    def percent(self) -> int:
        """Whole percent filled, rounded down (14/14 is the only 100)."""
        return self.filled * 100 // self.total

    @property
    def is_complete(self) -> bool:
        return self.filled == self.total


def standard_completeness(values: Mapping[str, str | None]) -> Completeness:
    """Count the components of *values* (field name -> text) that are not blank."""
    missing = tuple(
        c for c in STANDARD_COMPONENTS if not (values.get(c.field) or "").strip()
    )
    return Completeness(
        filled=COMPONENT_COUNT - len(missing), total=COMPONENT_COUNT, missing=missing
    )
