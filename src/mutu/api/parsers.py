"""The API's one request parser: JSON, read under a size limit and a nesting limit.

DRF's own ``JSONParser`` reads the body through ``request.body``, where a body over
Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` raises ``RequestDataTooBig`` outside DRF's
exception handling (an HTML "Bad Request (400)"), and parses it with unbounded
recursion (a ``RecursionError``, HTTP 500, for ``[[[[…]]]]``). This parser is no
subclass of it, so DRF hands it the raw stream: it refuses a body over
``MUTU_API_MAX_BODY_MB`` with 413 before reading it (by ``Content-Length``) or as
soon as the read passes the limit, and parses with
:func:`mutu.json_bodies.json_body_parse`; both refusals are
:class:`~mutu.api.errors.ApiError`, so they get the API's one error shape.
"""

from typing import TYPE_CHECKING, Any

from django.conf import settings
from rest_framework import status
from rest_framework.parsers import BaseParser, get_encoding
from rest_framework.renderers import JSONRenderer

from mutu.json_bodies import JsonBodyError, json_body_parse

if TYPE_CHECKING:
    from mutu.api.errors import ApiError


def api_body_max_bytes() -> int:
    """The largest API request body, in bytes (``MUTU_API_MAX_BODY_MB``)."""
    return int(settings.MUTU_API_MAX_BODY_MB * 1024 * 1024)


def body_too_large(limit: int, received: int | None) -> "ApiError":
    """413 in the API's shape; *received* is the declared length when known."""
    from mutu.api.errors import ApiError

    megabytes = f"{limit / 1024 / 1024:g}"
    details: dict[str, Any] = {"limit": limit, "reason": "too_large"}
    if received is not None:
        details["received"] = received
    return ApiError(
        status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        f"Isi permintaan terlalu besar: paling banyak {megabytes} MiB "
        f"({limit} bita). Bagi kiriman menjadi beberapa bulk.",
        f"The request body is too large: at most {megabytes} MiB ({limit} bytes). "
        "Split it into several bulks.",
        **details,
    )


class MutuJSONParser(BaseParser):
    """``application/json`` under the API's size limit and :data:`JSON_MAX_DEPTH`.

    Set as ``REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]`` and on
    :class:`mutu.api.views.MutuAPIView`.
    """

    media_type = "application/json"
    renderer_class = JSONRenderer

    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: dict[str, Any] | None = None,
    ) -> Any:
        context = parser_context or {}
        limit = api_body_max_bytes()
        request = context.get("request")
        declared = _declared_length(request)
        if declared is not None and declared > limit:
            raise body_too_large(limit, declared)
        raw = stream.read(limit + 1)
        if len(raw) > limit:
            raise body_too_large(limit, declared)
        encoding = get_encoding(context)
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            raise _invalid(
                JsonBodyError(
                    f"Isi permintaan bukan teks {encoding} yang sah.",
                    f"The request body is not valid {encoding} text.",
                    reason="invalid",
                )
            ) from None
        try:
            return json_body_parse(text)
        except JsonBodyError as error:
            raise _invalid(error) from None


def _declared_length(request: Any) -> int | None:
    meta = getattr(request, "META", {})
    try:
        return int(meta.get("CONTENT_LENGTH") or 0) or None
    except (TypeError, ValueError):
        return None


def _invalid(error: JsonBodyError) -> "ApiError":
    # Imported here: DRF imports this module (DEFAULT_PARSER_CLASSES) while
    # defining APIView, which mutu.api.errors imports.
    from mutu.api.errors import ApiError

    return ApiError(
        status.HTTP_400_BAD_REQUEST,
        error.message_id,
        error.message_en,
        reason=error.reason,
    )
