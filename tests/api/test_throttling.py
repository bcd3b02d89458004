"""Systems are rate-limited per token, with rates from settings."""

import pytest
from django.conf import settings as django_settings

from mutu.api.throttling import BulkRateThrottle, SystemRateThrottle
from tests.api.factories import response_body, token_client


@pytest.fixture
def low_rates(settings):
    settings.REST_FRAMEWORK = {
        **django_settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"system": "2/minute", "system_bulk": "1/minute"},
    }


def test_throttle_defaults_apply_without_settings(settings):
    """Without a configured rate, systems get 1200/minute and bulks 60/minute."""
    settings.REST_FRAMEWORK = {
        **django_settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {},
    }

    assert SystemRateThrottle().get_rate() == "1200/minute"
    assert BulkRateThrottle().get_rate() == "60/minute"


def test_throttle_third_request_in_a_minute_answers_429(world, low_rates):
    """Past its rate a token gets 429 with Retry-After; other tokens are unaffected."""
    client = token_client(world.operator)
    for _ in range(2):
        created = client.post("/api/v1/responses", response_body(world), format="json")
        assert created.status_code == 201

    answer = client.post("/api/v1/responses", response_body(world), format="json")
    other = token_client(world.head).post(
        "/api/v1/responses", response_body(world), format="json"
    )

    assert answer.status_code == 429
    assert int(answer["Retry-After"]) > 0
    assert answer.json()["error"]["details"]["wait"] > 0
    assert other.status_code == 201


def test_throttle_bulk_has_its_own_bucket(world, low_rates):
    """Bulk requests count against the bulk rate, not the single-response one."""
    client = token_client(world.operator)
    first = client.post("/api/v1/responses/bulk", [response_body(world)], format="json")
    second = client.post(
        "/api/v1/responses/bulk", [response_body(world)], format="json"
    )
    single = client.post("/api/v1/responses", response_body(world), format="json")

    assert first.status_code == 200
    assert second.status_code == 429
    assert single.status_code == 201
