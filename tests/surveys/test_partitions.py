"""Monthly partitions of the response table on PostgreSQL (issue 14 item 5) and the
idempotency key that must hold across them (docs/scaling.md "Partitions and
indexes"; mutu.surveys.partitions)."""

import re
import uuid
from datetime import date, datetime, time
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from mutu.errors import ConflictError
from mutu.surveys.keys import response_by_client_id
from mutu.surveys.models import Response, ResponseFlag, ResponseKey
from mutu.surveys.partitions import partitions_ensure, partitions_list
from mutu.surveys.services import response_submit

ALL_FOUR = {f"U{i}": 4 for i in range(1, 10)}
WIB = ZoneInfo("Asia/Jakarta")
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="partitions exist on PostgreSQL only; SQLite keeps one plain table",
)


def at(day: date) -> datetime:
    return datetime.combine(day, time(10), tzinfo=WIB)


def stored(world, day: date, client_id=None, **extra) -> Response:
    """A response written straight into the table (as the bulk writers do)."""
    return Response.objects.create(
        unit=world.dukcapil,
        service=world.ktp,
        channel="paper",
        submitted_at=at(day),
        day=day,
        u1=4,
        client_id=client_id or uuid.uuid4(),
        content_hash="x" * 64,
        **extra,
    )


def partition_of(response: Response) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text FROM surveys_response WHERE id = %s",
            [response.pk],
        )
        return cursor.fetchone()[0]


def ensure(today: date, ahead: int = 0):
    with transaction.atomic(), connection.cursor() as cursor:
        return partitions_ensure(cursor, today=today, ahead=ahead)


# -- idempotency across periods: PostgreSQL and SQLite --------------------------


def test_a_client_id_of_another_period_returns_the_original(world):
    """The same client id sent again three months later (another period, another
    partition on PostgreSQL) is answered with the stored response; with other
    content it is a conflict. Nothing new is stored."""
    client_id = uuid.uuid4()
    with time_machine.travel(at(date(2026, 1, 15)), tick=False):
        first = response_submit(
            unit=world.dukcapil,
            service=world.ktp,
            channel="web",
            answers=ALL_FOUR,
            client_id=client_id,
        )
    with time_machine.travel(at(date(2026, 4, 15)), tick=False):
        again = response_submit(
            unit=world.dukcapil,
            service=world.ktp,
            channel="web",
            answers=ALL_FOUR,
            client_id=client_id,
        )
        with pytest.raises(ConflictError):
            response_submit(
                unit=world.dukcapil,
                service=world.ktp,
                channel="web",
                answers={**ALL_FOUR, "U1": 1},
                client_id=client_id,
            )
    assert not again.created
    assert again.response.pk == first.response.pk
    assert again.response.day == date(2026, 1, 15)
    assert Response.objects.count() == 1
    assert response_by_client_id(client_id).pk == first.response.pk


def test_the_database_refuses_a_client_id_stored_in_another_period(world):
    """Whatever writes the row (here the ORM, as the bulk writer's fallback does),
    the database itself refuses a second row with a stored client id, in any
    month."""
    client_id = uuid.uuid4()
    stored(world, date(2025, 1, 10), client_id)
    with pytest.raises(IntegrityError), transaction.atomic():
        stored(world, date(2025, 8, 10), client_id)
    assert Response.objects.count() == 1


# -- PostgreSQL: partitions --------------------------------------------------------


@postgres_only
def test_a_response_of_a_new_period_lands_in_its_partition(world):
    """Once the month's partition exists, its responses are stored in it; a month
    without one goes to DEFAULT, never refused."""
    ensure(date(2031, 5, 3))
    response = stored(world, date(2031, 5, 31))
    assert partition_of(response) == "surveys_response_y2031m05"
    orphan = stored(world, date(2033, 2, 1))
    assert partition_of(orphan) == "surveys_response_default"
    assert ResponseKey.objects.get(client_id=orphan.client_id).day == date(2033, 2, 1)


@postgres_only
def test_a_query_for_one_period_reads_one_partition(world):
    """The planner prunes every other month: a month's query reads one partition."""
    ensure(date(2031, 4, 1), ahead=2)
    for month in (4, 5, 6):
        stored(world, date(2031, month, 10))
    query = Response.objects.filter(
        unit=world.dukcapil, day__gte=date(2031, 5, 1), day__lt=date(2031, 6, 1)
    )
    plan = query.explain(analyze=True)
    scanned = set(re.findall(r" on (surveys_response_\w+)", plan))
    assert scanned == {"surveys_response_y2031m05"}, plan
    assert query.count() == 1


@postgres_only
def test_the_partition_command_is_idempotent_and_empties_default(world):
    """Run twice, the command creates nothing the second time; rows that fell
    into DEFAULT move into their month's partition with their key and flags."""
    orphan = stored(world, date(2034, 7, 9), is_flagged=True)
    ResponseFlag.objects.create(response=orphan, rule="straight_line", reason="x")
    assert partition_of(orphan) == "surveys_response_default"
    first, second = StringIO(), StringIO()
    call_command("surveys", "partitions", "--ahead", "2", stdout=first)
    before = partitions_list(connection.cursor())
    call_command("surveys", "partitions", "--ahead", "2", stdout=second)
    assert partitions_list(connection.cursor()) == before
    assert "surveys_response_y2034m07" in first.getvalue()
    assert "1 baris dipindah dari DEFAULT" in first.getvalue()
    assert "Partisi: 0 dibuat" in second.getvalue()
    assert partition_of(orphan) == "surveys_response_y2034m07"
    assert ResponseKey.objects.filter(client_id=orphan.client_id).exists()
    assert ResponseFlag.objects.get().response_id == orphan.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        stored(world, date(2034, 8, 1), orphan.client_id)


def orphan_flag():
    with transaction.atomic():
        ResponseFlag.objects.create(response_id=10**9, rule="duplicate", reason="x")
        connection.check_constraints()  # deferred to the commit, as a foreign key


@postgres_only
def test_a_flag_needs_its_response_and_goes_with_it(world):
    """The flags' foreign key, kept by triggers: a flag of no response is refused at
    commit; deleting a response deletes its flags and frees its client id."""
    response = stored(world, date(2025, 3, 3))
    ResponseFlag.objects.create(response=response, rule="duplicate", reason="x")
    with pytest.raises(IntegrityError):
        orphan_flag()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM surveys_response WHERE id = %s", [response.pk])
    assert not ResponseFlag.objects.exists()
    assert not ResponseKey.objects.exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.filter(pk=stored(world, date(2025, 3, 4)).pk).update(
            day=date(2025, 4, 4)
        )


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_every_row_of_a_populated_table():
    """Responses stored before 0009 (three months, one flagged) are all there after
    it, each in its month's partition, with their keys, flag and a sequence that
    goes on; backwards and forwards again keeps them too."""
    from tests.registry import factories

    before = [("surveys", "0008_uuid_ossp")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    OldResponse = old.get_model("surveys", "Response")
    OldFlag = old.get_model("surveys", "ResponseFlag")
    national = factories.region("ID", "Indonesia")
    government = factories.government(factories.region("18", "Lampung", national))
    unit = factories.unit(government, "Dukcapil Lampung")
    service = factories.service(unit, "KTP-el")
    rows = []
    for n, day in enumerate([date(2024, 11, 5), date(2024, 12, 6), date(2025, 1, 7)]):
        rows.append(
            OldResponse.objects.create(
                unit_id=unit.pk,
                service_id=service.pk,
                channel="paper",
                submitted_at=at(day),
                day=day,
                u1=n + 1,
                client_id=uuid.uuid4(),
                content_hash=str(n) * 64,
                is_flagged=n == 1,
            )
        )
    OldFlag.objects.create(response_id=rows[1].pk, rule="duplicate", reason="x")
    expected = {(r.pk, r.day, r.client_id, r.u1) for r in rows}

    def check():
        assert {
            (r.pk, r.day, r.client_id, r.u1) for r in Response.objects.all()
        } == expected
        assert ResponseFlag.objects.get().response_id == rows[1].pk

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    check()
    assert {partition_of(Response.objects.get(pk=r.pk)) for r in rows} == {
        "surveys_response_y2024m11",
        "surveys_response_y2024m12",
        "surveys_response_y2025m01",
    }
    assert ResponseKey.objects.count() == 3
    new = Response.objects.create(
        unit=unit,
        service=service,
        channel="web",
        submitted_at=at(date(2025, 1, 8)),
        day=date(2025, 1, 8),
        u1=4,
        content_hash="n" * 64,
    )
    assert new.pk > max(r.pk for r in rows)
    expected.add((new.pk, new.day, new.client_id, new.u1))

    executor = MigrationExecutor(connection)
    executor.migrate(before)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    check()


def test_the_partition_task_creates_the_months_ahead_once(world):
    """The task (for deployments that schedule django-tasks) does the command's work:
    the months ahead exist afterwards, and a second run creates nothing. SQLite:
    nothing to do."""
    from django.utils import timezone

    from mutu.surveys.partitions import month_add, month_start, partition_name
    from mutu.surveys.tasks import partitions_ensure_ahead

    far = partition_name(month_add(month_start(timezone.localdate()), 7))
    first = partitions_ensure_ahead.enqueue(ahead=7).return_value
    again = partitions_ensure_ahead.enqueue(ahead=7).return_value
    assert again == []
    if connection.vendor == "postgresql":
        assert far in first
        assert far in {name for name, _ in partitions_list(connection.cursor())}
    else:
        assert first == []
