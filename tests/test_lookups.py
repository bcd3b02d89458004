"""``__among`` (mutu.lookups): the same rows as ``__in``, on both databases."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mutu.lookups import IdArray
from mutu.registry.models import Service, ServiceUnit


def test_among_selects_the_same_rows_as_in(world):
    ids = [world.dukcapil.pk, world.rsud_bandar_lampung.pk, 10**9]
    among = set(ServiceUnit.objects.filter(pk__among=ids).values_list("pk", flat=True))
    assert among == {world.dukcapil.pk, world.rsud_bandar_lampung.pk}
    by_unit = Service.objects.filter(unit_id__among=[world.dukcapil_bandung.pk])
    assert list(by_unit) == [world.ktp_bandung]


def test_among_an_empty_list_selects_nothing_without_a_query(world):
    with CaptureQueriesContext(connection) as queries:
        assert list(ServiceUnit.objects.filter(pk__among=[])) == []
    assert len(queries) == 0


def test_among_sends_one_array_on_postgresql(world):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no arrays: __among is IN (…) there")
    ids = [*range(1, 3001), world.dinsos.pk]
    with CaptureQueriesContext(connection) as queries:
        found = list(
            ServiceUnit.objects.filter(pk__among=ids).values_list("pk", flat=True)
        )
    assert world.dinsos.pk in found
    assert "= ANY(" in queries[0]["sql"]
    assert " IN (" not in queries[0]["sql"]


def test_an_id_array_serves_several_queries_as_a_list_does(world):
    """An :class:`IdArray` made once selects what its list selects, in each query
    it is given to; its ids are checked to be integers when it is made."""
    ids = [world.dukcapil.pk, world.dinsos.pk, 10**9]
    array = IdArray(ids)
    for _ in range(2):
        assert set(
            ServiceUnit.objects.filter(pk__among=array).values_list("pk", flat=True)
        ) == {world.dukcapil.pk, world.dinsos.pk}
    assert list(Service.objects.filter(unit_id__among=array)) == list(
        Service.objects.filter(unit_id__among=ids)
    )
    assert list(ServiceUnit.objects.filter(pk__among=IdArray([]))) == []
    with pytest.raises(ValueError, match="invalid literal"):
        IdArray(["1; DROP TABLE x"])
