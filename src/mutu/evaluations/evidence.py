"""Checking uploaded evidence by its content, never by its name.

Accepted: PDF, JPEG and PNG, recognised by their first bytes (magic numbers), up to
``MUTU_EVIDENCE_MAX_MB``. A file named ``.pdf`` that is really an executable is
refused, and nothing is stored for a refused upload.
"""

import hashlib

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from mutu.errors import MutuError

SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


def sniff(head: bytes) -> str | None:
    """The content type that *head* (the file's first bytes) proves, or ``None``."""
    for magic, content_type in SIGNATURES:
        if head.startswith(magic):
            return content_type
    return None


def check_upload(upload: UploadedFile, *, max_mb: int | None = None) -> tuple[str, str]:
    """Return ``(content_type, sha256)`` of an acceptable upload; raise ``MutuError``.

    Reads the file once in chunks (no whole-file copy in memory) and rewinds it.
    """
    limit_mb = max_mb or settings.MUTU_EVIDENCE_MAX_MB
    if upload.size is None or upload.size > limit_mb * 1024 * 1024:
        raise MutuError(
            f"Berkas terlalu besar: paling besar {limit_mb} MB.",
            f"The file is too large: at most {limit_mb} MB.",
            field="file",
        )
    upload.seek(0)
    content_type = sniff(upload.read(16))
    if content_type is None:
        raise MutuError(
            "Berkas harus PDF, JPG atau PNG (diperiksa dari isinya, bukan namanya).",
            "The file must be a PDF, JPG or PNG (checked by content, not name).",
            field="file",
        )
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return content_type, digest.hexdigest()
