"""Words for the audit log: each action code a service records, as people read it.

Services record short stable codes (``result.finalize``) so rows stay comparable
across releases and languages; the page shows these labels instead (issue 10 item
7: no internal codes on screen). ``tests/audit/test_labels.py`` greps every
``audit_record`` call so a new action without a label fails the suite.
"""

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from mutu.measures.rounding import format_number

ACTION_LABELS: dict[str, Promise] = {
    "account.digest_send": _("Ringkasan mingguan dikirim"),
    "account.weekly_digest": _("Ringkasan mingguan diatur"),
    "assignment.evaluators": _("Penugasan evaluator"),
    "certificate.issue": _("Penerbitan piagam"),
    "certificate.revoke": _("Pencabutan piagam"),
    "calendar.set": _("Kalender hari kerja disesuaikan"),
    "complaint.answer": _("Pengaduan dijawab"),
    "complaint.archive": _("Pengaduan diarsipkan"),
    "complaint.close": _("Pengaduan ditutup"),
    "complaint.dispute": _("Jawaban pengaduan disanggah"),
    "complaint.escalate": _("Pengaduan dieskalasi ke koordinator"),
    "complaint.file": _("Pengaduan diterima"),
    "complaint.follow_up": _("Pengaduan ditautkan ke rencana tindak lanjut"),
    "complaint.forward": _("Pengaduan diteruskan ke unit lain"),
    "complaint.not_solved": _("Pengaduan dibuka kembali: masalah belum selesai"),
    "complaint.note": _("Catatan internal pengaduan"),
    "complaint.rate": _("Jawaban pengaduan dinilai"),
    "complaint.recap_publish": _("Rekap pengaduan diterbitkan"),
    "complaint.solved": _("Jawaban pelapor: masalah selesai atau tidak"),
    "complaint.solved_ask": _("Pelapor ditanya apakah masalah selesai"),
    "complaint.start": _("Pengaduan mulai ditindaklanjuti"),
    "complaint.verify": _("Pengaduan diverifikasi"),
    "contact.erase": _("Nomor kontak warga dihapus"),
    "contact.erase_schedule": _("Jadwal penghapusan nomor kontak warga"),
    "cycle.deadlines": _("Perubahan tenggat siklus"),
    "cycle.open": _("Pembukaan siklus evaluasi"),
    "cycle.publish": _("Publikasi hasil siklus"),
    "cycle.signing": _("Perubahan penerbit dan penanda tangan piagam"),
    "evaluator.score": _("Penilaian oleh evaluator"),
    "evidence.add": _("Unggah bukti dukung"),
    "follow_up.create": _("Rencana tindak lanjut dibuat"),
    "follow_up.update": _("Rencana tindak lanjut diubah"),
    "instrument_version.retire": _("Versi instrumen dipensiunkan"),
    "instrument_version.upload": _("Versi instrumen diunggah"),
    "grant.create": _("Pemberian peran"),
    "grant.revoke": _("Pencabutan peran"),
    "grant.update": _("Perubahan peran"),
    "message.queue": _("Pesan susulan kepada warga diantrekan"),
    "mpp.create": _("MPP ditambahkan"),
    "mpp.update": _("MPP diubah"),
    "mpp.delete": _("MPP dihapus"),
    "paper_import.done": _("Impor formulir kertas selesai"),
    "paper_import.refused": _("Impor formulir kertas ditolak"),
    "paper_import.upload": _("Unggah formulir kertas"),
    "population.create": _("Populasi penerima layanan dicatat"),
    "population.update": _("Populasi penerima layanan diubah"),
    "response.exclude": _("Pengecualian respons"),
    "result.finalize": _("Penetapan hasil evaluasi"),
    "report.keep": _("Laporan SKM disimpan"),
    "result.publish": _("Publikasi hasil SKM"),
    "result.publish_update": _("Pembaruan hasil SKM yang dipublikasikan"),
    "result.revise": _("Revisi hasil evaluasi"),
    "revision.request": _("Permintaan perbaikan penilaian mandiri"),
    "self.answer": _("Jawaban penilaian mandiri"),
    "self.submit": _("Pengiriman penilaian mandiri"),
    "service.create": _("Layanan ditambahkan"),
    "service.update": _("Layanan diubah"),
    "service.delete": _("Layanan dihapus"),
    "service_point.create": _("Titik layanan ditambahkan"),
    "service_point.update": _("Titik layanan diubah"),
    "service_point.delete": _("Titik layanan dihapus"),
    "standard.update": _("Standar pelayanan diubah"),
    "survey_settings.update": _("Pengaturan survei diubah"),
    "two_factor.confirm": _("Verifikasi dua langkah diaktifkan"),
    "two_factor.enrol": _("Pendaftaran aplikasi autentikator"),
    "two_factor.preset": _("Verifikasi dua langkah disiapkan"),
    "two_factor.recovery_codes": _("Kode pemulihan dibuat ulang"),
    "two_factor.remove": _("Verifikasi dua langkah dihapus"),
    "unit.create": _("Unit layanan ditambahkan"),
    "unit.update": _("Unit layanan diubah"),
    "unit.delete": _("Unit layanan dihapus"),
    "unit_record.update": _("Catatan unit untuk evaluasi diubah"),
    "visit.record": _("Catatan kunjungan lapangan"),
}

# Change keys that are not a field of the changed model (or name it differently).
FIELD_LABELS: dict[str, Promise] = {
    "answer": _("indikator"),
    "device": _("aplikasi autentikator"),
    "evaluators": _("evaluator"),
    "file_sha256": _("sidik berkas (SHA-256)"),
    "index": _("indeks"),
    "path": _("jalur wilayah"),
    "population": _("populasi"),
    "predicate": _("predikat"),
    "recovery_codes": _("kode pemulihan"),
    "role": _("peran"),
    "scope": _("cakupan"),
    "services": _("layanan"),
    "sha256": _("sidik berkas (SHA-256)"),
    "stage": _("tahap"),
}

# A plain decimal as services store it ("3.00", "88.305"); codes such as region
# "18.09" never reach the change values, which hold scores, indexes and counts.
_DECIMAL = re.compile(r"^-?\d+\.\d+$")
# A date as services store it (``date.isoformat()``), shown as pages write dates.
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# The one label with a number in it: ``Result.__str__`` ("… r1: 3.00 C").
_RESULT_LABEL = re.compile(r" r(?P<rev>\d+): (?P<index>-?\d+\.\d+) ")


def action_label(code: str) -> str:
    """The words for *code*; an unknown code (an old row) is shown as it is."""
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code


def field_label(target_type: str, key: str) -> str:
    """The words for a change key: the changed model's field name as people read it
    (``fee`` -> "biaya/tarif"), a listed non-field key, else the key itself."""
    if key in FIELD_LABELS:
        return str(FIELD_LABELS[key])
    try:
        model = apps.get_model(target_type)
        field = model._meta.get_field(key)
    except (LookupError, ValueError, FieldDoesNotExist):
        return key
    return str(getattr(field, "verbose_name", key))


def action_choices() -> list[tuple[str, str]]:
    """``(code, label)`` pairs sorted by label in the active language, for a filter."""
    return sorted(
        ((code, str(label)) for code, label in ACTION_LABELS.items()),
        key=lambda pair: pair[1].casefold(),
    )


def _lang() -> str:
    return "en" if (get_language() or "").startswith("en") else "id"


def _format_decimal(text: str) -> str:
    try:
        value = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the regex admits only decimals
        return text
    places = -value.as_tuple().exponent  # type: ignore[operator]
    return format_number(value, max(int(places), 0), lang=_lang())


def change_value(value: Any) -> str:
    """One old or new value of a change, in the reader's number format.

    ``None`` is an em dash (no value before a creation); decimals keep their
    places with the active language's separator ("3,00" in Indonesian); dates read
    "4 Des 2026".
    """
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("ya") if value else _("tidak"))
    if isinstance(value, int):
        return str(value)  # ids and years: no thousands separator ("2026")
    if isinstance(value, float):
        return _format_decimal(repr(value))
    if isinstance(value, list):
        return ", ".join(change_value(item) for item in value)
    text = str(value)
    if _ISO_DAY.match(text):
        try:
            return formats.date_format(date.fromisoformat(text))
        except ValueError:
            return text
    return _format_decimal(text) if _DECIMAL.match(text) else text


def target_label(label: str) -> str:
    """The stored object label with a result's index in the reader's format."""
    revision = _("revisi")
    return _RESULT_LABEL.sub(
        lambda m: f" {revision} {m['rev']}: {_format_decimal(m['index'])} ", label
    )
