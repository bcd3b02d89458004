"""Keyed hashes of what identifies a person's device or phone. Nothing here can be
reversed.

A phone number or a device cookie is never stored (DESIGN.md "Security and
privacy"); only an HMAC of it under a key derived from ``SECRET_KEY`` is, so equal
inputs can be matched (a conversation's session, the same-device survey rule)
without anyone being able to recover the input.
"""

from django.utils.crypto import salted_hmac

DEVICE_SALT = "mutu.surveys.device"
"""Fixed forever: every stored device and phone hash depends on it."""


def device_hash(raw: str) -> str:
    """The keyed hash of a device cookie or a phone number ("" stays "")."""
    if not raw:
        return ""
    return salted_hmac(DEVICE_SALT, raw.strip(), algorithm="sha256").hexdigest()
