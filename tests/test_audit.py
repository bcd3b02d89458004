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
    assert "fee:  → Gratis" in body or "fee: — → Gratis" in body
    client.force_login(world.operator)
    assert client.get(reverse("audit:log")).status_code == 404
    login(client, world.admin)
    assert "KTP-el Bandung" in client.get(reverse("audit:log")).content.decode()
