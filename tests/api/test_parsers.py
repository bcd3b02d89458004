"""The API reads JSON under a body limit and a nesting limit (mutu.api.parsers).

The body limit is measured, not guessed: the largest valid request is a bulk of
``MUTU_API_BULK_MAX`` items, each as long as the rules allow, sent as ``json.dumps``
sends it (every non-ASCII character escaped).
"""

import json
import uuid
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from mutu.api.parsers import api_body_max_bytes
from mutu.json_bodies import JSON_MAX_DEPTH
from mutu.surveys.channels.api.serializers import SkmResponseInputSerializer
from mutu.surveys.models import Education, Occupation, Response, UnitSurveySettings
from mutu.surveys.rules import AGE_RANGE, COMMENT_MAX
from tests.api.factories import response_body, token_client
from tests.registry import factories

URL = "/api/v1/responses"
BULK_URL = "/api/v1/responses/bulk"
BIGINT_MAX = 2**63 - 1
"""The largest id a unit or service can have (a PostgreSQL bigint)."""
ASTRAL = "\U0001f600"
"""A character outside the Basic Multilingual Plane: json.dumps writes it as a
surrogate pair, ``\\ud83d\\ude00``, 12 bytes, the most any character costs."""
POINT_MAX = SkmResponseInputSerializer().fields["point"].max_length
"""A service point's code, at most 16 characters."""
BMP = "é"
"""A non-ASCII character inside the Basic Multilingual Plane: 6 bytes escaped."""


def largest_item(
    *, char: str, unit: int = BIGINT_MAX, service: int = BIGINT_MAX
) -> dict[str, Any]:
    """One response with every field at its longest valid value."""
    return {
        "client_id": str(uuid.uuid4()),
        "unit": unit,
        "service": service,
        "point": "p" * POINT_MAX,
        "answers": {f"U{n}": 4 for n in range(1, 10)},
        "profile": {
            "sex": "P",
            "age": AGE_RANGE[1],
            "education": max(Education.values, key=len),
            "occupation": max(Occupation.values, key=len),
        },
        "comment": char * COMMENT_MAX,
        "extra_answers": {
            f"X{n}": 4 for n in range(1, UnitSurveySettings.MAX_EXTRA_QUESTIONS + 1)
        },
        "submitted_at": "2025-07-14T09:30:00.123456+07:00",
    }


def largest_bulk(char: str, **ids: int) -> bytes:
    items = [largest_item(char=char, **ids) for _ in range(settings.MUTU_API_BULK_MAX)]
    return json.dumps(items).encode()


def test_body_limit_fits_the_largest_valid_bulk_and_little_more():
    """The largest valid bulk is 24,456,000 bytes; the limit (24 MiB) fits it with
    under 5 % to spare.

    The comment's 2,000 characters are counted after stripping (rules.comment_text),
    so surrounding white space could pad a valid comment without bound; a sender
    has no reason to, and that is not counted here.
    """
    escaped = len(largest_bulk(ASTRAL))
    escaped_bmp = len(largest_bulk(BMP))
    limit = api_body_max_bytes()

    assert escaped == 24_456_000
    assert escaped_bmp == 12_456_000
    assert escaped <= limit < escaped * 1.05


@pytest.fixture
def evaluator_client(world):
    """A token that may write for no unit: a bulk it sends is parsed, then 403."""
    client = token_client(world.evaluator)
    client.raise_request_exception = False
    return client


def test_largest_valid_bulk_is_read_whole_not_refused_for_its_size(
    world, evaluator_client
):
    """The largest bulk, with real ids, is read, parsed and checked item by item:
    the answer is about the token's rights (403), not the size."""
    factories.point(world.dukcapil, code="p" * POINT_MAX).services.add(world.ktp)
    body = largest_bulk(ASTRAL, unit=world.dukcapil.pk, service=world.ktp.pk)

    answer = evaluator_client.post(BULK_URL, body, content_type="application/json")

    assert answer.status_code == 403, answer.content[:300]
    assert answer.json()["error"]["details"]["indexes"] == list(range(1000))


def test_body_over_the_limit_is_413_in_the_api_shape(world, evaluator_client):
    """One byte over the limit: 413 with the limit and the size received."""
    limit = api_body_max_bytes()
    body = b"[" + b" " * (limit - 1) + b"]"

    answer = evaluator_client.post(BULK_URL, body, content_type="application/json")

    assert answer.status_code == 413
    error = answer.json()["error"]
    assert error["details"] == {
        "limit": limit,
        "reason": "too_large",
        "received": limit + 1,
    }
    assert "24 MiB" in error["message_id"]
    assert "24 MiB" in error["message_en"]
    assert answer["Content-Type"] == "application/json"


def test_body_over_the_limit_without_a_token_is_401_first():
    """Authentication comes first: an anonymous body is never read."""
    body = b"[" + b" " * api_body_max_bytes() + b"]"

    answer = Client().post(BULK_URL, body, content_type="application/json")

    assert answer.status_code == 401
    assert "error" in answer.json()


def test_ten_megabytes_of_garbage_is_a_400_in_the_api_shape(evaluator_client):
    """What used to be Django's HTML "Bad Request (400)" is the API's JSON."""
    answer = evaluator_client.post(
        URL, b"x" * 10_000_000, content_type="application/json"
    )

    assert answer.status_code == 400
    assert answer.json()["error"]["details"] == {"reason": "invalid"}


def test_three_megabyte_comment_is_a_field_error(world):
    """A 3 MB comment is read and refused as the comment, in the API shape."""
    client = token_client(world.operator)
    body = response_body(world, comment="é" * 3_000_000)

    answer = client.post(URL, json.dumps(body), content_type="application/json")

    assert answer.status_code == 400
    assert answer.json()["error"]["details"]["field"] == "comment"
    assert not Response.objects.exists()


@pytest.mark.parametrize("url", [URL, BULK_URL])
def test_deeply_nested_body_is_400_not_500(world, url):
    """100,000 nested lists (a RecursionError before) and one level past the limit
    are refused as too deep; nothing is stored."""
    client = token_client(world.operator)
    for depth in (100_000, JSON_MAX_DEPTH + 1):
        body = "[" * depth + "]" * depth

        answer = client.post(url, body, content_type="application/json")

        assert answer.status_code == 400
        error = answer.json()["error"]
        assert error["details"] == {"reason": "too_deep"}
        assert "32" in error["message_id"]
    assert not Response.objects.exists()


def test_body_within_the_depth_limit_reaches_the_view(world):
    """Nesting the API never asks for, but within the limit, is the view's to refuse:
    a field error, not a parse error."""
    client = token_client(world.operator)
    nested: Any = 1
    for _ in range(JSON_MAX_DEPTH - 2):
        nested = {"x": nested}
    body = response_body(world, comment=nested)

    answer = client.post(URL, json.dumps(body), content_type="application/json")

    assert answer.status_code == 400
    assert answer.json()["error"]["details"]["field"] == "comment"


def test_body_in_another_charset_is_read_by_its_charset(world):
    """A body declared as UTF-16 is decoded as such."""
    client = token_client(world.operator)
    body = json.dumps(response_body(world), ensure_ascii=False).encode("utf-16")

    answer = client.post(URL, body, content_type="application/json; charset=utf-16")

    assert answer.status_code == 201, answer.json()


def test_body_not_in_its_declared_charset_is_a_400(world):
    """Bytes that are not UTF-8 under the default charset: 400, not 500."""
    client = token_client(world.operator)

    answer = client.post(URL, b'{"comment": "\xff"}', content_type="application/json")

    assert answer.status_code == 400
    assert answer.json()["error"]["details"] == {"reason": "invalid"}
