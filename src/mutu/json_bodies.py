"""Reading a JSON request body with a nesting limit, for every JSON endpoint.

Python's ``json`` module parses nested arrays and objects by recursion, so a body of
``[[[[…]]]]`` 100,000 deep raises ``RecursionError`` (an HTTP 500) before any view
can look at it, and data nested a few hundred levels deep still parses but can
exhaust the stack of any code that walks it later (DRF's serializers, the JSON
encoder of an error's details). Every JSON body Mutu reads (the REST API through
:class:`mutu.api.parsers.MutuJSONParser`, the kiosk sync, the SMS/WhatsApp webhooks)
goes through :func:`json_body_parse`, which refuses both as :class:`JsonBodyError`;
each endpoint answers that with 400 in its own JSON error shape.

Why :data:`JSON_MAX_DEPTH` is 32: the deepest body Mutu reads is a WhatsApp Cloud
webhook delivery (``entry[] → changes[] → value → messages[] → message → text``,
with ``contacts[] → profile`` beside it, about 10 levels; Meta adds fields now and
then, such as ``context`` and ``referral``, which stay within 12); the API is 3
(bulk array → item → ``answers``/``profile``) and the kiosk 4. 32 leaves room for a
provider's new fields while staying far below Python's recursion limit (1,000), so
nothing that walks accepted data can overflow the stack.
"""

import json
from typing import Any, Final

JSON_MAX_DEPTH: Final = 32
"""Most nested arrays/objects a JSON body may hold (the top-level value counts 1)."""


class JsonBodyError(ValueError):
    """A request body that is not JSON, or nested deeper than allowed (HTTP 400).

    Carries the message in Indonesian and English; ``reason`` is ``"invalid"`` or
    ``"too_deep"`` for the endpoint's machine-readable details.
    """

    def __init__(self, message_id: str, message_en: str, *, reason: str) -> None:
        super().__init__(message_en)
        self.message_id = message_id
        self.message_en = message_en
        self.reason = reason


def _too_deep(max_depth: int) -> JsonBodyError:
    return JsonBodyError(
        f"Isi JSON bersarang terlalu dalam: paling banyak {max_depth} tingkat.",
        f"The JSON body is nested too deeply: at most {max_depth} levels.",
        reason="too_deep",
    )


def _refuse_constant(name: str) -> Any:
    """``NaN``, ``Infinity`` and ``-Infinity`` are not JSON (RFC 8259); refused."""
    raise ValueError(f"{name} is not valid JSON")


def _depth_exceeds(data: Any, max_depth: int) -> bool:
    """Whether *data* nests more than *max_depth* arrays/objects (no recursion)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        children = value.values() if isinstance(value, dict) else value
        if depth > max_depth:
            return True
        stack.extend(
            (child, depth + 1) for child in children if isinstance(child, dict | list)
        )
    return False


def json_body_parse(raw: bytes | str, *, max_depth: int = JSON_MAX_DEPTH) -> Any:
    """The JSON value of a request body; raises :class:`JsonBodyError` if it is not
    JSON or nests more than *max_depth* arrays/objects.

    Bytes may be UTF-8, UTF-16 or UTF-32 (RFC 8259 §8.1, as ``json.loads``
    detects). An empty body is not JSON. Nesting past the parser's own recursion
    limit is caught as ``RecursionError``, which the C parser raises cleanly; what
    parses is then measured without recursion.
    """
    try:
        data = json.loads(raw, parse_constant=_refuse_constant)
    except RecursionError:
        raise _too_deep(max_depth) from None
    except ValueError as error:  # UnicodeDecodeError and JSONDecodeError included
        raise JsonBodyError(
            "Isi permintaan bukan JSON yang sah.",
            "The request body is not valid JSON.",
            reason="invalid",
        ) from error
    if isinstance(data, dict | list) and _depth_exceeds(data, max_depth):
        raise _too_deep(max_depth)
    return data
