"""Checking uploaded evidence by its content, never by its name.

Accepted: PDF, JPEG and PNG up to ``MUTU_EVIDENCE_MAX_MB``. The first bytes
(magic numbers) say which of the three a file claims to be; then the file must
really be one: a PDF must parse as a PDF (pypdf: cross-reference table, catalog
and a first page), an image must decode (Pillow: ``verify()``, then a full
``load()``). A text file that starts with ``%PDF-``, an executable renamed
``.pdf``, an SVG renamed ``.png`` or a truncated PNG is refused, and nothing is
stored for a refused upload.

What the services store is decided here too: the file is saved under a name Mutu
chooses, with the extension of the detected type (:data:`EXTENSIONS`); the
uploader's file name is kept only as data, for display.

Bounds, so that one hostile upload cannot take a worker down: images larger than
:data:`MAX_PIXELS` (Pillow's ``Image.MAX_IMAGE_PIXELS``, about 89 megapixels) are
refused before they are decoded (a decompression bomb declares a huge size in a few bytes); pypdf
never decompresses page contents here, reads the page tree only down to the
first page (never the whole tree: a 10 MB file can declare 100,000 pages, which
pypdf takes minutes to walk), and its own stream limits apply to the
cross-reference streams it must inflate.
"""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from mutu.errors import MutuError

SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)

EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
}
"""The extension a file of each accepted type is stored (and downloaded) with."""

_IMAGE_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG"}

MAX_PIXELS = 89_478_485
"""The most pixels an image may have: Pillow's default ``Image.MAX_IMAGE_PIXELS``
(a 24-bit image of that size takes about 256 MB to decode)."""

PDF_TREE_DEPTH = 32
"""How many levels of the page tree are followed to the first page (real files
have 2-4; a deeper or cyclic tree is not a document anyone can read)."""


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed :func:`check_upload`: what it is, and its digest."""

    content_type: str
    sha256: str
    size: int

    @property
    def extension(self) -> str:
        """The extension of the detected type (``.pdf``, ``.png``, ``.jpg``)."""
        return EXTENSIONS[self.content_type]


def sniff(head: bytes) -> str | None:
    """The content type that *head* (the file's first bytes) claims, or ``None``."""
    for magic, content_type in SIGNATURES:
        if head.startswith(magic):
            return content_type
    return None


def stored_suffix(name: str) -> str:
    """The extension of a name Mutu chose (one of :data:`EXTENSIONS`), else ``""``.

    Used by the models' ``upload_to`` so that no other suffix reaches the disk,
    whatever name a caller passes.
    """
    suffix = "." + name.rpartition(".")[2].lower() if "." in name else ""
    return suffix if suffix in EXTENSIONS.values() else ""


def _not_accepted() -> MutuError:
    return MutuError(
        "Berkas harus PDF, JPG atau PNG (diperiksa dari isinya, bukan namanya).",
        "The file must be a PDF, JPG or PNG (checked by content, not name).",
        field="file",
    )


def _damaged(kind: str) -> MutuError:
    return MutuError(
        f"Berkas ini tidak dapat dibaca sebagai {kind}: rusak, terpotong, atau "
        f"bukan {kind}. Simpan ulang atau pindai ulang, lalu unggah lagi.",
        f"This file cannot be read as a {kind}: it is damaged, cut short or not a "
        f"{kind}. Save or scan it again, then upload it again.",
        field="file",
    )


def check_upload(
    upload: UploadedFile,
    *,
    max_mb: int | None = None,
    max_pixels: int | None = None,
) -> CheckedFile:
    """Check an upload by content; return what it is, or raise ``MutuError``.

    The size first (at most *max_mb*, default ``MUTU_EVIDENCE_MAX_MB``), then the
    magic number, then a full parse of what it claims to be (a PDF's structure and
    first page; an image decoded in full, refused above *max_pixels*, default
    :data:`MAX_PIXELS`). Reads the file in chunks for the digest
    and rewinds it; nothing is stored.
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
        raise _not_accepted()
    upload.seek(0)
    if content_type == "application/pdf":
        _pdf_check(upload)
    else:
        _image_check(upload, _IMAGE_FORMATS[content_type], max_pixels)
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedFile(content_type, digest.hexdigest(), upload.size)


def _pdf_check(handle: IO[bytes]) -> None:
    """Refuse *handle* unless pypdf reads its structure and finds a first page."""
    from pypdf import PasswordType, PdfReader  # loaded only to check evidence
    from pypdf.errors import DependencyError
    from pypdf.generic import ArrayObject, DictionaryObject

    locked = MutuError(
        "PDF ini dikunci dengan kata sandi; evaluator tidak dapat membukanya. "
        "Unggah salinan tanpa kata sandi.",
        "This PDF is locked with a password; evaluators cannot open it. Upload a "
        "copy without a password.",
        field="file",
    )
    try:
        with warnings.catch_warnings():
            # pypdf warns about what it repairs; a repaired file is still a PDF.
            warnings.simplefilter("ignore")
            reader = PdfReader(handle, strict=False)
            if reader.is_encrypted:
                try:
                    if reader.decrypt("") == PasswordType.NOT_DECRYPTED:
                        raise locked
                except DependencyError:
                    # AES without a cryptography library: the structure was read,
                    # which is as far as the check can go.
                    return
            catalog = reader.trailer["/Root"].get_object()
            node = (
                catalog["/Pages"].get_object()
                if isinstance(catalog, DictionaryObject) and "/Pages" in catalog
                else None
            )
            for _ in range(PDF_TREE_DEPTH):
                if not isinstance(node, DictionaryObject):
                    break
                if "/Kids" not in node:
                    return  # a page: the file holds at least one
                kids = node["/Kids"]
                if not isinstance(kids, ArrayObject) or not kids:
                    break
                node = kids[0].get_object()
    except MutuError:
        raise
    except Exception as error:  # a parser of hostile input fails in many ways
        raise _damaged("PDF") from error
    raise _damaged("PDF")


def _image_check(handle: IO[bytes], image_format: str, max_pixels: int | None) -> None:
    """Refuse *handle* unless Pillow decodes it in full as *image_format*."""
    from PIL import Image, ImageFile  # loaded only to check evidence

    # Pillow's own bound (a warning above it, an error above twice it) applies
    # too; *max_pixels* can only lower it.
    limit = min(max_pixels or MAX_PIXELS, Image.MAX_IMAGE_PIXELS or MAX_PIXELS)
    kind = "JPG" if image_format == "JPEG" else image_format
    # WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES on import, so
    # that its PDFs survive a cut picture; a truncated upload must fail, so the
    # check decodes with it off (and puts it back). Mutu serves from worker
    # processes, one request each at a time.
    truncated_allowed = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(handle, formats=[image_format]) as image:
                width, height = image.size
                if width * height > limit:
                    raise _too_many_pixels(limit, width, height)
                image.verify()  # checksums and structure, without decoding
            handle.seek(0)
            with Image.open(handle, formats=[image_format]) as image:
                image.load()  # every pixel: a truncated file fails here
    except MutuError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _too_many_pixels(limit) from error
    except Exception as error:  # a decoder of hostile input fails in many ways
        raise _damaged(kind) from error
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = truncated_allowed


def _too_many_pixels(limit: int, width: int = 0, height: int = 0) -> MutuError:
    size = f" ({width} × {height})" if width and height else ""
    megapixels = limit // 1_000_000
    return MutuError(
        f"Gambar terlalu besar{size}: paling banyak {megapixels} megapiksel. "
        "Perkecil gambarnya, lalu unggah lagi.",
        f"The image is too large{size}: at most {megapixels} megapixels. Make it "
        "smaller, then upload it again.",
        field="file",
    )
