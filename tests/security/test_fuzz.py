"""Fuzzing: the API against its own OpenAPI schema, and the kiosk and webhooks with
hostile bodies. Never a 5xx; every refusal in the endpoint's own error shape.

These run once in CI, on PostgreSQL (they are slow, and the database does not change
what they test); ``MUTU_FORCE_POSTGRES_ONLY=1`` runs them on SQLite while working.

The API run is schemathesis driving the app's WSGI handler in-process (no server):
every operation of ``/api/schema/``, with a token of each API role, positive cases
(shaped as the schema says, with the fixture's real unit and service ids mixed in,
so that cases get past "unit not found" into the rules and the store) and negative
ones (breaking the schema). Generation is seeded and bounded, so a run is the same
every time and takes about a minute.
"""

import os
import time
from collections import Counter
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_started
from django.db import close_old_connections, connection
from hypothesis import HealthCheck, Phase, given, seed
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.registry import factories

FORCED = os.environ.get("MUTU_FORCE_POSTGRES_ONLY", "").lower() in {"1", "true", "yes"}
pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql" and not FORCED,
    reason="CI runs the fuzz once, on PostgreSQL (MUTU_FORCE_POSTGRES_ONLY=1 forces)",
)

ROLES = ("admin", "coordinator", "head", "operator", "evaluator")
"""The World fixture's users of each API role (tests/conftest.py)."""
EXAMPLES = 60
"""Cases per operation, role and mode: 2 operations × 5 roles × 2 modes × 60."""
MIN_CASES = 1000
"""Fewer than this means the run did not really happen (generation broke)."""
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]
SEED = 20250714


@pytest.fixture
def wsgi_app():
    """Django's WSGI handler, as a server runs it, inside the test's transaction.

    Django's test client does the same: it keeps ``request_started`` from closing
    the test's connection between requests.
    """
    request_started.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)


@pytest.fixture
def api_world(world, settings):
    """The World with a counter, and throttles out of the fuzzer's way."""
    point = factories.point(world.dukcapil, code="dukcapil-1")
    point.services.add(world.ktp)
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            "public": "1000000/minute",
            "system": "1000000/minute",
            "system_bulk": "1000000/minute",
        },
    }
    return world


def _real_ids(world) -> st.SearchStrategy[dict[str, Any]]:
    """Ids of real rows, so that some cases reach the survey rules and the store."""
    return st.sampled_from(
        [
            {},
            {"unit": world.dukcapil.pk, "service": world.ktp.pk},
            {"unit": world.dukcapil.pk, "service": world.ktp.pk, "point": "dukcapil-1"},
            {"unit": world.dukcapil_bandung.pk, "service": world.ktp_bandung.pk},
        ]
    )


def _with_ids(body: Any, ids: dict[str, Any]) -> Any:
    if isinstance(body, dict):
        return {**body, **ids}
    if isinstance(body, list):
        return [_with_ids(item, ids) for item in body]
    return body


def test_api_fuzz_has_no_server_error_and_no_schema_violation(
    api_world, wsgi_app, capsys
):
    """Every generated case, for every role: no 5xx, every answer (its status, its
    content type, its body) as the schema documents it."""
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    statuses: Counter[int] = Counter()
    cases = 0
    started = time.monotonic()
    for role in ROLES:
        user = getattr(api_world, role)
        token = Token.objects.get_or_create(user=user)[0].key
        headers = {"Authorization": f"Token {token}"}
        for operation in operations:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                strategy = st.tuples(
                    operation.as_strategy(generation_mode=mode), _real_ids(api_world)
                )

                @seed(SEED)
                @hypothesis_settings(
                    max_examples=EXAMPLES,
                    deadline=None,
                    database=None,
                    phases=[Phase.generate],
                    suppress_health_check=list(HealthCheck),
                )
                @given(drawn=strategy)
                def run(drawn: tuple[Any, dict[str, Any]]) -> None:
                    nonlocal cases
                    case, ids = drawn
                    if mode is GenerationMode.POSITIVE and ids:
                        case.body = _with_ids(case.body, ids)
                    response = case.call(headers=headers)
                    statuses[response.status_code] += 1
                    cases += 1
                    case.validate_response(response, checks=CHECKS, headers=headers)

                run()
    elapsed = time.monotonic() - started
    with capsys.disabled():
        print(  # noqa: T201 (the count is the test's report)
            f"\nAPI fuzz: {cases} cases, {len(operations)} operations × "
            f"{len(ROLES)} roles, {elapsed:.0f} s; statuses {dict(sorted(statuses.items()))}"
        )
    assert cases >= MIN_CASES
    assert not [status for status in statuses if status >= 500]
