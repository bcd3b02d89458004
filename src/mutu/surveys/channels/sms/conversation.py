"""The SKM survey as a conversation over SMS or WhatsApp: one question per message.

The citizen sends the service point code printed on the QR poster ("SKM dukcapil-1");
Mutu answers with a short intro and the question of element U1 with its answer
labels 1–4 (PermenPANRB 14/2017, docs/regulations.md §1.2). Each reply 1–4 answers the
current element and moves to the next, U1…U9 in code order (D4: answers are keyed by
element code). "0" or "lewati" skips an element (stored as not answered), "ulang"
restarts, anything else gets help repeating the question. When the point offers
several services the citizen picks one first. After the ninth element come the
unit's own questions, if it has any (answered 1–4 the same way, outside the IKM);
then the response is stored through :func:`mutu.surveys.services.response_submit`,
like every channel.

The session (the locked row of the phone, retries of a provider's delivery, the
timeout) is :mod:`mutu.messaging`'s; this module is the survey's state machine on
:class:`~mutu.messaging.models.SmsConversation`. ``answers`` holds the element
answers (``"U1"`` …) plus ``_services`` (the numbered service choice) and
``_extra`` (the unit's own questions when the survey started). Replies are packed
into SMS of plain ASCII (:mod:`mutu.messaging.texts`).
"""

import re
import uuid
from datetime import datetime

from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from mutu.errors import MutuError
from mutu.measures.skm_elements import ELEMENTS, Element
from mutu.messaging.keywords import Inbound, Reply
from mutu.messaging.models import SmsConversation
from mutu.messaging.services import conversation_reset
from mutu.messaging.texts import clip, sms_pack
from mutu.registry.models import Service, ServicePoint
from mutu.surveys.forms import EXTRA_LABELS
from mutu.surveys.places import point_services
from mutu.surveys.selectors import survey_settings_for
from mutu.surveys.services import response_submit

KEYWORDS = {"skm"}
"""The word that starts a survey conversation ("SKM dukcapil-1")."""

DONE = 99
"""``step`` once the survey is over: the response is stored (or nothing to store).

Steps 1–9 are the nine elements, then one step per extra question of the unit
(at most five, asked in the order of its settings page), so any step past them,
this one included, means finished."""

SKIP_WORDS = {"0", "lewati"}
RESTART_WORDS = {"ulang"}
_TOKEN_RE = re.compile(r"[a-z0-9][a-z0-9_-]*")
_ANSWER_RE = re.compile(r"\A([0-9]{1,2})[.)!]?\Z")


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
        return sms_pack(head, _("%(labels)s. 0=lewati") % {"labels": labels})
    item = ELEMENTS[step - 1]
    head = f"{step}/{len(ELEMENTS)} {item.question_id}"
    return sms_pack(head, _labels(item))


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
        "unit": clip(str(point.unit), 40),
        "point": clip(point.name, 30),
        "count": len(ELEMENTS),
    }


def _service_list(services: list[Service]) -> tuple[str, ...]:
    head = _("Pilih layanan yang Anda terima, balas angkanya:")
    items = [f"{n}={clip(s.name, 60)}" for n, s in enumerate(services, 1)]
    return sms_pack(head, *(f"{item}," for item in items[:-1]), items[-1])


def _help() -> str:
    return _("Balas 1-4 (0=lewati, ulang=mulai lagi). / Reply 1-4 (0=skip).")


def _ask_code(example: str = "dukcapil-1") -> str:
    return _(
        "Kirim kode loket yang tertera pada poster, mis. SKM %(code)s "
        "/ Send the counter code on the poster."
    ) % {"code": clip(example, 20)}


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


def _start(
    conversation: SmsConversation, point: ServicePoint, now: datetime
) -> tuple[str, ...]:
    """Begin a survey at *point*: ask for the service, or the first question."""
    services = point_services(point)
    conversation_reset(conversation, now)
    if not services:
        return sms_pack(
            _("Loket %(point)s belum punya layanan yang dapat dinilai. Maaf.")
            % {"point": clip(point.code, 20)}
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
        return (*sms_pack(_intro(point)), *_ask(conversation))
    conversation.answers["_services"] = [s.pk for s in services]
    return (*sms_pack(_intro(point)), *_service_list(services))


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
        conversation_reset(conversation, now)
        return sms_pack(_ask_code()), None
    answers = {e.code: conversation.answers.get(e.code) for e in ELEMENTS}
    extra_answers = {
        f"X{n}": conversation.answers[f"X{n}"]
        for n in range(1, len(_extra(conversation)) + 1)
        if conversation.answers.get(f"X{n}") is not None
    }
    conversation.step = DONE
    if all(value is None for value in answers.values()):
        return sms_pack(
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
        return sms_pack(
            _("Penilaian tidak dapat disimpan: %(reason)s")
            % {"reason": error.message_id}
        ), None
    return sms_pack(
        _(
            "Terima kasih! Penilaian Anda untuk %(service)s sudah tersimpan. "
            "Balas ULANG untuk menilai lagi."
        )
        % {"service": clip(service.name, 50)}
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
        return sms_pack(_("Selamat datang di SKM."), _ask_code()), None
    return sms_pack(
        _("Kode loket '%(code)s' tidak dikenal.") % {"code": clip(codes[-1], 20)},
        _ask_code(),
    ), None


def _on_done(conversation: SmsConversation, text: str, now: datetime) -> Reply:
    """The survey is finished; a new point code starts another one."""
    found = point_find(text)
    if found is not None:
        return _start(conversation, found, now), None
    return sms_pack(
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
        *sms_pack(_("Balas dengan angka layanan. / Reply with the service number.")),
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
        return (*sms_pack(_help()), *_ask(conversation)), None
    step = conversation.step
    if step <= len(ELEMENTS):
        conversation.answers[ELEMENTS[step - 1].code] = value
    else:
        conversation.answers[f"X{step - len(ELEMENTS)}"] = value
    conversation.step += 1
    if conversation.step <= _last_step(conversation):
        return _ask(conversation), None
    return _finish(conversation, channel=channel, phone=phone, now=now)


def survey_conversation_handle(
    conversation: SmsConversation, inbound: Inbound
) -> Reply:
    """Apply one message to the survey conversation; the reply and any response.

    The handler the surveys app registers with :mod:`mutu.messaging` for the
    keyword "SKM" (and for messages without a keyword). A finished survey is
    stored through ``response_submit`` on the conversation's channel.
    """
    text, channel, phone, now = (
        inbound.text,
        inbound.channel,
        inbound.phone,
        inbound.now,
    )
    expired = inbound.expired
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
        return sms_pack(_("Sesi lama berakhir; kita mulai lagi."), *messages), None
    if conversation.service is None:
        return _on_service_choice(conversation, point, word, now)
    return _on_question(conversation, word, channel=channel, phone=phone, now=now)
