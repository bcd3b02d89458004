"""Award certificates (piagam penghargaan) as PDF, with a QR code to verify them.

The QR code opens Mutu's public verification page for the certificate's code, so
anyone holding a printed certificate can check that it is genuine.
"""

import segno
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML

from mutu.evaluations.models import Certificate
from mutu.evaluations.selectors import certificate_replacement
from mutu.measures.rounding import format_id


def verification_url(certificate: Certificate, base_url: str) -> str:
    return f"{base_url.rstrip('/')}/piagam/{certificate.verification_code}/"


def certificate_pdf(certificate: Certificate, *, base_url: str) -> bytes:
    """Render the certificate as an A4 landscape PDF, in Indonesian whatever the
    reader's language (it is an official document): the issuing authority, the
    signatory, place and date of signing come from the cycle; the IPP is shown
    as on the result ("4,62", D1 rounding) with the predicate.

    A revoked certificate still renders (its number stays on record, D18), but
    stamped "DICABUT" with the day, the reason and its replacement, so a printout
    made after the revocation cannot pass for a valid award."""
    url = verification_url(certificate, base_url)
    qr_svg = segno.make(url, error="m").svg_data_uri(scale=4, border=1)
    result = certificate.result
    cycle = result.assignment.cycle
    with translation.override("id"):
        html = render_to_string(
            "evaluations/certificate.html",
            {
                "certificate": certificate,
                "cycle": cycle,
                "ipp": format_id(result.index, 2),
                "qr": qr_svg,
                "url": url,
                "replacement": (
                    certificate_replacement(certificate)
                    if certificate.revoked_at
                    else None
                ),
            },
        )
    return HTML(string=html, base_url=base_url).write_pdf()
