"""Writes of the reports app: the official SKM report of a published period, kept.

A published period is closed to new responses (docs/regulations.md §1.7), so its
report is rendered once, kept with its SHA-256, and served as kept from then on:
the file a head signed is the file everyone downloads later.
"""

import hashlib

from django.db import IntegrityError, transaction

from mutu.audit.services import audit_record
from mutu.errors import MutuError
from mutu.registry.models import ServiceUnit
from mutu.reports.models import KeptReport
from mutu.reports.skm_report import skm_report_gather, skm_report_pdf, skm_report_xlsx
from mutu.surveys import selectors as surveys
from mutu.surveys.periods import period_from_key

RENDERERS = {
    KeptReport.Kind.SKM_PDF: skm_report_pdf,
    KeptReport.Kind.SKM_XLSX: skm_report_xlsx,
}


def skm_report_keep(*, unit: ServiceUnit, period_key: str) -> dict[str, KeptReport]:
    """The kept PDF and XLSX of *unit*'s published period *period_key*, by kind.

    Renders what is not kept yet (outside any transaction: a PDF takes a moment)
    and stores it with one audit row per file; safe to call again and from two
    workers at once (the second finds the first one's file). Raises
    :class:`MutuError` when the period is not published: an unpublished period's
    figures may still change.
    """
    period = period_from_key(period_key)
    if surveys.publication_for(unit, period) is None:
        raise MutuError(
            "Laporan resmi baru tersedia setelah hasil periode ini dipublikasikan.",
            "The official report is available once this period's result is published.",
            field="period_key",
        )
    kept = {
        report.kind: report
        for report in KeptReport.objects.filter(unit=unit, period_key=period_key)
    }
    missing = [kind for kind in RENDERERS if kind not in kept]
    if missing:
        report = skm_report_gather(unit, period)
        for kind in missing:
            kept[kind] = _store(unit, period_key, kind, RENDERERS[kind](report))
    return kept


def _store(unit: ServiceUnit, period_key: str, kind: str, content: bytes) -> KeptReport:
    digest = hashlib.sha256(content).hexdigest()
    try:
        with transaction.atomic():
            report = KeptReport.objects.create(
                unit=unit,
                period_key=period_key,
                kind=kind,
                content=content,
                sha256=digest,
                size=len(content),
            )
            audit_record(
                actor=None,
                action="report.keep",
                target=report,
                changes={"sha256": [None, digest], "size": [None, len(content)]},
            )
    except IntegrityError:  # kept meanwhile by another worker: theirs stands
        return KeptReport.objects.get(unit=unit, period_key=period_key, kind=kind)
    return report
