"""The registry: regions, governments, service units, services and where they serve.

Every row that belongs to a part of the tree stores a ``path`` (or reaches one through
its unit) so that "everything under Kabupaten Pesawaran" is one indexed prefix query,
not a recursion. Paths look like ``/ID/18/18.09/g12/u34/``.
"""

from typing import Any

from django.apps import apps
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from mutu.measures.complaints import ANSWER_DAYS, RESOLVE_DAYS, VERIFY_DAYS
from mutu.measures.standards import (
    STANDARD_COMPONENTS,
    Completeness,
    ComponentGroup,
    standard_completeness,
)


class PathMixin(models.Model):
    """Keeps the stored ``path`` equal to the parent's path plus this node's key.

    The path is an index of the tree, not a business rule, so it is maintained on
    save: a node whose path changes takes its descendants' paths with it.
    """

    path = models.CharField(_("jalur"), max_length=255, editable=False, db_index=True)
    path_uses_pk = False

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        inserted_for_pk = False
        if self.pk is None and self.path_uses_pk:
            super().save(*args, **kwargs)
            inserted_for_pk = True
        old_path = self.path
        self.path = self.build_path()
        if inserted_for_pk:
            type(self)._default_manager.filter(pk=self.pk).update(path=self.path)
        else:
            super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            grants = apps.get_model("accounts", "RoleGrant")
            grants.objects.filter(scope_path=old_path).update(scope_path=self.path)
            for child in self.path_children():
                child.save()

    def build_path(self) -> str:
        raise NotImplementedError

    def path_children(self) -> list["PathMixin"]:
        return []


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        abstract = True


class Region(PathMixin, TimeStamped):
    """A node of Indonesia's administrative tree, keyed by the Kemendagri code."""

    class Level(models.TextChoices):
        NATIONAL = "national", _("Nasional")
        PROVINCE = "province", _("Provinsi")
        REGENCY = "regency", _("Kabupaten")
        CITY = "city", _("Kota")

    NATIONAL_CODE = "ID"

    code = models.CharField(_("kode Kemendagri"), max_length=16, unique=True)
    name = models.CharField(_("nama"), max_length=120)
    level = models.CharField(_("tingkat"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("induk"),
    )

    scope_path_field = "path"

    class Meta:
        ordering = ["code"]
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(parent__isnull=True, level="national")
                | models.Q(parent__isnull=False) & ~models.Q(level="national"),
                name="region_only_national_is_root",
            ),
            models.UniqueConstraint(fields=["path"], name="region_unique_path"),
        ]

    def __str__(self) -> str:
        return self.name

    def build_path(self) -> str:
        prefix = self.parent.path if self.parent else "/"
        return f"{prefix}{self.code}/"

    def path_children(self) -> list[PathMixin]:
        return [*self.children.all(), *self.governments.all()]


class Government(PathMixin, TimeStamped):
    """A government running service units: ministry/agency, province, regency/city."""

    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Kementerian/Lembaga")
        PROVINCE = "province", _("Pemerintah Provinsi")
        REGENCY = "regency", _("Pemerintah Kabupaten")
        CITY = "city", _("Pemerintah Kota")

    name = models.CharField(_("nama"), max_length=200)
    kind = models.CharField(_("jenis"), max_length=16, choices=Kind.choices)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="governments",
        verbose_name=_("wilayah"),
    )
    scope_path_field = "path"

    class Meta:
        ordering = ["name"]
        verbose_name = _("pemerintah")
        verbose_name_plural = _("pemerintah")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"], name="government_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name

    path_uses_pk = True

    def build_path(self) -> str:
        return f"{self.region.path}g{self.pk}/"

    def path_children(self) -> list[PathMixin]:
        return list(self.units.all())


class ServiceUnit(PathMixin, TimeStamped):
    """A service unit (Unit Penyelenggara Pelayanan, UPP): dinas, RSUD, puskesmas …"""

    class Kind(models.TextChoices):
        DINAS = "dinas", _("Dinas")
        BADAN = "badan", _("Badan")
        RSUD = "rsud", _("RSUD")
        PUSKESMAS = "puskesmas", _("Puskesmas")
        KECAMATAN = "kecamatan", _("Kecamatan")
        KELURAHAN = "kelurahan", _("Kelurahan/Desa")
        MPP = "mpp", _("Mal Pelayanan Publik")
        SEKRETARIAT = "sekretariat", _("Sekretariat/Bagian")
        KANTOR = "kantor", _("Kantor/UPT")
        OTHER = "other", _("Lainnya")

    government = models.ForeignKey(
        Government,
        on_delete=models.PROTECT,
        related_name="units",
        verbose_name=_("pemerintah"),
    )
    name = models.CharField(_("nama unit"), max_length=200)
    short_name = models.CharField(_("nama singkat"), max_length=60, blank=True)
    kind = models.CharField(_("jenis unit"), max_length=16, choices=Kind.choices)
    head_name = models.CharField(_("nama pimpinan"), max_length=150, blank=True)
    head_title = models.CharField(_("jabatan pimpinan"), max_length=150, blank=True)
    address = models.TextField(_("alamat"), blank=True)
    phone = models.CharField(_("telepon"), max_length=40, blank=True)
    email = models.EmailField(_("surel"), blank=True)
    website = models.URLField(_("situs web"), blank=True)
    scope_path_field = "path"

    class Meta:
        ordering = ["name"]
        verbose_name = _("unit pelayanan")
        verbose_name_plural = _("unit pelayanan")
        constraints = [
            models.UniqueConstraint(
                fields=["government", "name"], name="unit_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    path_uses_pk = True

    def build_path(self) -> str:
        return f"{self.government.path}u{self.pk}/"


class Service(TimeStamped):
    """A kind of service (jenis layanan) a unit delivers, e.g. "Penerbitan KTP-el"."""

    unit = models.ForeignKey(
        ServiceUnit,
        on_delete=models.CASCADE,
        related_name="services",
        verbose_name=_("unit"),
    )
    name = models.CharField(_("nama layanan"), max_length=200)
    description = models.TextField(_("uraian"), blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)

    scope_path_field = "unit__path"

    class Meta:
        ordering = ["unit", "name"]
        verbose_name = _("jenis layanan")
        verbose_name_plural = _("jenis layanan")
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="service_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class ServiceStandard(TimeStamped):
    """The service standard of one service: the 14 components of UU 25/2009 Pasal 21.

    The field names come from :data:`mutu.measures.standards.STANDARD_COMPONENTS`, the
    one list of the components; completeness is computed there too.
    """

    service = models.OneToOneField(
        Service,
        on_delete=models.CASCADE,
        related_name="standard",
        verbose_name=_("layanan"),
    )
    legal_basis = models.TextField(_("Dasar hukum"), blank=True)
    requirements = models.TextField(_("Persyaratan"), blank=True)
    procedure = models.TextField(_("Sistem, mekanisme, dan prosedur"), blank=True)
    completion_time = models.TextField(_("Jangka waktu penyelesaian"), blank=True)
    fee = models.TextField(_("Biaya/tarif"), blank=True)
    product = models.TextField(_("Produk pelayanan"), blank=True)
    facilities = models.TextField(
        _("Sarana, prasarana, dan/atau fasilitas"), blank=True
    )
    staff_competence = models.TextField(_("Kompetensi pelaksana"), blank=True)
    internal_supervision = models.TextField(_("Pengawasan internal"), blank=True)
    complaint_handling = models.TextField(
        _("Penanganan pengaduan, saran, dan masukan"), blank=True
    )
    staff_count = models.TextField(_("Jumlah pelaksana"), blank=True)
    service_guarantee = models.TextField(_("Jaminan pelayanan"), blank=True)
    security_guarantee = models.TextField(
        _("Jaminan keamanan dan keselamatan pelayanan"), blank=True
    )
    staff_evaluation = models.TextField(_("Evaluasi kinerja pelaksana"), blank=True)
    decree_number = models.CharField(
        _("nomor SK penetapan"), max_length=120, blank=True
    )
    decree_date = models.DateField(_("tanggal penetapan"), null=True, blank=True)
    # Where the standard's service-delivery components are published (PEKPPP
    # indicator Q3, docs/regulations.md §7b, D19): the media, whether every
    # service-delivery component is shown there, and SIPP Nasional.
    # Shorter complaint limits of this service's standard (working days); empty:
    # D9's 3, 5 and 14 (docs/regulations.md D9, D20).
    complaint_verify_days = models.PositiveSmallIntegerField(
        _("batas verifikasi pengaduan (hari kerja)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(VERIFY_DAYS)],
    )
    complaint_answer_days = models.PositiveSmallIntegerField(
        _("batas jawaban pertama pengaduan (hari kerja)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(ANSWER_DAYS)],
    )
    complaint_resolve_days = models.PositiveSmallIntegerField(
        _("batas penyelesaian pengaduan (hari kerja)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(RESOLVE_DAYS)],
    )
    publication_media = models.JSONField(
        _("media publikasi standar"), default=list, blank=True
    )
    publication_complete = models.BooleanField(
        _("seluruh komponen service delivery dipublikasikan"), default=False
    )
    on_sippn = models.BooleanField(_("dipublikasikan di SIPP Nasional"), default=False)

    scope_path_field = "service__unit__path"

    class Meta:
        verbose_name = _("standar pelayanan")
        verbose_name_plural = _("standar pelayanan")

    def __str__(self) -> str:
        return str(self.service)

    def component_values(self) -> dict[str, str]:
        return {c.field: getattr(self, c.field) for c in STANDARD_COMPONENTS}

    def component_rows(self) -> list[dict[str, Any]]:
        """The 14 components as display rows: letter, label, value, public or not."""
        return [
            {
                "letter": c.letter,
                "label": getattr(self._meta.get_field(c.field), "verbose_name", ""),
                "value": getattr(self, c.field),
                "public": c.group is ComponentGroup.SERVICE_DELIVERY,
            }
            for c in STANDARD_COMPONENTS
        ]

    @property
    def completeness(self) -> Completeness:
        return standard_completeness(self.component_values())


class StandardMedium(models.TextChoices):
    """Media a service standard is published on (Q3 counts them, D19)."""

    BOARD = "board", _("Papan informasi/banner")
    LEAFLET = "leaflet", _("Brosur/leaflet/buku saku")
    SCREEN = "screen", _("Layar/TV/kios informasi")
    WEBSITE = "website", _("Situs web")
    SOCIAL = "social", _("Media sosial")
    APP = "app", _("Aplikasi")


class UnitRecord(TimeStamped):
    """What a unit keeps on record for the evaluation's fed indicators (D19).

    Maklumat Pelayanan (Q5), the service-hours policy and its elements (Q10), the
    queue system at its counters (Q31). One row per unit, created on first edit;
    a unit without one has recorded nothing (every feed reads it as "no").
    """

    unit = models.OneToOneField(
        ServiceUnit,
        on_delete=models.CASCADE,
        related_name="record",
        verbose_name=_("unit"),
    )
    charter_text = models.TextField(_("naskah Maklumat Pelayanan"), blank=True)
    charter_decree_number = models.CharField(
        _("nomor penetapan maklumat"), max_length=120, blank=True
    )
    charter_decree_date = models.DateField(
        _("tanggal penetapan maklumat"), null=True, blank=True
    )
    charter_content_checked = models.BooleanField(
        _("isi maklumat sudah diperiksa sesuai peraturan"), default=False
    )
    charter_print = models.BooleanField(
        _("maklumat dipublikasikan di media non-elektronik"), default=False
    )
    charter_electronic = models.BooleanField(
        _("maklumat dipublikasikan di media elektronik"), default=False
    )
    hours_policy = models.CharField(
        _("kebijakan jam pelayanan"),
        max_length=200,
        blank=True,
        help_text=_("Nomor dan judul keputusan yang menetapkan jam pelayanan."),
    )
    hours_no_break = models.BooleanField(
        _("pelayanan bergilir tanpa jeda istirahat"), default=False
    )
    hours_extra = models.BooleanField(
        _("jam pelayanan tambahan (lembur) bila diperlukan"), default=False
    )
    hours_holiday = models.BooleanField(_("pelayanan pada hari libur"), default=False)
    queue_numbers = models.BooleanField(_("nomor antrian"), default=False)
    queue_machine = models.BooleanField(_("mesin nomor antrian"), default=False)
    queue_display = models.BooleanField(
        _("layar/suara pemanggil antrian"), default=False
    )
    queue_online = models.BooleanField(_("antrian daring"), default=False)
    queue_priority = models.BooleanField(
        _("antrian prioritas kelompok rentan"), default=False
    )

    scope_path_field = "unit__path"

    class Meta:
        verbose_name = _("catatan unit")
        verbose_name_plural = _("catatan unit")

    def __str__(self) -> str:
        return str(self.unit)

    @property
    def charter_drafted(self) -> bool:
        return bool(self.charter_text.strip())

    @property
    def charter_decreed(self) -> bool:
        return bool(self.charter_decree_number.strip() and self.charter_decree_date)

    @property
    def has_queue(self) -> bool:
        return self.queue_numbers or self.queue_machine or self.queue_online


class Mpp(TimeStamped):
    """A Mal Pelayanan Publik venue (Perpres 89/2021) hosting counters of many units."""

    government = models.ForeignKey(
        Government,
        on_delete=models.PROTECT,
        related_name="mpps",
        verbose_name=_("penyelenggara"),
    )
    name = models.CharField(_("nama MPP"), max_length=200)
    address = models.TextField(_("alamat"), blank=True)
    operator_unit = models.ForeignKey(
        ServiceUnit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="operated_mpps",
        verbose_name=_("unit pengelola"),
    )

    scope_path_field = "government__path"

    class Meta:
        ordering = ["name"]
        verbose_name = _("Mal Pelayanan Publik")
        verbose_name_plural = _("Mal Pelayanan Publik")

    def __str__(self) -> str:
        return self.name


class ServicePoint(TimeStamped):
    """A counter or booth where a unit serves citizens, possibly inside an MPP."""

    unit = models.ForeignKey(
        ServiceUnit,
        on_delete=models.CASCADE,
        related_name="points",
        verbose_name=_("unit"),
    )
    mpp = models.ForeignKey(
        Mpp,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="points",
        verbose_name=_("di MPP"),
    )
    name = models.CharField(_("nama loket"), max_length=150)
    code = models.SlugField(
        _("kode singkat"),
        max_length=16,
        unique=True,
        help_text=_("Dipakai di tautan pendek dan kode QR, mis. /s/dukcapil-1"),
    )
    opening_hours = models.CharField(_("jam layanan"), max_length=120, blank=True)
    opens_at = models.TimeField(_("buka pukul"), null=True, blank=True)
    closes_at = models.TimeField(_("tutup pukul"), null=True, blank=True)
    open_weekdays = models.CharField(
        _("hari buka"),
        max_length=7,
        default="12345",
        help_text=_("Angka hari ISO: 1 = Senin … 7 = Minggu, mis. 123456"),
    )
    services = models.ManyToManyField(
        Service,
        blank=True,
        related_name="points",
        verbose_name=_("layanan di loket ini"),
    )

    scope_path_field = "unit__path"

    class Meta:
        ordering = ["unit", "name"]
        verbose_name = _("loket layanan")
        verbose_name_plural = _("loket layanan")

    def __str__(self) -> str:
        return f"{self.unit} — {self.name}"
