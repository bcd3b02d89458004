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

import hashlib
import hmac
import json
import os
import time
from collections import Counter
from typing import Any

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_started
from django.db import close_old_connections, connection
from django.test import Client
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
    stored = {
        "unit": world.dukcapil.pk,
        "service": world.ktp.pk,
        "submitted_at": None,
        "extra_answers": None,
    }
    return st.sampled_from(
        [
            {},
            {"unit": world.dukcapil.pk, "service": world.ktp.pk},
            {**stored, "point": "dukcapil-1", "profile": None},
            {**stored, "point": None},
            {"unit": world.dukcapil_bandung.pk, "service": world.ktp_bandung.pk},
        ]
    )


def _with_ids(body: Any, ids: dict[str, Any]) -> Any:
    if isinstance(body, dict):
        return {**body, **ids}
    if isinstance(body, list):
        return [_with_ids(item, ids) for item in body]
    return body


def _api_case_sender(mode: GenerationMode, headers: dict[str, str]):
    """Send one drawn case with *headers*, validate its answer, return its status."""

    def send(drawn: tuple[Any, dict[str, Any]]) -> int:
        case, ids = drawn
        if mode is GenerationMode.POSITIVE and ids:
            case.body = _with_ids(case.body, ids)
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS, headers=headers)
        return response.status_code

    return send


def test_api_fuzz_has_no_server_error_and_no_schema_violation(
    api_world, wsgi_app, capsys
):
    """Every generated case, for every role: no 5xx, every answer (its status, its
    content type, its body) as the schema documents it."""
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    statuses: Counter[int] = Counter()
    started = time.monotonic()
    for role in ROLES:
        user = getattr(api_world, role)
        token = Token.objects.get_or_create(user=user)[0].key
        headers = {"Authorization": f"Token {token}"}
        for operation in operations:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                statuses += _run(
                    EXAMPLES,
                    st.tuples(
                        operation.as_strategy(generation_mode=mode),
                        _real_ids(api_world),
                    ),
                    _api_case_sender(mode, headers),
                )
    cases = sum(statuses.values())
    _report(
        capsys,
        f"API ({len(operations)} operations × {len(ROLES)} roles × 2 modes, "
        f"{time.monotonic() - started:.0f} s)",
        statuses,
        minimum=MIN_CASES,
    )
    assert cases >= MIN_CASES
    assert not [status for status in statuses if status >= 500]


# --- the kiosk sync and the SMS/WhatsApp webhooks, by hand ----------------------------

SMS_TOKEN = "gateway-secret-for-fuzz"
WA_SECRET = "whatsapp-app-secret-for-fuzz"
HAND_EXAMPLES = 150
"""Bodies per endpoint (kiosk, SMS, WhatsApp)."""
KIOSK_KEYS = {"error", "message_id", "message_en"}
WEBHOOK_KEYS = {"error", "error_en"}

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=2**63 - 2, max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
"""Any JSON value, small."""


def _deep(depth: int, opener: str) -> str:
    closer = "]" if opener == "[" else "}"
    inner = '{"a":' if opener == "{" else "["
    return inner * depth + ("1" if opener == "{" else "") + closer * depth


def _hostile_body(
    valid: st.SearchStrategy[Any], limit: int
) -> st.SearchStrategy[bytes]:
    """Malformed, huge and deeply nested bodies, and valid-looking ones with any
    value in any field."""
    encode = st.sampled_from([True, False]).flatmap(
        lambda ascii_only: st.just(
            lambda value: json.dumps(value, ensure_ascii=ascii_only).encode()
        )
    )
    return st.one_of(
        st.binary(max_size=200),
        st.text(max_size=200).map(str.encode),
        json_values.map(lambda value: json.dumps(value).encode()),
        st.tuples(valid, encode).map(lambda pair: pair[1](pair[0])),
        st.tuples(valid, encode).map(lambda pair: pair[1](pair[0])[:-3]),
        st.tuples(st.integers(30, 60_000), st.sampled_from("[{")).map(
            lambda pair: _deep(*pair).encode()
        ),
        st.tuples(valid, st.integers(30, 5_000)).map(
            lambda pair: (
                json.dumps(pair[0]).replace("null", _deep(pair[1], "["), 1).encode()
            )
        ),
        st.integers(limit - 64, limit + 64).map(
            lambda size: b'{"pad": "' + b"x" * max(0, size - 11) + b'"}'
        ),
    )


def _phone() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.sampled_from(["+6281234567890", "081234567891", "6285712345678"]),
        json_values,
    )


@pytest.fixture
def channels(world, settings):
    """A kiosk counter and both messaging channels on, with no rate limit in the way."""
    point = factories.point(world.dukcapil, code="dukcapil-1")
    point.services.add(world.ktp)
    settings.MUTU_SMS_GATEWAY_TOKEN = SMS_TOKEN
    settings.MUTU_WHATSAPP_APP_SECRET = WA_SECRET
    settings.MUTU_WHATSAPP_VERIFY_TOKEN = "verify"
    settings.MUTU_KIOSK_SYNC_PER_MINUTE = 1_000_000
    return point


def _run(examples: int, strategy: st.SearchStrategy[Any], send) -> Counter[int]:
    statuses: Counter[int] = Counter()

    @seed(SEED)
    @hypothesis_settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(drawn=strategy)
    def run(drawn: Any) -> None:
        status = send(drawn)
        statuses[status] += 1

    run()
    return statuses


def _checked(answer, error_keys: set[str], ok_keys: set[str]) -> int:
    """The answer's status, after checking it is no 5xx and has the endpoint's shape."""
    assert answer.status_code < 500, answer.content[:500]
    assert answer["Content-Type"] == "application/json", answer.content[:200]
    keys = set(json.loads(answer.content))
    assert keys == (error_keys if answer.status_code >= 400 else ok_keys), keys
    return answer.status_code


def test_kiosk_sync_fuzz_is_never_a_server_error(world, channels, capsys):
    """Hostile bodies to the kiosk sync, with and without its token: no 5xx, every
    refusal in the kiosk's shape."""
    from mutu.surveys.channels.kiosk.views import kiosk_token

    point = channels
    token = kiosk_token(point)
    item = st.fixed_dictionaries(
        {},
        optional={
            "client_id": st.uuids().map(str) | json_values,
            "service": st.sampled_from([world.ktp.pk, world.ktp_bandung.pk])
            | json_values,
            "answers": st.dictionaries(
                st.sampled_from([f"U{n}" for n in range(1, 11)]),
                st.integers(0, 5) | json_values,
                max_size=9,
            )
            | json_values,
            "profile": st.fixed_dictionaries(
                {},
                optional=dict.fromkeys(
                    ("sex", "age", "education", "occupation"), json_values
                ),
            )
            | json_values,
            "comment": st.text(max_size=50) | json_values,
            "extra_answers": json_values,
            "submitted_at": st.sampled_from(
                ["", "2025-07-14T09:30:00+07:00", "kemarin"]
            )
            | json_values,
        },
    )
    valid = st.fixed_dictionaries(
        {
            "token": st.just(token) | json_values,
            "responses": st.lists(item, max_size=4) | json_values,
        }
    )
    limit = django_settings.MUTU_KIOSK_MAX_BODY_KB * 1024
    url = f"/kiosk/{point.code}/responses"
    client = Client()

    statuses = _run(
        HAND_EXAMPLES,
        _hostile_body(valid, limit),
        lambda body: _checked(
            client.post(url, body, content_type="application/json"),
            KIOSK_KEYS,
            {"results", "counts"},
        ),
    )
    _report(capsys, "kiosk", statuses)


def test_sms_and_whatsapp_webhook_fuzz_is_never_a_server_error(world, channels, capsys):
    """Hostile bodies to both providers, correctly authenticated (so that they are
    parsed): no 5xx, every refusal in the webhook's shape."""
    sms_valid = st.fixed_dictionaries(
        {},
        optional={
            "from": _phone(),
            "text": st.sampled_from(["SKM dukcapil-1", "4", "ULANG", ""]) | json_values,
            "message_id": st.text(max_size=20) | json_values,
        },
    )
    message = st.fixed_dictionaries(
        {},
        optional={
            "from": _phone(),
            "id": st.text(max_size=20) | json_values,
            "type": st.sampled_from(["text", "image", "interactive", "button"])
            | json_values,
            "text": st.fixed_dictionaries({"body": st.text(max_size=20) | json_values})
            | json_values,
            "interactive": st.fixed_dictionaries(
                {}, optional={"button_reply": json_values, "list_reply": json_values}
            )
            | json_values,
            "button": json_values,
        },
    )
    receipt = st.fixed_dictionaries(
        {},
        optional={
            "id": st.text(max_size=20) | json_values,
            "status": st.sampled_from(["sent", "delivered", "read", "failed"])
            | json_values,
            "errors": st.lists(
                st.fixed_dictionaries(
                    {}, optional={"code": json_values, "error_data": json_values}
                )
                | json_values,
                max_size=2,
            )
            | json_values,
        },
    )
    wa_valid = st.fixed_dictionaries(
        {
            "object": st.just("whatsapp_business_account"),
            "entry": st.lists(
                st.fixed_dictionaries(
                    {
                        "changes": st.lists(
                            st.fixed_dictionaries(
                                {
                                    "field": st.just("messages"),
                                    "value": st.fixed_dictionaries(
                                        {
                                            "messages": st.lists(message, max_size=3)
                                            | json_values
                                        },
                                        optional={
                                            "statuses": st.lists(receipt, max_size=2)
                                            | json_values
                                        },
                                    )
                                    | json_values,
                                }
                            )
                            | json_values,
                            max_size=2,
                        )
                        | json_values
                    }
                )
                | json_values,
                max_size=2,
            )
            | json_values,
        }
    )
    limit = django_settings.MUTU_WEBHOOK_MAX_BODY_KB * 1024
    client = Client()

    def sms(body: bytes) -> int:
        answer = client.post(
            "/channels/sms/generic/",
            body,
            content_type="application/json",
            headers={"X-Mutu-Token": SMS_TOKEN},
        )
        return _checked(answer, WEBHOOK_KEYS, {"reply", "messages"})

    def whatsapp(body: bytes) -> int:
        signature = hmac.new(WA_SECRET.encode(), body, hashlib.sha256).hexdigest()
        answer = client.post(
            "/channels/sms/whatsapp/",
            body,
            content_type="application/json",
            headers={"X-Hub-Signature-256": f"sha256={signature}"},
        )
        return _checked(answer, WEBHOOK_KEYS, {"replies"})

    sms_statuses = _run(HAND_EXAMPLES, _hostile_body(sms_valid, limit), sms)
    wa_statuses = _run(HAND_EXAMPLES, _hostile_body(wa_valid, limit), whatsapp)
    _report(capsys, "SMS webhook", sms_statuses)
    _report(capsys, "WhatsApp webhook", wa_statuses)


def _report(
    capsys, name: str, statuses: Counter[int], *, minimum: int = HAND_EXAMPLES
) -> None:
    """Print the count of cases and their statuses (shown even when captured), and
    fail if too few cases ran or all got one answer."""
    cases = sum(statuses.values())
    with capsys.disabled():
        print(  # noqa: T201 (the count is the test's report)
            f"\n{name} fuzz: {cases} cases; statuses {dict(sorted(statuses.items()))}"
        )
    assert cases >= minimum
    assert len(statuses) > 1
