"""The SMS/WhatsApp webhook: ``/channels/sms/<provider>/`` (docs/sms-whatsapp.md).

Thin: the provider adapter (:mod:`mutu.messaging.gateways`) authenticates and reads
the request, :func:`mutu.messaging.services.conversation_handle` hands each message
to the app that owns its conversation, the adapter renders the replies. Providers authenticate with a shared secret or a
signature, not a browser session, so the webhook has no CSRF check (like the kiosk
sync, which checks a per-point token instead).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mutu.accounts.http import AuthenticatedHttpRequest
from mutu.errors import MutuError
from mutu.messaging import selectors
from mutu.messaging.gateways import (
    GATEWAYS,
    Gateway,
    OutboundReply,
    gateway_get,
    twilio_signature_valid,
)
from mutu.messaging.outbound import delivery_status_record
from mutu.messaging.phones import phone_normalize
from mutu.messaging.services import conversation_handle
from mutu.registry.selectors import unit_get_for_user

logger = logging.getLogger(__name__)


def _error(error: MutuError, status: int) -> JsonResponse:
    return JsonResponse(
        {"error": error.message_id, "error_en": error.message_en}, status=status
    )


def _refused() -> JsonResponse:
    return _error(
        MutuError(
            "Token atau tanda tangan webhook salah.",
            "Wrong webhook token or signature.",
        ),
        403,
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
@sensitive_variables("inbound", "message")
def sms_webhook(request: HttpRequest, provider: str) -> HttpResponse:
    """Receive citizen messages from *provider* and answer each with the next step.

    404 for an unknown or unconfigured provider, 403 for a wrong token or
    signature, 400 for an unreadable body (nothing is written then). Each message
    is one conversation step, its replies queued in the same transaction and sent
    after it commits; delivery receipts in the same body update the sent rows.
    """
    gateway = gateway_get(provider)
    if gateway is None:
        raise Http404
    if request.method == "GET":
        return gateway.handshake(request)
    if not gateway.verify(request):
        return _refused()
    try:
        inbound = gateway.parse(request)
        for message in inbound:
            phone_normalize(message.phone)  # refuse the whole batch before writing
        statuses = gateway.statuses(request)
    except MutuError as error:
        return _error(error, 400)
    for update in statuses:
        delivery_status_record(
            provider=gateway.name,
            provider_message_id=update.provider_message_id,
            status=update.status,
            reason=update.reason,
        )
    replies: list[OutboundReply] = []
    # Citizens get the default language, not the provider's Accept-Language.
    with translation.override(settings.LANGUAGE_CODE):
        for message in inbound:
            result = conversation_handle(
                provider=gateway.name,
                channel=message.channel or gateway.channel,
                phone=message.phone,
                text=message.text,
                message_id=message.message_id,
                unsupported=message.unsupported,
            )
            replies.append(
                OutboundReply(
                    message, result.phone_hash, result.messages, result.replayed
                )
            )
    return gateway.render(replies)


@csrf_exempt
@require_POST
def twilio_status(request: HttpRequest) -> HttpResponse:
    """Twilio's status callback (``MessageSid``, ``MessageStatus``, ``ErrorCode``),
    signed like its webhook: updates the outbound row; 403 for a bad signature,
    404 while Twilio is not configured."""
    gateway: Gateway = GATEWAYS["twilio"]
    if not gateway.enabled():
        raise Http404
    if not twilio_signature_valid(request):
        return _refused()
    for update in gateway.statuses(request):
        delivery_status_record(
            provider="twilio",
            provider_message_id=update.provider_message_id,
            status=update.status,
            reason=update.reason,
        )
    return HttpResponse(status=204)


LOG_DAYS = 30


@login_required
@require_GET
def message_log(request: AuthenticatedHttpRequest, unit_id: int) -> HttpResponse:
    """The unit's messaging log of the last 30 days: counts by status and the
    failures with the provider's reason; never a phone number."""
    unit = unit_get_for_user(request.user, unit_id)
    since = timezone.now() - timedelta(days=LOG_DAYS)
    return render(
        request,
        "messaging/log.html",
        {
            "unit": unit,
            "days": LOG_DAYS,
            "counts": selectors.status_counts(unit, since),
            "failures": selectors.failure_list(unit, since),
        },
    )
