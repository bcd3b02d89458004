"""Demo complaints: a few dozen across Pesawaran's units, on every channel, in every
state (received, verified, in progress, answered, closed and rated, archived,
forwarded, reopened by a dispute or a "not solved"), some late and escalated, with
2025's figures feeding the demo evaluation's Q25–Q28 (D13). Everything goes
through :mod:`mutu.complaints.services`, with the dates each step happened.
Loading twice adds nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mutu.accounts.models import User
from mutu.complaints import services
from mutu.complaints.models import AnswerTemplate, Complaint
from mutu.demo.evaluation import PDF
from mutu.registry.models import ServiceUnit

WIB = ZoneInfo("Asia/Jakarta")
CHANNELS = ("web", "counter", "sms", "whatsapp", "phone", "letter", "api")
TEXTS = (
    "Antrean perekaman KTP-el terlalu lama, lebih dari tiga jam.",
    "Petugas loket tidak menjelaskan persyaratan dengan jelas.",
    "Mohon disediakan loket khusus lansia dan penyandang disabilitas.",
    "Berapa lama pencetakan kartu keluarga setelah berkas lengkap?",
    "Ruang tunggu panas, kipas angin tidak menyala.",
    "Informasi jam layanan di situs web tidak sesuai kenyataan.",
)
KINDS = ("pengaduan", "pengaduan", "aspirasi", "informasi", "pengaduan", "pengaduan")
ANSWER = "Terima kasih atas laporannya. Kami sudah menindaklanjuti: {what}."
FIXES = (
    "loket tambahan dibuka pada jam sibuk",
    "petugas diberi pengarahan tentang persyaratan",
    "loket prioritas disiapkan di dekat pintu masuk",
    "pencetakan paling lama tiga hari kerja",
    "pendingin ruangan sudah diperbaiki",
    "jadwal di situs web sudah diperbarui",
)
# Each unit's complaints: (days after its first 2025 filing, path through the
# workflow). 2025 complaints feed the demo evaluation; the last ones are recent.
PATHS_2025 = ("closed_rated", "closed_rated", "closed_solved", "closed_late")
PATHS_RECENT = {
    "dukcapil": (
        "received",
        "received_late",
        "verified",
        "in_progress",
        "answered",
        "closed_rated",
        "disputed",
        "not_solved",
        "archived",
        "forwarded",
    ),
    "dinsos": ("received", "answered", "closed_rated"),
    "rsud": ("received_late", "in_progress", "closed_solved"),
    "dpmptsp": ("verified", "closed_rated"),
    "pkm-gedongtataan": ("received", "closed_solved"),
    "pkm-hanura": ("answered",),
}


def _at(day: datetime, days: int, hour: int = 10) -> datetime:
    return (day + timedelta(days=days)).replace(hour=hour, minute=0)


def _walk(
    item: Complaint,
    path: str,
    filed: datetime,
    *,
    staff: User,
    units: dict[str, ServiceUnit],
    fix: str,
) -> None:
    """Take *item* along *path*, each step a few (working) days after the last."""
    if path in ("received", "received_late"):
        return
    if path == "archived":
        services.complaint_archive(
            actor=staff,
            complaint=item,
            reason="Berisi iklan, bukan pengaduan pelayanan.",
            now=_at(filed, 1),
        )
        return
    if path == "forwarded":
        services.complaint_forward(
            actor=staff,
            complaint=item,
            unit=units["dinsos"],
            reason="Bantuan sosial adalah kewenangan Dinas Sosial.",
            now=_at(filed, 1),
        )
        return
    late = path == "closed_late"
    services.complaint_verify(
        actor=staff, complaint=item, now=_at(filed, 6 if late else 1)
    )
    if path == "verified":
        return
    services.complaint_start(
        actor=staff, complaint=item, now=_at(filed, 7 if late else 2)
    )
    if path == "in_progress":
        return
    answer = ANSWER.format(what=fix)
    services.complaint_answer(
        actor=staff, complaint=item, text=answer, now=_at(filed, 9 if late else 3)
    )
    if path == "answered":
        return
    services.complaint_close(
        actor=staff, complaint=item, now=_at(filed, 10 if late else 4)
    )
    if path in ("closed_rated", "closed_late"):
        services.complaint_rate(
            complaint=item, rating=2 if late else 4, now=_at(filed, 5)
        )
    elif path == "closed_solved":
        services.complaint_solved_answer(
            complaint=item, solved=True, now=_at(filed, 20)
        )
    elif path == "disputed":
        services.complaint_dispute(
            complaint=item, reason="Antrean masih sama panjangnya.", now=_at(filed, 5)
        )
    elif path == "not_solved":
        services.complaint_solved_answer(
            complaint=item, solved=False, now=_at(filed, 6)
        )


def complaints_load(
    units: dict[str, ServiceUnit], users: dict[str, User], pdf: bytes = PDF
) -> int:
    """Add the demo complaints unless there are some; how many were added."""
    if Complaint.objects.filter(unit=units["dukcapil"]).exists():
        return 0
    coordinator = users["koordinator.pesawaran"]
    if not coordinator.email:
        coordinator.email = "bagian.organisasi@pesawarankab.go.id"
        coordinator.save(update_fields=["email"])
    AnswerTemplate.objects.get_or_create(
        unit=units["dukcapil"],
        title="Antrean",
        defaults={"text": ANSWER.format(what=FIXES[0])},
    )
    AnswerTemplate.objects.get_or_create(
        unit=units["dukcapil"],
        title="Persyaratan",
        defaults={"text": ANSWER.format(what=FIXES[1])},
    )
    now = timezone.now()
    added = 0
    for n, (key, recent) in enumerate(PATHS_RECENT.items()):
        unit = units[key]
        staff = users[f"operator.{key}"]
        runs = [
            (datetime(2025, 2 + 3 * i, 3 + n, 9, tzinfo=WIB), path)
            for i, path in enumerate(PATHS_2025)
        ] + [(now - timedelta(days=40 - 3 * i), path) for i, path in enumerate(recent)]
        for i, (filed, path) in enumerate(runs):
            if path == "received":
                filed = now - timedelta(hours=5 + i)
            k = (n + i) % len(TEXTS)
            confidential = i % 4 == 1
            anonymous = i % 5 == 3
            privacy = (
                "anonymous" if anonymous else "confidential" if confidential else "open"
            )
            attach = (
                [SimpleUploadedFile("foto-antrean.pdf", pdf, "application/pdf")]
                if pdf and key == "dukcapil" and i == len(PATHS_2025)
                else []
            )
            item = services.complaint_file(
                unit=unit,
                text=TEXTS[k],
                channel=CHANNELS[(n + i) % len(CHANNELS)],
                kind=KINDS[k],
                privacy=privacy,
                reporter_name="" if anonymous else f"Warga {key.title()} {i + 1}",
                reporter_email="" if anonymous else f"warga{n}{i}@contoh.id",
                attachments=attach,
                actor=staff if i % 7 == 1 else None,
                now=filed,
            ).complaint
            _walk(item, path, filed, staff=staff, units=units, fix=FIXES[k])
            added += 1
    head = users["kepala.dukcapil"]
    for quarter in range(1, 5):
        services.complaint_recap_publish(
            actor=head,
            unit=units["dukcapil"],
            period_key=f"2025-Q{quarter}",
            now=datetime(2025 + (quarter == 4), (3 * quarter) % 12 + 1, 10, tzinfo=WIB),
        )
    services.complaints_escalate_due(now=now)
    return added
