"""Systems push SKM responses through the REST API, one at a time or in bulk."""

import uuid
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from mutu.accounts.models import Role
from mutu.surveys.models import DailyRollup, Response
from tests.accounts.factories import user_with_role
from tests.api.factories import ALL_FOUR, response_body, token_client
from tests.registry import factories

URL = "/api/v1/responses"
BULK_URL = "/api/v1/responses/bulk"


@pytest.fixture(autouse=True)
def throttle_cache():
    """Rate-limit counters live in the cache: start every test with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def operator(world):
    return token_client(world.operator)


def _stored() -> tuple[int, int]:
    """(responses stored, responses counted in rollups)."""
    return (
        Response.objects.count(),
        sum(DailyRollup.objects.values_list("responses", flat=True)),
    )


def test_urls_are_registered_under_v1():
    """The two endpoints live at the documented addresses."""
    assert reverse("api-v1-responses") == URL
    assert reverse("api-v1-responses-bulk") == BULK_URL


# --- one response ---------------------------------------------------------------


def test_create_stores_the_response_and_answers_201(world, operator):
    """A valid response is stored on channel api, counted once, and echoed back."""
    body = response_body(world)

    answer = operator.post(URL, body, format="json")

    assert answer.status_code == 201, answer.json()
    data = answer.json()
    stored = Response.objects.get()
    assert data["id"] == stored.pk
    assert data["client_id"] == body["client_id"]
    assert data["channel"] == "api"
    assert data["answers"]["U1"] == 3
    assert data["answers"]["U9"] is None
    assert data["profile"] == body["profile"]
    assert data["flags"] == []
    assert data["is_flagged"] is False
    assert (stored.unit, stored.service, stored.u2) == (world.dukcapil, world.ktp, 4)
    assert _stored() == (1, 1)


def test_create_resend_same_content_answers_200_and_stores_once(world, operator):
    """A retried request with the same client_id stores nothing new."""
    body = response_body(world)
    first = operator.post(URL, body, format="json")

    again = operator.post(URL, body, format="json")

    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert _stored() == (1, 1)


def test_create_same_client_id_other_content_answers_409(world, operator):
    """The same client_id with other answers is refused; the stored row is untouched."""
    body = response_body(world)
    operator.post(URL, body, format="json")

    answer = operator.post(
        URL, {**body, "answers": {"U1": 1}}, format="json"
    )  # fmt: skip

    assert answer.status_code == 409
    error = answer.json()["error"]
    assert "client_id" in error["message_id"]
    assert error["details"]["field"] == "client_id"
    assert Response.objects.get().u1 == 3
    assert _stored() == (1, 1)


@pytest.mark.parametrize(
    ("change", "field", "named"),
    [
        ({"answers": {"U1": 5}}, "answers.U1", "U1"),
        ({"answers": {"U1": "tiga"}}, "answers.U1", "U1"),
        ({"answers": {"U10": 4}}, "answers.U10", "U10"),
        ({"answers": {"U1": None}}, "answers.U1", "pertanyaan"),
        ({"answers": [4, 4]}, "answers", "answers"),
        ({"client_id": None}, "client_id", "client_id"),
        ({"client_id": "bukan-uuid"}, "client_id", "client_id"),
        ({"unit": 999_999}, "unit", "unit"),
        ({"service": 999_999}, "service", "service"),
        ({"point": "tidak-ada"}, "point", "loket"),
        ({"profile": {"sex": "X"}}, "profile.sex", "sex"),
        ({"profile": {"age": "abc"}}, "profile.age", "profile.age"),
        ({"profile": {"age": 7}}, "profile.age", "Usia"),
        ({"profile": {"hobby": "catur"}}, "profile.hobby", "profile.hobby"),
        ({"comment": "x" * 2001}, "comment", "Kritik dan saran"),
        ({"answer": {"U1": 4}}, "answer", "answer"),
        ({"submitted_at": "kemarin"}, "submitted_at", "submitted_at"),
    ],
)
def test_create_invalid_input_answers_400_naming_the_field(
    world, operator, change, field, named
):
    """Every bad field gets a 400 naming it, in Indonesian and English; nothing stored."""
    body = response_body(world, **change)
    if body["client_id"] is None:
        del body["client_id"]

    answer = operator.post(URL, body, format="json")

    assert answer.status_code == 400, answer.json()
    error = answer.json()["error"]
    assert error["details"]["field"] == field
    assert named in error["message_id"]
    assert error["message_en"]
    assert error["message_en"] != error["message_id"]
    assert {e["field"] for e in error["details"]["errors"]} >= {field}
    assert _stored() == (0, 0)


def test_create_missing_client_id_is_required(world, operator):
    """client_id is required on the API, even though other channels make their own."""
    body = response_body(world)
    del body["client_id"]

    answer = operator.post(URL, body, format="json")

    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["message_id"] == "client_id: Bidang ini harus diisi."
    assert error["message_en"] == "client_id: This field is required."
    assert _stored() == (0, 0)


def test_create_service_of_another_unit_answers_400(world, operator):
    """A service that is not the unit's is refused by response_submit's rule."""
    body = response_body(world, service=world.ktp_bandung.pk)

    answer = operator.post(URL, body, format="json")

    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["details"]["field"] == "service"
    assert error["message_id"] == "Layanan itu bukan layanan aktif unit ini."
    assert _stored() == (0, 0)


def test_create_english_request_still_gets_both_messages(world, operator):
    """The error carries both languages whatever Accept-Language says."""
    body = response_body(world, answers={"U1": 5})

    answer = operator.post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE="en")

    error = answer.json()["error"]
    assert error["message_id"].startswith("Jawaban U1 harus")
    assert error["message_en"].startswith("Answer U1 must")


def test_create_with_point_code_stores_the_point(world, operator):
    """``point`` is the service point's code, as printed in its QR code."""
    counter = factories.point(world.dukcapil, code="dukcapil-1")

    answer = operator.post(URL, response_body(world, point="dukcapil-1"), format="json")

    assert answer.status_code == 201
    assert answer.json()["point"] == "dukcapil-1"
    assert Response.objects.get().point == counter


def test_create_point_of_another_unit_answers_400(world, operator):
    """A counter of another unit cannot be named."""
    factories.point(world.dukcapil_bandung, code="bandung-1")

    answer = operator.post(URL, response_body(world, point="bandung-1"), format="json")

    assert answer.status_code == 400
    assert answer.json()["error"]["details"]["field"] == "point"
    assert _stored() == (0, 0)


def test_create_submitted_at_in_the_past_counts_on_that_day(world, operator):
    """A response filled in earlier (paper typed in later) counts on its own day."""
    when = timezone.now() - timedelta(days=30)

    answer = operator.post(
        URL, response_body(world, submitted_at=when.isoformat()), format="json"
    )

    assert answer.status_code == 201
    assert Response.objects.get().day == timezone.localdate(when)
    assert DailyRollup.objects.get().day == timezone.localdate(when)


@pytest.mark.parametrize(
    ("shift", "word"),
    [(timedelta(hours=1), "masa depan"), (timedelta(days=-401), "400 hari")],
)
def test_create_submitted_at_outside_the_window_answers_400(
    world, operator, shift, word
):
    """A submission time in the future, or older than 400 days, is refused."""
    when = timezone.now() + shift

    answer = operator.post(
        URL, response_body(world, submitted_at=when.isoformat()), format="json"
    )

    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["details"]["field"] == "submitted_at"
    assert word in error["message_id"]
    assert _stored() == (0, 0)


def test_create_straight_line_run_is_flagged_not_refused(world, operator):
    """Integrity flags are raised by response_submit and shown in the answer."""
    for _ in range(2):
        operator.post(URL, response_body(world, answers=ALL_FOUR), format="json")

    answer = operator.post(URL, response_body(world, answers=ALL_FOUR), format="json")

    assert answer.status_code == 201
    data = answer.json()
    assert data["is_flagged"] is True
    assert [flag["rule"] for flag in data["flags"]] == ["straight_line"]


def test_create_without_token_answers_401(world):
    """No credentials: 401 in the error shape, with the scheme to use."""
    answer = APIClient().post(URL, response_body(world), format="json")

    assert answer.status_code == 401
    assert answer["WWW-Authenticate"] == "Token"
    assert "Token" in answer.json()["error"]["message_id"]
    assert _stored() == (0, 0)


def test_create_with_a_wrong_token_answers_401(world):
    """An unknown token is refused."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)

    answer = client.post(URL, response_body(world), format="json")

    assert answer.status_code == 401
    assert answer.json()["error"]["message_en"] == "Invalid token or inactive user."


def test_create_by_operator_of_another_unit_answers_403(world):
    """A unit's token cannot write another unit's responses."""
    other = user_with_role("operator.dinsos", Role.UNIT_OPERATOR, world.dinsos)

    answer = token_client(other).post(URL, response_body(world), format="json")

    assert answer.status_code == 403
    error = answer.json()["error"]
    assert error["details"]["unit"] == world.dukcapil.pk
    assert "tidak berhak" in error["message_id"]
    assert _stored() == (0, 0)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("operator", 201),
        ("head", 201),
        ("coordinator", 201),
        ("province_coordinator", 201),
        ("admin", 201),
        ("evaluator", 403),
        ("stranger", 403),
    ],
)
def test_create_writers_are_the_unit_roles_coordinators_and_admins(world, who, status):
    """Operators and heads of the unit, coordinators over it and admins may write."""
    client = token_client(getattr(world, who))

    answer = client.post(URL, response_body(world), format="json")

    assert answer.status_code == status


def test_create_refuses_form_data_and_bad_json(world, operator):
    """Only JSON is accepted; a broken body is a clear 400, never a 500."""
    form = operator.post(URL, {"unit": "1"})
    broken = operator.post(URL, "{nope", content_type="application/json")

    assert form.status_code == 415
    assert "application/json" in form.json()["error"]["message_en"]
    assert broken.status_code == 400
    assert broken.json()["error"]["message_en"] == "The request body is not valid JSON."


def test_create_get_is_not_allowed(operator):
    """The endpoint only takes POST."""
    answer = operator.get(URL)

    assert answer.status_code == 405
    assert answer.json()["error"]["message_id"]


# --- bulk ---------------------------------------------------------------------


def test_bulk_of_valid_items_stores_all_and_answers_per_item(world, operator):
    """Three valid items: 200, three rows, one result per item in order."""
    items = [response_body(world) for _ in range(3)]

    answer = operator.post(BULK_URL, items, format="json")

    assert answer.status_code == 200, answer.json()
    data = answer.json()
    assert (data["created"], data["replayed"]) == (3, 0)
    assert [r["index"] for r in data["results"]] == [0, 1, 2]
    assert [r["client_id"] for r in data["results"]] == [i["client_id"] for i in items]
    assert {r["status"] for r in data["results"]} == {"created"}
    assert set(Response.objects.values_list("pk", flat=True)) == {
        r["id"] for r in data["results"]
    }
    assert _stored() == (3, 3)


def test_bulk_resent_is_replayed_and_stores_nothing_new(world, operator):
    """A retried bulk answers "replayed" for every item and changes nothing."""
    items = [response_body(world) for _ in range(3)]
    first = operator.post(BULK_URL, items, format="json").json()

    again = operator.post(BULK_URL, items, format="json")

    assert again.status_code == 200
    data = again.json()
    assert (data["created"], data["replayed"]) == (0, 3)
    assert [r["id"] for r in data["results"]] == [r["id"] for r in first["results"]]
    assert _stored() == (3, 3)


def test_bulk_with_one_invalid_item_stores_nothing(world, operator):
    """One bad item: 400 listing it by index and field, and zero rows."""
    items = [
        response_body(world),
        response_body(world, answers={"U1": 5}),
        response_body(world),
    ]

    answer = operator.post(BULK_URL, items, format="json")

    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["message_id"] == "1 dari 3 respons tidak sah; tidak ada yang disimpan."
    assert error["details"]["errors"] == [
        {
            "index": 1,
            "field": "answers.U1",
            "message_id": "Jawaban U1 harus 1, 2, 3 atau 4, bukan 5.",
            "message_en": "Answer U1 must be 1, 2, 3 or 4, not 5.",
        }
    ]
    assert _stored() == (0, 0)


def test_bulk_lists_every_error_of_every_kind(world, operator):
    """Shape errors, unknown ids and rule errors come back together, by index."""
    no_client_id = response_body(world)
    del no_client_id["client_id"]
    items = [
        response_body(world),
        no_client_id,
        response_body(world, service=world.ktp_bandung.pk),
        "bukan objek",
        response_body(world, unit=999_999),
    ]

    answer = operator.post(BULK_URL, items, format="json")

    assert answer.status_code == 400
    errors = answer.json()["error"]["details"]["errors"]
    assert [(e["index"], e["field"]) for e in errors] == [
        (1, "client_id"),
        (2, "service"),
        (3, None),
        (4, "unit"),
    ]
    assert _stored() == (0, 0)


def test_bulk_over_the_limit_answers_400(world, operator):
    """1,001 items are refused before anything is parsed or stored."""
    items = [response_body(world) for _ in range(1001)]

    answer = operator.post(BULK_URL, items, format="json")

    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["details"] == {"limit": 1000, "received": 1001}
    assert "1000" in error["message_id"]
    assert _stored() == (0, 0)


@pytest.mark.parametrize("body", [[], {"items": []}, "teks"])
def test_bulk_body_must_be_a_non_empty_list(operator, body):
    """An empty list or anything but a list is a 400."""
    answer = operator.post(BULK_URL, body, format="json")

    assert answer.status_code == 400
    assert answer.json()["error"]["message_id"]


def test_bulk_conflict_refuses_the_whole_bulk(world, operator):
    """One client_id stored with other content: 409 naming it, nothing of the bulk stored."""
    stored = response_body(world)
    operator.post(URL, stored, format="json")
    items = [
        response_body(world),
        {**stored, "answers": {"U1": 1}},
        response_body(world),
    ]

    answer = operator.post(BULK_URL, items, format="json")

    assert answer.status_code == 409
    error = answer.json()["error"]
    assert error["details"]["conflicts"] == [
        {"index": 1, "client_id": stored["client_id"]}
    ]
    assert _stored() == (1, 1)


def test_bulk_same_client_id_twice_same_content_is_stored_once(world, operator):
    """A duplicate inside one bulk is replayed against its first occurrence."""
    item = response_body(world)

    answer = operator.post(BULK_URL, [item, item], format="json")

    assert answer.status_code == 200
    results = answer.json()["results"]
    assert [r["status"] for r in results] == ["created", "replayed"]
    assert results[0]["id"] == results[1]["id"]
    assert _stored() == (1, 1)


def test_bulk_same_client_id_twice_other_content_is_a_conflict(world, operator):
    """Two items with one client_id and different answers refuse the bulk."""
    item = response_body(world)

    answer = operator.post(
        BULK_URL, [item, {**item, "answers": {"U1": 1}}], format="json"
    )

    assert answer.status_code == 409
    assert [c["index"] for c in answer.json()["error"]["details"]["conflicts"]] == [1]
    assert _stored() == (0, 0)


def test_bulk_naming_a_unit_outside_the_grants_answers_403(world, operator):
    """One item for a unit the caller may not write refuses the whole bulk."""
    items = [
        response_body(world),
        response_body(
            world, unit=world.dukcapil_bandung.pk, service=world.ktp_bandung.pk
        ),
    ]

    answer = operator.post(BULK_URL, items, format="json")

    assert answer.status_code == 403
    details = answer.json()["error"]["details"]
    assert details["indexes"] == [1]
    assert details["units"] == [world.dukcapil_bandung.pk]
    assert _stored() == (0, 0)


def test_bulk_coordinator_writes_several_units_of_the_region(world):
    """A regency coordinator's token may send for every unit of the regency."""
    social = factories.service(world.dinsos, "Bantuan sosial")
    items = [
        response_body(world),
        response_body(world, unit=world.dinsos.pk, service=social.pk),
    ]

    answer = token_client(world.coordinator).post(BULK_URL, items, format="json")

    assert answer.status_code == 200
    assert set(Response.objects.values_list("unit", flat=True)) == {
        world.dukcapil.pk,
        world.dinsos.pk,
    }


def test_bulk_without_token_answers_401(world):
    """The bulk endpoint needs a token too."""
    answer = APIClient().post(BULK_URL, [response_body(world)], format="json")

    assert answer.status_code == 401


PER_ITEM_QUERIES = 12
"""Upper bound of queries per bulk item: response_submit's lookup, savepoints, insert,
rollup update and its integrity rules (each a constant number of queries)."""


@pytest.mark.parametrize("size", [10, 40])
def test_bulk_queries_grow_linearly(
    world, operator, size, django_assert_max_num_queries
):
    """A bulk costs a bounded number of queries per item, never O(n²).

    All items come from one counter within a minute, so the burst rule fires and
    flags are written too: the worst case per item.
    """
    factories.point(world.dukcapil, code="dukcapil-1")
    items = [response_body(world, point="dukcapil-1") for _ in range(size)]

    with django_assert_max_num_queries(20 + PER_ITEM_QUERIES * size):
        answer = operator.post(BULK_URL, items, format="json")

    assert answer.status_code == 200
    assert _stored() == (size, size)


def test_bulk_invalid_item_queries_stay_linear(
    world, operator, django_assert_max_num_queries
):
    """A refused bulk also costs a bounded number of queries per item."""
    items = [response_body(world) for _ in range(40)]
    items[-1]["answers"] = {"U1": 9}

    with django_assert_max_num_queries(20 + PER_ITEM_QUERIES * 40):
        answer = operator.post(BULK_URL, items, format="json")

    assert answer.status_code == 400
    assert _stored() == (0, 0)


def test_bulk_client_id_is_idempotent_with_the_single_endpoint(world, operator):
    """A response first sent alone is "replayed" when it comes again in a bulk."""
    item = response_body(world)
    single = operator.post(URL, item, format="json").json()

    answer = operator.post(BULK_URL, [item, response_body(world)], format="json")

    results = answer.json()["results"]
    assert results[0] == {
        "index": 0,
        "id": single["id"],
        "client_id": item["client_id"],
        "status": "replayed",
    }
    assert results[1]["status"] == "created"
    assert _stored() == (2, 2)


def test_uuid_case_does_not_break_idempotency(world, operator):
    """An upper-case UUID is the same client_id as its lower-case form."""
    client_id = uuid.uuid4()
    body = response_body(world, client_id=str(client_id))
    operator.post(URL, body, format="json")

    again = operator.post(
        URL, {**body, "client_id": str(client_id).upper()}, format="json"
    )

    assert again.status_code == 200
    assert _stored() == (1, 1)


@pytest.mark.parametrize("client_id", [12, 0, True, 1.5, ["6f1c1e0e"], {"hex": "x"}])
def test_create_client_id_must_be_a_uuid_string(world, operator, client_id):
    """A number is not turned into a UUID (``12`` would become ``…00000000000c``, so
    two senders' counters would collide): anything but a UUID string is a 400 in
    the API's error shape, and nothing is stored."""
    answer = operator.post(
        URL, response_body(world, client_id=client_id), format="json"
    )

    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["details"]["field"] == "client_id"
    assert error["message_id"] == "client_id: Harus berupa UUID yang sah."
    assert error["message_en"] == "client_id: Must be a valid UUID."
    assert _stored() == (0, 0)


def test_bulk_client_id_number_is_refused_by_index(world, operator):
    """In a bulk, an item whose client_id is a number is named; nothing is stored."""
    items = [response_body(world), response_body(world, client_id=12)]

    answer = operator.post(BULK_URL, items, format="json")

    assert answer.status_code == 400
    errors = answer.json()["error"]["details"]["errors"]
    assert [(e["index"], e["field"]) for e in errors] == [(1, "client_id")]
    assert _stored() == (0, 0)


@pytest.mark.parametrize("field", ["unit", "service"])
def test_create_refuses_an_id_past_the_largest_row_id(world, operator, field):
    """An id past 2**63 - 1 names no row: a field error in both languages, not the
    driver's overflow (a 500 found by the fuzzer)."""
    answer = operator.post(URL, response_body(world, **{field: 2**63}), format="json")

    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["details"]["field"] == field
    assert "9223372036854775807" in error["message_id"]
    assert error["message_id"] != error["message_en"]
