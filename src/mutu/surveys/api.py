"""REST endpoints through which other systems push SKM responses (DESIGN.md, "Other systems").

``POST /api/v1/responses`` stores one response; ``POST /api/v1/responses/bulk``
stores up to 1,000, all or none. Both are idempotent by ``client_id``: resending the
same content answers with the stored response, other content under a used
``client_id`` is a conflict (409). The serializers here only parse shapes; every
survey rule (answer values, service of the unit, profile codes, comment length,
idempotency) is :func:`mutu.surveys.services.response_submit`'s, the one write path
of every channel (STYLE.md §5–§6). docs/api.md is the integrator's guide.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response as ApiResponse

from mutu.accounts.models import Role
from mutu.accounts.scoping import can_see, scope_queryset
from mutu.api.errors import ApiError, ErrorEnvelopeSerializer
from mutu.api.throttling import BulkRateThrottle, SystemRateThrottle
from mutu.api.views import MutuAPIView
from mutu.errors import MutuError
from mutu.measures.skm_elements import ELEMENTS
from mutu.registry.models import Service, ServicePoint, ServiceUnit
from mutu.surveys.models import (
    Channel,
    Education,
    Occupation,
    Response,
    Sex,
)
from mutu.surveys.services import ConflictError, SubmitResult, response_submit

WRITER_ROLES = (
    Role.NATIONAL_ADMIN,
    Role.COORDINATOR,
    Role.UNIT_HEAD,
    Role.UNIT_OPERATOR,
)
"""Grants that let a caller store responses for a unit in their scope.

An evaluator verifies what units report, so an evaluator's token writes nothing.
"""

BULK_MAX = 1000
"""Default most responses in one bulk (setting ``MUTU_API_BULK_MAX``)."""

MAX_BACKDATE_DAYS = 400
"""Default oldest ``submitted_at`` accepted, in days (``MUTU_API_MAX_BACKDATE_DAYS``).

A year and a month: a paper batch of last year's survey can still be typed in and
sent, an old export replayed by mistake cannot.
"""

CLOCK_SKEW_MINUTES = 5
"""Default tolerance for a caller's clock running ahead (``MUTU_API_CLOCK_SKEW_MINUTES``)."""

PROFILE_FIELDS = ("sex", "age", "education", "occupation")

ANSWERS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "Jawaban per kode unsur, 1–4 atau null (tidak dijawab); paling sedikit satu "
        "dijawab. / Answers by element code, 1–4 or null (not answered); at least "
        "one answered."
    ),
    "properties": {
        element.code: {
            "type": "integer",
            "minimum": 1,
            "maximum": 4,
            "nullable": True,
            "description": f"{element.name_id} / {element.name_en}",
        }
        for element in ELEMENTS
    },
    "additionalProperties": False,
    "example": {element.code: 4 for element in ELEMENTS},
}


def _enum_schema(values: Iterable[str], description: str) -> dict[str, Any]:
    return {
        "type": "string",
        "enum": ["", *values],
        "nullable": True,
        "description": description,
    }


@extend_schema_field(ANSWERS_SCHEMA)
class AnswersField(serializers.DictField):
    """The answers object, taken as given: ``response_submit`` checks the values."""


@extend_schema_field(_enum_schema(Sex.values, "Jenis kelamin / Sex: L, P"))
class SexField(serializers.CharField):
    """A sex code (L/P), checked by ``response_submit``."""


@extend_schema_field(_enum_schema(Education.values, "Pendidikan / Education"))
class EducationField(serializers.CharField):
    """An education code of the SKM template, checked by ``response_submit``."""


@extend_schema_field(_enum_schema(Occupation.values, "Pekerjaan / Occupation"))
class OccupationField(serializers.CharField):
    """An occupation code of the SKM template, checked by ``response_submit``."""


def _optional_text(field_class: type[serializers.CharField]) -> serializers.CharField:
    return field_class(required=False, allow_blank=True, allow_null=True)


class ProfileSerializer(serializers.Serializer):
    """The respondent profile of the SKM template (REGULATIONS.md §1.5); all optional."""

    sex = _optional_text(SexField)
    age = serializers.IntegerField(
        required=False, allow_null=True, help_text="Usia 15–100 tahun / Age 15–100."
    )
    education = _optional_text(EducationField)
    occupation = _optional_text(OccupationField)


class SkmResponseInputSerializer(serializers.Serializer):
    """One SKM response as a system sends it. Shapes only; rules are the service's."""

    client_id = serializers.UUIDField(
        help_text=(
            "UUID buatan pengirim; kirim ulang dengan UUID yang sama aman. / "
            "Sender-made UUID; resending with the same UUID is safe."
        )
    )
    unit = serializers.IntegerField(
        min_value=1, help_text="Id unit pelayanan / Service unit id."
    )
    service = serializers.IntegerField(
        min_value=1,
        help_text="Id jenis layanan unit itu / Id of a service of the unit.",
    )
    point = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=16,
        help_text=(
            "Kode loket (yang tercetak di kode QR, mis. dukcapil-1), opsional. / "
            "Service point code (the one in its QR code, e.g. dukcapil-1), optional."
        ),
    )
    answers = AnswersField()
    profile = ProfileSerializer(required=False, allow_null=True)
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="Kritik dan saran, ≤ 2000 karakter / Comments, ≤ 2000 characters.",
    )
    extra_answers = serializers.DictField(
        required=False,
        allow_null=True,
        help_text=(
            "Jawaban pertanyaan tambahan unit {X1: 1–4, …} / Answers to the unit's "
            "own questions {X1: 1–4, …}."
        ),
    )
    submitted_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text=(
            "Waktu pengisian (ISO 8601; tanpa zona = WIB); bawaan: saat diterima. "
            "Tidak di masa depan, tidak lebih tua dari 400 hari. / "
            "When it was filled in (ISO 8601; no offset = WIB); default: when "
            "received. Not in the future, not older than 400 days."
        ),
    )


INPUT_FIELDS = frozenset(SkmResponseInputSerializer().fields)


class FlagSerializer(serializers.Serializer):
    """An integrity signal raised on a stored response."""

    rule = serializers.CharField()
    reason = serializers.CharField()


class SkmResponseSerializer(serializers.Serializer):
    """A stored SKM response as the API returns it."""

    id = serializers.IntegerField()
    client_id = serializers.UUIDField()
    unit = serializers.IntegerField(source="unit_id")
    service = serializers.IntegerField(source="service_id")
    point = serializers.CharField(source="point.code", allow_null=True)
    channel = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    day = serializers.DateField(help_text="Tanggal (WIB) / Day (WIB).")
    answers = AnswersField()
    profile = ProfileSerializer(source="*")
    comment = serializers.CharField()
    extra_answers = serializers.DictField()
    is_flagged = serializers.BooleanField(
        help_text=(
            "Ditandai oleh aturan integritas; tetap tersimpan. / Flagged by an "
            "integrity rule; still stored."
        )
    )
    is_excluded = serializers.BooleanField()
    flags = serializers.SerializerMethodField()

    @extend_schema_field(FlagSerializer(many=True))
    def get_flags(self, response: Response) -> list[dict[str, str]]:
        if not response.is_flagged:
            return []
        return [
            {"rule": flag.rule, "reason": flag.reason} for flag in response.flags.all()
        ]


class BulkItemResultSerializer(serializers.Serializer):
    """What became of one item of a stored bulk."""

    index = serializers.IntegerField(help_text="Posisi dalam daftar / List position.")
    id = serializers.IntegerField()
    client_id = serializers.UUIDField()
    status = serializers.ChoiceField(
        choices=["created", "replayed"],
        help_text=(
            "created: baru disimpan; replayed: sudah tersimpan dengan isi sama. / "
            "created: newly stored; replayed: already stored with the same content."
        ),
    )


class BulkResultSerializer(serializers.Serializer):
    """The answer to a stored bulk: counts and one result per item, in order."""

    created = serializers.IntegerField()
    replayed = serializers.IntegerField()
    results = BulkItemResultSerializer(many=True)


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


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def submitted_at_check(
    value: datetime | None,
    *,
    now: datetime | None = None,
    max_age_days: int | None = None,
    skew_minutes: int | None = None,
) -> None:
    """Refuse a submission time in the future or older than the backdating window.

    Raises :class:`MutuError` (field ``submitted_at``). ``None`` means "now" and
    always passes. The window and the clock tolerance default to the settings
    ``MUTU_API_MAX_BACKDATE_DAYS`` (400) and ``MUTU_API_CLOCK_SKEW_MINUTES`` (5).
    """
    if value is None:
        return
    now = now or timezone.now()
    days = max_age_days or _setting("MUTU_API_MAX_BACKDATE_DAYS", MAX_BACKDATE_DAYS)
    skew = skew_minutes or _setting("MUTU_API_CLOCK_SKEW_MINUTES", CLOCK_SKEW_MINUTES)
    if value > now + timedelta(minutes=skew):
        raise MutuError(
            "submitted_at: waktu pengisian tidak boleh di masa depan.",
            "submitted_at: the submission time may not be in the future.",
            field="submitted_at",
        )
    if value < now - timedelta(days=days):
        raise MutuError(
            f"submitted_at: waktu pengisian lebih tua dari {days} hari.",
            f"submitted_at: the submission time is older than {days} days.",
            field="submitted_at",
        )


def _submit(data: Mapping[str, Any], place: _Place) -> SubmitResult:
    """Store one resolved item through the one write path of every channel."""
    submitted_at_check(data.get("submitted_at"))
    return response_submit(
        unit=place.unit,
        service=place.service,
        point=place.point,
        channel=Channel.API,
        answers=data["answers"],
        profile=data.get("profile") or {},
        comment=data.get("comment") or "",
        extra_answers=data.get("extra_answers") or {},
        client_id=data["client_id"],
        submitted_at=data.get("submitted_at"),
    )


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


def _forbidden_message(units: Iterable[int]) -> tuple[str, str]:
    listed = ", ".join(str(pk) for pk in sorted(set(units)))
    return (
        f"Anda tidak berhak mengirim respons untuk unit {listed}.",
        f"You may not submit responses for unit {listed}.",
    )


ERROR_RESPONSES = {
    401: OpenApiResponse(
        ErrorEnvelopeSerializer,
        description="Tanpa token atau token salah / No or invalid token.",
    ),
    403: OpenApiResponse(
        ErrorEnvelopeSerializer,
        description=(
            "Token sah tetapi tanpa hak menulis untuk unit itu (operator/kepala unit, "
            "koordinator wilayahnya, atau admin nasional). / Valid token without the "
            "right to write for that unit."
        ),
    ),
    429: OpenApiResponse(
        ErrorEnvelopeSerializer,
        description="Batas laju terlampaui / Rate limit exceeded (Retry-After).",
    ),
}

EXAMPLE_ITEM = {
    "client_id": "6f1c1e0e-3a8e-4a53-9a55-2f0a3b3f9e11",
    "unit": 5,
    "service": 9,
    "point": "dukcapil-1",
    "answers": {"U1": 4, "U2": 3, "U3": 3, "U4": 4, "U5": 4, "U6": 3, "U7": 4},
    "profile": {"sex": "P", "age": 34, "education": "SMA", "occupation": "SWASTA"},
    "comment": "Antrean cepat.",
    "submitted_at": "2025-07-14T09:30:00+07:00",
}


class ResponseCreateView(MutuAPIView):
    """``POST /api/v1/responses``: store one SKM response, idempotent by ``client_id``."""

    throttle_classes = [SystemRateThrottle]

    @extend_schema(
        operation_id="responses_create",
        tags=["SKM"],
        summary="Kirim satu respons SKM / Submit one SKM response",
        description=(
            "Menyimpan satu respons SKM (kanal api). Kirim ulang dengan client_id dan "
            "isi yang sama menjawab 200 dengan respons tersimpan; client_id sama "
            "dengan isi lain menjawab 409. / Stores one SKM response (channel api). "
            "Resending the same client_id and content answers 200 with the stored "
            "response; the same client_id with other content answers 409."
        ),
        request=SkmResponseInputSerializer,
        responses={
            201: OpenApiResponse(
                SkmResponseSerializer, description="Tersimpan / Stored."
            ),
            200: OpenApiResponse(
                SkmResponseSerializer,
                description=(
                    "Sudah tersimpan dengan isi sama; tidak ada yang berubah. / "
                    "Already stored with the same content; nothing changed."
                ),
            ),
            400: OpenApiResponse(
                ErrorEnvelopeSerializer,
                description=(
                    "Tidak sah; details.errors menyebut setiap kolom. Tidak ada yang "
                    "disimpan. / Invalid; details.errors names each field. Nothing "
                    "stored."
                ),
            ),
            **ERROR_RESPONSES,
            409: OpenApiResponse(
                ErrorEnvelopeSerializer,
                description=(
                    "client_id sudah dipakai untuk isi lain / client_id already used "
                    "for other content."
                ),
            ),
        },
        examples=[OpenApiExample("Respons", value=EXAMPLE_ITEM, request_only=True)],
    )
    def post(self, request: Request) -> ApiResponse:
        item = _parse(request.data, None)
        if item.errors:
            raise _invalid(item.errors)
        _resolve([item])
        place = item.place
        if place is None:
            raise _invalid(item.errors)
        if not can_see(request.user, place.unit, roles=WRITER_ROLES):
            message_id, message_en = _forbidden_message([place.unit.pk])
            raise ApiError(
                status.HTTP_403_FORBIDDEN, message_id, message_en, unit=place.unit.pk
            )
        try:
            result = _submit(item.data, place)
        except ConflictError:
            raise
        except MutuError as error:
            raise _invalid([_rule_error(None, error)]) from error
        return ApiResponse(
            SkmResponseSerializer(result.response).data,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )


def _bulk_limit() -> int:
    return _setting("MUTU_API_BULK_MAX", BULK_MAX)


class ResponseBulkView(MutuAPIView):
    """``POST /api/v1/responses/bulk``: store up to 1,000 SKM responses, all or none."""

    throttle_classes = [BulkRateThrottle]

    @extend_schema(
        operation_id="responses_bulk_create",
        tags=["SKM"],
        summary="Kirim banyak respons SKM / Submit SKM responses in bulk",
        description=(
            "Daftar JSON berisi paling banyak 1000 respons berbentuk sama dengan "
            "/api/v1/responses. Semua diperiksa dulu: bila satu saja tidak sah, "
            "jawabannya 400 dengan daftar kesalahan per butir dan tidak ada yang "
            "disimpan; bila satu saja bentrok (client_id sama, isi lain), 409 dan "
            "tidak ada yang disimpan. Selain itu semua disimpan dalam satu transaksi. / "
            "A JSON list of at most 1000 responses shaped as for /api/v1/responses. "
            "All are checked first: if any is invalid the answer is 400 with a "
            "per-item error list and nothing is stored; if any conflicts (same "
            "client_id, other content), 409 and nothing is stored. Otherwise all are "
            "stored in one transaction."
        ),
        request=SkmResponseInputSerializer(many=True),
        responses={
            200: OpenApiResponse(
                BulkResultSerializer,
                description=(
                    "Semua tersimpan (atau sudah tersimpan) / All stored (or already "
                    "stored)."
                ),
            ),
            400: OpenApiResponse(
                ErrorEnvelopeSerializer,
                description=(
                    "Bukan daftar, kosong, lebih dari 1000 butir, atau ada butir tidak "
                    "sah (details.errors: index, field, message_id, message_en). Tidak "
                    "ada yang disimpan. / Not a list, empty, over 1000 items, or "
                    "invalid items (details.errors). Nothing stored."
                ),
            ),
            **ERROR_RESPONSES,
            409: OpenApiResponse(
                ErrorEnvelopeSerializer,
                description=(
                    "Ada client_id yang sudah dipakai untuk isi lain "
                    "(details.conflicts: index, client_id). Tidak ada yang disimpan. / "
                    "Some client_id already used for other content. Nothing stored."
                ),
            ),
        },
        examples=[
            OpenApiExample("Daftar respons", value=EXAMPLE_ITEM, request_only=True)
        ],
    )
    def post(self, request: Request) -> ApiResponse:
        payload = request.data
        if not isinstance(payload, list):
            raise ApiError(
                status.HTTP_400_BAD_REQUEST,
                "Isi permintaan harus berupa daftar (JSON array) respons.",
                "The request body must be a list (JSON array) of responses.",
            )
        limit = _bulk_limit()
        if not payload or len(payload) > limit:
            raise ApiError(
                status.HTTP_400_BAD_REQUEST,
                f"Kirim 1 sampai {limit} respons sekaligus; diterima {len(payload)}.",
                f"Send 1 to {limit} responses at once; received {len(payload)}.",
                limit=limit,
                received=len(payload),
            )
        items = [_parse(raw, index) for index, raw in enumerate(payload)]
        _resolve(items)
        self._check_writable(request, items)
        results = self._store_all(items)
        created = sum(1 for entry in results if entry["status"] == "created")
        return ApiResponse(
            {
                "created": created,
                "replayed": len(results) - created,
                "results": results,
            }
        )

    @staticmethod
    def _check_writable(request: Request, items: Sequence[_Item]) -> None:
        """Refuse the whole bulk (403) when it names a unit the caller may not write.

        One query for all units, through the same scoping as ``can_see``.
        """
        places = [(item, item.place) for item in items if item.place is not None]
        allowed = set(
            scope_queryset(
                request.user,
                ServiceUnit.objects.filter(pk__in={p.unit.pk for _, p in places}),
                roles=WRITER_ROLES,
            ).values_list("pk", flat=True)
        )
        refused = [(item, p) for item, p in places if p.unit.pk not in allowed]
        if refused:
            units = [p.unit.pk for _, p in refused]
            message_id, message_en = _forbidden_message(units)
            raise ApiError(
                status.HTTP_403_FORBIDDEN,
                f"{message_id} Tidak ada yang disimpan.",
                f"{message_en} Nothing was stored.",
                indexes=[item.index for item, _ in refused],
                units=sorted(set(units)),
            )

    @staticmethod
    def _store_all(items: Sequence[_Item]) -> list[dict[str, Any]]:
        """Submit every well-formed item in one transaction; keep all or nothing.

        Items are submitted even when others are malformed, so that one answer
        lists every error; the transaction is then rolled back.
        """
        results: list[dict[str, Any]] = []
        conflicts: list[dict[str, Any]] = []
        with transaction.atomic():
            for item in items:
                if item.errors or item.place is None:
                    continue
                try:
                    result = _submit(item.data, item.place)
                except ConflictError:
                    conflicts.append(
                        {"index": item.index, "client_id": str(item.data["client_id"])}
                    )
                except MutuError as error:
                    item.errors.append(_rule_error(item.index, error))
                else:
                    results.append(
                        {
                            "index": item.index,
                            "id": result.response.pk,
                            "client_id": str(result.response.client_id),
                            "status": "created" if result.created else "replayed",
                        }
                    )
            errors = [error for item in items for error in item.errors]
            if errors or conflicts:
                transaction.set_rollback(True)
        if errors:
            bad = len({error["index"] for error in errors})
            raise ApiError(
                status.HTTP_400_BAD_REQUEST,
                f"{bad} dari {len(items)} respons tidak sah; tidak ada yang disimpan.",
                f"{bad} of {len(items)} responses are invalid; nothing was stored.",
                errors=errors,
            )
        if conflicts:
            raise ApiError(
                status.HTTP_409_CONFLICT,
                f"{len(conflicts)} client_id sudah dipakai untuk respons lain; "
                "tidak ada yang disimpan.",
                f"{len(conflicts)} client_id(s) already used for other responses; "
                "nothing was stored.",
                conflicts=conflicts,
            )
        return results
