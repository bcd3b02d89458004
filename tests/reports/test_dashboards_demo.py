"""The demo's dashboards are not empty (issue 15): after `mutu demo load`, the
Pesawaran coordinator's regency dashboard and the national admin's Lampung and
national dashboards show a D10 figure and ranked units, in the story year and in
this quarter, and the demo's MPP page is public with its tenants' published
figures.

Loading the demo is slow, so one test loads it once and checks it all; it runs on
PostgreSQL only (CI runs both databases), like the demo story's test.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from mutu.accounts.models import User
from mutu.demo.data import DEMO_PASSWORD
from mutu.registry.models import Mpp
from tests.accounts.login import login

PASSWORD = DEMO_PASSWORD


def test_demo_dashboards_show_figures(db, client):
    if connection.vendor != "postgresql":
        pytest.skip("the demo loads once, on PostgreSQL")
    call_command("demo", "load", "--allow-production", stdout=StringIO())
    coordinator = User.objects.get(username="koordinator.pesawaran")
    admin = User.objects.get(username="admin.nasional")

    for user, code in ((coordinator, "18.09"), (admin, "18"), (admin, "ID")):
        login(client, user, password=PASSWORD)
        for period in ("2025-Q2", ""):
            page = client.get(f"/wilayah/{code}/dasbor/?periode={period}")
            assert page.status_code == 200
            dashboard = page.context["dashboard"]
            assert dashboard.figure is not None, (code, period)
            assert dashboard.figure.units >= 5
            assert dashboard.top, (code, period)
            assert all(row.place for row in dashboard.top)
            if code != "18.09":
                assert dashboard.children
    # The story: DPMPTSP's 60 responses fall short of the 132 its population asks.
    login(client, coordinator, password=PASSWORD)
    story = client.get("/wilayah/18.09/dasbor/?periode=2025-Q2").context["dashboard"]
    dpmptsp = next(r for r in story.rows if "Penanaman Modal" in r.unit.name)
    assert dpmptsp.place is None
    assert dpmptsp.required == 132
    assert dpmptsp not in story.top

    client.logout()
    mpp = Mpp.objects.get()
    public = client.get(f"/mpp/{mpp.pk}/?periode=2025-Q2")
    assert public.status_code == 200
    assert public.context["dashboard"].figure.units >= 3
    assert "Loket Dukcapil MPP" in public.content.decode()
