"""The SKM survey as a conversation over SMS or WhatsApp: one question per message.

The citizen sends the service point code printed on the QR poster ("SKM dukcapil-1");
Mutu answers with a short intro and the question of element U1 with its answer
labels 1–4 (PermenPANRB 14/2017, REGULATIONS.md §1.2). Each reply 1–4 answers the
current element and moves to the next, U1…U9 in code order (D4: answers are keyed by
element code). "0" or "lewati" skips an element (stored as not answered), "ulang"
restarts, anything else gets help repeating the question. When the point offers
several services the citizen picks one first. After the ninth element come the
unit's own questions, if it has any (answered 1–4 the same way, outside the IKM);
then the response is stored through :func:`mutu.surveys.services.response_submit`,
like every channel.

State lives in :class:`~mutu.surveys.models.SmsConversation`, keyed by provider and
the keyed hash of the phone number; the number itself is never stored or logged.
``answers`` holds the element answers (``"U1"`` …) plus reserved keys starting with
``_``: ``_services`` (the numbered service choice), ``_extra`` (the unit's own
questions when the survey started), ``_seen`` (the last provider
message ids) and ``_reply`` (the last reply), so that a message the provider delivers
twice is answered again without advancing the conversation twice.

Replies are split into messages of at most :data:`SMS_MAX` characters (one SMS each)
and use plain ASCII, so that they stay in the GSM-7 alphabet.
"""

import re
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from mutu.errors import MutuError
from mutu.measures.skm_elements import ELEMENTS, Element
from mutu.registry.models import Service, ServicePoint
from mutu.surveys.forms import EXTRA_LABELS
from mutu.surveys.hashing import device_hash
from mutu.surveys.models import Channel, Response, SmsConversation
from mutu.surveys.places import point_services
from mutu.surveys.selectors import survey_settings_for
from mutu.surveys.services import response_submit

SMS_MAX = 160
"""One SMS in the GSM-7 alphabet holds 160 characters."""

DONE = 99
"""``step`` once the survey is over: the response is stored (or nothing to store).

Steps 1–9 are the nine elements, then one step per extra question of the unit
(at most five, asked in the order of its settings page), so any step past them,
this one included, means finished."""

SEEN_MAX = 10
"""How many recent provider message ids are remembered for retries."""

SKIP_WORDS = {"0", "lewati"}
RESTART_WORDS = {"ulang"}
_TOKEN_RE = re.compile(r"[a-z0-9][a-z0-9_-]*")
_ANSWER_RE = re.compile(r"\A([0-9]{1,2})[.)!]?\Z")
_PHONE_DIGITS = (6, 15)  # E.164 allows at most 15 digits
_PUNCTUATION = {"–": "-", "—": "-", "…": "...", "‘": "'", "’": "'", "“": '"', "”": '"'}


Reply = tuple[tuple[str, ...], Response | None]
"""The messages answering one inbound message, and the response it stored if any."""


@dataclass(frozen=True)
class ConversationReply:
    """What to answer one inbound message with, and what it changed."""

    messages: tuple[str, ...]
    phone_hash: str
    response: Response | None = None
    replayed: bool = False


@sensitive_variables("raw", "digits")
def phone_normalize(raw: str) -> str:
    """The phone number as international digits: "+62 812-…", "0812…" → "62812…".

    The same number must give the same hash whatever way a provider writes it
    (WhatsApp sends "62812…", SMS gateways "+62812…" or "0812…"). Raises
    :class:`MutuError` if it is not a plausible phone number.
    """
    digits = "".join(ch for ch in raw or "" if ch.isdigit())
    if digits.startswith("0") and not digits.startswith("00"):
        digits = "62" + digits[1:]  # a national Indonesian number
    digits = digits.removeprefix("00")
    if not _PHONE_DIGITS[0] <= len(digits) <= _PHONE_DIGITS[1]:
        raise MutuError(
            "Nomor pengirim tidak sah.", "The sender number is not valid.", field="from"
        )
    return digits


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def _ascii(text: str) -> str:
    # One character outside GSM-7 turns an SMS into UCS-2, which holds only 70
    # characters: keep replies in plain ASCII ("é" -> "e", "–" -> "-").
    text = "".join(_PUNCTUATION.get(ch, ch) for ch in text)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def sms_split(text: str, limit: int = SMS_MAX) -> list[str]:
    """Split *text* at spaces into messages of at most *limit* characters."""
    words = text.split()
    parts: list[str] = []
    current = ""
    for word in words:
        while len(word) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.append(word[:limit])
            word = word[limit:]
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= limit:
            current = candidate
        else:
            parts.append(current)
            current = word
    if current:
        parts.append(current)
    return parts


def _pack(*chunks: str) -> tuple[str, ...]:
    """Join chunks into as few SMS as possible, never cutting a chunk that fits one."""
    messages: list[str] = []
    for chunk in (_ascii(c) for c in chunks if c):
        if messages and len(messages[-1]) + 1 + len(chunk) <= SMS_MAX:
            messages[-1] = f"{messages[-1]} {chunk}"
        else:
            messages.extend(sms_split(chunk))
    return tuple(messages)


def _labels(item: Element) -> str:
    labels = ", ".join(f"{n}={label}" for n, label in enumerate(item.answers_id, 1))
    return _("%(labels)s. 0=lewati") % {"labels": labels}


def question_messages(step: int, extra: list[str] | None = None) -> tuple[str, ...]:
    """The question of *step* (1-based) with its answer labels, as SMS: an element
    for steps 1–9, then the unit's *extra* questions."""
    if step > len(ELEMENTS):
        number = step - len(ELEMENTS)
        labels = ", ".join(f"{n}={label}" for n, label in enumerate(EXTRA_LABELS, 1))
        head = _("Tambahan %(number)s/%(total)s: %(question)s") % {
            "number": number,
            "total": len(extra or []),
            "question": (extra or [])[number - 1],
        }
        return _pack(head, _("%(labels)s. 0=lewati") % {"labels": labels})
    item = ELEMENTS[step - 1]
    head = f"{step}/{len(ELEMENTS)} {item.question_id}"
    return _pack(head, _labels(item))


def _extra(conversation: SmsConversation) -> list[str]:
    return list(conversation.answers.get("_extra", []))


def _last_step(conversation: SmsConversation) -> int:
    return len(ELEMENTS) + len(_extra(conversation))


def _ask(conversation: SmsConversation) -> tuple[str, ...]:
    return question_messages(conversation.step, _extra(conversation))


def _intro(point: ServicePoint) -> str:
    return _(
        "Survei Kepuasan Masyarakat %(unit)s, %(point)s: %(count)s pertanyaan. "
        "Balas 1-4; 0=lewati; ulang=mulai lagi."
    ) % {
        "unit": _clip(str(point.unit), 40),
        "point": _clip(point.name, 30),
        "count": len(ELEMENTS),
    }


def _service_list(services: list[Service]) -> tuple[str, ...]:
    head = _("Pilih layanan yang Anda terima, balas angkanya:")
    items = [f"{n}={_clip(s.name, 60)}" for n, s in enumerate(services, 1)]
    return _pack(head, *(f"{item}," for item in items[:-1]), items[-1])


def _help() -> str:
    return _("Balas 1-4 (0=lewati, ulang=mulai lagi). / Reply 1-4 (0=skip).")


def _ask_code(example: str = "dukcapil-1") -> str:
    return _(
        "Kirim kode loket yang tertera pada poster, mis. SKM %(code)s "
        "/ Send the counter code on the poster."
    ) % {"code": _clip(example, 20)}


def point_find(text: str) -> ServicePoint | None:
    """The service point whose code is a word of *text* (case-insensitive), if any.

    Extra words are ignored ("SKM dukcapil-1"); if several words are codes, the
    longest code wins.
    """
    tokens = _TOKEN_RE.findall((text or "").lower())[:10]
    if not tokens:
        return None
    matches = (
        ServicePoint.objects.annotate(code_lower=Lower("code"))
        .filter(code_lower__in=tokens)
        .select_related("unit")
    )
    return max(matches, key=lambda p: (len(p.code), -p.pk), default=None)


def _reset(conversation: SmsConversation, now: datetime) -> None:
    conversation.point = None
    conversation.unit = None
    conversation.service = None
    conversation.step = 0
    conversation.client_id = None
    conversation.started_at = now
    conversation.answers = {
        k: v for k, v in conversation.answers.items() if k in ("_seen", "_reply")
    }


def _start(
    conversation: SmsConversation, point: ServicePoint, now: datetime
) -> tuple[str, ...]:
    """Begin a survey at *point*: ask for the service, or the first question."""
    services = point_services(point)
    _reset(conversation, now)
    if not services:
        return _pack(
            _("Loket %(point)s belum punya layanan yang dapat dinilai. Maaf.")
            % {"point": _clip(point.code, 20)}
        )
    conversation.point = point
    conversation.unit = point.unit
    conversation.client_id = uuid.uuid4()
    extra = survey_settings_for(point.unit).extra_questions or []
    if extra:
        conversation.answers["_extra"] = list(extra)
    if len(services) == 1:
        conversation.service = services[0]
        conversation.step = 1
        return (*_pack(_intro(point)), *_ask(conversation))
    conversation.answers["_services"] = [s.pk for s in services]
    return (*_pack(_intro(point)), *_service_list(services))


def _answer_value(word: str) -> tuple[bool, int | None]:
    """``(True, 1…4)`` for an answer, ``(True, None)`` for a skip, else ``(False, None)``."""
    if word in SKIP_WORDS:
        return True, None
    match = _ANSWER_RE.match(word)
    if match and match.group(1) in {"1", "2", "3", "4"}:
        return True, int(match.group(1))
    return False, None


def _finish(
    conversation: SmsConversation, *, channel: str, phone: str, now: datetime
) -> Reply:
    """Store the response of a completed conversation through ``response_submit``."""
    point, service = conversation.point, conversation.service
    if point is None or service is None:  # the point was deleted meanwhile
        _reset(conversation, now)
        return _pack(_ask_code()), None
    answers = {e.code: conversation.answers.get(e.code) for e in ELEMENTS}
    extra_answers = {
        f"X{n}": conversation.answers[f"X{n}"]
        for n in range(1, len(_extra(conversation)) + 1)
        if conversation.answers.get(f"X{n}") is not None
    }
    conversation.step = DONE
    if all(value is None for value in answers.values()):
        return _pack(
            _(
                "Semua pertanyaan dilewati, jadi tidak ada yang disimpan. "
                "Balas ULANG untuk mulai lagi."
            )
        ), None
    try:
        result = response_submit(
            unit=point.unit,
            service=service,
            point=point,
            channel=channel,
            answers=answers,
            extra_answers=extra_answers,
            client_id=conversation.client_id,
            device_key=phone,
            submitted_at=now,
        )
    except MutuError as error:
        return _pack(
            _("Penilaian tidak dapat disimpan: %(reason)s")
            % {"reason": error.message_id}
        ), None
    return _pack(
        _(
            "Terima kasih! Penilaian Anda untuk %(service)s sudah tersimpan. "
            "Balas ULANG untuk menilai lagi."
        )
        % {"service": _clip(service.name, 50)}
    ), result.response


def _on_no_point(conversation: SmsConversation, text: str, now: datetime) -> Reply:
    """Waiting for a service point code (first message, or after a failed one)."""
    found = point_find(text)
    if found is not None:
        return _start(conversation, found, now), None
    # Codes on the posters look like "dukcapil-1": a word with a digit or a hyphen
    # was meant as a code; plain words ("halo") are a greeting.
    codes = [t for t in _TOKEN_RE.findall(text.lower()) if re.search(r"[0-9-]", t)]
    if not codes:
        return _pack(_("Selamat datang di SKM."), _ask_code()), None
    return _pack(
        _("Kode loket '%(code)s' tidak dikenal.") % {"code": _clip(codes[-1], 20)},
        _ask_code(),
    ), None


def _on_done(conversation: SmsConversation, text: str, now: datetime) -> Reply:
    """The survey is finished; a new point code starts another one."""
    found = point_find(text)
    if found is not None:
        return _start(conversation, found, now), None
    return _pack(
        _(
            "Penilaian Anda sudah tersimpan, terima kasih. Balas ULANG untuk menilai lagi."
        )
    ), None


def _on_service_choice(
    conversation: SmsConversation, point: ServicePoint, word: str, now: datetime
) -> Reply:
    """Waiting for the number of the service received, from the numbered list."""
    service_ids: list[int] = conversation.answers.get("_services", [])
    services = {
        s.pk: s for s in Service.objects.filter(pk__in=service_ids, is_active=True)
    }
    match = _ANSWER_RE.match(word)
    choice = int(match.group(1)) if match else 0
    if 1 <= choice <= len(service_ids) and service_ids[choice - 1] in services:
        conversation.service = services[service_ids[choice - 1]]
        conversation.step = 1
        return _ask(conversation), None
    found = point_find(word)
    if found is not None or len(services) != len(service_ids):
        # Another point's code, or the list changed meanwhile: start (again).
        return _start(conversation, found or point, now), None
    return (
        *_pack(_("Balas dengan angka layanan. / Reply with the service number.")),
        *_service_list([services[pk] for pk in service_ids]),
    ), None


def _on_question(
    conversation: SmsConversation,
    word: str,
    *,
    channel: str,
    phone: str,
    now: datetime,
) -> Reply:
    """Waiting for the answer to question ``step``: 1–4, or 0/"lewati" to skip."""
    understood, value = _answer_value(word)
    if not understood:
        found = point_find(word)
        if found is not None:
            return _start(conversation, found, now), None
        return (*_pack(_help()), *_ask(conversation)), None
    step = conversation.step
    if step <= len(ELEMENTS):
        conversation.answers[ELEMENTS[step - 1].code] = value
    else:
        conversation.answers[f"X{step - len(ELEMENTS)}"] = value
    conversation.step += 1
    if conversation.step <= _last_step(conversation):
        return _ask(conversation), None
    return _finish(conversation, channel=channel, phone=phone, now=now)


def _advance(
    conversation: SmsConversation,
    text: str,
    *,
    channel: str,
    phone: str,
    now: datetime,
    expired: bool,
) -> Reply:
    """Apply one message to the conversation's state; return the reply."""
    word = " ".join(text.lower().split()).strip(" .!")
    point = conversation.point
    if point is None:
        return _on_no_point(conversation, text, now)
    if word in RESTART_WORDS:
        return _start(conversation, point, now), None
    if conversation.step > _last_step(conversation):
        return _on_done(conversation, text, now)
    if expired:
        # The answer's question is long gone: start over at the same point.
        found = point_find(text)
        messages = _start(conversation, found or point, now)
        return _pack(_("Sesi lama berakhir; kita mulai lagi."), *messages), None
    if conversation.service is None:
        return _on_service_choice(conversation, point, word, now)
    return _on_question(conversation, word, channel=channel, phone=phone, now=now)


def _locked(provider: str, phone_hash: str, now: datetime) -> SmsConversation:
    """The conversation row of this phone, locked for the rest of the transaction."""
    rows = SmsConversation.objects.select_for_update()
    conversation = rows.filter(provider=provider, phone_hash=phone_hash).first()
    if conversation is not None:
        return conversation
    try:
        with transaction.atomic():
            return SmsConversation.objects.create(
                provider=provider, phone_hash=phone_hash, started_at=now, updated_at=now
            )
    except IntegrityError:
        # A simultaneous first message of the same phone created it first.
        return rows.get(provider=provider, phone_hash=phone_hash)


@sensitive_variables("phone", "normalized")
@transaction.atomic
def conversation_handle(
    *,
    provider: str,
    channel: str,
    phone: str,
    text: str,
    message_id: str = "",
    now: datetime | None = None,
    timeout_minutes: int | None = None,
) -> ConversationReply:
    """Apply one inbound SMS/WhatsApp message to its sender's survey conversation.

    Creates the conversation on the first message; starts over when it has been
    silent for more than *timeout_minutes* (default ``MUTU_SMS_TIMEOUT_MINUTES``,
    30); stores the response through ``response_submit`` after the last element.
    A *message_id* already processed changes nothing and returns the last reply
    again (``replayed=True``). *phone* is hashed at once and never stored. Raises
    :class:`MutuError` for an invalid phone number or channel; nothing is written.
    """
    if channel not in (Channel.SMS, Channel.WHATSAPP):
        raise MutuError(
            f"Kanal percakapan tidak dikenal: {channel!r}.",
            f"Unknown conversation channel: {channel!r}.",
        )
    normalized = phone_normalize(phone)
    phone_hash = device_hash(normalized)
    now = now or timezone.now()
    if timeout_minutes is None:
        timeout_minutes = int(getattr(settings, "MUTU_SMS_TIMEOUT_MINUTES", 30))
    conversation = _locked(provider, phone_hash, now)
    if not isinstance(conversation.answers, dict):
        conversation.answers = {}
    state: dict[str, Any] = conversation.answers
    seen: list[str] = list(state.get("_seen", []))
    if message_id and message_id in seen:
        return ConversationReply(
            tuple(state.get("_reply", [])), phone_hash, replayed=True
        )

    expired = now - conversation.updated_at > timedelta(minutes=timeout_minutes)
    messages, response = _advance(
        conversation,
        text or "",
        channel=channel,
        phone=normalized,
        now=now,
        expired=expired,
    )
    if message_id:
        conversation.answers["_seen"] = [*seen, message_id][-SEEN_MAX:]
    conversation.answers["_reply"] = list(messages)
    conversation.updated_at = now
    conversation.save()
    return ConversationReply(messages, phone_hash, response=response)
