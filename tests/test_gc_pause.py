"""``@no_collector_pauses`` (mutu.gc_pause): paused inside, as before after."""

import gc

import pytest

from mutu.gc_pause import no_collector_pauses
from tests.accounts.login import login


@no_collector_pauses
def _inside() -> bool:
    return gc.isenabled()


@no_collector_pauses
def _failing() -> None:
    raise ValueError("boom")


def test_the_collector_is_paused_inside_and_running_after():
    assert gc.isenabled()
    assert _inside() is False
    assert gc.isenabled()
    with pytest.raises(ValueError, match="boom"):
        _failing()
    assert gc.isenabled()


def test_a_collector_paused_by_someone_else_stays_paused():
    gc.disable()
    try:
        assert _inside() is False
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_region_dashboard_runs_paused(client, world, monkeypatch):
    from mutu.reports import views

    seen = []
    real = views.dashboards.region_dashboard

    def spy(*args, **kwargs):
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(views.dashboards, "region_dashboard", spy)
    login(client, world.coordinator)
    assert client.get("/wilayah/18.09/dasbor/").status_code == 200
    assert seen == [False]
    assert gc.isenabled()
