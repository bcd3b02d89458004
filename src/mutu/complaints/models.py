"""Complaints (pengaduan): the complaint, its history, attachments, escalations,
answer templates, the unit's quarterly recaps and the working-day calendar's
adjustments (docs/regulations.md §4 via REGULATIONS.md, D9, D20, D21)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mutu.evaluations.evidence import stored_suffix


class Complaint(models.Model):
    """One complaint, aspiration or information request, from any channel.

    ``tracking_code`` is what the citizen keeps (10 characters without ambiguous
    letters); the identity (``reporter_name``, ``reporter_email``,
    ``reporter_phone``, the sealed ``contact`` of an SMS/WhatsApp complainant) is
    shown per ``privacy`` (D21) and never on the tracking page or in the API.
    Due dates are working days after the filing date (D9).
    """

    class Kind(models.TextChoices):
        COMPLAINT = "pengaduan", _("Pengaduan")
        ASPIRATION = "aspirasi", _("Aspirasi")
        INFORMATION = "informasi", _("Permintaan informasi")

    class Channel(models.TextChoices):
        WEB = "web", _("Formulir web")
        SMS = "sms", _("SMS")
        WHATSAPP = "whatsapp", _("WhatsApp")
        API = "api", _("API (sistem lain)")
        COUNTER = "counter", _("Loket (tatap muka)")
        PHONE = "phone", _("Telepon")
        LETTER = "letter", _("Surat")

    class Privacy(models.TextChoices):
        OPEN = "open", _("Terbuka")
        CONFIDENTIAL = "confidential", _("Rahasia")
        ANONYMOUS = "anonymous", _("Anonim")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Diterima")
        VERIFIED = "verified", _("Terverifikasi")
        IN_PROGRESS = "in_progress", _("Sedang ditindaklanjuti")
        ANSWERED = "answered", _("Dijawab")
        CLOSED = "closed", _("Selesai")
        ARCHIVED = "archived", _("Diarsipkan")

    scope_path_field = "unit__path"

    tracking_code = models.CharField(_("kode lacak"), max_length=10, unique=True)
    client_id = models.UUIDField(null=True, blank=True, unique=True)
    unit = models.ForeignKey(
        "registry.ServiceUnit",
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("unit"),
    )
    service = models.ForeignKey(
        "registry.Service",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("layanan"),
    )
    kind = models.CharField(
        _("jenis"), max_length=12, choices=Kind.choices, default=Kind.COMPLAINT
    )
    channel = models.CharField(_("kanal"), max_length=10, choices=Channel.choices)
    privacy = models.CharField(
        _("kerahasiaan"), max_length=12, choices=Privacy.choices, default=Privacy.OPEN
    )
    text = models.TextField(_("isi"))
    reporter_name = models.CharField(_("nama pelapor"), max_length=150, blank=True)
    reporter_email = models.EmailField(_("surel pelapor"), blank=True)
    reporter_phone = models.CharField(_("telepon pelapor"), max_length=30, blank=True)
    contact = models.ForeignKey(
        "messaging.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED
    )
    field_inspection = models.BooleanField(
        _("perlu pemeriksaan lapangan"), default=False
    )
    filed_at = models.DateTimeField(_("diterima"))
    verify_due = models.DateField(_("tenggat verifikasi"))
    answer_due = models.DateField(_("tenggat jawaban pertama"))
    resolve_due = models.DateField(_("tenggat penyelesaian"))
    verified_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopen_reason = models.CharField(max_length=20, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("penilaian jawaban"), null=True, blank=True
    )
    solved = models.BooleanField(_("masalah selesai"), null=True, blank=True)
    solved_asked_at = models.DateTimeField(null=True, blank=True)
    follow_up = models.ForeignKey(
        "surveys.FollowUpItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
        verbose_name=_("rencana tindak lanjut"),
    )
    forwarded_from = models.ForeignKey(
        "registry.ServiceUnit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-filed_at", "-pk"]
        verbose_name = _("pengaduan")
        verbose_name_plural = _("pengaduan")
        indexes = [
            models.Index(fields=["unit", "filed_at"], name="complaint_unit_filed")
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True)
                | models.Q(rating__gte=1, rating__lte=4),
                name="complaint_rating_1_4",
            ),
            models.CheckConstraint(
                condition=~models.Q(privacy="anonymous")
                | models.Q(reporter_name="", reporter_email="", reporter_phone=""),
                name="complaint_anonymous_has_no_identity",
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_code

    @property
    def reopened(self) -> bool:
        return self.reopened_at is not None


class ComplaintEvent(models.Model):
    """One step of a complaint's history: a transition, an answer or a note.

    Answers are public (shown on the tracking page); notes are internal.
    """

    class Kind(models.TextChoices):
        FILED = "filed", _("Diterima")
        VERIFIED = "verified", _("Diverifikasi")
        FORWARDED = "forwarded", _("Diteruskan ke unit lain")
        ARCHIVED = "archived", _("Diarsipkan")
        STARTED = "started", _("Mulai ditindaklanjuti")
        ANSWERED = "answered", _("Dijawab")
        CLOSED = "closed", _("Ditutup")
        RATED = "rated", _("Jawaban dinilai")
        DISPUTED = "disputed", _("Disanggah")
        SOLVED = "solved", _("Jawaban atas pertanyaan selesai")
        REOPENED = "reopened", _("Dibuka kembali")
        NOTE = "note", _("Catatan internal")
        ESCALATED = "escalated", _("Dieskalasi ke koordinator")

    scope_path_field = "complaint__unit__path"

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    old_status = models.CharField(max_length=12, blank=True)
    new_status = models.CharField(max_length=12, blank=True)
    text = models.TextField(blank=True)
    public = models.BooleanField(default=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("riwayat pengaduan")
        verbose_name_plural = _("riwayat pengaduan")

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind}"


def _attachment_path(instance: "ComplaintAttachment", filename: str) -> str:
    return (
        f"aduan/{instance.complaint_id}/{instance.sha256[:16]}{stored_suffix(filename)}"
    )


class ComplaintAttachment(models.Model):
    """A file attached to a complaint, checked by content (PDF, JPG, PNG); served
    only to those who may see the complaint in the unit."""

    scope_path_field = "complaint__unit__path"

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=_attachment_path)
    original_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("lampiran pengaduan")
        verbose_name_plural = _("lampiran pengaduan")

    def __str__(self) -> str:
        return self.original_name or f"lampiran {self.pk}"


class ComplaintEscalation(models.Model):
    """A missed deadline of a complaint, escalated to the regional coordinator once."""

    class Stage(models.TextChoices):
        VERIFY = "verify", _("verifikasi (3 hari kerja)")
        ANSWER = "answer", _("jawaban pertama (5 hari kerja)")
        RESOLVE = "resolve", _("penyelesaian (14/60 hari kerja)")

    scope_path_field = "complaint__unit__path"

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="escalations"
    )
    stage = models.CharField(max_length=8, choices=Stage.choices)
    due = models.DateField()
    recipients = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("eskalasi pengaduan")
        verbose_name_plural = _("eskalasi pengaduan")
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "stage"], name="one_escalation_per_stage"
            )
        ]

    def __str__(self) -> str:
        return f"{self.complaint} {self.stage}"


class AnswerTemplate(models.Model):
    """A reusable answer text of a unit (the operator edits it before sending)."""

    scope_path_field = "unit__path"

    unit = models.ForeignKey(
        "registry.ServiceUnit", on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("judul"), max_length=100)
    text = models.TextField(_("isi jawaban"))

    class Meta:
        ordering = ["unit", "title"]
        verbose_name = _("templat jawaban")
        verbose_name_plural = _("templat jawaban")

    def __str__(self) -> str:
        return self.title


class ComplaintRecap(models.Model):
    """The unit's published quarterly complaints recap (read by indicator Q27, D13)."""

    scope_path_field = "unit__path"

    unit = models.ForeignKey(
        "registry.ServiceUnit", on_delete=models.CASCADE, related_name="+"
    )
    period_key = models.CharField(_("periode"), max_length=10)
    figures = models.JSONField(default=dict)
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["unit", "-period_key"]
        verbose_name = _("rekap pengaduan")
        verbose_name_plural = _("rekap pengaduan")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period_key"], name="one_recap_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.period_key}"


class CalendarDay(models.Model):
    """A national-admin adjustment of the working-day calendar (D9): a date made
    non-working (``working`` false, e.g. a new cuti bersama) or a listed holiday
    made working (``working`` true, a holiday moved by decree)."""

    day = models.DateField(_("tanggal"), unique=True)
    working = models.BooleanField(_("hari kerja"))
    reason = models.CharField(_("dasar (keputusan)"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("penyesuaian hari kerja")
        verbose_name_plural = _("penyesuaian hari kerja")

    def __str__(self) -> str:
        return f"{self.day} {'kerja' if self.working else 'libur'}"
