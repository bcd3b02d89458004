"""The messaging app's one model: a phone's conversation session."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SmsConversation(models.Model):
    """The session of one phone on one provider: whose conversation it is, and its
    state (one question per message).

    The phone number is never stored: only its keyed hash (:mod:`mutu.hashing`).
    ``topic`` names the app that owns the conversation (the keyword it started
    with: "skm" for the survey); ``point``, ``unit``, ``service``, ``step`` and
    ``client_id`` are that app's state, ``answers`` its answers plus the reserved
    keys ``_seen`` and ``_reply`` (retries of a provider's delivery). The table
    kept its name when the model moved here from the surveys app.
    """

    provider = models.CharField(max_length=20)
    phone_hash = models.CharField(max_length=64)
    topic = models.CharField(max_length=20, blank=True, default="")
    point = models.ForeignKey(
        "registry.ServicePoint", null=True, blank=True, on_delete=models.SET_NULL
    )
    unit = models.ForeignKey(
        "registry.ServiceUnit", null=True, blank=True, on_delete=models.CASCADE
    )
    service = models.ForeignKey(
        "registry.Service", null=True, blank=True, on_delete=models.CASCADE
    )
    step = models.PositiveSmallIntegerField(default=0)
    answers = models.JSONField(default=dict, blank=True)
    client_id = models.UUIDField(null=True, blank=True)
    started_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("percakapan SMS/WhatsApp")
        verbose_name_plural = _("percakapan SMS/WhatsApp")
        db_table = "surveys_smsconversation"
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "phone_hash"], name="one_conversation_per_phone"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.phone_hash[:8]} step {self.step}"


class OutboundMessage(models.Model):
    """One message to a citizen, recorded before it is sent (docs/sms-whatsapp.md).

    A reply is written in the same transaction as the conversation step it answers
    and sent afterwards by the task :func:`mutu.messaging.outbound.outbound_send`;
    a later message (a complaint's update) is written by
    :func:`mutu.messaging.services.outbound_queue`. Only the keyed hash of the
    number is kept for good (``to_hash``); ``to_sealed`` holds the number
    encrypted (:mod:`mutu.messaging.crypto`) while the row is pending and is
    emptied as soon as the row is sent, failed or blocked.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("antre")
        SENDING = "sending", _("sedang dikirim")
        SENT = "sent", _("terkirim ke penyedia")
        DELIVERED = "delivered", _("sampai")
        READ = "read", _("dibaca")
        FAILED = "failed", _("gagal")
        BLOCKED = "blocked", _("tidak dikirim")

    class Kind(models.TextChoices):
        REPLY = "reply", _("balasan dalam percakapan")
        FOLLOW_UP = "follow_up", _("pesan susulan")

    scope_path_field = "unit__path"

    provider = models.CharField(max_length=20)
    channel = models.CharField(max_length=10)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.REPLY)
    to_hash = models.CharField(max_length=64, db_index=True)
    to_sealed = models.TextField(blank=True, default="")
    text = models.TextField()
    purpose = models.CharField(max_length=40, blank=True, default="")
    template = models.CharField(max_length=100, blank=True, default="")
    unit = models.ForeignKey(
        "registry.ServiceUnit",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="outbound_messages",
    )
    conversation = models.ForeignKey(
        SmsConversation, null=True, blank=True, on_delete=models.SET_NULL
    )
    contact = models.ForeignKey(
        "messaging.Contact", null=True, blank=True, on_delete=models.SET_NULL
    )
    inbound_id = models.CharField(max_length=200, blank=True, default="")
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    timeouts = models.PositiveSmallIntegerField(default=0)
    possibly_duplicated = models.BooleanField(default=False)
    provider_message_id = models.CharField(
        max_length=200, blank=True, default="", db_index=True
    )
    error_reason = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField()
    send_after = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    status_at = models.DateTimeField()

    class Meta:
        verbose_name = _("pesan keluar")
        verbose_name_plural = _("pesan keluar")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["unit", "created_at"], name="outbound_unit_created"),
            models.Index(fields=["status", "send_after"], name="outbound_due"),
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.to_hash[:8]} {self.status}"


class OptOut(models.Model):
    """A number that sent BERHENTI/STOP: nothing is sent to it (by keyed hash)."""

    phone_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("nomor berhenti berlangganan")
        verbose_name_plural = _("nomor berhenti berlangganan")

    def __str__(self) -> str:
        return self.phone_hash[:8]


class Contact(models.Model):
    """A citizen's number kept for later messages (a complaint's updates), sealed.

    ``sealed`` is the number encrypted with Fernet under ``MUTU_MESSAGING_KEYS``
    (:mod:`mutu.messaging.crypto`); only the sending task opens it. It is erased
    (``sealed`` emptied, ``erased_at`` set) by
    :func:`mutu.messaging.services.contact_erase`, when the owner's last
    follow-up is done, or at ``erase_after`` (30 days after the complaint
    closed) by :func:`mutu.messaging.services.contacts_erase_due`.
    """

    scope_path_field = "unit__path"

    provider = models.CharField(max_length=20)
    channel = models.CharField(max_length=10)
    phone_hash = models.CharField(max_length=64, db_index=True)
    sealed = models.TextField(blank=True, default="")
    purpose = models.CharField(max_length=40)
    unit = models.ForeignKey(
        "registry.ServiceUnit", null=True, blank=True, on_delete=models.CASCADE
    )
    created_at = models.DateTimeField()
    erase_after = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("kontak tersegel")
        verbose_name_plural = _("kontak tersegel")

    def __str__(self) -> str:
        return f"{self.purpose}:{self.phone_hash[:8]}"
