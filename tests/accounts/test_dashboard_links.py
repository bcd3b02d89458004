"""The dashboard links the audit log for those who may read it (issue 10, item 4)."""

import pytest
from django.urls import reverse

from tests.accounts.login import login

AUDIT = reverse("audit:log")


@pytest.mark.parametrize("who", ["coordinator", "admin"])
def test_dashboard_links_the_audit_log_for_its_readers(client, world, who):
    """A coordinator and a national admin find the audit log from the dashboard,
    and the link opens it."""
    login(client, getattr(world, who))
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert f'href="{AUDIT}"' in page
    assert client.get(AUDIT).status_code == 200


@pytest.mark.parametrize("who", ["operator", "head", "evaluator"])
def test_dashboard_hides_the_audit_log_from_others(client, world, who):
    """Units and evaluators get no link to a page that would answer them 404."""
    login(client, getattr(world, who))
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert f'href="{AUDIT}"' not in page
    assert client.get(AUDIT).status_code == 404
