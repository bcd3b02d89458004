"""``mutu backup FILE``: the database and the uploaded files in one archive.

    mutu backup /var/backups/mutu/mutu-$(date +%F-%H%M).tar.gz

PostgreSQL through ``pg_dump`` (custom format), SQLite through its online backup API;
both safe while the server runs. See :mod:`mutu.ops.backups` for the archive and
docs/operations.md for the schedule.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mutu.errors import MutuError
from mutu.ops.backups import backup_create


class Command(BaseCommand):
    help = (
        "Cadangkan basis data dan berkas unggahan ke satu arsip / Back up the "
        "database and the uploaded files into one archive."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file",
            type=Path,
            help="Arsip tujuan (.tar, atau .tar.gz untuk dikompres); tidak boleh sudah "
            "ada / Target archive (.tar, or .tar.gz compressed); must not exist.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = backup_create(options["file"], progress=self.stdout.write)
        except MutuError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Cadangan selesai / backup done: {report.path} "
                f"({sum(report.tables.values())} baris / rows, "
                f"{report.media_files} berkas / files)."
            )
        )
