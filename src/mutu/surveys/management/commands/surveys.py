"""``mutu surveys …``: SKM survey maintenance commands.

- ``mutu surveys rebuild-rollups [--check]``: recompute rollups from responses.
- ``mutu surveys posters <unit id or short name> [--out DIR] [--base-url URL]
  [--per-point]``: print the QR posters of a unit's service points as A4 PDF: one
  file ``poster-skm-<unit id>.pdf`` with a page per point, or with ``--per-point``
  one file ``poster-skm-<code>.pdf`` per point.
- ``mutu surveys partitions [--ahead 3]``: on PostgreSQL, create the response
  table's partitions of this month and the next *ahead* months, and of every month
  with rows in the DEFAULT partition (moved out of it); idempotent
  (:mod:`mutu.surveys.partitions`). Run daily by a timer (docs/operations.md).
- ``mutu surveys summaries [--quarters 4] [--years 4] [--revise]``: compute the
  units' summaries (:mod:`mutu.surveys.summaries`) of this quarter and the ones
  before, and of this year and the ones before, that are missing or behind their
  rollups; with ``--revise`` count every month's revision up first
  (``revisions_count_up``). Run after every deploy (with ``--revise``) and after
  ``rebuild-rollups``, so that no reader's request computes a nation's
  (docs/operations.md).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from mutu.errors import MutuError
from mutu.registry.models import ServiceUnit
from mutu.reports.posters import posters_pdf, public_base_url
from mutu.surveys.partitions import partitions_ensure
from mutu.surveys.periods import Period, PeriodKind, period_containing
from mutu.surveys.rollups import revisions_count_up, rollups_rebuild
from mutu.surveys.summaries import summaries_refresh


def _recent(today, kind: PeriodKind, count: int) -> list[Period]:
    """The period of *kind* holding *today* and the ones before it: *count* in all."""
    periods = [period_containing(today, kind)] if count else []
    while len(periods) < count:
        periods.append(periods[-1].previous())
    return periods


class Command(BaseCommand):
    help = "Survei SKM: perintah pemeliharaan / SKM survey maintenance commands."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="AKSI")
        rebuild = sub.add_parser(
            "rebuild-rollups", help="Hitung ulang rekap harian dari respons."
        )
        rebuild.add_argument(
            "--check",
            action="store_true",
            help="Hanya periksa; laporkan selisih tanpa menulis (keluar 1 bila ada).",
        )
        posters = sub.add_parser(
            "posters",
            help="Cetak poster QR (PDF A4) untuk setiap loket sebuah unit.",
        )
        posters.add_argument("unit", help="ID unit atau nama singkatnya.")
        posters.add_argument(
            "--out",
            default=".",
            help="Folder tujuan (dibuat bila belum ada; bawaan: folder kerja).",
        )
        posters.add_argument(
            "--base-url",
            default=None,
            help="Alamat publik Mutu pada kode QR, mis. https://mutu.pesawarankab.go.id "
            "(bawaan: pengaturan MUTU_PUBLIC_BASE_URL).",
        )
        posters.add_argument(
            "--per-point",
            action="store_true",
            help="Satu berkas PDF per loket, bukan satu berkas per unit.",
        )

        summaries = sub.add_parser(
            "summaries",
            help="Hitung ringkasan unit (IKM, galat baku) per periode yang belum ada "
            "atau tertinggal dari rekapnya.",
        )
        summaries.add_argument(
            "--quarters",
            type=int,
            default=4,
            help="Triwulan ini dan sebelumnya, sebanyak ini (bawaan: 4).",
        )
        summaries.add_argument(
            "--revise",
            action="store_true",
            help="Naikkan dulu revisi setiap bulan sekali (sesudah pemutakhiran: "
            "memperbaiki bulan yang ditulis proses versi lama), lalu hitung semua.",
        )
        summaries.add_argument(
            "--years",
            type=int,
            default=4,
            help="Tahun ini dan sebelumnya, sebanyak ini (bawaan: 4; tren sebuah "
            "tahun membaca tiga tahun sebelumnya).",
        )
        ahead = sub.add_parser(
            "partitions",
            help="Buat partisi bulanan tabel respons (PostgreSQL) untuk bulan ini "
            "dan beberapa bulan ke depan.",
        )
        ahead.add_argument(
            "--ahead",
            type=int,
            default=3,
            help="Jumlah bulan ke depan (bawaan: 3).",
        )

    def handle(self, *args, **options):
        if options["action"] == "summaries":
            self._summaries(options)
        elif options["action"] == "posters":
            self._posters(options)
        elif options["action"] == "partitions":
            self._partitions(options)
        else:
            self._rebuild(options)

    def _summaries(self, options):
        if options["quarters"] < 0 or options["years"] < 0:
            raise CommandError(
                "--quarters dan --years tidak boleh negatif / must not be negative."
            )
        if options["revise"]:
            counted = revisions_count_up()
            self.stdout.write(
                f"Revisi dinaikkan: {counted} bulan. / Revisions counted up: "
                f"{counted} months."
            )
        today = timezone.localdate()
        periods = _recent(today, PeriodKind.QUARTER, options["quarters"])
        periods += _recent(today, PeriodKind.YEAR, options["years"])

        def progress(period, done, total):
            self.stdout.write(f"  {period.label}: {done}/{total} unit")

        computed = summaries_refresh(
            ServiceUnit.objects.values_list("pk", flat=True),
            periods,
            progress=progress,
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Ringkasan dihitung: {computed}. / Summaries computed: {computed}."
            )
        )

    def _partitions(self, options):
        if options["ahead"] < 0:
            raise CommandError("--ahead tidak boleh negatif / must not be negative.")
        if connection.vendor != "postgresql":
            self.stdout.write(
                "Tabel respons tidak dipartisi di basis data ini (hanya PostgreSQL). / "
                "The response table is not partitioned on this database."
            )
            return
        with transaction.atomic(), connection.cursor() as cursor:
            report = partitions_ensure(
                cursor, today=timezone.localdate(), ahead=options["ahead"]
            )
        for name in report.created:
            self.stdout.write(f"  dibuat / created: {name}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Partisi: {len(report.created)} dibuat, {report.moved} baris "
                f"dipindah dari DEFAULT, {report.default_rows} tersisa di DEFAULT. / "
                f"Partitions: {len(report.created)} created, {report.moved} rows "
                f"moved out of DEFAULT, {report.default_rows} left in DEFAULT."
            )
        )

    def _rebuild(self, options):
        report = rollups_rebuild(check_only=options["check"])
        for line in report.differences:
            self.stdout.write(f"  selisih: {line}")
        if options["check"]:
            if not report.ok:
                raise CommandError(
                    f"{len(report.differences)} rekap berbeda dari respons / "
                    f"{len(report.differences)} rollups differ from the responses."
                )
            self.stdout.write(self.style.SUCCESS(f"Rekap cocok: {report.rows} baris."))
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Rekap dibangun ulang: {report.rows} baris / "
                    f"rollups rebuilt: {report.rows} rows."
                )
            )

    def _posters(self, options):
        unit = _find_unit(options["unit"])
        points = list(
            unit.points.select_related("unit", "mpp").order_by("name", "code")
        )
        if not points:
            raise CommandError(
                f"{unit.name} belum punya loket layanan / has no service point yet."
            )
        try:
            base_url = public_base_url(options["base_url"])
            batches = (
                [(f"poster-skm-{point.code}.pdf", [point]) for point in points]
                if options["per_point"]
                else [(f"poster-skm-{unit.pk}.pdf", points)]
            )
            out = Path(options["out"])
            out.mkdir(parents=True, exist_ok=True)
            for filename, batch in batches:
                path = out / filename
                path.write_bytes(posters_pdf(batch, base_url=base_url))
                self.stdout.write(f"  {path} ({len(batch)} halaman)")
        except MutuError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(points)} poster untuk {unit.name}; kode QR menuju {base_url}/s/…"
            )
        )


def _find_unit(key: str) -> ServiceUnit:
    """The unit with id *key*, or the one unit whose short name is *key* (any case)."""
    condition = Q(short_name__iexact=key.strip())
    if key.strip().isdigit():
        condition |= Q(pk=int(key))
    units = list(ServiceUnit.objects.filter(condition).order_by("pk")[:5])
    if not units:
        raise CommandError(f"Unit tidak ditemukan / unit not found: {key!r}.")
    if len(units) > 1:
        names = "; ".join(f"{unit.pk} {unit.name}" for unit in units)
        raise CommandError(
            f"Beberapa unit cocok, pakai ID-nya / several units match, use the id: "
            f"{names}."
        )
    return units[0]
