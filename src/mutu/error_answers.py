"""How Mutu answers a request it cannot serve, in the error shape of the endpoint asked.

Each kind of endpoint has one error shape, and every refusal of it keeps that shape:

========  =========================================  ==================================
endpoint  where                                       error shape
========  =========================================  ==================================
api       ``/api/…`` (not the docs page)              ``{"error": {"message_id",
                                                      "message_en", "details"}}``
                                                      (docs/api.md)
kiosk     ``POST /kiosk/<code>/responses``            ``{"error", "message_id",
                                                      "message_en"}``
webhook   ``/channels/sms/<provider>/``               ``{"error", "error_en"}``
page      everything else                             an Indonesian HTML page,
                                                      ``templates/<status>.html``
========  =========================================  ==================================

Views answer their own refusals. This module answers what happens around them:

- a body over the endpoint's limit: 413, refused by ``Content-Length`` before the
  view runs (kiosk, webhook), by :class:`mutu.api.parsers.MutuJSONParser` (API), or
  when Django raises ``RequestDataTooBig`` (past ``DATA_UPLOAD_MAX_MEMORY_SIZE``);
- the database unreachable (``OperationalError``/``InterfaceError`` from the driver,
  at connect or mid-request): 503 with ``Retry-After``; the page is rendered from a
  template without a request context, so it reads nothing from the database;
- Django's own error answers (``handler400/403/404/500`` in :mod:`mutu.urls`) and
  error answers a view returns without a body (``require_POST``'s 405).
"""

import logging
import sys
from typing import Any, Final
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.request import split_domain_port, validate_host
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import get_language

from mutu.api.errors import error_body
from mutu.api.parsers import api_body_max_bytes, body_too_large

logger = logging.getLogger(__name__)

API, KIOSK, WEBHOOK, PAGE = "api", "kiosk", "webhook", "page"
API_PREFIX: Final = "/api/"
"""Where the REST API lives (mutu.urls); its docs page (``api-docs``) is a page."""

MESSAGES: Final[dict[int, tuple[str, str]]] = {
    400: ("Permintaan tidak sah.", "Bad request."),
    403: (
        "Anda tidak berhak melakukan tindakan ini.",
        "You do not have permission to perform this action.",
    ),
    404: ("Tidak ditemukan.", "Not found."),
    405: (
        "Metode HTTP ini tidak diizinkan di alamat ini.",
        "This HTTP method is not allowed here.",
    ),
    413: ("Isi permintaan terlalu besar.", "The request body is too large."),
    429: (
        "Terlalu banyak permintaan; coba lagi sebentar lagi.",
        "Too many requests; try again shortly.",
    ),
    500: (
        "Terjadi kesalahan di server; kesalahan ini sudah dicatat.",
        "Server error; it has been logged.",
    ),
    503: (
        "Layanan sedang tidak tersedia: basis data tidak terjangkau.",
        "Service unavailable: the database cannot be reached.",
    ),
}
"""The generic message of each error status this module answers."""


def endpoint_of(request: HttpRequest) -> str:
    """Which kind of endpoint *request* asked: ``api``, ``kiosk``, ``webhook`` or
    ``page`` (by its resolved view, or by its path when nothing resolved)."""
    match = getattr(request, "resolver_match", None)
    if match is None:  # an error before URL resolution (in a middleware)
        try:
            match = resolve(request.path_info)
        except Resolver404:
            match = None
    view_name = match.view_name if match is not None else ""
    if view_name == "kiosk:sync":
        return KIOSK
    if view_name == "messaging:webhook":
        return WEBHOOK
    if request.path_info.startswith(API_PREFIX) and view_name != "api-docs":
        return API
    return PAGE


def body_limit(endpoint: str) -> int:
    """The largest request body *endpoint* takes, in bytes (docs/api.md, settings)."""
    if endpoint == API:
        return api_body_max_bytes()
    if endpoint == KIOSK:
        return int(settings.MUTU_KIOSK_MAX_BODY_KB) * 1024
    if endpoint == WEBHOOK:
        return int(settings.MUTU_WEBHOOK_MAX_BODY_KB) * 1024
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


def database_unavailable(exception: BaseException | None) -> bool:
    """Whether *exception* means the database cannot be used right now.

    Django wraps the driver's connection failures (refused, reset, closed mid-query,
    shutting down) as ``OperationalError`` or ``InterfaceError``; PostgreSQL's
    cancelled statements, deadlocks and serialization failures are
    ``OperationalError`` too, and "try again shortly" is also the right answer there.
    """
    return isinstance(exception, OperationalError | InterfaceError)


def way_back(request: HttpRequest) -> str:
    """The page of Mutu the visitor came from, as a path, or ``""``.

    Read from ``Referer`` (sent only within the site: ``SECURE_REFERRER_POLICY`` is
    same-origin) and kept only when its host is the one asked and it is not the
    failing page itself; only the path and query are kept, so the link cannot leave
    the site. Reads the raw ``Host`` header and checks it against ``ALLOWED_HOSTS``
    itself: ``get_host()`` raises for the disallowed host the 400 page answers.
    """
    referer = urlsplit(request.META.get("HTTP_REFERER", ""))
    host = request.META.get("HTTP_HOST") or request.META.get("SERVER_NAME", "")
    if (
        referer.scheme not in ("http", "https")
        or referer.netloc != host
        or not validate_host(split_domain_port(host)[0], settings.ALLOWED_HOSTS)
    ):
        return ""
    back = referer.path + (f"?{referer.query}" if referer.query else "")
    if (
        not back.startswith("/")
        or referer.path == request.path
        or not url_has_allowed_host_and_scheme(back, allowed_hosts=None)
    ):
        return ""
    return back


def _login_link(request: HttpRequest) -> str:
    """The sign-in page, coming back here (the 403 page offers it)."""
    try:
        login = reverse("accounts:login")
    except NoReverseMatch:  # a URLconf without accounts (some tests)
        return ""
    return f"{login}?{urlencode({'next': request.get_full_path()})}"


def error_answer(
    request: HttpRequest,
    status: int,
    *,
    message: tuple[str, str] | None = None,
    headers: dict[str, str] | None = None,
    context: dict[str, Any] | None = None,
    **details: Any,
) -> HttpResponse:
    """The answer *status* in the error shape of the endpoint *request* asked.

    *message* (Indonesian, English) replaces the status's generic one; *details*
    go into the API's ``details``; *context* into the page's template.
    """
    message_id, message_en = message or MESSAGES[status]
    endpoint = endpoint_of(request)
    response: HttpResponse
    if endpoint == API:
        response = JsonResponse(
            error_body(message_id, message_en, **details), status=status
        )
    elif endpoint == KIOSK:
        language = get_language() or ""
        response = JsonResponse(
            {
                "error": message_en if language.startswith("en") else message_id,
                "message_id": message_id,
                "message_en": message_en,
            },
            status=status,
        )
    elif endpoint == WEBHOOK:
        response = JsonResponse(
            {"error": message_id, "error_en": message_en}, status=status
        )
    else:
        # No request context: no context processor runs, so nothing reads the
        # session or the user (the database may be down).
        # The way back is read from the request's headers only.
        html = render_to_string(
            f"{status}.html",
            {
                "message_id": message_id,
                "message_en": message_en,
                "back": way_back(request),
                "login": _login_link(request) if status == 403 else "",
                **(context or {}),
            },
        )
        response = HttpResponse(html, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    if endpoint != PAGE:
        response["Cache-Control"] = "no-store"
    return response


def too_large(request: HttpRequest, received: int | None = None) -> HttpResponse:
    """413: the body is over the limit of the endpoint *request* asked."""
    endpoint = endpoint_of(request)
    limit = body_limit(endpoint)
    if endpoint == API:
        refusal = body_too_large(limit, received)
        return error_answer(
            request,
            413,
            message=(refusal.message_id, refusal.message_en),
            **refusal.details,
        )
    size = f"{limit // 1024:,} KiB".replace(",", ".")
    size_en = f"{limit // 1024:,} KiB"
    return error_answer(
        request,
        413,
        message=(
            f"Isi permintaan terlalu besar: paling banyak {size}.",
            f"The request body is too large: at most {size_en}.",
        ),
        context={"limit": size},
    )


def unavailable(request: HttpRequest) -> HttpResponse:
    """503 with ``Retry-After``: the database cannot be reached."""
    wait = int(settings.MUTU_OUTAGE_RETRY_AFTER_SECONDS)
    return error_answer(
        request,
        503,
        message=(
            "Layanan sedang tidak tersedia: basis data tidak terjangkau; "
            f"coba lagi dalam {wait} detik.",
            "Service unavailable: the database cannot be reached; "
            f"try again in {wait} seconds.",
        ),
        headers={"Retry-After": str(wait)},
        context={"wait": wait},
        wait=wait,
        reason="database_unavailable",
    )


def declared_length(request: HttpRequest) -> int:
    """The body's ``Content-Length`` (0 when absent or unreadable).

    Under WSGI, Django reads no more than this many bytes of a body, so it bounds
    what a view can read.
    """
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


class ErrorAnswerMiddleware:
    """Answers body limits, database outages and bare error answers in the
    endpoint's own shape (see the module's docstring)."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response: HttpResponse = self.get_response(request)
        if (
            response.status_code in MESSAGES
            and not response.streaming
            and not response.content
        ):
            # e.g. require_POST's 405: same status and headers, with a body.
            filled = error_answer(request, response.status_code)
            response.content = filled.content
            response["Content-Type"] = filled["Content-Type"]
        return response

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        """Refuse a kiosk or webhook body over its limit before anything reads it.

        The API's limit is checked by its parser, after authentication, so that an
        anonymous caller gets 401 whatever it sends.
        """
        endpoint = endpoint_of(request)
        if endpoint not in (KIOSK, WEBHOOK):
            return None
        length = declared_length(request)
        if length > body_limit(endpoint):
            return too_large(request, length)
        return None

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        if isinstance(exception, RequestDataTooBig):
            return too_large(request, declared_length(request) or None)
        if database_unavailable(exception):
            logger.error(
                "Database unavailable, answered 503: %s %s",
                request.method,
                request.path,
                exc_info=exception,
            )
            return unavailable(request)
        return None


# --- Django's error handlers (mutu.urls) ------------------------------------------


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler400``: a body past Django's limit is 413, anything else 400."""
    if isinstance(exception, RequestDataTooBig):
        return too_large(request, declared_length(request) or None)
    return error_answer(request, 400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler403``."""
    return error_answer(request, 403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler404``."""
    return error_answer(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: 503 when the database failed outside a view (a middleware),
    else 500. Django has already logged the exception."""
    if database_unavailable(sys.exc_info()[1]):
        return unavailable(request)
    return error_answer(request, 500)
