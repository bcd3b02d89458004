"""``mutu messaging_rotate_keys``: reseal every stored phone number under the newest
key of ``MUTU_MESSAGING_KEYS`` (docs/sms-whatsapp.md "Key rotation")."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from mutu.messaging.crypto import InvalidToken
from mutu.messaging.outbound import sealed_numbers_rotate


class Command(BaseCommand):
    help = "Re-encrypt sealed phone numbers under the first MUTU_MESSAGING_KEYS key."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            count = sealed_numbers_rotate()
        except InvalidToken as error:
            raise CommandError(
                "A sealed number opens with none of MUTU_MESSAGING_KEYS: keep the "
                "old key in the list until this command has run."
            ) from error
        self.stdout.write(f"resealed {count}")
