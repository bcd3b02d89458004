"""Concurrent writers on PostgreSQL: one client id stored once, each flag raised once."""

import threading
import uuid

import pytest
from django.db import connection, connections

from mutu.registry.models import Service, ServiceUnit
from mutu.surveys.integrity import pending_check
from mutu.surveys.models import DailyRollup, Response, ResponseFlag
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


def test_two_integrity_checkers_at_once_flag_each_response_once(
    transactional_db, settings
):
    """Two workers checking the same pending responses skip each other's locked rows."""
    settings.MUTU_SURVEY_BURST_PER_MINUTE = 1
    national = factories.region("ID", "Indonesia")
    province = factories.region("18", "Lampung", national)
    regency = factories.region("18.09", "Kabupaten Pesawaran", province)
    unit = factories.unit(factories.government(regency), "Dukcapil")
    service = factories.service(unit, "KTP-el")
    point = factories.point(unit)
    for _ in range(600):
        response_submit(
            unit=unit,
            service=service,
            point=point,
            channel="qr",
            answers={"U1": 4},
            defer_integrity=True,
        )
    # The immediate task backend checked each at its commit: make them all pending.
    ResponseFlag.objects.all().delete()
    Response.objects.update(integrity_pending=True, is_flagged=False)
    barrier = threading.Barrier(2)
    checked: list[object] = []

    def check() -> None:
        try:
            barrier.wait(timeout=10)
            checked.append(pending_check())
        except Exception as error:  # collected and asserted below
            checked.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=check) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(checked) == 600  # type: ignore[arg-type]
    assert ResponseFlag.objects.count() == 599
    assert not Response.objects.filter(integrity_pending=True).exists()
