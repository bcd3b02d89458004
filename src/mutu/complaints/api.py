"""``POST /api/v1/complaints``: another system files a complaint (channel ``api``),
idempotent by ``client_id`` like responses. The answer carries the tracking code,
status and due dates; never the identity (D21)."""

from typing import Any

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response as ApiResponse

from mutu.accounts.scoping import can_see
from mutu.api.errors import ApiError, ErrorEnvelopeSerializer
from mutu.api.throttling import SystemRateThrottle
from mutu.api.views import MutuAPIView
from mutu.complaints.models import Complaint
from mutu.complaints.services import complaint_file
from mutu.registry.models import Service, ServiceUnit
from mutu.surveys.channels.api.submission import WRITER_ROLES
from mutu.surveys.channels.api.views import ERROR_RESPONSES


class ComplaintInputSerializer(serializers.Serializer):
    """A complaint as another system sends it."""

    client_id = serializers.UUIDField(help_text="Kunci idempotensi / idempotency key")
    unit = serializers.IntegerField(min_value=1)
    service = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    kind = serializers.ChoiceField(
        choices=Complaint.Kind.values, default=Complaint.Kind.COMPLAINT
    )
    privacy = serializers.ChoiceField(
        choices=Complaint.Privacy.values, default=Complaint.Privacy.OPEN
    )
    text = serializers.CharField(min_length=10, max_length=5000)
    reporter_name = serializers.CharField(max_length=150, required=False, default="")
    reporter_email = serializers.EmailField(required=False, default="")
    reporter_phone = serializers.CharField(max_length=30, required=False, default="")

    def validate(self, attrs):
        unknown = set(self.initial_data) - set(self.fields)
        if unknown:
            raise serializers.ValidationError(
                dict.fromkeys(sorted(unknown), "Kolom tidak dikenal / unknown field")
            )
        return attrs


class ComplaintSerializer(serializers.ModelSerializer):
    """A stored complaint as the API shows it: no identity."""

    # Plain strings: named enums would collide with the SKM schema's StatusEnum.
    kind = serializers.CharField(read_only=True)
    channel = serializers.CharField(read_only=True)
    status = serializers.CharField(
        read_only=True,
        help_text="received, verified, in_progress, answered, closed, archived",
    )

    class Meta:
        model = Complaint
        fields = [
            "tracking_code",
            "client_id",
            "unit",
            "kind",
            "channel",
            "status",
            "filed_at",
            "verify_due",
            "answer_due",
            "resolve_due",
        ]


EXAMPLE = {
    "client_id": "3b7d4f0e-3a8e-4a53-9a55-2f0a3b3f9e22",
    "unit": 5,
    "kind": "pengaduan",
    "privacy": "confidential",
    "text": "Antrean perekaman KTP-el lebih dari tiga jam.",
    "reporter_name": "Siti",
}


class ComplaintCreateView(MutuAPIView):
    """``POST /api/v1/complaints``: file one complaint, idempotent by ``client_id``."""

    throttle_classes = [SystemRateThrottle]

    @extend_schema(
        operation_id="complaints_create",
        tags=["Pengaduan"],
        summary="Kirim satu pengaduan / File one complaint",
        description=(
            "Mencatat pengaduan (kanal api) dan menjawab kode lacak serta tenggatnya "
            "dalam hari kerja (D9). Kirim ulang dengan client_id dan isi sama "
            "menjawab 200; client_id sama dengan isi lain menjawab 409. Identitas "
            "pelapor tidak pernah dikembalikan. / Files a complaint (channel api) "
            "and answers its tracking code and working-day due dates. The same "
            "client_id and content answers 200; other content 409. The reporter's "
            "identity is never returned."
        ),
        request=ComplaintInputSerializer,
        responses={
            201: OpenApiResponse(
                ComplaintSerializer, description="Tersimpan / Stored."
            ),
            200: OpenApiResponse(
                ComplaintSerializer,
                description="Sudah tersimpan / Already stored.",
            ),
            400: OpenApiResponse(
                ErrorEnvelopeSerializer, description="Tidak sah / Invalid."
            ),
            **ERROR_RESPONSES,
            409: OpenApiResponse(
                ErrorEnvelopeSerializer,
                description="client_id dipakai untuk isi lain / client_id reused.",
            ),
        },
        examples=[OpenApiExample("Pengaduan", value=EXAMPLE, request_only=True)],
    )
    def post(self, request: Request) -> ApiResponse:
        if not isinstance(request.data, dict):
            raise ApiError(
                status.HTTP_400_BAD_REQUEST,
                "Isi permintaan harus objek JSON.",
                "The body must be a JSON object.",
            )
        serializer = ComplaintInputSerializer(data=request.data)
        if not serializer.is_valid():
            errors = _error_items(serializer.errors)
            raise ApiError(
                status.HTTP_400_BAD_REQUEST,
                "Pengaduan tidak sah.",
                "Invalid complaint.",
                field=errors[0]["field"],
                errors=errors,
            )
        data = serializer.validated_data
        unit = ServiceUnit.objects.filter(pk=data["unit"]).first()
        if unit is None or not can_see(request.user, unit, roles=WRITER_ROLES):
            raise ApiError(
                status.HTTP_403_FORBIDDEN,
                f"Anda tidak berhak mengirim pengaduan untuk unit {data['unit']}.",
                f"You may not file complaints for unit {data['unit']}.",
                unit=data["unit"],
            )
        service = None
        if data.get("service"):
            service = Service.objects.filter(pk=data["service"], unit=unit).first()
            if service is None:
                raise ApiError(
                    status.HTTP_400_BAD_REQUEST,
                    "Layanan tidak dikenal untuk unit itu.",
                    "Unknown service for that unit.",
                    field="service",
                )
        result = complaint_file(
            unit=unit,
            service=service,
            text=data["text"],
            channel=Complaint.Channel.API,
            kind=data["kind"],
            privacy=data["privacy"],
            reporter_name=data["reporter_name"],
            reporter_email=data["reporter_email"],
            reporter_phone=data["reporter_phone"],
            client_id=data["client_id"],
            actor=request.user,
        )
        return ApiResponse(
            ComplaintSerializer(result.complaint).data,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )


def _error_items(errors: dict[str, Any]) -> list[dict[str, Any]]:
    """A serializer's errors as the envelope's list of ``ErrorItem`` (field and the
    message in both languages; the serializer's messages are already bilingual)."""
    items = []
    for field, messages in errors.items():
        for message in messages if isinstance(messages, list) else [messages]:
            text = f"{field}: {message}"
            items.append({"field": field, "message_id": text, "message_en": text})
    return items
