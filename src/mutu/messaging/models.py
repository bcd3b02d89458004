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
