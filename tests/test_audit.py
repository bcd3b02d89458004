"""The audit log page: coordinators read their region, others nothing."""

from django.urls import reverse

from mutu.registry.services import standard_update
from tests.accounts.login import login


def test_audit_log_is_scoped_to_the_coordinators_region(world, client):
    """The Pesawaran coordinator sees Pesawaran changes, not Bandung's; operators get 404."""
    standard_update(actor=world.operator, service=world.ktp, data={"fee": "Gratis"})
    standard_update(actor=world.admin, service=world.ktp_bandung, data={"fee": "Rp 0"})
    login(client, world.coordinator)
    body = client.get(reverse("audit:log")).content.decode()
    assert "Penerbitan KTP-el" in body
    assert "KTP-el Bandung" not in body
    assert "Biaya/tarif: — → Gratis" in body
    client.force_login(world.operator)
    assert client.get(reverse("audit:log")).status_code == 404
    login(client, world.admin)
    assert "KTP-el Bandung" in client.get(reverse("audit:log")).content.decode()


def _finalize_row(world):
    """An audit row as ``result_finalize`` writes it (index as a dot decimal)."""
    from mutu.audit.models import AuditEvent

    return AuditEvent.objects.create(
        actor=world.admin,
        action="result.finalize",
        target_type="evaluations.result",
        target_id="1",
        target_label="PEKPPP 2026 · Dukcapil Pesawaran r1: 3.00 C",
        changes={"index": [None, "3.00"], "predicate": [None, "C"]},
        scope_path=world.pesawaran.path,
    )


def test_audit_log_shows_words_and_indonesian_numbers(world, client):
    """Actions read as words, not codes; numbers carry the Indonesian decimal comma."""
    _finalize_row(world)
    login(client, world.admin)
    body = client.get(reverse("audit:log")).content.decode()
    assert "Penetapan hasil evaluasi" in body
    assert "result.finalize</td>" not in body
    assert "indeks: — → 3,00" in body
    assert "predikat: — → C" in body
    assert "revisi 1: 3,00 C" in body
    assert "3.00" not in body
    assert '<select id="tindakan" name="tindakan">' in body
    assert '<option value="result.finalize">Penetapan hasil evaluasi</option>' in body


def test_audit_log_in_english_uses_english_words_and_points(world, client):
    """With the language cookie set to English the same row reads in English."""
    _finalize_row(world)
    login(client, world.admin)
    client.cookies["django_language"] = "en"
    body = client.get(reverse("audit:log")).content.decode()
    assert "Evaluation result finalised" in body
    assert "index: — → 3.00" in body
    assert "predicate: — → C" in body
    assert "revision 1: 3.00 C" in body


def test_audit_log_filters_by_a_chosen_action(world, client):
    """Choosing an action shows only its rows; an unknown code shows a message and
    every row, never a 500."""
    _finalize_row(world)
    standard_update(actor=world.admin, service=world.ktp, data={"fee": "Gratis"})
    login(client, world.admin)
    chosen = client.get(reverse("audit:log"), {"tindakan": "result.finalize"})
    body = chosen.content.decode()
    assert "Penetapan hasil evaluasi</td>" in body
    assert "Standar pelayanan diubah</td>" not in body
    assert '<option value="result.finalize" selected>' in body
    unknown = client.get(reverse("audit:log"), {"tindakan": "result."})
    assert unknown.status_code == 200
    body = unknown.content.decode()
    assert "Tindakan tidak dikenal" in body
    assert "Standar pelayanan diubah</td>" in body
