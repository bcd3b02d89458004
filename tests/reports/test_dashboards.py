"""The dashboards: a region's league table, its D10 figure, its sub-regions ranked
the same way, a unit's own trend and an MPP's page (issue 15 items 1, 2 and 4)."""

import itertools
import math
import random
from dataclasses import replace
from datetime import timedelta

import pytest
from django.utils import timezone

from mutu.complaints.selectors import complaint_figures, complaint_figures_map
from mutu.evaluations.selectors import latest_published_result_map
from mutu.measures.comparison import differs, regional_figure
from mutu.measures.skm import skm_result
from mutu.measures.tally import tally_from_responses
from mutu.measures.uncertainty import skm_uncertainty
from mutu.registry.models import Mpp, ServicePoint
from mutu.reports import dashboards
from mutu.surveys import summaries
from mutu.surveys.models import (
    ROLLUP_COUNT_FIELDS,
    PeriodPopulation,
    Publication,
    Response,
    UnitPeriodSummary,
)
from mutu.surveys.periods import PeriodKind, period_containing
from mutu.surveys.rollups import COUNT_FIELDS, rollups_upsert
from mutu.surveys.selectors import period_tally, tally_map
from mutu.surveys.services import response_submit
from tests.accounts.login import login
from tests.registry import factories


def this_quarter():
    return period_containing(timezone.localdate(), PeriodKind.QUARTER)


def rollup(unit, service, *, responses, weights, day=None):
    """Count into a day's rollups *responses* answering every element with the
    value counts *weights* (four numbers summing to *responses*): what the
    dashboards read (its pair sums left at 0, as before)."""
    assert sum(weights) == responses
    counts = dict.fromkeys(COUNT_FIELDS, 0)
    counts["responses"] = responses
    counts.update({name: weights[int(name[-1]) - 1] for name in ROLLUP_COUNT_FIELDS})
    # Through the writer of the rollups, so the unit's monthly row counts it too.
    rollups_upsert(
        {
            (unit.pk, service.pk, day or this_quarter().start, "web"): list(
                counts.values()
            )
        }
    )


def dinsos_service(world):
    return factories.service(world.dinsos, "Bantuan sosial")


def submit(unit, service, count, *, seed, day=None):
    """*count* real responses through the survey service (rollups included)."""
    rng = random.Random(seed)
    for _ in range(count):
        answers = {f"U{i}": rng.choice([2, 3, 3, 4, 4]) for i in range(1, 10)}
        response_submit(unit=unit, service=service, channel="api", answers=answers)


def dashboard_of(client, url):
    page = client.get(url)
    assert page.status_code == 200
    return page, page.context["dashboard"]


def test_unit_dashboard_equals_the_measures_on_raw_answers(client, world):
    """A unit's IKM, grade and sample on its dashboard are those of mutu.measures
    on the same raw answers; its interval that of the same tally."""
    submit(world.dukcapil, world.ktp, 12, seed=1)
    login(client, world.operator)

    page = client.get(f"/unit/{world.dukcapil.pk}/dasbor/")

    assert page.status_code == 200
    raw = skm_result(
        tally_from_responses([r.answers() for r in Response.objects.all()])
    )
    current = page.context["current"]
    assert current.result.ikm_converted == raw.ikm_converted
    assert current.result.grade == raw.grade
    assert current.responses == 12
    assert not current.sample_ok  # 12 < the D12 minimum of 50, no population
    period = this_quarter()
    shared = tally_map([world.dukcapil.pk], period.start, period.end)
    expected = skm_uncertainty(skm_result(shared[world.dukcapil.pk]))
    assert current.uncertainty.ci95 == expected.ci95
    text = page.content.decode()
    assert f"{round(float(raw.ikm_converted), 2):.2f}".replace(".", ",") in text
    assert "sampel belum cukup" in text
    assert "<title" in text


def test_regency_and_national_figures_are_d10_means(client, world):
    """The regency's figure is the plain mean of its units' IKMs (D10), however
    many responses each has; the nation's is the mean over all its units, and its
    provinces are its sub-regions."""
    service = dinsos_service(world)
    rollup(world.dukcapil, world.ktp, responses=400, weights=(0, 0, 100, 300))
    rollup(world.dinsos, service, responses=50, weights=(10, 20, 20, 0))
    rollup(
        world.dukcapil_bandung, world.ktp_bandung, responses=60, weights=(0, 30, 30, 0)
    )
    period = this_quarter()
    tallies = tally_map([u.pk for u in world.units], period.start, period.end)
    ikm = {pk: skm_result(t).ikm_converted for pk, t in tallies.items()}
    login(client, world.coordinator)

    _, regency = dashboard_of(client, "/wilayah/18.09/dasbor/")

    expected = regional_figure([ikm[world.dukcapil.pk], ikm[world.dinsos.pk]])
    assert regency.figure == expected
    assert regency.figure.units == 2
    pooled = skm_result(tallies[world.dukcapil.pk] + tallies[world.dinsos.pk])
    assert regency.figure.mean != pooled.ikm_converted  # not pooled

    client.logout()
    login(client, world.admin)
    _, nation = dashboard_of(client, "/wilayah/ID/dasbor/")

    assert nation.figure == regional_figure(list(ikm.values()))
    assert nation.units == 4
    by_code = {row.region.code: row for row in nation.children}
    assert set(by_code) == {"18", "32"}
    assert by_code["18"].figure == expected
    assert by_code["32"].figure.units == 1
    assert by_code["18"].units == 3  # the RSUD has no responses


def test_an_insufficient_sample_is_greyed_and_never_ranked_nor_top(client, world):
    """D12: with no population a unit needs 50 responses; 49 is shown greyed with
    "sampel belum cukup", gets no place, and stays out of the top list even with
    the best IKM. A stated population decides by Krejcie & Morgan instead."""
    service = dinsos_service(world)
    rollup(world.dukcapil, world.ktp, responses=50, weights=(0, 20, 20, 10))
    rollup(world.dinsos, service, responses=49, weights=(0, 0, 0, 49))
    login(client, world.coordinator)

    page, dashboard = dashboard_of(client, "/wilayah/18.09/dasbor/")

    rows = {row.unit.pk: row for row in dashboard.rows}
    assert rows[world.dukcapil.pk].place == 1
    assert rows[world.dinsos.pk].place is None
    assert not rows[world.dinsos.pk].sample_ok
    assert [row.unit.pk for row in dashboard.top] == [world.dukcapil.pk]
    assert dashboard.rows[-1].unit.pk == world.dinsos.pk  # unranked after the ranked
    text = page.content.decode()
    assert 'class="unranked"' in text
    assert "sampel belum cukup" in text
    top = text.split("Unit terbaik", 1)[1].split("</section>", 1)[0]
    assert "Dinas Sosial" not in top

    # Krejcie & Morgan for a population of 50 asks 44: 49 now suffices.
    PeriodPopulation.objects.create(
        unit=world.dinsos, period_key=this_quarter().key, population=50
    )
    _, dashboard = dashboard_of(client, "/wilayah/18.09/dasbor/")
    rows = {row.unit.pk: row for row in dashboard.rows}
    assert rows[world.dinsos.pk].place == 1
    assert rows[world.dinsos.pk].required == 44
    assert rows[world.dukcapil.pk].place == 2


def test_a_difference_is_marked_only_when_significant(world):
    """Two ranked units are "equal" (``above_differs`` False) unless D12's test
    says their IKMs differ; the dashboard's verdict is measures.differs on the
    same figures."""
    service = dinsos_service(world)
    rollup(world.dukcapil, world.ktp, responses=60, weights=(0, 10, 25, 25))
    rollup(world.dinsos, service, responses=60, weights=(0, 11, 25, 24))
    rollup(
        world.rsud_bandar_lampung,
        factories.service(world.rsud_bandar_lampung, "Rawat jalan"),
        responses=60,
        weights=(20, 30, 10, 0),
    )
    units = [world.dukcapil, world.dinsos, world.rsud_bandar_lampung]

    rows = dashboards.unit_rows(units, this_quarter())

    by_place = sorted((r for r in rows if r.place), key=lambda r: r.place)
    assert [r.unit for r in by_place] == units
    for above, below in itertools.pairwise(by_place):
        assert below.above_differs == differs(above.ikm, above.se, below.ikm, below.se)
    assert by_place[1].above_differs is False  # 1 answer apart: noise
    assert by_place[2].above_differs is True


def test_a_league_keeps_full_figures_only_for_the_rows_shown(world):
    """Without *full* every row ranks by its league figures and has no result
    until :func:`rows_figures_fill` gives the shown rows theirs, equal to the
    figures it was ranked by; a unit with no responses stays without."""
    service = dinsos_service(world)
    rollup(world.dukcapil, world.ktp, responses=60, weights=(0, 10, 25, 25))
    rollup(world.dinsos, service, responses=60, weights=(0, 30, 30, 0))
    period = this_quarter()
    units = [world.dukcapil, world.dinsos, world.rsud_bandar_lampung]
    full = {r.unit: r for r in dashboards.unit_rows(units, period)}

    rows = dashboards.unit_rows(units, period, columns=False, full=False)

    assert [r.result for r in rows] == [None, None, None]
    assert [r.place for r in rows] == [full[u].place for u in units] == [1, 2, None]
    dashboards.rows_figures_fill(rows, period)
    dukcapil, dinsos, rsud = rows
    assert dukcapil.result == full[world.dukcapil].result
    assert dukcapil.result.ikm_converted == dukcapil.ikm
    assert dinsos.uncertainty.se_converted == dinsos.se == full[world.dinsos].se
    assert rsud.result is None
    assert rsud.ikm is None
    assert rsud.responses == 0


def test_change_from_the_previous_period_follows_d12_at_its_boundary(
    world, monkeypatch
):
    """The change against the previous period is marked exactly when
    |a − b| > 1,96 × √(se_a² + se_b²): equal to the bound is no change."""
    period = this_quarter()
    before = period.previous()
    rollup(world.dukcapil, world.ktp, responses=60, weights=(0, 10, 25, 25))
    rollup(
        world.dukcapil,
        world.ktp,
        responses=60,
        weights=(0, 20, 25, 15),
        day=before.start,
    )
    now_result = skm_result(
        tally_map([world.dukcapil.pk], period.start, period.end)[world.dukcapil.pk]
    )
    then_result = skm_result(
        tally_map([world.dukcapil.pk], before.start, before.end)[world.dukcapil.pk]
    )
    gap = float(now_result.ikm_converted - then_result.ikm_converted)
    assert gap > 0

    real = dashboards._figures_compute
    real_summary = summaries.summary_compute

    def with_se(se):
        def fixed(sums):
            tally, result, uncertainty = real(sums)
            return tally, result, replace(uncertainty, se_converted=se)

        monkeypatch.setattr(dashboards, "_figures_compute", fixed)
        monkeypatch.setattr(
            summaries,
            "summary_compute",
            lambda sums: replace(real_summary(sums), se=se),
        )
        dashboards._figures_of_sums.cache_clear()
        UnitPeriodSummary.objects.all().delete()  # the stored ones: computed again
        row = dashboards.unit_rows([world.dukcapil], period)[0]
        dashboards.add_trends([row], period)
        return row.change

    # se such that 1,96 × √2 × se equals the gap exactly, up to float rounding:
    boundary = gap / (1.96 * math.sqrt(2))
    assert with_se(boundary * 0.999) == "up"
    assert with_se(boundary * 1.001) == "same"
    # The memo holds the figures of the patched errors: later tests start anew.
    dashboards._figures_of_sums.cache_clear()


def test_sorting_by_a_column_through_get(client, world):
    """``?urut=nama`` sorts by name, ``?urut=-ikm`` lowest IKM first; an unknown
    key falls back to the ranking; no JavaScript involved."""
    service = dinsos_service(world)
    rollup(world.dukcapil, world.ktp, responses=60, weights=(0, 0, 30, 30))
    rollup(world.dinsos, service, responses=60, weights=(0, 30, 30, 0))
    login(client, world.coordinator)

    sorted_page, by_ikm = dashboard_of(client, "/wilayah/18.09/dasbor/?urut=ikm")
    _, lowest_first = dashboard_of(client, "/wilayah/18.09/dasbor/?urut=-ikm")
    _, by_name = dashboard_of(client, "/wilayah/18.09/dasbor/?urut=nama")
    page, unknown = dashboard_of(client, "/wilayah/18.09/dasbor/?urut=x%3Cy")

    dukcapil, dinsos = world.dukcapil.pk, world.dinsos.pk
    assert [r.unit.pk for r in by_ikm.rows] == [dukcapil, dinsos]
    assert [r.unit.pk for r in lowest_first.rows] == [dinsos, dukcapil]
    assert [r.unit.pk for r in by_name.rows] == [dinsos, dukcapil]
    assert unknown.sort == "peringkat"
    header = sorted_page.content.decode()
    assert 'aria-sort="descending"><a href="?periode=' in header
    assert "urut=-ikm" in header  # the same column again sorts the other way
    assert b"x<y" not in page.content


def test_an_unknown_period_is_refused_with_a_message(client, world):
    """``?periode=kemarin`` answers 400 with a message, showing this quarter."""
    login(client, world.coordinator)

    page = client.get("/wilayah/18.09/dasbor/?periode=kemarin")

    assert page.status_code == 400
    assert "tidak dikenal" in page.content.decode()
    assert page.context["dashboard"].period == this_quarter()


@pytest.mark.parametrize(
    ("user", "url", "status"),
    [
        ("coordinator", "/wilayah/18.09/dasbor/", 200),
        ("coordinator", "/wilayah/18.71/dasbor/", 404),
        ("coordinator", "/wilayah/32.04/dasbor/", 404),
        ("coordinator", "/wilayah/ID/dasbor/", 404),
        ("province_coordinator", "/wilayah/18/dasbor/", 200),
        ("province_coordinator", "/wilayah/32/dasbor/", 404),
        ("operator", "/wilayah/18.09/dasbor/", 404),
        ("admin", "/wilayah/ID/dasbor/", 200),
    ],
)
def test_dashboards_are_scoped_by_role(client, world, user, url, status):
    """A coordinator of Pesawaran opens Pesawaran's dashboard and no other."""
    login(client, getattr(world, user))

    assert client.get(url).status_code == status


def test_unit_dashboard_is_for_the_units_people(client, world):
    """The unit's dashboard shows unpublished figures: its staff and coordinators
    only; another unit's operator gets 404, the anonymous go to login."""
    login(client, world.operator)
    assert client.get(f"/unit/{world.dukcapil.pk}/dasbor/").status_code == 200
    assert client.get(f"/unit/{world.dinsos.pk}/dasbor/").status_code == 404
    client.logout()
    assert client.get(f"/unit/{world.dukcapil.pk}/dasbor/").status_code == 302


def test_league_columns_come_from_their_apps(world):
    """Predicate, complaints, follow-up and standards columns read the apps'
    bulk selectors, which equal the one-unit reads."""
    period = this_quarter()
    ids = [u.pk for u in world.units]
    figures = complaint_figures_map(ids, period.start, period.end)
    assert figures == {}
    assert latest_published_result_map(ids) == {}
    single = complaint_figures(world.dukcapil, period.start, period.end)
    assert single.figures.total == 0


def add_units(government, count, *, responses=60):
    units = []
    for n in range(count):
        unit = factories.unit(government, f"Unit tambahan {n}")
        service = factories.service(unit, f"Layanan {n}")
        rollup(unit, service, responses=responses, weights=(0, 10, 30, 20))
        units.append(unit)
    return units


@pytest.mark.parametrize("url", ["/wilayah/18.09/dasbor/", "/wilayah/ID/dasbor/"])
def test_dashboard_queries_do_not_grow_with_units(
    client, world, url, django_assert_max_num_queries
):
    """The same number of queries for 2 units as for 12 (no N+1)."""
    # One unit measured already: the page's rows read their figures both times.
    rollup(world.dukcapil, world.ktp, responses=60, weights=(0, 10, 30, 20))
    login(client, world.admin)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    add_units(world.gov_pesawaran, 10)
    with django_assert_max_num_queries(40) as many:
        page = client.get(url)
    assert page.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_unit_dashboard_queries_are_bounded(
    client, world, django_assert_max_num_queries
):
    """The unit's dashboard reads a fixed number of queries (one unit, 8 periods)."""
    login(client, world.operator)
    with django_assert_max_num_queries(60):
        assert client.get(f"/unit/{world.dukcapil.pk}/dasbor/").status_code == 200


def publish_today(unit, period):
    Publication.objects.create(
        unit=unit,
        period_key=period.key,
        published_at=timezone.localdate(),
        media=["website"],
    )


def mpp_with_tenants(world):
    mpp = Mpp.objects.create(government=world.gov_pesawaran, name="MPP Pesawaran")
    for unit, code in ((world.dukcapil, "mpp-dukcapil"), (world.dinsos, "mpp-dinsos")):
        ServicePoint.objects.create(unit=unit, mpp=mpp, name="Loket 1", code=code)
    return mpp


def test_mpp_page_is_public_with_published_figures_only(client, world):
    """The MPP page lists its tenants and counters; the public sees only the
    periods each tenant published, and nothing at all before any is (404)."""
    mpp = mpp_with_tenants(world)
    service = dinsos_service(world)
    period = this_quarter()
    rollup(world.dukcapil, world.ktp, responses=60, weights=(0, 10, 30, 20))
    rollup(world.dinsos, service, responses=60, weights=(0, 30, 30, 0))
    url = f"/mpp/{mpp.pk}/?periode={period.key}"

    assert client.get(url).status_code == 404

    publish_today(world.dukcapil, period)
    page = client.get(url)

    assert page.status_code == 200
    dashboard = page.context["dashboard"]
    assert dashboard.figure.units == 1  # only the published tenant counts
    tallies = tally_map([world.dukcapil.pk], period.start, period.end)
    assert dashboard.figure.mean == skm_result(tallies[world.dukcapil.pk]).ikm_converted
    text = page.content.decode()
    assert "Dinas Sosial Pesawaran" in text
    assert "Loket 1" in text

    login(client, world.coordinator)
    inside = client.get(url).context["dashboard"]
    assert inside.figure.units == 2  # staff see their own units' figures


def test_mpp_page_sorts_its_tenants_without_showing_hidden_figures(client, world):
    """``?urut=`` sorts an MPP's tenants by name, IKM or sample through plain
    links; a tenant whose figures the reader may not see sorts as a blank, so
    the order gives nothing away; an unknown key falls back to the ranking."""
    mpp = mpp_with_tenants(world)
    service = dinsos_service(world)
    period = this_quarter()
    rollup(world.dukcapil, world.ktp, responses=60, weights=(0, 10, 30, 20))
    rollup(world.dinsos, service, responses=60, weights=(0, 0, 10, 50))
    publish_today(world.dukcapil, period)
    url = f"/mpp/{mpp.pk}/?periode={period.key}"

    def tenants(query):
        page = client.get(url + query)
        assert page.status_code == 200
        return [unit for unit, _row in page.context["tenants"]], page

    public_by_ikm, page = tenants("&urut=ikm")
    assert public_by_ikm == [world.dukcapil, world.dinsos]  # Dinsos's is hidden
    assert tenants("&urut=-ikm")[0] == [world.dinsos, world.dukcapil]
    assert 'aria-sort="descending"><a href="?periode=' in page.content.decode()
    login(client, world.coordinator)
    assert tenants("&urut=ikm")[0] == [world.dinsos, world.dukcapil]  # higher IKM
    assert tenants("&urut=nama")[0] == [world.dinsos, world.dukcapil]
    fallback, page = tenants("&urut=predikat")  # not a column of this page
    assert page.context["dashboard"].sort == "peringkat"
    assert fallback == [world.dinsos, world.dukcapil]


def test_mpps_are_listed_on_the_region_dashboard(client, world):
    mpp = mpp_with_tenants(world)
    login(client, world.coordinator)

    page = client.get("/wilayah/18.09/dasbor/")

    assert f"/mpp/{mpp.pk}/" in page.content.decode()


def test_a_long_mpp_list_names_the_first_ones_and_their_number(
    client, world, monkeypatch
):
    """A nation has hundreds of MPPs: the dashboard lists the first ones by
    name and says how many there are."""
    monkeypatch.setattr(dashboards, "MPP_LIST_SIZE", 2)
    for name in ("MPP C", "MPP A", "MPP B"):
        Mpp.objects.create(government=world.gov_pesawaran, name=name)
    login(client, world.admin)

    page = client.get("/wilayah/ID/dasbor/")

    assert [m.name for m in page.context["mpps"]] == ["MPP A", "MPP B"]
    assert "2 dari 3 MPP di wilayah ini" in page.content.decode()
    assert "MPP C" not in page.content.decode()


def test_links_from_the_home_dashboard_and_the_region_page(client, world):
    """Each role's "Dasbor" links to its dashboards; the region page shows each
    unit's IKM and links to the region's dashboard."""
    rollup(world.dukcapil, world.ktp, responses=60, weights=(0, 10, 30, 20))
    login(client, world.coordinator)

    home = client.get("/akun/dasbor/").content.decode()
    region = client.get("/wilayah/18.09/").content.decode()

    assert "/wilayah/18.09/dasbor/" in home
    assert "/wilayah/18.09/dasbor/" in region
    ikm = skm_result(period_tally(world.dukcapil, this_quarter())).ikm_converted
    assert f"{round(float(ikm), 2):.2f}".replace(".", ",") in region
    client.logout()
    login(client, world.operator)
    assert (
        f"/unit/{world.dukcapil.pk}/dasbor/"
        in client.get("/akun/dasbor/").content.decode()
    )


def test_trend_sparklines_carry_titles(client, world):
    """Each unit row's small-multiple trend is an SVG with a title and one point
    per period with responses, each titled with its period and value."""
    before = this_quarter().previous()
    rollup(world.dukcapil, world.ktp, responses=60, weights=(0, 10, 30, 20))
    rollup(
        world.dukcapil,
        world.ktp,
        responses=60,
        weights=(0, 20, 30, 10),
        day=before.start + timedelta(days=3),
    )
    login(client, world.coordinator)

    _page, dashboard = dashboard_of(client, "/wilayah/18.09/dasbor/")

    row = next(r for r in dashboard.rows if r.unit.pk == world.dukcapil.pk)
    assert row.spark.count("<circle") == 2
    assert "<title id=" in row.spark
    assert f"{before.label}: " in row.spark


def test_standards_column_counts_complete_standards_like_the_measure(client, world):
    """A standard counts as complete only with all 14 components holding text (a
    component of spaces is missing), as measures.standards says; sorting by the
    column goes through every unit's figures."""
    from mutu.measures.standards import STANDARD_COMPONENTS
    from mutu.reports.selectors import standards_map

    standard = world.ktp.standard
    for component in STANDARD_COMPONENTS:
        setattr(standard, component.field, "Ada")
    standard.save()
    service = dinsos_service(world)
    assert standards_map([world.dukcapil.pk, world.dinsos.pk]) == {
        world.dukcapil.pk: (1, 1),
        world.dinsos.pk: (0, 1),
    }
    standard.fee = "   "
    standard.save()
    assert not standard.completeness.is_complete
    assert standards_map([world.dukcapil.pk])[world.dukcapil.pk] == (0, 1)
    standard.fee = "Gratis"
    standard.save()
    assert service.pk
    login(client, world.coordinator)

    _, dashboard = dashboard_of(client, "/wilayah/18.09/dasbor/?urut=standar")

    assert [r.unit.pk for r in dashboard.rows] == [world.dukcapil.pk, world.dinsos.pk]
    assert dashboard.rows[0].standards == (1, 1)


def test_mpp_public_trend_shows_published_periods_only(client, world):
    """On the public MPP page a tenant's trend has a point only for the periods
    it published; an unpublished tenant's figures read "belum dipublikasikan"."""
    mpp = mpp_with_tenants(world)
    service = dinsos_service(world)
    period = this_quarter()
    before = period.previous()
    rollup(world.dukcapil, world.ktp, responses=60, weights=(0, 10, 30, 20))
    rollup(
        world.dukcapil,
        world.ktp,
        responses=60,
        weights=(0, 20, 30, 10),
        day=before.start,
    )
    rollup(world.dinsos, service, responses=60, weights=(0, 30, 30, 0))
    publish_today(world.dukcapil, period)

    page = client.get(f"/mpp/{mpp.pk}/?periode={period.key}")

    rows = {row.unit.pk: row for row in page.context["dashboard"].rows}
    assert rows[world.dukcapil.pk].spark.count("<circle") == 1  # not the earlier
    assert rows[world.dinsos.pk].result is None
    assert rows[world.dinsos.pk].spark.count("<circle") == 0
    assert "belum dipublikasikan" in page.content.decode()


def test_region_trend_is_the_d10_figure_of_each_period(client, world):
    """The region's trend: its D10 figure in the chosen quarter and the three
    before, each over the units that had an IKM then (here one unit in the
    earlier quarter, two in the current), drawn as an SVG with a title."""
    service = dinsos_service(world)
    period = this_quarter()
    before = period.previous()
    rollup(world.dukcapil, world.ktp, responses=60, weights=(0, 10, 25, 25))
    rollup(world.dinsos, service, responses=55, weights=(5, 20, 20, 10))
    rollup(
        world.dukcapil, world.ktp, responses=70, weights=(0, 5, 30, 35), day=before.end
    )
    login(client, world.coordinator)

    page, dashboard = dashboard_of(client, "/wilayah/18.09/dasbor/")

    assert [point["period"] for point in dashboard.trend] == [
        before.previous().previous(),
        before.previous(),
        before,
        period,
    ]
    first, second, earlier, current = dashboard.trend
    assert (first["figure"], second["figure"]) == (None, None)
    assert current["figure"] == dashboard.figure
    assert current["figure"].units == 2
    then = tally_map([world.dukcapil.pk], before.start, before.end)
    assert earlier["figure"] == regional_figure(
        [skm_result(then[world.dukcapil.pk]).ikm_converted]
    )
    text = page.content.decode()
    assert "Tren angka wilayah" in text
    assert 'id="tren-wilayah-title"' in text


def test_region_trend_keeps_past_periods_for_the_cache_time(
    client, world, settings, django_assert_num_queries
):
    """The periods before the chosen one are read once per
    MUTU_TREND_CACHE_SECONDS (a national dashboard's third of a second); the
    chosen period is read fresh on every request, and 0 turns the keeping off."""
    from mutu.reports.dashboards import TREND_PERIODS

    period = this_quarter()
    before = period.previous()
    rollup(world.dukcapil, world.ktp, responses=60, weights=(0, 10, 25, 25))
    rollup(
        world.dukcapil, world.ktp, responses=70, weights=(0, 5, 30, 35), day=before.end
    )
    units = [world.dukcapil, world.dinsos]
    first = dashboards.region_trend(units, period, None)
    with django_assert_num_queries(0):
        assert dashboards.region_trend(units, period, None) == first
    rollup(
        world.dukcapil, world.ktp, responses=70, weights=(70, 0, 0, 0), day=before.end
    )
    assert dashboards.region_trend(units, period, None) == first  # kept
    settings.MUTU_TREND_CACHE_SECONDS = 0
    fresh = dashboards.region_trend(units, period, None)
    assert fresh[2]["figure"] != first[2]["figure"]
    assert fresh[2]["figure"].units == 1
    # Read again: per earlier period the units' fingerprints and stored summaries.
    with django_assert_num_queries(2 * (TREND_PERIODS - 1)):
        assert dashboards.region_trend(units, period, None) == fresh


def test_an_mpp_page_gives_every_tenant_its_row(client, world, monkeypatch):
    """A league page shows PAGE_SIZE units; an MPP page lists all its tenants,
    so each of them has its row, its figures and its trend however many there
    are."""
    monkeypatch.setattr(dashboards, "PAGE_SIZE", 1)
    mpp = mpp_with_tenants(world)
    service = dinsos_service(world)
    rollup(world.dukcapil, world.ktp, responses=60, weights=(0, 10, 30, 20))
    rollup(world.dinsos, service, responses=60, weights=(0, 30, 30, 0))
    login(client, world.coordinator)

    page = client.get(f"/mpp/{mpp.pk}/")

    rows = {unit.pk: row for unit, row in page.context["tenants"]}
    assert set(rows) == {world.dukcapil.pk, world.dinsos.pk}
    assert all(row is not None and row.result is not None for row in rows.values())
    assert all(row.spark for row in rows.values())
