"""Reports kept once rendered: a published period's figures never change, so its
official report is rendered once and served as kept (issue 15 item 5)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class KeptReport(models.Model):
    """One rendered report file of a unit and period, with its checksum."""

    class Kind(models.TextChoices):
        SKM_PDF = "skm_pdf", _("Laporan SKM (PDF)")
        SKM_XLSX = "skm_xlsx", _("Laporan SKM (XLSX)")

    unit = models.ForeignKey(
        "registry.ServiceUnit",
        on_delete=models.PROTECT,
        related_name="kept_reports",
        verbose_name=_("unit"),
    )
    period_key = models.CharField(_("periode"), max_length=10)
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    content = models.BinaryField(_("isi"))
    sha256 = models.CharField(_("sidik SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("ukuran (bita)"))
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    scope_path_field = "unit__path"

    class Meta:
        verbose_name = _("laporan tersimpan")
        verbose_name_plural = _("laporan tersimpan")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period_key", "kind"], name="kept_report_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.unit_id} {self.period_key}"
