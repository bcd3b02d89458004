"""The synthetic data generator (issue 14 item 1) at a small size."""

import hashlib

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F

from mutu.benchdata.generate import benchdata_generate
from mutu.benchdata.plan import PRESETS, Plan
from mutu.errors import MutuError
from mutu.evaluations.models import Answer, Assignment, Cycle
from mutu.registry.models import (
    Government,
    Mpp,
    Region,
    Service,
    ServicePoint,
    ServiceUnit,
)
from mutu.surveys.models import DailyRollup, MonthlyRollup, Response, ResponseFlag
from mutu.surveys.rollups import rollups_rebuild
from tests.surveys.rollup_checks import rollups_by_python_rule, rollups_stored

SMALL = Plan(units=60, responses=6000, seed=7)

TABLES = (
    ResponseFlag,
    Response,
    DailyRollup,
    MonthlyRollup,
    Answer,
    Assignment,
    Cycle,
    ServicePoint.services.through,
    ServicePoint,
    Mpp,
    Service,
    ServiceUnit,
    Government,
    Region,
)


def _digest() -> str:
    """A fingerprint of every generated row that matters, ids included."""
    hasher = hashlib.sha256()
    for model, fields in (
        (Region, ("id", "code", "path", "parent_id")),
        (ServiceUnit, ("id", "path", "name", "kind")),
        (Service, ("id", "unit_id", "name")),
        (ServicePoint, ("id", "unit_id", "mpp_id", "code")),
        (
            Response,
            (
                "id",
                "unit_id",
                "service_id",
                "point_id",
                "channel",
                "submitted_at",
                "u1",
                "u9",
                "age",
                "client_id",
                "content_hash",
                "is_flagged",
                "is_excluded",
            ),
        ),
        (ResponseFlag, ("response_id", "rule")),
        (
            DailyRollup,
            (
                "unit_id",
                "service_id",
                "day",
                "channel",
                "responses",
                "u9_4",
                "u1u9_ab",
                "sex_p",
                "age_35",
                "flagged",
                "excluded",
            ),
        ),
        (Answer, ("assignment_id", "indicator", "self_level")),
    ):
        # Ordered by every field: rows tied on the first two (rollups of one unit
        # and service) may come in any physical order, e.g. from partitions.
        for row in model.objects.order_by(*fields).values_list(*fields):
            hasher.update(repr(row).encode())
    return hasher.hexdigest()


def _empty_all() -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in TABLES:
            cursor.execute(f"DELETE FROM {quote(model._meta.db_table)}")  # noqa: S608


@pytest.mark.django_db
def test_generate_small_database_is_consistent():
    """Rollups rebuild equal, every unit sits under a region of the tree, every
    response's service is its unit's, and the sizes are the plan's."""
    report = benchdata_generate(plan=SMALL)

    assert report.counts["responses"] == Response.objects.count() == 6000
    assert ServiceUnit.objects.count() == 60
    assert Region.objects.count() == 1 + 38 + 514
    assert rollups_rebuild(check_only=True).ok
    # The generator's SQL rule gives what the Python rule gives, every column.
    assert rollups_stored() == rollups_by_python_rule()
    for unit in ServiceUnit.objects.select_related("government__region"):
        region = unit.government.region
        assert region.level in {"province", "regency", "city"}
        assert unit.path.startswith(region.path)
        assert unit.path == f"{unit.government.path}u{unit.pk}/"
    assert not Response.objects.exclude(unit_id=F("service__unit_id")).exists()
    assert ResponseFlag.objects.exists()
    flagged = set(Response.objects.filter(is_flagged=True).values_list("id", flat=True))
    assert flagged == set(ResponseFlag.objects.values_list("response_id", flat=True))
    assert Response.objects.filter(is_excluded=True).exists()
    assert Response.objects.values("channel").distinct().count() >= 5
    cycle = Cycle.objects.get()
    assert cycle.assignments.count() == min(SMALL.units, SMALL.assignments)


def _response_indexes() -> list[tuple[str, str]]:
    """Every valid index of the response table and of its partitions, by name."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid IN "
            "(SELECT 'surveys_response'::regclass UNION ALL SELECT inhrelid "
            "FROM pg_inherits WHERE inhparent = 'surveys_response'::regclass) "
            "AND i.indisvalid ORDER BY 1"
        )
        return cursor.fetchall()


@pytest.mark.django_db
def test_generate_builds_the_response_indexes_again():
    """The generator drops the response table's plain indexes for its COPY
    (PostgreSQL) and builds every one of them again, on every partition."""
    if connection.vendor != "postgresql":
        pytest.skip("indexes are dropped for the COPY on PostgreSQL only")
    benchdata_generate(plan=Plan(units=5, responses=50, seed=3))
    after = _response_indexes()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_inherits WHERE inhparent = "
            "'surveys_response'::regclass"
        )
        partitions = cursor.fetchone()[0]
    names = {name for name, _definition in after}
    for plain in ("response_device", "response_comments", "response_point_time"):
        assert plain in names
    parents = [d for _n, d in after if " ON ONLY " in d]
    children = [d for _n, d in after if " ON ONLY " not in d]
    assert len(children) == len(parents) * partitions


@pytest.mark.django_db
def test_generate_is_deterministic_for_a_seed():
    """The same seed gives the same rows; another seed other rows."""
    benchdata_generate(plan=SMALL)
    first = _digest()
    _empty_all()
    benchdata_generate(plan=SMALL)
    assert _digest() == first
    _empty_all()
    benchdata_generate(plan=Plan(units=60, responses=6000, seed=8))
    assert _digest() != first


@pytest.mark.django_db
def test_generate_regency_preset_keeps_units_in_the_regency():
    """The regency preset places every unit in Kabupaten Pesawaran (18.09)."""
    plan = Plan(units=12, responses=500, scope=PRESETS["regency"].scope)
    benchdata_generate(plan=plan)

    codes = set(ServiceUnit.objects.values_list("government__region__code", flat=True))
    assert codes == {"18.09"}


@pytest.mark.django_db
def test_generate_refuses_a_database_with_units(world):
    """Ids are assigned by the generator: it fills empty databases only."""
    with pytest.raises(MutuError, match="kosong"):
        benchdata_generate(plan=SMALL)


@pytest.mark.django_db
def test_bench_generate_command_reports_its_speed(capsys):
    """``mutu bench generate`` prints each stage's rows and the responses' speed."""
    call_command("bench", "generate", "--units", "5", "--responses", "300")
    out = capsys.readouterr().out

    assert "responses" in out
    assert "/s" in out
    assert Response.objects.count() == 300


@pytest.mark.django_db
def test_bench_generate_command_needs_sizes():
    """Without a preset, both sizes are required (a clear message, no traceback)."""
    with pytest.raises(CommandError, match="--units"):
        call_command("bench", "generate", "--units", "5")
