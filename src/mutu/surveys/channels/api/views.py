"""The two endpoints, ``POST /api/v1/responses`` and ``POST /api/v1/responses/bulk``,
with their OpenAPI description (errors, example): parse, check the caller may
write for every unit named, store through :mod:`mutu.surveys.channels.api.submission`."""

from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response as ApiResponse

from mutu.accounts.scoping import can_see, scope_queryset
from mutu.api.errors import ApiError, ErrorEnvelopeSerializer
from mutu.api.throttling import BulkRateThrottle, SystemRateThrottle
from mutu.api.views import MutuAPIView
from mutu.errors import ConflictError, MutuError
from mutu.registry.models import ServiceUnit
from mutu.surveys.channels.api.items import (
    _invalid,
    _Item,
    _parse,
    _resolve,
    _rule_error,
)
from mutu.surveys.channels.api.serializers import (
    BulkResultSerializer,
    SkmResponseInputSerializer,
    SkmResponseSerializer,
)
from mutu.surveys.channels.api.submission import WRITER_ROLES, _submit


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
        limit = settings.MUTU_API_BULK_MAX
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
