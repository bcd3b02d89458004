"""Phone numbers sealed with Fernet (``cryptography``) under ``MUTU_MESSAGING_KEYS``.

A number that must outlive one conversation step (a pending message, a complaint's
contact) is stored only sealed. The keys are a comma-separated list, newest first:
the first seals, every one opens (:class:`~cryptography.fernet.MultiFernet`), so a
key is rotated by putting a new one in front, running ``mutu messaging_rotate_keys``
(which reseals every stored number under the new key) and then removing the old
one (docs/sms-whatsapp.md "Key rotation"). Without keys (development), one key is
derived from ``SECRET_KEY``.
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.views.decorators.debug import sensitive_variables

from mutu.errors import MutuError

__all__ = ["InvalidToken", "phone_open", "phone_reseal", "phone_seal"]


def _fernet() -> MultiFernet:
    keys = list(settings.MUTU_MESSAGING_KEYS)
    if not keys:
        digest = hashlib.sha256(
            b"mutu.messaging.keys:" + settings.SECRET_KEY.encode()
        ).digest()
        keys = [base64.urlsafe_b64encode(digest).decode()]
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as error:
        raise MutuError(
            "Kunci MUTU_MESSAGING_KEYS tidak sah.",
            "A key in MUTU_MESSAGING_KEYS is not a valid Fernet key.",
        ) from error


@sensitive_variables("phone")
def phone_seal(phone: str) -> str:
    """*phone* encrypted under the newest key (text, safe for a TextField)."""
    return _fernet().encrypt(phone.encode()).decode()


def phone_open(sealed: str) -> str:
    """The number sealed in *sealed*; raises :class:`InvalidToken` if no key opens it."""
    return _fernet().decrypt(sealed.encode()).decode()


def phone_reseal(sealed: str) -> str:
    """*sealed* encrypted again under the newest key (key rotation)."""
    return _fernet().rotate(sealed.encode()).decode()
