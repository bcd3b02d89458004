"""Every API refusal has one shape: {"error": {message_id, message_en, details}}."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions

from mutu.api.errors import ApiError, error_body, exception_handler
from mutu.errors import ConflictError, MutuError


def test_handler_business_error_is_400_with_both_messages():
    """A service's MutuError becomes HTTP 400 with its messages and details."""
    answer = exception_handler(MutuError("Salah.", "Wrong.", field="U1"), {})

    assert answer is not None
    assert answer.status_code == 400
    assert answer.data == error_body("Salah.", "Wrong.", field="U1")


def test_handler_conflict_is_409():
    """A ConflictError (client_id reused for other content) becomes HTTP 409."""
    answer = exception_handler(ConflictError("Bentrok.", "Conflict."), {})

    assert answer is not None
    assert answer.status_code == 409
    assert answer.data["error"]["message_en"] == "Conflict."


def test_handler_view_refusal_keeps_its_status_and_details():
    """An ApiError raised by a view keeps its status code and details."""
    answer = exception_handler(
        ApiError(403, "Tidak boleh.", "Not allowed.", unit=5), {}
    )

    assert answer is not None
    assert answer.status_code == 403
    assert answer.data == error_body("Tidak boleh.", "Not allowed.", unit=5)


def test_handler_django_404_and_403_get_the_shape():
    """Django's Http404 and PermissionDenied answer 404 and 403 in the same shape."""
    not_found = exception_handler(Http404("x"), {})
    denied = exception_handler(PermissionDenied(), {})

    assert not_found is not None
    assert not_found.status_code == 404
    assert not_found.data["error"]["message_en"] == "Not found."
    assert denied is not None
    assert denied.status_code == 403
    assert denied.data["error"]["message_id"].startswith("Anda tidak berhak")


def test_handler_throttled_tells_when_to_retry():
    """A throttled request gets 429, the wait in details and a Retry-After header."""
    answer = exception_handler(exceptions.Throttled(wait=12.2), {})

    assert answer is not None
    assert answer.status_code == 429
    assert answer["Retry-After"] == "13"
    assert answer.data["error"]["details"] == {"wait": 13}
    assert "13 detik" in answer.data["error"]["message_id"]


def test_handler_leaves_bugs_to_django():
    """An unexpected exception is not hidden: Django answers 500 and logs it."""
    assert exception_handler(ValueError("bug"), {}) is None
