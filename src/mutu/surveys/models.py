"""SKM responses and their daily rollups (PermenPANRB 14/2017; DESIGN.md "Core data").

A response keeps the nine element answers as nine small-integer columns keyed by
element code (D4), never by question position. No name, phone number or address is
ever stored with a response. Rollups hold, per unit × service × day × channel, the
number of counted responses and per element the count of each answer 1–4, so every
period or regional figure costs O(units × days), never O(responses).
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from mutu.measures.skm_elements import ELEMENTS

ELEMENT_FIELDS = tuple(e.code.lower() for e in ELEMENTS)
"""Response columns of the nine standard elements: ``u1`` … ``u9``."""

ROLLUP_COUNT_FIELDS = tuple(
    f"{field}_{value}" for field in ELEMENT_FIELDS for value in (1, 2, 3, 4)
)
"""Rollup columns ``u1_1`` … ``u9_4``: how many counted responses answered each value."""

ROLLUP_PAIRS = tuple(
    (a, b) for i, a in enumerate(ELEMENT_FIELDS) for b in ELEMENT_FIELDS[i + 1 :]
)
"""The 36 pairs of elements ``(u1, u2)`` … ``(u8, u9)``, in code order."""

ROLLUP_PAIR_FIELDS = tuple(
    f"{a}{b}_{part}" for a, b in ROLLUP_PAIRS for part in ("n", "a", "b", "ab")
)
"""Rollup columns ``u1u2_n``, ``u1u2_a``, ``u1u2_b``, ``u1u2_ab`` … per pair: over the
counted responses that answered both elements, how many, Σ a, Σ b and Σ a·b
(:class:`mutu.measures.tally.PairSums`). An element's own sum and sum of squares
need no column: they follow from its counts of 1–4."""

AGE_BANDS = ((15, 24), (25, 34), (35, 44), (45, 54), (55, 64), (65, 100))
"""The respondent profile's age bands (§1.5); together they cover every accepted age
(``rules.AGE_RANGE``, 15–100)."""


def _slug(value: str) -> str:
    return value.lower().replace("-", "_") or "blank"


ROLLUP_PROFILE_VALUES: tuple[tuple[str, str, str], ...] = ()
"""``(response field, stored value, rollup column)`` of every respondent profile
count: each sex, education and occupation choice and blank (filled in below the
choices)."""

ROLLUP_AGE_FIELDS = (*(f"age_{low}" for low, _high in AGE_BANDS), "age_blank")
"""Rollup columns of the age bands (``age_15`` counts 15–24 …) and of no age."""

ROLLUP_EXTRA_FIELDS = tuple(
    f"x{n}_{value}" for n in range(1, 6) for value in (1, 2, 3, 4)
)
"""Rollup columns ``x1_1`` … ``x5_4``: the answers 1–4 to the unit's own questions."""

ROLLUP_MARK_FIELDS = ("flagged", "excluded")
"""Rollup columns of *all* responses of the key, counted or not: how many carry an
integrity flag, and how many a coordinator excluded. Every other rollup column
counts only the counted (not excluded) responses."""


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    QR = "qr", _("QR di loket")
    KIOSK = "kiosk", _("Kios")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    PAPER = "paper", _("Kertas")
    API = "api", _("API")


class Sex(models.TextChoices):
    MALE = "L", _("Laki-laki")
    FEMALE = "P", _("Perempuan")


class Education(models.TextChoices):
    """Education levels of the SKM template (docs/regulations.md §1.5)."""

    SD = "SD", _("SD")
    SMP = "SMP", _("SMP")
    SMA = "SMA", _("SMA/SMK")
    DIPLOMA = "D1-D3", _("D1–D3")
    S1 = "S1", _("D4/S1")
    S2 = "S2", _("S2")
    S3 = "S3", _("S3")


class Occupation(models.TextChoices):
    """Occupations of the SKM template (docs/regulations.md §1.5)."""

    PNS = "PNS", _("PNS")
    TNI = "TNI", _("TNI")
    POLRI = "POLRI", _("POLRI")
    PRIVATE = "SWASTA", _("Swasta")
    SELF_EMPLOYED = "WIRAUSAHA", _("Wirausaha")
    OTHER = "LAINNYA", _("Lainnya")


ROLLUP_PROFILE_VALUES = tuple(
    (field, value, f"{field}_{_slug(value)}")
    for field, choices in (
        ("sex", Sex.values),
        ("education", Education.values),
        ("occupation", Occupation.values),
    )
    for value in (*choices, "")
)

ROLLUP_PROFILE_FIELDS = (
    *(column for _field, _value, column in ROLLUP_PROFILE_VALUES),
    *ROLLUP_AGE_FIELDS,
)
"""Rollup columns of the respondent profile (sex, education, occupation, age)."""

ROLLUP_FIGURE_FIELDS = (
    *ROLLUP_PAIR_FIELDS,
    *ROLLUP_PROFILE_FIELDS,
    *ROLLUP_EXTRA_FIELDS,
    *ROLLUP_MARK_FIELDS,
)
"""Every rollup column beyond the element counts (issue 14 item 3)."""


def _answer_field(element) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(element.name_id, null=True, blank=True)


class Response(models.Model):
    """One citizen's SKM answers for one service of one unit."""

    # No index of its own: ``(unit, day)`` below serves it (docs/scaling.md
    # "Partitions and indexes": every index costs each insert).
    unit = models.ForeignKey(
        "registry.ServiceUnit",
        on_delete=models.PROTECT,
        related_name="responses",
        verbose_name=_("unit"),
        db_index=False,
    )
    service = models.ForeignKey(
        "registry.Service",
        on_delete=models.PROTECT,
        related_name="responses",
        verbose_name=_("layanan"),
    )
    point = models.ForeignKey(
        "registry.ServicePoint",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responses",
        verbose_name=_("loket"),
        db_index=False,  # ``response_point_time`` starts with it
    )
    channel = models.CharField(_("kanal"), max_length=10, choices=Channel.choices)
    submitted_at = models.DateTimeField(_("waktu kirim"), db_index=True)
    # Not indexed alone: on PostgreSQL the monthly partitions narrow a period.
    day = models.DateField(_("tanggal (WIB)"))
    u1 = _answer_field(ELEMENTS[0])
    u2 = _answer_field(ELEMENTS[1])
    u3 = _answer_field(ELEMENTS[2])
    u4 = _answer_field(ELEMENTS[3])
    u5 = _answer_field(ELEMENTS[4])
    u6 = _answer_field(ELEMENTS[5])
    u7 = _answer_field(ELEMENTS[6])
    u8 = _answer_field(ELEMENTS[7])
    u9 = _answer_field(ELEMENTS[8])
    sex = models.CharField(
        _("jenis kelamin"), max_length=1, choices=Sex.choices, blank=True
    )
    age = models.PositiveSmallIntegerField(_("usia"), null=True, blank=True)
    education = models.CharField(
        _("pendidikan"), max_length=8, choices=Education.choices, blank=True
    )
    occupation = models.CharField(
        _("pekerjaan"), max_length=10, choices=Occupation.choices, blank=True
    )
    comment = models.TextField(_("kritik dan saran"), blank=True)
    extra_answers = models.JSONField(_("jawaban tambahan"), default=dict, blank=True)
    client_id = models.UUIDField(_("id klien"), unique=True, default=uuid.uuid4)
    content_hash = models.CharField(_("sidik isi"), max_length=64)
    device_hash = models.CharField(_("sidik perangkat"), max_length=64, blank=True)
    is_flagged = models.BooleanField(_("ditandai"), default=False)
    is_excluded = models.BooleanField(_("dikecualikan"), default=False)
    integrity_pending = models.BooleanField(
        _("menunggu pemeriksaan integritas"),
        default=False,
        db_default=False,  # raw writers (the paper import's COPY) may leave it out
        help_text=_(
            "Respons dari formulir publik diperiksa aturan integritas sesaat setelah "
            "tersimpan, di luar permintaan warga."
        ),
    )

    scope_path_field = "unit__path"
    client_ip: str = ""
    """The sender's address while the response is being stored; never saved."""

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("respons SKM")
        verbose_name_plural = _("respons SKM")
        indexes = [
            models.Index(fields=["unit", "day"]),
            # The integrity rules look back by device and by counter (integrity.py).
            models.Index(
                fields=["device_hash", "service", "submitted_at"],
                name="response_device",
            ),
            models.Index(fields=["point", "submitted_at"], name="response_point_time"),
            # The few responses still waiting for the integrity rules (integrity.py).
            models.Index(
                fields=["id"],
                condition=models.Q(integrity_pending=True),
                name="response_integrity_pending",
            ),
            # A period's newest comments (selectors.comment_list): the scan starts at
            # the period's last day and stops at the page size (docs/scaling.md).
            models.Index(
                fields=["unit", "-day", "-submitted_at", "-id"],
                condition=~models.Q(comment="") & models.Q(is_excluded=False),
                name="response_comments",
            ),
            # The flagged review list of a unit's period (about 1 % of rows).
            models.Index(
                fields=["unit", "day"],
                condition=models.Q(is_flagged=True),
                name="response_flagged",
            ),
        ]
        constraints = [
            *(
                models.CheckConstraint(
                    condition=models.Q(**{f"{field}__isnull": True})
                    | models.Q(**{f"{field}__gte": 1, f"{field}__lte": 4}),
                    name=f"response_{field}_1_to_4",
                )
                for field in ELEMENT_FIELDS
            ),
            models.CheckConstraint(
                # D3: a response with no element answered is rejected, not stored.
                condition=~models.Q(
                    **{f"{field}__isnull": True for field in ELEMENT_FIELDS}
                ),
                name="response_answers_something",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.service} · {self.submitted_at:%Y-%m-%d %H:%M}"

    def answers(self) -> dict[str, int | None]:
        return {field.upper(): getattr(self, field) for field in ELEMENT_FIELDS}


class ResponseFlag(models.Model):
    """An integrity signal raised on a response: a named rule with its reason."""

    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="flags"
    )
    rule = models.CharField(_("aturan"), max_length=40)
    reason = models.CharField(_("alasan"), max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tanda integritas respons")
        verbose_name_plural = _("tanda integritas respons")
        ordering = ["response", "rule"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "rule"], name="flag_once_per_rule"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule}: {self.reason}"


class ResponseKey(models.Model):
    """Where a ``client_id`` is stored: the idempotency key across periods.

    On PostgreSQL the response table is partitioned by month and a unique key there
    must include the day, so a trigger writes this row in the same statement as the
    response and its primary key refuses a ``client_id`` of any period
    (:mod:`mutu.surveys.partitions`). On SQLite the response's own unique
    ``client_id`` does that and this table stays empty.
    """

    client_id = models.UUIDField(_("id klien"), primary_key=True)
    response_id = models.BigIntegerField()
    day = models.DateField()

    class Meta:
        verbose_name = _("kunci idempotensi respons")
        verbose_name_plural = _("kunci idempotensi respons")

    def __str__(self) -> str:
        return f"{self.client_id} → {self.response_id} ({self.day})"


class DailyRollup(models.Model):
    """Counted responses of one unit × service × day × channel: per element and value,
    per pair of elements, by respondent profile and extra question, and the flagged
    and excluded ones (every figure of a results page; docs/scaling.md)."""

    unit = models.ForeignKey(
        "registry.ServiceUnit", on_delete=models.CASCADE, related_name="rollups"
    )
    service = models.ForeignKey(
        "registry.Service", on_delete=models.CASCADE, related_name="rollups"
    )
    day = models.DateField()
    channel = models.CharField(max_length=10, choices=Channel.choices)
    responses = models.PositiveIntegerField(default=0)

    scope_path_field = "unit__path"

    class Meta:
        verbose_name = _("rekap harian")
        verbose_name_plural = _("rekap harian")
        ordering = ["unit", "day"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "service", "day", "channel"], name="rollup_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.service_id}/{self.day}/{self.channel}"


for _field in ROLLUP_COUNT_FIELDS:
    DailyRollup.add_to_class(_field, models.PositiveIntegerField(default=0))
# Plain integers (no CHECK per column): they are sums made only by the rollup rule,
# and a rebuild writes some two hundred of them per row (docs/scaling.md).
for _field in ROLLUP_FIGURE_FIELDS:
    DailyRollup.add_to_class(_field, models.IntegerField(default=0))


class MonthlyRollup(models.Model):
    """The daily rollups of one unit × calendar month, summed over its services,
    channels and days (issue 15 item 9; docs/scaling.md "Monthly rollups").

    What a table of many units reads: a national league table for a quarter reads
    three rows per unit instead of one per unit, service, day and channel. Written
    in the same transaction as the daily rows (:mod:`mutu.surveys.rollups`), so the
    two always agree; ``mutu surveys rebuild-rollups --check`` compares them.
    """

    # No index of its own: the key (unit, month) leads with the unit.
    unit = models.ForeignKey(
        "registry.ServiceUnit",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    month = models.DateField()  # its first day
    responses = models.PositiveIntegerField(default=0)

    scope_path_field = "unit__path"

    class Meta:
        verbose_name = _("rekap bulanan")
        verbose_name_plural = _("rekap bulanan")
        ordering = ["unit", "month"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "month"], name="monthly_rollup_key")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.month:%Y-%m}"


for _field in (*ROLLUP_COUNT_FIELDS, *ROLLUP_FIGURE_FIELDS):
    MonthlyRollup.add_to_class(_field, models.IntegerField(default=0))


class MonthlyRevision(models.Model):
    """How often a unit's monthly rollup row was written: 1 when it is made, one
    more at each change (every writer of :class:`MonthlyRollup` counts it in the
    same transaction; :mod:`mutu.surveys.rollups`). A unit's revisions over a
    period, summed, fingerprint the figures computed from its rollups
    (:class:`UnitPeriodSummary`): the sum grows with every change and never comes
    back (a revision is never lowered; a rebuild counts every month up once more).

    A narrow table of its own, not a column of the wide row: a column that an index
    reads would make every update of the hot monthly row a non-HOT one (a new
    index entry per submission; p99 at 200 submissions/s went from 76 to 410 ms),
    and without an index the fingerprints of a nation would be a scan of the wide
    rows (275 ms). docs/scaling.md "Unit summaries".
    """

    unit = models.ForeignKey(
        "registry.ServiceUnit",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    month = models.DateField()  # its first day
    revision = models.BigIntegerField(default=1, db_default=1)

    class Meta:
        verbose_name = _("revisi rekap bulanan")
        verbose_name_plural = _("revisi rekap bulanan")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "month"], name="monthly_revision_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.month:%Y-%m}: {self.revision}"


class UnitPeriodSummary(models.Model):
    """One unit's league figures over the whole months ``first_month`` …
    ``last_month`` (a period): its counted responses, converted IKM and the IKM's
    standard error, as computed from its monthly rollups whose revisions
    (:class:`MonthlyRevision`) summed to ``revision`` (issue 15 item 9;
    docs/scaling.md "Unit summaries").

    What a national league table reads: one narrow row per unit, not the two
    hundred sums of its months. Written by the reader that finds it missing or
    behind its rollups (:mod:`mutu.surveys.summaries`), so a submission writes
    nothing more; a rebuild of the rollups empties the table.
    """

    unit = models.ForeignKey(
        "registry.ServiceUnit",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    first_month = models.DateField()
    last_month = models.DateField()
    revision = models.BigIntegerField()
    responses = models.PositiveIntegerField()
    ikm = models.TextField(blank=True)
    """The converted IKM as an exact fraction (``"3481/40"``); blank: none."""
    se = models.FloatField(null=True)
    """The converted IKM's standard error; null: unknown (infinite)."""

    class Meta:
        verbose_name = _("ringkasan unit per periode")
        verbose_name_plural = _("ringkasan unit per periode")
        constraints = [
            models.UniqueConstraint(
                fields=["first_month", "last_month", "unit"],
                name="unit_period_summary_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.first_month:%Y-%m}…{self.last_month:%Y-%m}"


class ImportJob(models.Model):
    """A paper-survey XLSX upload and its import, run as a background task.

    All rows are imported or none: a file with any invalid row is refused with a
    per-row error report (``errors``: ``[{"row", "column", "message"}]``).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Menunggu")
        RUNNING = "running", _("Berjalan")
        DONE = "done", _("Selesai")
        REFUSED = "refused", _("Ditolak")
        FAILED = "failed", _("Gagal")

    unit = models.ForeignKey(
        "registry.ServiceUnit", on_delete=models.CASCADE, related_name="import_jobs"
    )
    uploaded_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(_("berkas"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("nama berkas"), max_length=255)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    scope_path_field = "unit__path"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("impor survei kertas")
        verbose_name_plural = _("impor survei kertas")

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        return self.processed_rows * 100 // self.total_rows if self.total_rows else 0


class PeriodPopulation(models.Model):
    """The number of service users of a unit in a period: the N of Krejcie & Morgan."""

    unit = models.ForeignKey(
        "registry.ServiceUnit", on_delete=models.CASCADE, related_name="populations"
    )
    period_key = models.CharField(_("periode"), max_length=10)
    population = models.PositiveIntegerField(_("jumlah pengguna layanan"))
    updated_at = models.DateTimeField(auto_now=True)

    scope_path_field = "unit__path"

    class Meta:
        verbose_name = _("populasi penerima layanan")
        verbose_name_plural = _("populasi penerima layanan")
        ordering = ["unit", "period_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period_key"], name="population_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.period_key}: {self.population}"


class Publication(models.Model):
    """The unit head's act of publishing a period's result, with its date and media.

    Feeds PEKPPP indicators 6–9 (docs/regulations.md §1.7): the media count, and the
    publication date from which follow-up speed is measured.
    """

    class Medium(models.TextChoices):
        PRINT = "print", _("Cetak/non-elektronik")
        SCREEN = "screen", _("Elektronik (TV/monitor/kios)")
        SOCIAL = "social", _("Media sosial")
        WEBSITE = "website", _("Situs web")
        APP = "app", _("Aplikasi")
        BILLBOARD = "billboard", _("Papan reklame/videotron")

    unit = models.ForeignKey(
        "registry.ServiceUnit", on_delete=models.CASCADE, related_name="publications"
    )
    period_key = models.CharField(_("periode"), max_length=10)
    published_at = models.DateField(_("tanggal publikasi"))
    media = models.JSONField(_("media publikasi"), default=list)
    published_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path_field = "unit__path"

    class Meta:
        verbose_name = _("publikasi hasil SKM")
        verbose_name_plural = _("publikasi hasil SKM")
        ordering = ["-published_at"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "period_key"], name="publish_once")
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.period_key} ({self.published_at})"

    @property
    def period_label(self) -> str:
        """The period as people read it ("Triwulan III 2026"); the key is for URLs."""
        from mutu.surveys.periods import period_from_key

        return period_from_key(self.period_key).label


class FollowUpItem(models.Model):
    """One item of a follow-up plan (rencana tindak lanjut) for a weak element."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Direncanakan")
        IN_PROGRESS = "in_progress", _("Berjalan")
        DONE = "done", _("Selesai")

    unit = models.ForeignKey(
        "registry.ServiceUnit", on_delete=models.CASCADE, related_name="follow_ups"
    )
    period_key = models.CharField(_("periode"), max_length=10)
    element = models.CharField(_("unsur"), max_length=4)
    action = models.TextField(_("tindakan perbaikan"))
    person_in_charge = models.CharField(_("penanggung jawab"), max_length=150)
    due_date = models.DateField(_("tenggat"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    evidence = models.TextField(_("bukti"), blank=True)
    completed_at = models.DateField(_("tanggal selesai"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_path_field = "unit__path"

    class Meta:
        ordering = ["unit", "period_key", "due_date"]
        verbose_name = _("rencana tindak lanjut")
        verbose_name_plural = _("rencana tindak lanjut")

    def __str__(self) -> str:
        return f"{self.element}: {self.action[:40]}"


class UnitSurveySettings(models.Model):
    """A unit's survey choices: its period, extra questions and its own networks.

    Extra questions (at most five, PermenPANRB 14/2017 §1.1: the nine elements are the
    minimum scope) are answered 1–4 but never counted in the IKM.
    """

    MAX_EXTRA_QUESTIONS = 5

    unit = models.OneToOneField(
        "registry.ServiceUnit", on_delete=models.CASCADE, related_name="survey_settings"
    )
    period_kind = models.CharField(
        _("periode survei"),
        max_length=10,
        choices=[
            ("month", _("Bulanan")),
            ("quarter", _("Triwulan")),
            ("semester", _("Semester")),
            ("year", _("Tahunan")),
        ],
        default="quarter",
    )
    extra_questions = models.JSONField(
        _("pertanyaan tambahan"), default=list, blank=True
    )
    own_networks = models.TextField(
        _("jaringan internal unit"),
        blank=True,
        help_text=_(
            "Satu rentang per baris, mis. 10.18.9.0/24 (respons dari sini ditandai)"
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    scope_path_field = "unit__path"

    class Meta:
        verbose_name = _("pengaturan survei unit")
        verbose_name_plural = _("pengaturan survei unit")

    def __str__(self) -> str:
        return f"{self.unit}"
