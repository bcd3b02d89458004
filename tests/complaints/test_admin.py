"""The national admin adjusts the working-day calendar in the Django admin; the
change goes through ``calendar_day_set`` and is audited."""

import pytest

from mutu.audit.models import AuditEvent
from mutu.complaints.models import CalendarDay
from tests.accounts.login import login

pytestmark = pytest.mark.django_db


def test_admin_adds_a_non_working_day(client, superuser, world):
    login(client, superuser)
    response = client.post(
        "/admin/complaints/calendarday/add/",
        {"day": "2026-12-31", "reason": "SKB cuti bersama 2026"},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    row = CalendarDay.objects.get()
    assert (str(row.day), row.working) == ("2026-12-31", False)
    audit = AuditEvent.objects.get(action="calendar.set")
    assert audit.changes == {"working": [None, False]}
