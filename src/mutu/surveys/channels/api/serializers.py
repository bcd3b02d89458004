"""The shapes of the SKM API: the request item as a system sends it (with the
OpenAPI schema of its answers and profile codes), the stored response and the
answer to a bulk, as the API returns them. Shapes only: every survey rule is
:func:`mutu.surveys.services.response_submit`'s."""

from collections.abc import Iterable
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mutu.measures.skm_elements import ELEMENTS
from mutu.surveys.models import Education, Occupation, Response, Sex

PROFILE_FIELDS = ("sex", "age", "education", "occupation")
ID_MAX = 2**63 - 1
"""The largest row id (a 64-bit integer, PostgreSQL's bigint): a larger one names no
row, and as a query parameter it overflows the driver (a 500 found by fuzzing)."""

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


class UuidStringField(serializers.UUIDField):
    """A UUID sent as a JSON string, nothing else.

    DRF's ``UUIDField`` turns an integer into a UUID (``12`` becomes
    ``00000000-…-00000000000c``), so two senders' counters would collide as client
    ids; a number, a boolean or any other non-string is refused as invalid. The
    OpenAPI schema is a ``UUIDField``'s (string, format uuid).
    """

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid", value=data)
        return super().to_internal_value(data)


def _optional_text(field_class: type[serializers.CharField]) -> serializers.CharField:
    return field_class(required=False, allow_blank=True, allow_null=True)


# The docstring below is the schema's description of the profile; the published
# OpenAPI document keeps it word for word (the rule is docs/regulations.md §1.5).
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

    client_id = UuidStringField(
        help_text=(
            "UUID buatan pengirim; kirim ulang dengan UUID yang sama aman. / "
            "Sender-made UUID; resending with the same UUID is safe."
        )
    )
    unit = serializers.IntegerField(
        min_value=1, max_value=ID_MAX, help_text="Id unit pelayanan / Service unit id."
    )
    service = serializers.IntegerField(
        min_value=1,
        max_value=ID_MAX,
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
