"""The items of a request: each parsed on its own (unknown keys, DRF's shape errors
in Indonesian and English), the registry rows they name loaded in three
queries, and every error, a parse error or a service's refusal, as one entry
naming the item's index and field."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from rest_framework import status

from mutu.api.errors import ApiError
from mutu.errors import MutuError
from mutu.registry.models import Service, ServicePoint, ServiceUnit
from mutu.surveys.channels.api.serializers import (
    INPUT_FIELDS,
    PROFILE_FIELDS,
    SkmResponseInputSerializer,
)


@dataclass(frozen=True)
class _Place:
    """The registry rows an item names: its unit, service and optional point."""

    unit: ServiceUnit
    service: Service
    point: ServicePoint | None


@dataclass
class _Item:
    """One item of a request: its position in a bulk (``None`` alone), data, errors."""

    index: int | None
    data: dict[str, Any] = field(default_factory=dict)
    place: _Place | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)


def _error(
    index: int | None, path: str | None, message_id: str, message_en: str
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "field": path,
        "message_id": message_id,
        "message_en": message_en,
    }
    if index is not None:
        entry = {"index": index, **entry}
    return entry


def _flatten(errors: Any, prefix: str = "") -> list[tuple[str, str]]:
    """DRF's nested error structure as ``(path, message)`` pairs, in order."""
    if isinstance(errors, Mapping):
        pairs = []
        for key, value in errors.items():
            name = "" if key == "non_field_errors" else str(key)
            path = f"{prefix}.{name}" if prefix and name else prefix or name
            pairs.extend(_flatten(value, path))
        return pairs
    if isinstance(errors, list | tuple):
        return [pair for value in errors for pair in _flatten(value, prefix)]
    return [(prefix, str(errors))]


DRF_MISSING_ID = (
    ("Must be a valid UUID.", "Harus berupa UUID yang sah."),
    ("String value too large.", "Nilai teks terlalu panjang."),
    ("Not a valid string.", "Harus berupa teks."),
    ("This dictionary may not be empty.", "Objek ini tidak boleh kosong."),
    (
        "Expected a datetime but got a date.",
        "Harus tanggal dan jam, bukan tanggal saja.",
    ),
    (
        "Invalid datetime for the timezone",
        "Tanggal dan jam tidak sah di zona waktu itu.",
    ),
    ("Datetime value out of range.", "Tanggal dan jam di luar jangkauan."),
    ("Invalid data. Expected a dictionary", "Data tidak sah: harus berupa objek JSON."),
)
"""Indonesian for the few DRF messages its own catalogue leaves in English."""


def _indonesian(text_id: str, text_en: str) -> str:
    if text_id != text_en:
        return text_id
    for english, indonesian in DRF_MISSING_ID:
        if text_en.startswith(english):
            return indonesian
    return text_id


def _unknown_keys(data: Mapping[str, Any]) -> list[str]:
    unknown = [str(key) for key in data if key not in INPUT_FIELDS]
    profile = data.get("profile")
    if isinstance(profile, Mapping):
        unknown += [f"profile.{key}" for key in profile if key not in PROFILE_FIELDS]
    return unknown


def _parse(raw: Any, index: int | None) -> _Item:
    """Parse one item's shape; errors name the field in Indonesian and English.

    DRF's own messages come from its catalogues in both languages (the serializer
    runs again in English only when the item is malformed).
    """
    item = _Item(index=index)
    if not isinstance(raw, Mapping):
        item.errors.append(
            _error(
                index,
                None,
                "Setiap respons harus berupa objek JSON.",
                "Each response must be a JSON object.",
            )
        )
        return item
    for path in _unknown_keys(raw):
        item.errors.append(
            _error(
                index, path, f"{path}: kolom tidak dikenal.", f"{path}: unknown field."
            )
        )
    with translation.override("id"):
        serializer = SkmResponseInputSerializer(data=raw)
        valid = serializer.is_valid()
        errors_id = _flatten(serializer.errors)
    if not valid:
        with translation.override("en"):
            english = SkmResponseInputSerializer(data=raw)
            english.is_valid()
            errors_en = _flatten(english.errors)
        for position, (path, text) in enumerate(errors_id):
            # Both runs saw the same data, so their errors line up one to one.
            text_en = errors_en[position][1] if position < len(errors_en) else text
            text_id = _indonesian(text, text_en)
            item.errors.append(
                _error(index, path, f"{path}: {text_id}", f"{path}: {text_en}")
            )
    else:
        item.data = dict(serializer.validated_data)
    return item


def _resolve(items: Sequence[_Item]) -> None:
    """Load the unit, service and point each parsed item names (three queries).

    An id or code that names nothing is an error of that item's field.
    """
    parsed = [item for item in items if not item.errors]
    units = ServiceUnit.objects.in_bulk({item.data["unit"] for item in parsed})
    services = Service.objects.in_bulk({item.data["service"] for item in parsed})
    codes = {item.data["point"] for item in parsed if item.data.get("point")}
    points = (
        {point.code: point for point in ServicePoint.objects.filter(code__in=codes)}
        if codes
        else {}
    )
    for item in parsed:
        index = item.index
        unit = units.get(item.data["unit"])
        service = services.get(item.data["service"])
        code = item.data.get("point")
        point = points.get(code) if code else None
        if unit is None:
            value = item.data["unit"]
            item.errors.append(
                _error(
                    index,
                    "unit",
                    f"unit: unit pelayanan {value} tidak ditemukan.",
                    f"unit: service unit {value} not found.",
                )
            )
        if service is None:
            value = item.data["service"]
            item.errors.append(
                _error(
                    index,
                    "service",
                    f"service: layanan {value} tidak ditemukan.",
                    f"service: service {value} not found.",
                )
            )
        if code and point is None:
            item.errors.append(
                _error(
                    index,
                    "point",
                    f"point: loket {code!r} tidak ditemukan.",
                    f"point: service point {code!r} not found.",
                )
            )
        if unit is not None and service is not None and not item.errors:
            item.place = _Place(unit=unit, service=service, point=point)


def _field_path(name: Any) -> str | None:
    """Where a service's ``details["field"]`` lives in the request body."""
    if name is None:
        return None
    name = str(name)
    if name in PROFILE_FIELDS:
        return f"profile.{name}"
    if name in INPUT_FIELDS:
        return name
    return f"answers.{name}"


def _rule_error(index: int | None, error: MutuError) -> dict[str, Any]:
    return _error(
        index,
        _field_path(error.details.get("field")),
        error.message_id,
        error.message_en,
    )


def _invalid(errors: list[dict[str, Any]]) -> ApiError:
    first = errors[0]
    return ApiError(
        status.HTTP_400_BAD_REQUEST,
        first["message_id"],
        first["message_en"],
        field=first["field"],
        errors=errors,
    )
