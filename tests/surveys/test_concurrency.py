"""The same client id sent ten times at once stores one response (PostgreSQL)."""

import threading
import uuid

import pytest
from django.db import connection, connections

from mutu.registry.models import Service, ServiceUnit
from mutu.surveys.models import DailyRollup, Response
from mutu.surveys.services import response_submit
from tests.registry import factories

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="real concurrent transactions need PostgreSQL (SQLite serialises writers)",
)


def test_same_client_id_ten_times_concurrently_stores_one(transactional_db):
    """Ten threads racing with one client id: one row, one rollup count, no error."""
    national = factories.region("ID", "Indonesia")
    province = factories.region("18", "Lampung", national)
    regency = factories.region("18.09", "Kabupaten Pesawaran", province)
    unit = factories.unit(factories.government(regency), "Dukcapil")
    service = factories.service(unit, "KTP-el")
    client_id = uuid.uuid4()
    barrier = threading.Barrier(10)
    outcomes: list[object] = []

    def send() -> None:
        try:
            barrier.wait(timeout=10)
            result = response_submit(
                unit=ServiceUnit.objects.get(pk=unit.pk),
                service=Service.objects.get(pk=service.pk),
                channel="api",
                answers={"U1": 4, "U2": 3},
                client_id=client_id,
            )
            outcomes.append(result.created)
        except Exception as error:  # collected and asserted below
            outcomes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert [o for o in outcomes if isinstance(o, Exception)] == []
    assert sorted(outcomes) == [False] * 9 + [True]
    assert Response.objects.count() == 1
    assert DailyRollup.objects.get().responses == 1
