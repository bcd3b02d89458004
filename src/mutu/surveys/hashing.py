"""Keyed hashes for duplicate control and idempotency. Nothing here can be reversed.

A phone number or a device cookie is never stored (DESIGN.md "Security and privacy");
only an HMAC of it under a key derived from ``SECRET_KEY`` is, so equal inputs can be
matched without anyone being able to recover the input.
"""

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from django.utils.crypto import salted_hmac

DEVICE_SALT = "mutu.surveys.device"


def device_hash(raw: str) -> str:
    """The keyed hash of a device cookie or a phone number ("" stays "")."""
    if not raw:
        return ""
    return salted_hmac(DEVICE_SALT, raw.strip(), algorithm="sha256").hexdigest()


def content_hash(content: Mapping[str, Any]) -> str:
    """A stable SHA-256 of a response's content, for "same client_id, same content?"."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()
