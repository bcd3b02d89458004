"""``mutu restore FILE [--force]``: put back an archive made by ``mutu backup``.

Refuses a database that already holds data unless ``--force`` (which replaces all
of it). Stop the server first (``systemctl stop mutu``): on PostgreSQL a running
server's locks make the restore fail after a minute rather than wait. See
docs/operations.md.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mutu.errors import MutuError
from mutu.ops.backups import restore_run


class Command(BaseCommand):
    help = (
        "Pulihkan basis data dan berkas unggahan dari arsip mutu backup / Restore "
        "the database and the uploaded files from a mutu backup archive."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="Arsip / archive.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Timpa basis data yang sudah berisi data / Replace a database "
            "that already holds data.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = restore_run(
                options["file"], force=options["force"], progress=self.stdout.write
            )
        except MutuError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Pemulihan selesai / restore done: {sum(report.tables.values())} "
                f"baris / rows, {report.media_files} berkas / files."
            )
        )
        if report.pending_migrations:
            self.stdout.write(
                self.style.WARNING(
                    f"{report.pending_migrations} migrasi lebih baru belum dijalankan: "
                    f"jalankan `mutu migrate` / {report.pending_migrations} newer "
                    f"migrations not applied: run `mutu migrate`."
                )
            )
