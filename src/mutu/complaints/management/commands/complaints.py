"""``mutu complaints escalate``: the complaints' daily run.

Escalates each missed, still pending D9 deadline (verification 3, first answer 5,
resolution 14/60 working days) of each complaint to the regional coordinator,
exactly once (e-mail through Django's backend), and asks "Apakah masalah Anda
sudah selesai?" of complaints closed ``MUTU_COMPLAINT_SOLVED_ASK_DAYS`` ago.
Idempotent: safe to run twice. Schedule it daily (docs/operations.md).

``mutu complaints export --unit ID --format csv|xlsx`` writes the SP4N-LAPOR!
hand-off file of a unit to standard output (docs/complaints.md).
"""

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mutu.complaints.export import EXPORTERS, export_rows
from mutu.complaints.models import Complaint
from mutu.complaints.services import complaints_escalate_due, complaints_solved_ask_due


class Command(BaseCommand):
    help = "Complaints: escalate missed deadlines and ask 'solved?' (daily); export."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("escalate", help="Escalate missed deadlines; ask 'solved?'.")
        export = sub.add_parser("export", help="SP4N-LAPOR! hand-off (CSV/XLSX).")
        export.add_argument("--unit", type=int, required=True)
        export.add_argument("--format", choices=sorted(EXPORTERS), default="csv")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "escalate":
            escalated = complaints_escalate_due()
            asked = complaints_solved_ask_due()
            self.stdout.write(f"escalated {escalated}, asked 'solved?' {asked}")
            return
        rows = Complaint.objects.filter(unit_id=options["unit"])
        if not rows.exists():
            raise CommandError(f"Unit {options['unit']} tidak punya pengaduan.")
        content = EXPORTERS[options["format"]](export_rows(rows))
        sys.stdout.buffer.write(content)
