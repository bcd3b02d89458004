"""One error shape for the whole API (STYLE.md §12).

Every refusal answers ``{"error": {"message_id", "message_en", "details"}}``: the
message in Indonesian and in English, and machine-readable details. A
:class:`~mutu.errors.MutuError` raised by a service becomes HTTP 400, a
:class:`~mutu.errors.ConflictError` HTTP 409; DRF's own refusals (401,
403, 404, 405, 415, 429 …) keep their status and get the same shape.
"""

import math
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from mutu.errors import ConflictError, MutuError


class ApiError(exceptions.APIException):
    """A refusal decided by an API view (bad shape, no right), with both messages.

    Services raise :class:`MutuError`; views raise this when the refusal is about
    the request itself (STYLE.md §5: "all 400 type errors are thrown there").
    """

    def __init__(
        self, status_code: int, message_id: str, message_en: str, **details: Any
    ) -> None:
        super().__init__(detail=message_en)
        self.status_code = status_code
        self.message_id = message_id
        self.message_en = message_en
        self.details = details


class ErrorItemSerializer(serializers.Serializer):
    """One field's error; ``index`` is the item's position in a bulk."""

    index = serializers.IntegerField(required=False)
    field = serializers.CharField(allow_null=True)
    message_id = serializers.CharField()
    message_en = serializers.CharField()


class ConflictItemSerializer(serializers.Serializer):
    """An item of a bulk whose ``client_id`` is already stored with other content."""

    index = serializers.IntegerField()
    client_id = serializers.UUIDField()


class ErrorDetailsSerializer(serializers.Serializer):
    """What a refusal is about; which keys appear depends on the refusal."""

    field = serializers.CharField(
        required=False,
        allow_null=True,
        help_text="Kolom pertama yang salah / First field in error.",
    )
    errors = ErrorItemSerializer(
        many=True,
        required=False,
        help_text="Setiap kesalahan per kolom / Every per-field error.",
    )
    unit = serializers.IntegerField(required=False)
    units = serializers.ListField(child=serializers.IntegerField(), required=False)
    indexes = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Butir bulk yang ditolak / Refused bulk items.",
    )
    conflicts = ConflictItemSerializer(many=True, required=False)
    limit = serializers.IntegerField(required=False)
    received = serializers.IntegerField(required=False)
    wait = serializers.IntegerField(
        required=False, help_text="Detik sampai boleh mencoba lagi / Seconds to wait."
    )
    reason = serializers.CharField(required=False)


class ErrorSerializer(serializers.Serializer):
    """A refusal: the message in Indonesian and English, and its details."""

    message_id = serializers.CharField()
    message_en = serializers.CharField()
    details = ErrorDetailsSerializer()


class ErrorEnvelopeSerializer(serializers.Serializer):
    """The body of every API refusal."""

    error = ErrorSerializer()


def error_body(message_id: str, message_en: str, **details: Any) -> dict[str, Any]:
    """The JSON body of every API refusal."""
    return {
        "error": {
            "message_id": message_id,
            "message_en": message_en,
            "details": details,
        }
    }


def _drf_messages(exc: exceptions.APIException) -> tuple[str, str, dict[str, Any]]:
    """Indonesian and English messages for DRF's own exceptions."""
    reason = exc.detail if isinstance(exc.detail, str) else None
    if isinstance(exc, exceptions.NotAuthenticated):
        return (
            "Belum masuk: kirim header 'Authorization: Token <kunci>'.",
            "Not authenticated: send the header 'Authorization: Token <key>'.",
            {},
        )
    if isinstance(exc, exceptions.AuthenticationFailed):
        return (
            "Token tidak sah atau pengguna nonaktif.",
            "Invalid token or inactive user.",
            {"reason": str(reason or "")},
        )
    if isinstance(exc, exceptions.Throttled):
        wait = max(1, math.ceil(exc.wait or 1))
        return (
            f"Terlalu banyak permintaan; coba lagi dalam {wait} detik.",
            f"Too many requests; try again in {wait} seconds.",
            {"wait": wait},
        )
    if isinstance(exc, exceptions.ParseError):
        return (
            "Isi permintaan bukan JSON yang sah.",
            "The request body is not valid JSON.",
            {"reason": str(reason or "")},
        )
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return (
            "Jenis isi tidak didukung; kirim application/json.",
            "Unsupported content type; send application/json.",
            {},
        )
    if isinstance(exc, exceptions.MethodNotAllowed):
        return (
            "Metode HTTP ini tidak diizinkan di alamat ini.",
            "This HTTP method is not allowed here.",
            {},
        )
    if isinstance(exc, exceptions.NotFound):
        return "Tidak ditemukan.", "Not found.", {}
    if isinstance(exc, exceptions.PermissionDenied):
        return (
            "Anda tidak berhak melakukan tindakan ini.",
            "You do not have permission to perform this action.",
            {},
        )
    if isinstance(exc, exceptions.ValidationError):
        return "Data tidak sah.", "Invalid data.", {"errors": exc.detail}
    text = str(exc.detail)
    return text, text, {}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF exception handler: map every refusal to the one error shape.

    Anything else (a bug) returns ``None`` so that Django answers 500 and logs it.
    """
    if isinstance(exc, MutuError):
        code = (
            status.HTTP_409_CONFLICT
            if isinstance(exc, ConflictError)
            else status.HTTP_400_BAD_REQUEST
        )
        set_rollback()
        return Response(
            error_body(exc.message_id, exc.message_en, **exc.details), status=code
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header  # type: ignore[attr-defined]
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(max(1, math.ceil(exc.wait)))  # type: ignore[attr-defined]
    if isinstance(exc, ApiError):
        message_id, message_en, details = exc.message_id, exc.message_en, exc.details
    else:
        message_id, message_en, details = _drf_messages(exc)
    set_rollback()
    return Response(
        error_body(message_id, message_en, **details),
        status=exc.status_code,
        headers=headers,
    )
