"""Evaluation of service units (PEKPPP, PermenPANRB 29/2022; docs/regulations.md §2, D6–D8).

A ``Cycle`` keeps the exact instrument version it was opened with, forever (D8). Each
unit in scope (lokus) has an ``Assignment``; per indicator an ``Answer`` holds the
unit's self-assessment (F-01) and the evaluator's score (F-02); ``UserAssessment``
rows are the F-03 respondents. A finalized ``Result`` is immutable: a correction is a
new revision with a reason. ``Certificate`` rows are the award certificates, each
verifiable by anyone through its public code.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mutu.evaluations.evidence import stored_suffix


class Cycle(models.Model):
    class Scheme(models.TextChoices):
        NATIONAL = "nasional", _("PEKPPP Nasional")
        SELF = "mandiri", _("PEKPPP Mandiri")

    class Status(models.TextChoices):
        OPEN = "open", _("Berjalan")
        PUBLISHED = "published", _("Dipublikasikan")

    year = models.PositiveSmallIntegerField(_("tahun"))
    name = models.CharField(_("nama siklus"), max_length=200)
    scheme = models.CharField(_("skema"), max_length=10, choices=Scheme.choices)
    instrument_id = models.CharField(_("instrumen"), max_length=40)
    instrument_version = models.CharField(_("versi instrumen"), max_length=20)
    region = models.ForeignKey(
        "registry.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("wilayah"),
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN
    )
    # The data window the feeds read (docs/regulations.md D11, D16): by default the
    # cycle's calendar year; set by the cycle's manager when opening or editing it.
    data_from = models.DateField(_("data sejak"))
    data_to = models.DateField(_("data sampai"))
    self_assessment_due = models.DateField(_("tenggat penilaian mandiri"))
    verification_due = models.DateField(_("tenggat verifikasi"))
    revision_days = models.PositiveSmallIntegerField(_("lama revisi (hari)"), default=7)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    # Who issues and signs the cycle's award certificates, and where: set by the
    # cycle's manager (services.cycle_signing_set), printed on every certificate.
    issuing_authority = models.CharField(
        _("instansi penerbit"), max_length=200, blank=True, default=""
    )
    signatory_name = models.CharField(
        _("nama penanda tangan"), max_length=150, blank=True, default=""
    )
    signatory_title = models.CharField(
        _("jabatan penanda tangan"), max_length=150, blank=True, default=""
    )
    signing_place = models.CharField(
        _("tempat penandatanganan"), max_length=100, blank=True, default=""
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path_field = "region__path"

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("siklus evaluasi")
        verbose_name_plural = _("siklus evaluasi")
        constraints = [
            models.UniqueConstraint(fields=["year", "name"], name="cycle_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Assignment(models.Model):
    """One unit in a cycle (lokus) with its evaluators and its stage."""

    class Stage(models.TextChoices):
        DRAFT = "draft", _("Penilaian mandiri")
        SUBMITTED = "submitted", _("Diajukan")
        REVISION = "revision", _("Revisi diminta")
        FINALIZED = "finalized", _("Final")

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="assignments"
    )
    unit = models.ForeignKey(
        "registry.ServiceUnit", on_delete=models.PROTECT, related_name="assignments"
    )
    evaluators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="evaluation_assignments"
    )
    stage = models.CharField(max_length=10, choices=Stage.choices, default=Stage.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    revision_due = models.DateField(null=True, blank=True)
    revision_note = models.TextField(blank=True)
    revisions_used = models.PositiveSmallIntegerField(default=0)

    scope_path_field = "unit__path"

    class Meta:
        verbose_name = _("penugasan evaluasi")
        verbose_name_plural = _("penugasan evaluasi")
        ordering = ["cycle", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "unit"], name="assignment_once"),
            models.CheckConstraint(
                condition=models.Q(revisions_used__lte=1), name="one_revision_round"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} · {self.unit}"


class Answer(models.Model):
    """Per indicator: the unit's self-assessment (F-01) and the evaluator's score (F-02)."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="answers"
    )
    indicator = models.CharField(_("indikator"), max_length=8)
    self_level = models.PositiveSmallIntegerField(
        _("level mandiri"), null=True, blank=True
    )
    self_note = models.TextField(_("keterangan unit"), blank=True)
    score = models.PositiveSmallIntegerField(
        _("nilai evaluator"), null=True, blank=True
    )
    score_note = models.TextField(_("catatan evaluator"), blank=True)
    # Why a level departs from the level the data propose (D11); required then.
    self_reason = models.TextField(_("alasan berbeda dari data (unit)"), blank=True)
    score_reason = models.TextField(
        _("alasan berbeda dari data (evaluator)"), blank=True
    )
    # The proposal as last shown beside a saved level, frozen at finalization.
    feed = models.JSONField(_("data objektif"), default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_path_field = "assignment__unit__path"

    class Meta:
        verbose_name = _("jawaban indikator")
        verbose_name_plural = _("jawaban indikator")
        ordering = ["assignment", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "indicator"], name="answer_once"
            ),
            models.CheckConstraint(
                condition=models.Q(self_level__isnull=True)
                | models.Q(self_level__lte=5),
                name="self_level_0_5",
            ),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__lte=5),
                name="score_0_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} {self.indicator}"


def _evidence_path(instance: "Evidence", filename: str) -> str:
    """``evidence/<assignment>/<random>.<ext>``: a name Mutu chooses; of *filename*
    only an extension of an accepted type is kept (the service passes the one of
    the type detected in the content), so no uploader's name reaches the disk."""
    return (
        f"evidence/{instance.answer.assignment_id}/"
        f"{secrets.token_hex(16)}{stored_suffix(filename)}"
    )


class Evidence(models.Model):
    """Supporting evidence (bukti dukung): a checked file or a link, with a description."""

    answer = models.ForeignKey(
        Answer, on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(upload_to=_evidence_path, blank=True)
    # The uploader's file name, for display only (the file on disk is named by
    # Mutu, see _evidence_path).
    original_name = models.CharField(_("nama berkas asli"), max_length=255, blank=True)
    url = models.URLField(blank=True)
    description = models.CharField(_("keterangan"), max_length=255)
    content_type = models.CharField(max_length=40, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path_field = "answer__assignment__unit__path"

    class Meta:
        verbose_name = _("bukti dukung")
        verbose_name_plural = _("bukti dukung")
        ordering = ["answer", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(file="") | ~models.Q(url=""),
                name="evidence_has_content",
            )
        ]

    def __str__(self) -> str:
        return self.description


class FieldVisit(models.Model):
    """An evaluator's field-visit observation, optionally with a photo."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="visits"
    )
    note = models.TextField(_("catatan kunjungan"))
    photo = models.FileField(upload_to="visits/%Y/", blank=True)
    visited_on = models.DateField(_("tanggal kunjungan"))
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path_field = "assignment__unit__path"

    class Meta:
        verbose_name = _("kunjungan lapangan")
        verbose_name_plural = _("kunjungan lapangan")
        ordering = ["assignment", "visited_on"]

    def __str__(self) -> str:
        return f"{self.assignment} {self.visited_on}"


class UserAssessment(models.Model):
    """One F-03 respondent: item scores 0–5, from the web form or typed from paper."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="user_assessments"
    )
    scores = models.JSONField()
    channel = models.CharField(max_length=10, default="web")
    client_id = models.UUIDField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path_field = "assignment__unit__path"

    class Meta:
        verbose_name = _("penilaian pengguna (F-03)")
        verbose_name_plural = _("penilaian pengguna (F-03)")
        ordering = ["assignment", "created_at"]

    def __str__(self) -> str:
        return f"F-03 {self.assignment}"


class Result(models.Model):
    """A computed result of one assignment; finalized rows never change.

    A correction after finalization is a new revision (``revision`` + 1) with its
    reason; only the newest revision is current.
    """

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="results"
    )
    revision = models.PositiveSmallIntegerField(default=1)
    aspects = models.JSONField()
    evaluator_index = models.DecimalField(max_digits=8, decimal_places=6)
    user_index = models.DecimalField(max_digits=8, decimal_places=6, null=True)
    user_index_used = models.BooleanField(default=False)
    user_respondents = models.PositiveSmallIntegerField(default=0)
    index = models.DecimalField(max_digits=8, decimal_places=6)
    index_display = models.DecimalField(max_digits=4, decimal_places=2)
    predicate = models.CharField(max_length=2)
    predicate_label = models.CharField(max_length=60)
    basis = models.CharField(max_length=255)
    reason = models.TextField(blank=True)
    # The feeds frozen at finalization with the figures they used (D11, D16), and
    # the fed indicators whose final score departs from the proposal.
    feeds = models.JSONField(default=dict, blank=True)
    departures = models.JSONField(default=list, blank=True)
    departures_count = models.PositiveSmallIntegerField(default=0)
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    finalized_at = models.DateTimeField()
    is_current = models.BooleanField(default=True)

    scope_path_field = "assignment__unit__path"

    class Meta:
        verbose_name = _("hasil evaluasi")
        verbose_name_plural = _("hasil evaluasi")
        ordering = ["assignment", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "revision"], name="result_revision"
            ),
            models.UniqueConstraint(
                fields=["assignment"],
                condition=models.Q(is_current=True),
                name="one_current_result",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.assignment} r{self.revision}: {self.index_display} {self.predicate}"
        )


def _verification_code() -> str:
    return secrets.token_urlsafe(12)


class Certificate(models.Model):
    """An award certificate (piagam penghargaan) for an A or A- result."""

    result = models.OneToOneField(
        Result, on_delete=models.PROTECT, related_name="certificate"
    )
    number = models.CharField(_("nomor"), max_length=60, unique=True)
    unit_name = models.CharField(max_length=200)
    head_name = models.CharField(max_length=150)
    head_title = models.CharField(max_length=150)
    predicate = models.CharField(max_length=2)
    predicate_label = models.CharField(max_length=60)
    cycle_name = models.CharField(max_length=200)
    verification_code = models.CharField(
        max_length=32, unique=True, default=_verification_code
    )
    issued_at = models.DateTimeField(auto_now_add=True)
    # A revoked certificate stays (its number is never reused) and its public page
    # says so, with the day and the reason (D14, D18).
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.TextField(blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope_path_field = "result__assignment__unit__path"

    class Meta:
        verbose_name = _("piagam")
        verbose_name_plural = _("piagam")
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return self.number


class InstrumentVersion(models.Model):
    """An instrument version uploaded by a national admin (D8, D19).

    Kept beside the files shipped in ``mutu.measures``: ``content`` is the file's
    text exactly as uploaded (validated on upload) and ``sha256`` the checksum of
    its bytes. A version is never changed or deleted, only retired: a retired
    version opens no new cycle, while the cycles opened with it keep it.
    """

    instrument_id = models.CharField(_("instrumen"), max_length=40)
    version = models.CharField(_("versi"), max_length=20)
    kind = models.CharField(_("jenis"), max_length=10)
    title = models.CharField(_("judul"), max_length=300)
    file_name = models.CharField(_("nama berkas"), max_length=200)
    content = models.TextField(_("isi berkas (JSON)"))
    sha256 = models.CharField(_("sidik berkas (SHA-256)"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("diunggah"), auto_now_add=True)
    retired_at = models.DateTimeField(_("dipensiunkan"), null=True, blank=True)
    retired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    retire_reason = models.TextField(_("alasan pensiun"), blank=True)

    class Meta:
        ordering = ["instrument_id", "-uploaded_at"]
        verbose_name = _("versi instrumen")
        verbose_name_plural = _("versi instrumen")
        constraints = [
            models.UniqueConstraint(
                fields=["instrument_id", "version"], name="instrument_version_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id} {self.version}"
