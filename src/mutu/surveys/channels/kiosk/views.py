"""The kiosk channel: the offline tablet page at a counter (``/kiosk/<code>/``).

The kiosk is a tablet at a counter that citizens answer on, one question per screen.
Once its page has loaded it works without network: a service worker keeps the page
shell, and each finished response waits in the browser (IndexedDB) with an id the
browser made (``crypto.randomUUID()``) until ``POST /kiosk/<code>/responses`` takes
it. That endpoint stores every response through
:func:`mutu.surveys.services.response_submit` on the ``kiosk`` channel, so a sync
retried any number of times stores each response once.

A kiosk is a public device with no login, so the sync is not guarded by Django's CSRF
cookie but by a per-point token embedded in the page (an HMAC of the point code under
``SECRET_KEY``), which a page of another site cannot read. Sync requests are
rate-limited per IP address (:mod:`mutu.ratelimit`, a fixed one-minute window in
Django's cache).
"""

from collections import Counter
from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from mutu.errors import ConflictError, MutuError
from mutu.json_bodies import JsonBodyError, json_body_parse
from mutu.ratelimit import rate_limited
from mutu.registry.models import Service, ServicePoint
from mutu.surveys.channels.api.items import _parse
from mutu.surveys.channels.api.serializers import PROFILE_FIELDS
from mutu.surveys.forms import SurveyForm
from mutu.surveys.models import Channel
from mutu.surveys.places import point_services, survey_place
from mutu.surveys.rules import submission_window
from mutu.surveys.services import response_submit

KIOSK_TOKEN_SALT = "mutu.surveys.kiosk"  # noqa: S105 (a salt, not a secret)
KIOSK_CACHE_NAME = "mutu-kiosk-v1"
"""Name of the browser cache holding the kiosk shell; bump it to drop old shells."""
SYNC_BATCH_MAX = 100
"""Most responses one sync request may carry (the page sends 50 at a time)."""
SYNC_RATE_RETRY_SECONDS = 60


# --- the kiosk token and the rate limit -------------------------------------------


def kiosk_token(point: ServicePoint) -> str:
    """The sync token of *point*'s kiosk: stable while ``SECRET_KEY`` stays the same."""
    return salted_hmac(KIOSK_TOKEN_SALT, point.code, algorithm="sha256").hexdigest()


def kiosk_token_valid(point: ServicePoint, token: object) -> bool:
    """Whether *token* is *point*'s kiosk token (compared in constant time)."""
    return isinstance(token, str) and constant_time_compare(token, kiosk_token(point))


def sync_rate_exceeded(request: HttpRequest) -> bool:
    """Count this sync for its address; true past ``MUTU_KIOSK_SYNC_PER_MINUTE`` (60).

    The fixed one-minute window of :func:`mutu.ratelimit.rate_limited` (scope
    ``kiosk-sync``), kept apart from the form's limit: the kiosks of a whole MPP may
    share one public address.
    """
    return rate_limited(
        request, "kiosk-sync", per_minute=settings.MUTU_KIOSK_SYNC_PER_MINUTE
    )


# --- pages ------------------------------------------------------------------------


def _kiosk_scope() -> str:
    """``/kiosk/``: the directory of the service worker, hence its scope."""
    return reverse("kiosk:service_worker").rsplit("/", 1)[0] + "/"


@require_GET
def kiosk_page(request: HttpRequest, code: str) -> HttpResponse:
    """``/kiosk/<code>/``: the counter's tablet page; without JavaScript, a link to
    the ordinary form ``/s/<code>/``."""
    place = survey_place(code)
    if place is None or not place.services:
        raise Http404
    point, services = place.point, place.services
    form = SurveyForm(services=services, extra_questions=place.extra_questions)
    response = render(
        request,
        "surveys/kiosk.html",
        {
            "point": point,
            "services": services,
            "default_service": services[0].pk if len(services) == 1 else "",
            "form": form,
            "question_count": len(form.element_fields()),
            "token": kiosk_token(point),
            "sw_scope": _kiosk_scope(),
            "cache_name": KIOSK_CACHE_NAME,
            "idle_seconds": settings.MUTU_KIOSK_IDLE_SECONDS,
        },
    )
    # The service worker fetches the page again whenever it is online.
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def kiosk_service_worker(request: HttpRequest) -> HttpResponse:
    """``/kiosk/sw.js``: the kiosk's service worker, whose scope is ``/kiosk/``.

    Served from this path (not from ``/static/``) because a worker controls only
    pages under its own directory.
    """
    response = render(
        request,
        "surveys/kiosk_sw.js",
        {"cache_name": KIOSK_CACHE_NAME},
        content_type="text/javascript; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = _kiosk_scope()
    return response


# --- the sync endpoint ------------------------------------------------------------


def _error(
    status: int, message_id: str, message_en: str, **headers: str
) -> JsonResponse:
    language = get_language()
    response = JsonResponse(
        {
            "error": message_en if (language or "").startswith("en") else message_id,
            "message_id": message_id,
            "message_en": message_en,
        },
        status=status,
    )
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _filed_at(submitted_at: datetime | None, *, now: datetime) -> tuple[datetime, str]:
    """The time a queued response is filed under, and a note when the tablet's
    time is not used.

    The kiosk's policy for a time outside the submission window of every channel
    (:func:`mutu.surveys.rules.submission_window`): a tablet's clock may be wrong,
    so the server's time of receipt is used instead, and the response never lands
    in a wrong period.
    """
    if submitted_at is None:
        return now, ""
    if not submission_window(now=now).contains(submitted_at):
        return now, "clock"
    return submitted_at, ""


def _blank_as_none(item: dict[str, Any]) -> dict[str, Any]:
    """The kiosk page sends every profile value and the time as text, "" when left
    empty; the API's parser takes ``null`` for "not given"."""
    cleaned = dict(item)
    if cleaned.get("submitted_at") == "":
        cleaned["submitted_at"] = None
    profile = cleaned.get("profile")
    if isinstance(profile, dict):
        cleaned["profile"] = {k: None if v == "" else v for k, v in profile.items()}
    return cleaned


def _kiosk_field(path: str | None) -> str:
    """Where an error lies, as the kiosk page names it: the top-level field of an
    API path (the profile is one screen, so all of its values are "profile"); an
    answer keeps its element code."""
    name = (path or "").split(".")[0]
    return "profile" if name in PROFILE_FIELDS else name


def _parse_item(
    point: ServicePoint, services: dict[int, Service], raw: object, *, now: datetime
) -> tuple[dict[str, Any], str]:
    """The ``response_submit`` arguments of one queued response, and a time note.

    The item is parsed by the API's parser (the same serializer and messages), as
    an item of the kiosk's unit; raises :class:`MutuError` naming the first
    malformed field. The answers and the profile values themselves are checked by
    ``response_submit``.
    """
    if not isinstance(raw, dict):
        raise _invalid(
            "",
            "Setiap respons harus berupa objek JSON.",
            "Each response must be a JSON object.",
        )
    item = _parse({**_blank_as_none(raw), "unit": point.unit_id}, None)
    if item.errors:
        first = item.errors[0]
        raise _invalid(first["field"] or "", first["message_id"], first["message_en"])
    data = item.data
    service = services.get(data["service"])
    if service is None:
        raise _invalid(
            "service",
            "Layanan itu tidak dinilai di loket ini.",
            "That service is not rated at this service point.",
        )
    submitted_at, note = _filed_at(data.get("submitted_at"), now=now)
    return {
        "service": service,
        "answers": data["answers"],
        "profile": dict(data.get("profile") or {}),
        "comment": data.get("comment") or "",
        "extra_answers": data.get("extra_answers") or {},
        "client_id": data["client_id"],
        "submitted_at": submitted_at,
    }, note


def _invalid(field: str, message_id: str, message_en: str) -> MutuError:
    return MutuError(message_id, message_en, field=field)


def _sync_one(
    point: ServicePoint,
    services: dict[int, Service],
    item: object,
    *,
    now: datetime,
) -> dict[str, Any]:
    """Store one queued response; its outcome as ``{client_id, status, message…}``."""
    raw_id = item.get("client_id") if isinstance(item, dict) else None
    outcome: dict[str, Any] = {"client_id": raw_id if isinstance(raw_id, str) else None}
    try:
        arguments, note = _parse_item(point, services, item, now=now)
        # No device_key: every respondent shares the tablet, so the same-device
        # duplicate rule would flag them all. No client_ip: a kiosk stands inside
        # the unit's own network by design (the own-network rule targets staff).
        result = response_submit(
            unit=point.unit,
            point=point,
            channel=Channel.KIOSK,
            defer_integrity=True,
            now=now,  # the window the time was judged by above
            **arguments,
        )
    except ConflictError as error:
        return {**outcome, **_message("conflict", error.message_id, error.message_en)}
    except MutuError as error:
        return {
            **outcome,
            **_message("invalid", error.message_id, error.message_en),
            "field": _kiosk_field(error.details.get("field")),
        }
    if not result.created:
        return {
            **outcome,
            **_message(
                "replayed", "Sudah tersimpan sebelumnya.", "Already stored earlier."
            ),
        }
    if note:
        return {
            **outcome,
            **_message(
                "created",
                "Tersimpan dengan waktu terima server (jam perangkat tidak wajar).",
                "Stored with the server's time of receipt (the device clock is off).",
            ),
        }
    return {**outcome, **_message("created", "Tersimpan.", "Stored.")}


def _message(status: str, message_id: str, message_en: str) -> dict[str, str]:
    language = get_language() or ""
    return {
        "status": status,
        "message": message_en if language.startswith("en") else message_id,
        "message_en": message_en,
    }


@csrf_exempt
@require_POST
def kiosk_sync(request: HttpRequest, code: str) -> JsonResponse:
    """``POST /kiosk/<code>/responses``: store the kiosk's queued responses.

    Body: ``{"token": "<kiosk token>", "responses": [{"client_id": "<uuid>",
    "service": <id>, "answers": {"U1": 4, …}, "profile": {"sex": "P", "age": "34",
    "education": "", "occupation": ""}, "comment": "", "submitted_at": "<ISO 8601>"},
    …]}``. Answers 200 with one outcome per response, in order: ``created``,
    ``replayed`` (already stored), ``conflict`` (the id holds other content) or
    ``invalid`` (with the message); 400 for a malformed body (not JSON, or nested
    deeper than :data:`mutu.json_bodies.JSON_MAX_DEPTH`), 403 for a wrong token, 404
    for an unknown point, 429 past the rate limit; 413 for a body over
    ``MUTU_KIOSK_MAX_BODY_KB`` and 503 while the database is down, both answered in
    this shape by :mod:`mutu.error_answers`.
    """
    if sync_rate_exceeded(request):
        return _error(
            429,
            "Terlalu banyak kiriman dari alamat ini; coba lagi sebentar lagi.",
            "Too many syncs from this address; try again shortly.",
            Retry_After=str(SYNC_RATE_RETRY_SECONDS),
        )
    point = ServicePoint.objects.select_related("unit", "mpp").filter(code=code).first()
    if point is None:
        return _error(404, "Loket tidak ditemukan.", "Service point not found.")
    try:
        body = json_body_parse(request.body)
    except JsonBodyError as error:
        if error.reason == "too_deep":
            return _error(400, error.message_id, error.message_en)
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("responses"), list):
        return _error(
            400,
            'Isi permintaan harus JSON {"token": …, "responses": […]}.',
            'The request body must be JSON {"token": …, "responses": […]}.',
        )
    if not kiosk_token_valid(point, body.get("token")):
        return _error(
            403,
            "Token kios salah; muat ulang halaman kios.",
            "Wrong kiosk token; reload the kiosk page.",
        )
    items = body["responses"]
    if len(items) > SYNC_BATCH_MAX:
        return _error(
            400,
            f"Paling banyak {SYNC_BATCH_MAX} respons per kiriman.",
            f"At most {SYNC_BATCH_MAX} responses per sync.",
        )
    services = {service.pk: service for service in point_services(point)}
    now = timezone.now()
    results = [_sync_one(point, services, item, now=now) for item in items]
    response = JsonResponse(
        {
            "results": results,
            "counts": dict(Counter(result["status"] for result in results)),
        }
    )
    response["Cache-Control"] = "no-store"
    return response
