"""The audit log: who changed what, when, from which value to which, and why."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One recorded change, written by a service in the change's transaction."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("pelaku"),
    )
    action = models.CharField(_("tindakan"), max_length=80, db_index=True)
    target_type = models.CharField(_("jenis objek"), max_length=80)
    target_id = models.CharField(_("id objek"), max_length=64)
    target_label = models.CharField(_("objek"), max_length=255, blank=True)
    changes = models.JSONField(_("perubahan"), default=dict, blank=True)
    reason = models.TextField(_("alasan"), blank=True)
    scope_path = models.CharField(
        _("cakupan"), max_length=255, blank=True, db_index=True
    )
    created_at = models.DateTimeField(_("waktu"), auto_now_add=True, db_index=True)

    scope_path_field = "scope_path"

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]
        verbose_name = _("catatan audit")
        verbose_name_plural = _("log audit")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_label}"
