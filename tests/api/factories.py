"""Builders for API tests: token clients and SKM response bodies."""

import uuid
from typing import Any

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

ALL_FOUR = {f"U{i}": 4 for i in range(1, 10)}


def token_client(user) -> APIClient:
    """An API client that sends ``Authorization: Token <key>`` for *user*."""
    token, _ = Token.objects.get_or_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def response_body(world, **overrides: Any) -> dict[str, Any]:
    """A valid body for Dukcapil Pesawaran's KTP service; *overrides* replace keys."""
    body: dict[str, Any] = {
        "client_id": str(uuid.uuid4()),
        "unit": world.dukcapil.pk,
        "service": world.ktp.pk,
        "answers": {"U1": 3, "U2": 4, "U3": 2, "U8": 4, "U9": None},
        "profile": {"sex": "P", "age": 34, "education": "SMA", "occupation": "PNS"},
        "comment": "Antrean cepat.",
    }
    body.update(overrides)
    return body
