"""The SMS/WhatsApp webhook: ``/channels/sms/<provider>/`` (docs/sms-whatsapp.md).

Thin: the provider adapter (:mod:`mutu.messaging.gateways`) authenticates and reads
the request, :func:`mutu.messaging.services.conversation_handle` hands each message
to the app that owns its conversation, the adapter renders the replies. Providers authenticate with a shared secret or a
signature, not a browser session, so the webhook has no CSRF check (like the kiosk
sync, which checks a per-point token instead).
"""

import logging

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_http_methods

from mutu.errors import MutuError
from mutu.messaging.gateways import Gateway, OutboundReply, gateway_get
from mutu.messaging.phones import phone_normalize
from mutu.messaging.senders import outbound_sender_get
from mutu.messaging.services import conversation_handle

logger = logging.getLogger(__name__)


def _error(error: MutuError, status: int) -> JsonResponse:
    return JsonResponse(
        {"error": error.message_id, "error_en": error.message_en}, status=status
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
@sensitive_variables("inbound", "message")
def sms_webhook(request: HttpRequest, provider: str) -> HttpResponse:
    """Receive citizen messages from *provider* and answer each with the next step.

    404 for an unknown or unconfigured provider, 403 for a wrong token or
    signature, 400 for an unreadable body (nothing is written then).
    """
    gateway = gateway_get(provider)
    if gateway is None:
        raise Http404
    if request.method == "GET":
        return gateway.handshake(request)
    if not gateway.verify(request):
        return _error(
            MutuError(
                "Token atau tanda tangan webhook salah.",
                "Wrong webhook token or signature.",
            ),
            403,
        )
    try:
        inbound = gateway.parse(request)
        for message in inbound:
            phone_normalize(message.phone)  # refuse the whole batch before writing
    except MutuError as error:
        return _error(error, 400)
    replies: list[OutboundReply] = []
    # Citizens get the default language, not the provider's Accept-Language.
    with translation.override(settings.LANGUAGE_CODE):
        for message in inbound:
            result = conversation_handle(
                provider=gateway.name,
                channel=gateway.channel,
                phone=message.phone,
                text=message.text,
                message_id=message.message_id,
            )
            replies.append(
                OutboundReply(
                    message, result.phone_hash, result.messages, result.replayed
                )
            )
    _send(gateway, replies)
    return gateway.render(replies)


@sensitive_variables("replies")
def _send(gateway: Gateway, replies: list[OutboundReply]) -> None:
    sender = outbound_sender_get()
    for reply in replies:
        if reply.replayed:
            continue  # already sent when the message first arrived
        for text in gateway.texts(reply):
            try:
                sender.send(provider=gateway.name, phone=reply.inbound.phone, text=text)
            except Exception:
                # The response is stored; the reply is also in the HTTP body.
                logger.exception(
                    "SMS sender failed (provider %s, to %s…)",
                    gateway.name,
                    reply.to_hash[:8],
                )
