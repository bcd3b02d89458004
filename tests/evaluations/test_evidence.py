"""Evidence and field-visit photos are checked by what they are, not what they
claim, and stored under a name Mutu chooses with the detected type's extension."""

import io
import re
import struct
import time
import zlib
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageFile
from pypdf import PdfReader, PdfWriter

from mutu.errors import MutuError
from mutu.evaluations.evidence import check_upload, stored_suffix
from mutu.evaluations.models import Evidence, FieldVisit
from tests.accounts.login import login
from tests.evaluations.conftest import PDF_BYTES, PNG_BYTES, tiny_png

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200


def _noise_png(size=(64, 64)) -> bytes:
    """A PNG of random-looking pixels (so it does not compress to a few bytes)."""
    pixels = bytes((i * 7919) % 251 for i in range(size[0] * size[1] * 3))
    buffer = io.BytesIO()
    Image.frombytes("RGB", size, pixels).save(buffer, format="PNG")
    return buffer.getvalue()


def _noise_jpeg() -> bytes:
    pixels = bytes((i * 7919) % 251 for i in range(64 * 64 * 3))
    buffer = io.BytesIO()
    Image.frombytes("RGB", (64, 64), pixels).save(buffer, format="JPEG")
    return buffer.getvalue()


def _png_declaring(width: int, height: int) -> bytes:
    """A PNG whose header declares *width* × *height* pixels, in a few bytes
    (a decompression bomb: decoding it would need gigabytes)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + chunk(b"IEND", b"")
    )


def _pdf_from_objects(objects: list[bytes]) -> bytes:
    """A PDF with a correct cross-reference table around *objects* (1 0 R first)."""
    parts = [b"%PDF-1.4\n"]
    offsets = []
    position = len(parts[0])
    for number, body in enumerate(objects, 1):
        offsets.append(position)
        parts.append(b"%d 0 obj\n%s\nendobj\n" % (number, body))
        position += len(parts[-1])
    parts.append(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    parts.extend(b"%010d 00000 n \n" % offset for offset in offsets)
    parts.append(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, position)
    )
    return b"".join(parts)


def _pdf_with_pages(count: int) -> bytes:
    """A valid PDF whose page tree lists *count* pages in one /Kids array."""
    kids = b" ".join(b"%d 0 R" % (number + 3) for number in range(count))
    return _pdf_from_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count),
            *[b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >>"] * count,
        ]
    )


def _encrypted_pdf(user_password: str) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=72, height=72)
    writer.encrypt(user_password, "pemilik", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _upload(content: bytes, name: str = "bukti.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


# --- the check -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(
            b"%PDF-1.7\nIni hanya teks, bukan PDF.\n" * 20,
            "tidak dapat dibaca sebagai PDF",
            id="text-with-pdf-prefix",
        ),
        pytest.param(
            b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
            "tidak dapat dibaca sebagai PDF",
            id="pdf-without-catalog",
        ),
        pytest.param(PDF_BYTES[: len(PDF_BYTES) // 2], "sebagai PDF", id="cut-pdf"),
        pytest.param(
            _pdf_from_objects(
                [
                    b"<< /Type /Catalog /Pages 2 0 R >>",
                    b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>",
                ]
            ),
            "sebagai PDF",
            id="pdf-with-cyclic-page-tree",
        ),
        pytest.param(
            _pdf_from_objects(
                [
                    b"<< /Type /Catalog /Pages 2 0 R >>",
                    b"<< /Type /Pages /Kids [] /Count 0 >>",
                ]
            ),
            "sebagai PDF",
            id="pdf-without-pages",
        ),
        pytest.param(_encrypted_pdf("rahasia"), "kata sandi", id="locked-pdf"),
        pytest.param(EXE, "diperiksa dari isinya", id="exe"),
        pytest.param(SVG, "diperiksa dari isinya", id="svg"),
        pytest.param(
            b"\x89PNG\r\n\x1a\n" + SVG, "tidak dapat dibaca sebagai PNG", id="svg-png"
        ),
        pytest.param(
            _noise_png()[: len(_noise_png()) // 2], "sebagai PNG", id="cut-png"
        ),
        pytest.param(
            _noise_jpeg()[: len(_noise_jpeg()) // 2], "sebagai JPG", id="cut-jpeg"
        ),
        pytest.param(
            _png_declaring(20_000, 20_000), "Gambar terlalu besar", id="png-bomb"
        ),
    ],
)
def test_check_upload_refuses_what_is_not_a_readable_pdf_png_or_jpeg(content, message):
    """Each of these claims (by name or by first bytes) to be evidence and is not."""
    with pytest.raises(MutuError, match=message) as refused:
        check_upload(_upload(content))
    assert refused.value.message_en
    assert refused.value.details["field"] == "file"


@pytest.mark.parametrize(
    ("content", "content_type", "extension"),
    [
        pytest.param(PDF_BYTES, "application/pdf", ".pdf", id="pdf"),
        pytest.param(_encrypted_pdf(""), "application/pdf", ".pdf", id="owner-pdf"),
        pytest.param(PNG_BYTES, "image/png", ".png", id="png"),
        pytest.param(_noise_jpeg(), "image/jpeg", ".jpg", id="jpeg"),
    ],
)
def test_check_upload_accepts_real_files_and_names_their_type(
    content, content_type, extension
):
    """A real PDF (also one with only an owner password), PNG or JPEG passes, with
    its digest and the extension it will be stored with; the file is rewound."""
    upload = _upload(content, "apa-saja.exe")
    checked = check_upload(upload)
    assert (checked.content_type, checked.extension, checked.size) == (
        content_type,
        extension,
        len(content),
    )
    assert re.fullmatch(r"[0-9a-f]{64}", checked.sha256)
    assert upload.read() == content


def test_check_upload_refuses_a_cut_image_even_where_pillow_is_told_to_allow_it(
    monkeypatch,
):
    """WeasyPrint turns on Pillow's LOAD_TRUNCATED_IMAGES for the whole process;
    the check still refuses a cut JPEG, and leaves the setting as it found it."""
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with pytest.raises(MutuError, match="sebagai JPG"):
        check_upload(_upload(_noise_jpeg()[:1500], "foto.jpg"))
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True


def test_check_upload_refuses_images_above_the_pixel_limit():
    """The pixel bound is checked before decoding and names the image's size."""
    with pytest.raises(MutuError, match=r"terlalu besar \(100 × 100\)"):
        check_upload(_upload(tiny_png((100, 100))), max_pixels=5_000)
    assert check_upload(_upload(tiny_png((50, 100))), max_pixels=5_000)


def test_check_upload_reads_a_huge_page_tree_only_to_its_first_page(monkeypatch):
    """A valid 100,000-page PDF (10 MB) passes without pypdf listing its pages
    (seconds of work that grow with the tree): the check follows the tree down
    to the first page only."""

    def list_every_page(*args, **kwargs):
        raise AssertionError("the whole page tree was walked")

    content = _pdf_with_pages(100_000)
    monkeypatch.setattr(PdfReader, "_flatten", list_every_page)
    with pytest.raises(AssertionError, match="page tree was walked"):
        len(PdfReader(io.BytesIO(content)).pages)  # what pypdf's page list does
    started = time.process_time()
    checked = check_upload(_upload(content), max_mb=20)
    assert checked.content_type == "application/pdf"
    assert time.process_time() - started < 20


def test_check_upload_refuses_megabytes_of_junk_after_a_pdf_prefix_quickly():
    """Five megabytes of objects without a cross-reference table are refused in
    bounded time, not hung on."""
    content = b"%PDF-1.4\n" + b"1 0 obj\n<< /Type /Page >>\nendobj\n" * 150_000
    started = time.process_time()
    with pytest.raises(MutuError, match="sebagai PDF"):
        check_upload(_upload(content), max_mb=20)
    assert time.process_time() - started < 20


def test_stored_suffix_keeps_only_the_extensions_mutu_chooses():
    assert [stored_suffix(n) for n in ("a.PDF", "b.png", "c.jpg")] == [
        ".pdf",
        ".png",
        ".jpg",
    ]
    assert [stored_suffix(n) for n in ("x.svg", "y.exe", "z", "bukti.pdf.html")] == [
        "",
        "",
        "",
        "",
    ]


# --- through the pages ---------------------------------------------------------------


def _post_evidence(client, assignment, content, name, follow=True):
    return client.post(
        reverse("evaluations:evidence", args=[assignment.pk, "Q1"]),
        {"description": "SK", "file": SimpleUploadedFile(name, content)},
        follow=follow,
    )


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        pytest.param(
            b"%PDF-1.4\nbukan pdf\n",
            "sk.pdf",
            "tidak dapat dibaca sebagai PDF",
            id="pdf-prefixed-text",
        ),
        pytest.param(EXE, "sk.pdf", "diperiksa dari isinya", id="exe-as-pdf"),
        pytest.param(SVG, "foto.png", "diperiksa dari isinya", id="svg-as-png"),
        pytest.param(
            _noise_png()[:300], "foto.png", "tidak dapat dibaca sebagai PNG", id="cut"
        ),
    ],
)
def test_evidence_page_refuses_fake_files_and_stores_nothing(
    client, world, assignment, tmp_path, settings, content, name, message
):
    """The unit's upload form refuses each fake with its reason; no row, no file."""
    settings.MEDIA_ROOT = tmp_path
    login(client, world.operator)
    first = _post_evidence(client, assignment, content, name, follow=False)
    page = client.get(first["Location"])
    assert first.status_code == 303
    assert message in page.content.decode()
    assert not Evidence.objects.exists()
    assert not any(path.is_file() for path in Path(tmp_path).rglob("*"))


@pytest.mark.parametrize(
    ("content", "name", "content_type", "extension"),
    [
        pytest.param(PDF_BYTES, "gnpfdp.exe", "application/pdf", ".pdf", id="pdf"),
        pytest.param(PNG_BYTES, "x.svg", "image/png", ".png", id="png"),
    ],
)
def test_evidence_page_stores_real_files_under_a_name_mutu_chooses(
    client,
    world,
    assignment,
    tmp_path,
    settings,
    content,
    name,
    content_type,
    extension,
):
    """A real PDF named .exe and a real PNG named .svg are stored as
    evidence/<assignment>/<random>.pdf|.png; the uploader's name is only shown."""
    settings.MEDIA_ROOT = tmp_path
    login(client, world.operator)
    page = _post_evidence(client, assignment, content, name)
    evidence = Evidence.objects.get()
    stored = [p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.*")]
    download = client.get(reverse("evaluations:evidence_file", args=[evidence.pk]))
    assert re.fullmatch(
        rf"evidence/{assignment.pk}/[0-9a-f]{{32}}\{extension}", evidence.file.name
    )
    assert stored == [evidence.file.name]
    assert (evidence.original_name, evidence.content_type) == (name, content_type)
    assert f"({name})" in page.content.decode()
    assert download["Content-Type"] == content_type
    assert download["Content-Disposition"] == (
        f'attachment; filename="bukti-{evidence.pk}{extension}"'
    )
    assert b"".join(download.streaming_content) == content
    download.close()


def test_visit_photo_must_decode_and_is_stored_under_a_chosen_name(
    client, world, assignment, tmp_path, settings
):
    """An SVG named .png is refused as a field-visit photo; a real PNG named
    .exe is stored as visits/<year>/<random>.png."""
    settings.MEDIA_ROOT = tmp_path
    login(client, world.evaluator)
    url = reverse("evaluations:visit", args=[assignment.pk])
    data = {"note": "Loket ramai", "visited_on": date(2025, 7, 1).isoformat()}
    refused = client.post(
        url, {**data, "photo": SimpleUploadedFile("foto.png", SVG)}, follow=True
    )
    assert "diperiksa dari isinya" in refused.content.decode()
    assert not FieldVisit.objects.exists()
    client.post(url, {**data, "photo": SimpleUploadedFile("foto.exe", PNG_BYTES)})
    visit = FieldVisit.objects.get()
    assert re.fullmatch(r"visits/\d{4}/[0-9a-f]{32}\.png", visit.photo.name)
    assert [p.name for p in tmp_path.rglob("*.*")] == [Path(visit.photo.name).name]
