"""``mutu todos digest [--dry-run]``: the weekly e-mail of each user's to-dos.

Sends each active user with an e-mail address, who has not turned it off, the
to-dos of their dashboard, once per ISO week (D24); users with nothing due get
nothing. Idempotent: a second run in the same week sends nothing again. Schedule
it weekly, e.g. Monday 07:00 WIB (README, docs/operations.md).
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mutu.accounts.digest import weekly_digests_send


class Command(BaseCommand):
    help = "To-dos: e-mail each user the weekly digest of what waits for them."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        digest = sub.add_parser("digest", help="Send this week's digests (once).")
        digest.add_argument(
            "--dry-run",
            action="store_true",
            help="Count who would get a digest; send and record nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        run = weekly_digests_send(dry_run=options["dry_run"])
        self.stdout.write(run.summary())
