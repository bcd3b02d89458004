"""``mutu surveys rebuild-rollups [--check]``: recompute rollups from responses."""

from django.core.management.base import BaseCommand, CommandError

from mutu.surveys.rollups import rollups_rebuild


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

    def handle(self, *args, **options):
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
                    f"Rekap dibangun ulang: {report.rows} baris "
                    f"({len(report.differences)} diperbaiki)."
                )
            )
