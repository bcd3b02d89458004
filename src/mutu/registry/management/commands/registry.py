"""``mutu registry load-regions``: (re)load provinces and regencies/cities."""

from django.core.management.base import BaseCommand

from mutu.registry.regions import regions_load


class Command(BaseCommand):
    help = (
        "Registri: muat ulang wilayah (provinsi, kabupaten/kota) / Registry commands."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="AKSI")
        sub.add_parser(
            "load-regions",
            help="Muat 38 provinsi dan 514 kabupaten/kota (idempoten).",
        )

    def handle(self, *args, **options):
        report = regions_load()
        self.stdout.write(
            self.style.SUCCESS(
                f"Wilayah dimuat: {report.created} baru, {report.updated} diperbarui, "
                f"{report.unchanged} tetap ({report.total} total)."
            )
        )
