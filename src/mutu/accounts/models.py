"""Users and their role grants on a subtree of the registry."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in to Mutu. Citizens never need an account.

    ``weekly_digest``: whether the weekly e-mail of their to-dos goes out
    (``mutu todos digest``, D24); ``digest_week`` the ISO week ("2026-W49") of the
    last one sent, so a re-run in the same week sends nothing again.
    """

    weekly_digest = models.BooleanField(
        _("ringkasan mingguan lewat surel"),
        default=True,
        help_text=_(
            "Sekali seminggu, daftar yang menunggu Anda dikirim ke surel Anda."
        ),
    )
    digest_week = models.CharField(
        _("minggu ringkasan terakhir"), max_length=8, blank=True, default=""
    )

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")


class Role(models.TextChoices):
    """The roles of DESIGN.md; each grant scopes one role to part of the registry."""

    NATIONAL_ADMIN = "national_admin", _("Admin nasional")
    EVALUATOR = "evaluator", _("Evaluator")
    COORDINATOR = "coordinator", _("Koordinator wilayah")
    UNIT_HEAD = "unit_head", _("Kepala unit")
    UNIT_OPERATOR = "unit_operator", _("Operator unit")


UNIT_ROLES = (Role.UNIT_HEAD, Role.UNIT_OPERATOR)


class RoleGrant(models.Model):
    """A user holds *role* over the subtree starting at ``scope_path``.

    A national admin's scope is the whole tree ("/"); an evaluator's is a region (the
    whole country when none is given); a coordinator's is a region or a government;
    a unit head's and a unit operator's is exactly one service unit.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="grants",
        verbose_name=_("pengguna"),
    )
    role = models.CharField(_("peran"), max_length=20, choices=Role.choices)
    region = models.ForeignKey(
        "registry.Region",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("wilayah"),
    )
    government = models.ForeignKey(
        "registry.Government",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("pemerintah"),
    )
    unit = models.ForeignKey(
        "registry.ServiceUnit",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="grants",
        verbose_name=_("unit"),
    )
    scope_path = models.CharField(_("cakupan"), max_length=255, editable=False)
    created_at = models.DateTimeField(_("diberikan"), auto_now_add=True)

    scope_path_field = "scope_path"

    class Meta:
        ordering = ["user", "role"]
        verbose_name = _("hak peran")
        verbose_name_plural = _("hak peran")
        constraints = [
            models.CheckConstraint(
                name="grant_scope_fits_role",
                condition=(
                    models.Q(
                        role="national_admin",
                        region__isnull=True,
                        government__isnull=True,
                        unit__isnull=True,
                    )
                    | models.Q(
                        role="evaluator", government__isnull=True, unit__isnull=True
                    )
                    | models.Q(role="coordinator", unit__isnull=True)
                    & (
                        models.Q(region__isnull=False, government__isnull=True)
                        | models.Q(region__isnull=True, government__isnull=False)
                    )
                    | models.Q(
                        role__in=["unit_head", "unit_operator"],
                        region__isnull=True,
                        government__isnull=True,
                        unit__isnull=False,
                    )
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "scope_path"], name="grant_unique_per_scope"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} ({self.scope_label})"

    @property
    def scope_object(self):
        return self.unit or self.government or self.region

    @property
    def scope_label(self) -> str:
        target = self.scope_object
        return str(target) if target else str(_("Nasional"))

    def build_scope_path(self) -> str:
        target = self.scope_object
        return target.path if target else "/"
