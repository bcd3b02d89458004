"""``mutu demo load``: load the Lampung/Pesawaran demo and print its logins."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mutu.demo.loader import demo_load


class Command(BaseCommand):
    help = "Muat data demo Kabupaten Pesawaran / Load the Pesawaran demo data."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="AKSI")
        load = sub.add_parser("load", help="Muat data demo (idempoten).")
        load.add_argument(
            "--allow-production",
            action="store_true",
            help="Izinkan demo walau DJANGO_DEBUG mati (kata sandi demo publik).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "Data demo memakai kata sandi yang diketahui umum; jalankan dengan "
                "DJANGO_DEBUG=1 atau --allow-production. / Demo data uses public "
                "passwords; run with DJANGO_DEBUG=1 or --allow-production."
            )
        report = demo_load()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo dimuat: {report.units} unit, {report.services} layanan, "
                f"{report.responses} respons SKM baru."
            )
        )
        self.stdout.write(
            "Login demo (nama pengguna / kata sandi / peran / rahasia TOTP; kode: "
            "oathtool --totp -b RAHASIA):"
        )
        for username, password, role in report.logins:
            secret = report.totp_secrets.get(username, "")
            self.stdout.write(
                f"  {username:24} {password:18} {role:16} {secret}".rstrip()
            )
