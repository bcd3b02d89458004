"""Unit summaries (issue 15 item 9): each unit's league figures per period, stored
with the fingerprint of the monthly rollups they came from, and never older than
those rollups, whatever wrote them."""

import io
import math
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F, Sum
from django.utils import timezone

from mutu.measures.skm import skm_result
from mutu.measures.tally import tally_from_responses
from mutu.measures.uncertainty import skm_uncertainty
from mutu.surveys import summaries
from mutu.surveys.integrity import flags_write, straight_line_flag
from mutu.surveys.models import (
    MonthlyRevision,
    MonthlyRollup,
    Response,
    UnitPeriodSummary,
)
from mutu.surveys.periods import PeriodKind, period_containing
from mutu.surveys.rollups import revisions_count_up, rollups_rebuild
from mutu.surveys.selectors import tally_sums_map
from mutu.surveys.services import response_set_excluded, response_submit
from mutu.surveys.summaries import UnitSummary, summary_compute, unit_summaries
from tests.surveys.test_paper import form_row, new_job, run
from tests.surveys.test_paper_csv import csv_bytes


def _quarter():
    return period_containing(timezone.localdate(), PeriodKind.QUARTER)


def _submit(world, count: int, *, seed: int = 0) -> None:
    for index in range(count):
        response_submit(
            unit=world.dukcapil,
            service=world.ktp,
            channel=("web", "sms", "api")[index % 3],
            answers={f"U{i}": 1 + (index * 7 + i + seed) % 4 for i in range(1, 10)},
        )


def _truth(unit_ids, period) -> dict[int, UnitSummary]:
    """What the rollups say now, computed afresh (no summary read or stored)."""
    return {
        unit_id: summary_compute(sums)
        for unit_id, sums in tally_sums_map(unit_ids, period.start, period.end).items()
    }


def _revision(unit, period) -> int:
    return MonthlyRevision.objects.filter(
        unit=unit, month__gte=period.start, month__lte=period.end
    ).aggregate(total=Sum("revision"))["total"]


def test_a_summary_equals_the_measures_and_is_read_back_in_two_queries(
    world, django_assert_num_queries
):
    """The stored figures are the IKM and standard error of ``mutu.measures`` on
    the raw answers; read again, two queries give them for every unit."""
    _submit(world, 30)
    period = _quarter()
    ids = [world.dukcapil.pk, world.dinsos.pk]
    summaries = unit_summaries(ids, period.start, period.end)
    assert list(summaries) == [world.dukcapil.pk]  # no responses: absent
    result = skm_result(
        tally_from_responses(
            [r.answers() for r in Response.objects.filter(unit=world.dukcapil)]
        )
    )
    summary = summaries[world.dukcapil.pk]
    assert summary.responses == 30
    assert summary.ikm == result.ikm_converted
    assert summary.se == pytest.approx(skm_uncertainty(result).se_converted)
    stored = UnitPeriodSummary.objects.get(unit=world.dukcapil)
    assert (stored.first_month, stored.revision) == (
        period.start,
        _revision(world.dukcapil, period),
    )
    with django_assert_num_queries(2):  # the fingerprints, the stored rows
        assert unit_summaries(ids, period.start, period.end) == summaries


def test_every_writer_of_the_rollups_makes_the_summary_follow(world):
    """A submission, a flag raised later and an exclusion each count the month's
    revision up, so the next read computes the unit's figures again and they
    equal the rollups'."""
    period = _quarter()
    ids = [world.dukcapil.pk]

    def read_and_check() -> UnitSummary:
        got = unit_summaries(ids, period.start, period.end)
        assert got == _truth(ids, period)
        stored = UnitPeriodSummary.objects.get(unit=world.dukcapil)
        assert stored.revision == _revision(world.dukcapil, period)
        return got[world.dukcapil.pk]

    _submit(world, 20)
    first = read_and_check()
    _submit(world, 5, seed=2)
    second = read_and_check()
    assert second.responses == 25
    assert second != first
    before = _revision(world.dukcapil, period)
    flags_write(Response.objects.earliest("id"), [straight_line_flag(3)], counted=True)
    assert _revision(world.dukcapil, period) == before + 1
    assert read_and_check() == second  # a flag moves no figure, only the revision
    response_set_excluded(
        actor=world.admin,
        response=Response.objects.latest("id"),
        excluded=True,
        reason="uji",
    )
    assert read_and_check().responses == 24
    assert read_and_check().responses == 24


def test_a_file_import_makes_the_summary_follow(world):
    """A paper file (set-based on PostgreSQL, the bulk writer elsewhere) counts
    its months' revisions up with its rows: the next read includes them."""
    period = period_containing(date(2025, 7, 14), PeriodKind.QUARTER)
    ids = [world.dukcapil.pk]
    run(new_job(world, csv_bytes([form_row()] * 5), name="a.csv"))
    assert unit_summaries(ids, period.start, period.end)[ids[0]].responses == 5
    other = form_row(answers=[2, 3, 3, 2, 3, 2, 2, 3, 3])
    run(new_job(world, csv_bytes([other] * 4), name="b.csv"))
    got = unit_summaries(ids, period.start, period.end)
    assert got == _truth(ids, period)
    assert got[ids[0]].responses == 9


def test_a_rebuild_empties_the_summaries_and_no_fingerprint_comes_back(world):
    """A rebuild makes the monthly rows again above every old revision: the
    summaries go, the next read stores them again, equal, and a unit's sum of
    revisions is past any value it had, so a summary stored by a reader that
    straddled the rebuild can never match the new rows."""
    _submit(world, 12)
    period = _quarter()
    ids = [world.dukcapil.pk]
    before = unit_summaries(ids, period.start, period.end)
    old_revision = _revision(world.dukcapil, period)
    assert UnitPeriodSummary.objects.exists()
    rollups_rebuild()
    assert rollups_rebuild(check_only=True).ok
    assert not UnitPeriodSummary.objects.exists()
    assert _revision(world.dukcapil, period) > old_revision
    assert unit_summaries(ids, period.start, period.end) == before
    assert UnitPeriodSummary.objects.get().revision == _revision(world.dukcapil, period)


def test_part_months_are_computed_and_not_stored(world):
    """A range that is not whole months has no summary row: its figures come from
    the rollups each time."""
    _submit(world, 10)
    today = timezone.localdate()
    start = today - timedelta(days=3) if today.day > 3 else today
    got = unit_summaries([world.dukcapil.pk], start, today)
    assert got == {
        world.dukcapil.pk: summary_compute(
            tally_sums_map([world.dukcapil.pk], start, today)[world.dukcapil.pk]
        )
    }
    assert not UnitPeriodSummary.objects.exists()


def test_a_summary_that_cannot_be_stored_leaves_the_figures(world, monkeypatch):
    """Storing is a convenience: when the database refuses it, the reader still
    gets the figures, and the next read computes them again."""
    _submit(world, 10)
    period = _quarter()
    monkeypatch.setattr(
        summaries, "_store_sql", lambda table, count: "INSERT INTO no_such_table"
    )
    ids = [world.dukcapil.pk]
    assert unit_summaries(ids, period.start, period.end) == _truth(ids, period)
    assert not UnitPeriodSummary.objects.exists()


def test_a_stored_summary_is_replaced_only_by_a_newer_one(world):
    """A reader of a lagging replica computes from older rollups: what it stores
    never overwrites a summary of a higher fingerprint."""
    _submit(world, 10)
    period = _quarter()
    ids = [world.dukcapil.pk]
    unit_summaries(ids, period.start, period.end)
    stored = UnitPeriodSummary.objects.get()
    older = UnitSummary(3, None, math.inf)
    first, last = stored.first_month, stored.last_month
    summaries._store({ids[0]: (stored.revision - 1, older)}, first, last)
    assert UnitPeriodSummary.objects.get().responses == 10
    summaries._store({ids[0]: (stored.revision + 1, older)}, first, last)
    assert UnitPeriodSummary.objects.get().responses == 3


def test_the_summaries_command_computes_what_readers_would_and_is_idempotent(
    world, django_assert_num_queries
):
    """``mutu surveys summaries`` stores every unit's summaries of this quarter
    and the ones before (and of this year), with progress; run again it computes
    nothing, and a reader afterwards computes nothing either."""
    _submit(world, 15)
    out = io.StringIO()
    call_command("surveys", "summaries", "--quarters", "2", stdout=out)
    text = out.getvalue()
    assert "Summaries computed: 2." in text  # Dukcapil: this quarter, this year
    period = _quarter()
    assert f"{period.label}:" in text
    stored = UnitPeriodSummary.objects.get(first_month=period.start)
    assert stored.revision == _revision(world.dukcapil, period)
    again = io.StringIO()
    call_command("surveys", "summaries", "--quarters", "2", stdout=again)
    assert "Summaries computed: 0." in again.getvalue()
    truth = _truth([world.dukcapil.pk], period)
    with django_assert_num_queries(2):
        assert unit_summaries([world.dukcapil.pk], period.start, period.end) == truth
    with pytest.raises(CommandError, match="negatif"):
        call_command("surveys", "summaries", "--years", "-1")


def test_the_rebuild_check_finds_a_month_without_its_revision(world):
    """Every monthly rollup row has its revision; the check names one that lost
    it (its unit's summaries would not see that month)."""
    _submit(world, 3)
    assert rollups_rebuild(check_only=True).ok
    MonthlyRevision.objects.all().delete()
    report = rollups_rebuild(check_only=True)
    assert [line for line in report.differences if "without a revision" in line]


def test_revise_repairs_what_a_process_of_an_older_version_wrote(world):
    """A worker still running the code before the revisions changes a month
    without counting it, or makes one without its revision: the stored summary
    still matches and shows old figures. ``mutu surveys summaries --revise``
    counts every month up (making the missing ones), and the figures follow."""
    _submit(world, 10)
    period = _quarter()
    ids = [world.dukcapil.pk]
    unit_summaries(ids, period.start, period.end)
    # What the older code did: the counts change, the revision does not.
    MonthlyRollup.objects.filter(unit=world.dukcapil).update(
        responses=F("responses") + 5, u1_4=F("u1_4") + 5
    )
    assert unit_summaries(ids, period.start, period.end)[ids[0]].responses == 10
    MonthlyRevision.objects.all().delete()  # and a month made without one
    assert not rollups_rebuild(check_only=True).ok
    out = io.StringIO()
    call_command("surveys", "summaries", "--revise", "--quarters", "1", stdout=out)
    assert "Revisions counted up: 1 months." in out.getvalue()
    assert unit_summaries(ids, period.start, period.end) == _truth(ids, period)
    assert unit_summaries(ids, period.start, period.end)[ids[0]].responses == 15


def test_the_rebuild_check_names_a_revision_without_its_month(world):
    """A revision left by months that no longer exist keeps its unit's summaries
    from ever matching: the check names it, and counting up drops it."""
    _submit(world, 3)
    MonthlyRevision.objects.create(unit=world.dinsos, month=_quarter().start)
    report = rollups_rebuild(check_only=True)
    assert [line for line in report.differences if "without a monthly" in line]
    revisions_count_up()
    assert rollups_rebuild(check_only=True).ok
