"""Systems file complaints through ``POST /api/v1/complaints``."""

import uuid

import pytest

from mutu.complaints.models import Complaint
from tests.api.factories import token_client

pytestmark = pytest.mark.django_db
URL = "/api/v1/complaints"


def _body(world, **extra):
    return {
        "client_id": str(uuid.uuid4()),
        "unit": world.dukcapil.pk,
        "privacy": "confidential",
        "text": "Antrean perekaman KTP-el lebih dari tiga jam.",
        "reporter_name": "Siti Aminah",
        "reporter_email": "siti@example.org",
        **extra,
    }


def test_create_answers_201_with_code_and_never_the_identity(world):
    client = token_client(world.operator)
    answer = client.post(URL, _body(world), format="json")
    assert answer.status_code == 201, answer.json()
    data = answer.json()
    stored = Complaint.objects.get()
    assert data["tracking_code"] == stored.tracking_code
    assert stored.channel == "api"
    assert stored.reporter_name == "Siti Aminah"
    assert "Siti" not in answer.content.decode()
    assert "siti@" not in answer.content.decode()


def test_resend_answers_200_and_other_content_409(world):
    client = token_client(world.operator)
    body = _body(world)
    assert client.post(URL, body, format="json").status_code == 201
    assert client.post(URL, body, format="json").status_code == 200
    other = {**body, "text": "Isi lain yang sama sekali berbeda."}
    assert client.post(URL, other, format="json").status_code == 409
    assert Complaint.objects.count() == 1


def test_other_units_complaint_answers_403_and_bad_input_400(world):
    client = token_client(world.operator)
    answer = client.post(URL, _body(world, unit=world.dinsos.pk), format="json")
    assert answer.status_code == 403
    answer = client.post(URL, _body(world, text="pendek"), format="json")
    assert answer.status_code == 400
    answer = client.post(URL, _body(world, extra="x"), format="json")
    assert answer.status_code == 400
    assert Complaint.objects.count() == 0
