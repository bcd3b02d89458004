"""``mutu messaging_send_due``: send due queued messages and erase expired contacts.

Run it every minute (cron or a systemd timer) beside ``mutu db_worker``: it is the
safety net of the queue (a retry or a quiet-hours message whose task was lost, a
backend that cannot defer) and erases sealed contacts past ``erase_after``.
"""

from typing import Any

from django.core.management.base import BaseCommand

from mutu.messaging.outbound import outbound_send_due
from mutu.messaging.services import contacts_erase_due


class Command(BaseCommand):
    help = "Send due queued SMS/WhatsApp messages; erase contacts past their date."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = outbound_send_due()
        erased = contacts_erase_due()
        self.stdout.write(f"sent {sent}, contacts erased {erased}")
