"""The OpenAPI schema and the offline documentation page."""

import re
from pathlib import Path

import pytest
from django.test import Client
from drf_spectacular.validation import validate_schema

RESPONSES = "/api/v1/responses"
BULK = "/api/v1/responses/bulk"


@pytest.fixture
def schema(db):
    answer = Client().get("/api/schema/?format=json")
    assert answer.status_code == 200
    return answer.json()


def test_schema_is_valid_openapi_with_both_endpoints(schema):
    """The schema validates against the OpenAPI 3 specification and lists both paths."""
    validate_schema(schema)
    assert {RESPONSES, BULK} <= set(schema["paths"])


@pytest.mark.parametrize(
    ("path", "codes"),
    [
        (RESPONSES, {"200", "201", "400", "401", "403", "409", "429"}),
        (BULK, {"200", "400", "401", "403", "409", "429"}),
    ],
)
def test_schema_documents_every_answer(schema, path, codes):
    """Each endpoint documents its request body and every status it can answer."""
    operation = schema["paths"][path]["post"]
    assert set(operation["responses"]) == codes
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert "SkmResponseInput" in str(body)
    assert {"tokenAuth": []} in operation["security"]


def test_schema_documents_the_request_fields(schema):
    """The input schema names the fields and the answer range of every element."""
    component = schema["components"]["schemas"]["SkmResponseInput"]
    assert set(component["required"]) == {"client_id", "unit", "service", "answers"}
    answers = component["properties"]["answers"]
    assert answers["properties"]["U1"]["maximum"] == 4
    assert answers["additionalProperties"] is False


def test_docs_page_and_its_assets_answer_200_from_our_origin(db, sidecar):
    """/api/docs/ renders, and every script, stylesheet and icon it names is ours."""
    client = Client()
    page = client.get("/api/docs/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger-ui" in html
    assert "https://" not in html
    assert "http://" not in html
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    assert any("script" in a for a in assets)
    for asset in assets:
        answer = client.get(asset)
        assert answer.status_code == 200, asset
        if hasattr(answer, "close"):
            answer.close()


def test_docs_start_script_points_at_the_schema(db, sidecar):
    """The start-up script is a separate same-origin file that loads /api/schema/."""
    answer = Client().get("/api/docs/?script=")

    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/javascript")
    assert '"/api/schema/"' in answer.content.decode()


def test_docs_page_keeps_the_strict_csp(db, sidecar):
    """The page needs no inline script or style, so the site's CSP is unchanged."""
    answer = Client().get("/api/docs/")

    policy = answer["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "<style" not in answer.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)", answer.content.decode())


SCHEMA_COPY = Path(__file__).with_name("openapi.yaml")


def test_schema_is_unchanged(db):
    """The OpenAPI document equals the committed copy byte for byte: moving code
    never changes the API. A deliberate change regenerates the copy with
    ``mutu spectacular --file tests/api/openapi.yaml``."""
    answer = Client().get("/api/schema/")
    assert answer.status_code == 200
    assert answer.content.decode() == SCHEMA_COPY.read_text(encoding="utf-8")


def test_schema_says_unknown_keys_are_refused(schema):
    """The item and its profile are closed objects, as the API treats them."""
    components = schema["components"]["schemas"]
    assert components["SkmResponseInput"]["additionalProperties"] is False
    assert components["Profile"]["additionalProperties"] is False
