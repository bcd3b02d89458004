"""A complaint over SMS or WhatsApp: the keyword "ADUAN" starts the conversation.

"ADUAN dukcapil-1 Antrean terlalu lama" files at once (the service point code on
the poster names the unit); "ADUAN dukcapil-1" asks for the text; "ADUAN" alone
asks for the code. The complaint is filed through
:func:`mutu.complaints.services.complaint_file` like every channel, with the
sender's number kept sealed in the messaging app (``contact_keep``) for the
answer and the later "Apakah masalah Anda sudah selesai?"; the complaint itself
stores no number. Afterwards "YA"/"TIDAK" answers that question, anything else
gets the status.
"""

from __future__ import annotations

import re
import uuid

from django.utils.translation import gettext as _

from mutu.complaints.models import Complaint
from mutu.complaints.services import complaint_file, complaint_solved_answer
from mutu.errors import MutuError
from mutu.messaging.keywords import Inbound, Reply
from mutu.messaging.models import SmsConversation
from mutu.messaging.services import contact_keep, conversation_reset
from mutu.messaging.texts import clip, sms_pack
from mutu.surveys.channels.sms.conversation import point_find

KEYWORDS = {"aduan"}
WAITING_TEXT = 1
FILED = 2
YES_WORDS = {"ya", "yes", "sudah"}
NO_WORDS = {"tidak", "no", "belum"}
_WORD_RE = re.compile(r"\S+")


def _how() -> str:
    return _(
        "Kirim ADUAN <kode loket> <isi pengaduan>, mis. ADUAN dukcapil-1 "
        "Antrean terlalu lama."
    )


def _rest_after(text: str, *words: str) -> str:
    """*text* without its leading *words* (case-insensitive)."""
    rest = text.strip()
    for word in words:
        match = _WORD_RE.match(rest)
        if match and match.group(0).lower().strip(".,!?:") == word.lower():
            rest = rest[match.end() :].strip()
    return rest


def _file(conversation: SmsConversation, inbound: Inbound, text: str) -> Reply:
    unit = conversation.unit
    if unit is None:
        conversation_reset(conversation, inbound.now)
        return sms_pack(_how()), None
    try:
        contact = contact_keep(
            phone=inbound.phone,
            provider=conversation.provider,
            channel=inbound.channel,
            purpose="complaint_update",
            unit=unit,
            now=inbound.now,
        )
        result = complaint_file(
            unit=unit,
            text=text,
            channel=inbound.channel,
            contact=contact,
            client_id=conversation.client_id,
            now=inbound.now,
        )
    except MutuError as error:
        return sms_pack(
            _("Pengaduan belum tersimpan: %(reason)s") % {"reason": error.message_id}
        ), None
    complaint = result.complaint
    conversation.step = FILED
    conversation.answers["_complaint"] = complaint.pk
    return sms_pack(
        _(
            "Pengaduan Anda untuk %(unit)s diterima. Kode lacak: %(code)s. "
            "Lihat status di /aduan/%(code)s/"
        )
        % {"unit": clip(str(unit), 40), "code": complaint.tracking_code}
    ), complaint


def _after(conversation: SmsConversation, inbound: Inbound, word: str) -> Reply:
    pk = conversation.answers.get("_complaint")
    complaint = Complaint.objects.filter(pk=pk).first() if pk else None
    if complaint is None:
        conversation_reset(conversation, inbound.now)
        return sms_pack(_how()), None
    if word in YES_WORDS | NO_WORDS:
        try:
            complaint = complaint_solved_answer(
                complaint=complaint, solved=word in YES_WORDS, now=inbound.now
            )
        except MutuError as error:
            return sms_pack(error.message_id), None
        if complaint.status == Complaint.Status.IN_PROGRESS:
            return sms_pack(
                _("Pengaduan %(code)s dibuka kembali dan ditindaklanjuti lagi.")
                % {"code": complaint.tracking_code}
            ), complaint
        return sms_pack(_("Terima kasih, jawaban Anda tercatat.")), complaint
    return sms_pack(
        _("Pengaduan %(code)s: %(status)s. Kirim ADUAN untuk pengaduan baru.")
        % {
            "code": complaint.tracking_code,
            "status": Complaint.Status(complaint.status).label,
        }
    ), None


def complaint_conversation_handle(
    conversation: SmsConversation, inbound: Inbound
) -> Reply:
    """Apply one message to a complaint conversation; the reply and the complaint.

    The handler the complaints app registers with :mod:`mutu.messaging` for the
    keyword "ADUAN"."""
    text = inbound.text or ""
    first = (text.split() or [""])[0].lower().strip(".,!?:")
    word = " ".join(text.lower().split()).strip(" .!")
    if first in KEYWORDS or conversation.step == 0:
        conversation_reset(conversation, inbound.now)
        point = point_find(_rest_after(text, "aduan"))
        if point is None:
            return sms_pack(_how()), None
        conversation.point = point
        conversation.unit = point.unit
        conversation.client_id = uuid.uuid4()
        body = _rest_after(text, "aduan", point.code)
        if len(body) >= 10:
            return _file(conversation, inbound, body)
        conversation.step = WAITING_TEXT
        return sms_pack(
            _("Tulis pengaduan Anda untuk %(unit)s dalam satu pesan.")
            % {"unit": clip(str(point.unit), 40)}
        ), None
    if conversation.step == WAITING_TEXT:
        return _file(conversation, inbound, text)
    return _after(conversation, inbound, word)
