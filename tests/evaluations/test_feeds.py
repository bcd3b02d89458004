"""Objective feeds (D11): the level each fed indicator proposes, and the texts shown.

Every expectation is the whole stored feed (level, value, how, source), so a change
to a rule or to a text the evaluator reads shows up here.
"""

from datetime import date, timedelta

import pytest

from mutu.evaluations.feeds import GATHERERS, feeds_for
from mutu.measures.feed_sources import FEED_SOURCES, FeedWindow
from mutu.measures.instrument import load_instrument
from mutu.measures.standards import STANDARD_COMPONENTS
from mutu.registry.models import ServiceStandard
from mutu.surveys.models import (
    Channel,
    DailyRollup,
    FollowUpItem,
    PeriodPopulation,
    Publication,
)
from tests.registry import factories

Q1_HOW = (
    "Level 1 bila ada standar yang belum memenuhi 14 komponen, 2 bila semua "
    "lengkap, 3 bila semua juga ditetapkan. Level 4–5 (pelibatan masyarakat, monev) "
    "dinilai evaluator dari bukti."
)
Q6_HOW = (
    "1 = SKM berjalan tetapi tidak ada periode yang sampelnya memenuhi Krejcie & "
    "Morgan untuk populasi yang tercatat (periode tanpa populasi tidak dihitung); "
    "2 = SKM sesuai Permen; 3 = + publikasi non-elektronik; 4 = + non-elektronik "
    "dan elektronik; 5 = + tindak lanjut selesai."
)
Q7_HOW = "Level = jumlah media (0 tidak dipublikasikan … 5 bila lebih dari 4)."
Q8_HOW = "1 = RTL ada belum dilaksanakan; 2 < 30%; 3 = 30–80%; 4 > 80%; 5 = 100%."
Q9_HOW = (
    "Periode jendela data yang paling lambat: hari dari publikasi sampai butir RTL "
    "terakhir selesai; RTL yang belum tuntas dihitung sampai tanggal evaluasi. "
    "5 ≤ 30 hari; 4 ≤ 91; 3 ≤ 182; 2 ≤ 274; 1 ≤ 365; lebih lama atau tanpa RTL 0."
)
NO_COMPLAINTS = {
    "level": None,
    "value": "0 pengaduan",
    "how": "Belum ada pengaduan pada periode data: tanpa usulan, dinilai manual dari "
    "bukti.",
    "source": "pengaduan",
}


def _feed(level, value, how, source):
    return {"level": level, "value": value, "how": how, "source": source}


def _complete(**extra) -> dict[str, str]:
    return {c.field: f"Isi {c.letter}" for c in STANDARD_COMPONENTS} | extra


def _responses(world, day: date, count: int = 3) -> None:
    DailyRollup.objects.create(
        unit=world.dukcapil,
        service=world.ktp,
        day=day,
        channel=Channel.WEB,
        responses=count,
    )


REGISTRY_FED = ("Q3", "Q5", "Q10", "Q31")


def _population(world, period_key: str, population: int) -> None:
    PeriodPopulation.objects.update_or_create(
        unit=world.dukcapil, period_key=period_key, defaults={"population": population}
    )


def _publish(world, period_key: str, published_at: date, media: list[str]) -> None:
    Publication.objects.create(
        unit=world.dukcapil,
        period_key=period_key,
        published_at=published_at,
        media=media,
    )


def _follow_ups(world, period_key: str, completed: list[date | None]) -> None:
    for number, day in enumerate(completed, start=1):
        FollowUpItem.objects.create(
            unit=world.dukcapil,
            period_key=period_key,
            element=f"U{number}",
            action="Perbaikan",
            person_in_charge="Kepala seksi",
            due_date=date(2026, 12, 31),
            status=FollowUpItem.Status.DONE if day else FollowUpItem.Status.PLANNED,
            completed_at=day,
        )


def test_unit_without_data_gets_level_zero_everywhere(world):
    """A unit with no standard, survey, publication or plan proposes 0 with reasons."""
    # given Dinas Sosial, which has no service and no survey data
    # when its feeds are computed
    feeds = feeds_for(world.dinsos, FeedWindow.for_year(2026))
    for number in REGISTRY_FED:  # tested in tests/evaluations/test_registry_feeds.py
        assert feeds.pop(number)["level"] == 0
    # then each fed indicator proposes 0 and says why; complaints propose nothing
    assert feeds == {
        "Q1": _feed(
            0, "0 layanan", "Tidak ada standar pelayanan: level 0.", "registri"
        ),
        "Q6": _feed(
            0, "tidak ada respons SKM", "Belum melaksanakan SKM: level 0.", "survei"
        ),
        "Q7": _feed(0, "0 media", Q7_HOW, "publikasi hasil SKM"),
        "Q8": _feed(
            0, "tidak ada RTL", "Tidak ada rencana tindak lanjut: level 0.", "RTL"
        ),
        "Q9": _feed(
            0,
            "belum ada periode yang dipublikasikan",
            "Tidak ada laporan SKM yang dipublikasikan pada jendela data: level 0.",
            "publikasi",
        ),
        "Q25": NO_COMPLAINTS,
        "Q26": NO_COMPLAINTS,
        "Q27": NO_COMPLAINTS,
        "Q28": NO_COMPLAINTS,
    }


@pytest.mark.parametrize(
    ("standards", "level", "value"),
    [
        ([{}], 1, "0/1 lengkap 14 komponen, 0 ditetapkan SK"),
        ([_complete(), {}], 1, "1/2 lengkap 14 komponen, 0 ditetapkan SK"),
        ([_complete(), _complete()], 2, "2/2 lengkap 14 komponen, 0 ditetapkan SK"),
        (
            [_complete(decree_number="SK 1"), _complete()],
            2,
            "2/2 lengkap 14 komponen, 1 ditetapkan SK",
        ),
        (
            [_complete(decree_number="SK 1"), _complete(decree_number="SK 2")],
            3,
            "2/2 lengkap 14 komponen, 2 ditetapkan SK",
        ),
    ],
)
def test_q1_follows_completeness_then_decree(world, standards, level, value):
    """Q1: 1 while a standard lacks a component, 2 when all are complete, 3 decreed."""
    # given Dinas Sosial's services with these standards (an inactive one ignored)
    for fields in standards:
        factories.service(world.dinsos, **fields)
    retired = factories.service(world.dinsos, "Lama")
    retired.is_active = False
    retired.save()
    # when / then
    assert feeds_for(world.dinsos, FeedWindow.for_year(2026))["Q1"] == _feed(
        level, value, Q1_HOW, "registri standar pelayanan"
    )


def test_q1_counts_a_decree_only_on_a_complete_standard(world):
    """A decreed but incomplete standard does not count as decreed (level 1)."""
    factories.service(world.dinsos, **_complete())
    service = factories.service(world.dinsos)
    ServiceStandard.objects.filter(service=service).update(decree_number="SK 9")
    assert feeds_for(world.dinsos, FeedWindow.for_year(2026))["Q1"] == _feed(
        1,
        "1/2 lengkap 14 komponen, 0 ditetapkan SK",
        Q1_HOW,
        "registri standar pelayanan",
    )


SIZED = "; sampel cukup di 1 dari 1 periode"


@pytest.mark.parametrize(
    ("media", "done", "level", "value"),
    [
        (None, False, 2, "0 publikasi, media: -" + SIZED),
        (["website"], True, 2, "1 publikasi, media: website" + SIZED),
        (["print"], True, 3, "1 publikasi, media: print" + SIZED),
        (["print", "social"], False, 4, "1 publikasi, media: print, social" + SIZED),
        (["social", "print"], True, 5, "1 publikasi, media: print, social" + SIZED),
    ],
)
def test_q6_is_cumulative_over_publication_and_follow_up(
    world, media, done, level, value
):
    """Q6: 2 for a survey, 3 printed, 4 printed and electronic, 5 also followed up."""
    # given responses in 2026 reaching Krejcie & Morgan for the stated population
    # (3 users → 3 respondents), a publication in these media, maybe a done item
    _responses(world, date(2026, 3, 2))
    _population(world, "2026-Q1", 3)
    if media is not None:
        _publish(world, "2026-Q1", date(2026, 4, 6), media)
    _follow_ups(world, "2026-Q1", [date(2026, 9, 1) if done else None])
    # when / then
    assert feeds_for(world.dukcapil, FeedWindow.for_year(2026))["Q6"] == _feed(
        level, value, Q6_HOW, "survei SKM Mutu"
    )


@pytest.mark.parametrize(
    ("population", "value"),
    [
        (
            None,
            "1 periode SKM, tidak ada yang sampelnya cukup: 0 kurang sampel, "
            "1 tanpa populasi tercatat (tidak dihitung)",
        ),
        (
            100,
            "1 periode SKM, tidak ada yang sampelnya cukup: 1 kurang sampel, "
            "0 tanpa populasi tercatat (tidak dihitung)",
        ),
    ],
)
def test_q6_is_1_without_a_period_of_krejcie_morgan_size(world, population, value):
    """Published and followed up, but no period's sample met Krejcie & Morgan for a
    stated population: "tidak sesuai Permen", 1, and the feed says why (D17)."""
    _responses(world, date(2026, 3, 2), count=79)  # 100 users need 80
    if population is not None:
        _population(world, "2026-Q1", population)
    _publish(world, "2026-Q1", date(2026, 4, 6), ["print", "website"])
    _follow_ups(world, "2026-Q1", [date(2026, 5, 1)])
    assert feeds_for(world.dukcapil, FeedWindow.for_year(2026))["Q6"] == _feed(
        1, value, Q6_HOW, "survei SKM Mutu"
    )
    _responses(world, date(2026, 3, 3), count=1)
    _population(world, "2026-Q1", 100)
    assert feeds_for(world.dukcapil, FeedWindow.for_year(2026))["Q6"]["level"] == 5


def test_q6_one_sized_period_is_enough(world):
    """One period of the window at Krejcie & Morgan size suffices (D17)."""
    _responses(world, date(2026, 2, 2), count=10)
    _population(world, "2026-Q1", 10)
    _responses(world, date(2026, 5, 2), count=5)  # Q2: no population stated
    feed = feeds_for(world.dukcapil, FeedWindow.for_year(2026))["Q6"]
    assert (feed["level"], feed["value"]) == (
        2,
        "0 publikasi, media: -; sampel cukup di 1 dari 2 periode",
    )


def test_q6_looks_only_at_the_evaluation_year(world):
    """Responses of another year do not count as running the survey (D11)."""
    _responses(world, date(2025, 12, 31))
    _publish(world, "2026-Q1", date(2026, 4, 6), ["print", "website"])
    assert feeds_for(world.dukcapil, FeedWindow.for_year(2026))["Q6"]["level"] == 0


@pytest.mark.parametrize(
    ("publications", "level", "value"),
    [
        ([["print"]], 1, "1 media"),
        ([["print", "website"], ["website", "social"]], 3, "3 media"),
        ([["print", "screen", "social", "website"]], 4, "4 media"),
        (
            [["print", "screen", "social"], ["website", "app", "billboard"]],
            5,
            "6 media",
        ),
    ],
)
def test_q7_counts_distinct_media_of_the_year(world, publications, level, value):
    """Q7: the number of distinct media the year's results were published in, max 5."""
    for number, media in enumerate(publications, start=1):
        _publish(world, f"2026-Q{number}", date(2026, 3 * number + 1, 5), media)
    _publish(world, "2025-Q4", date(2026, 1, 5), ["app", "billboard", "screen"])
    assert feeds_for(world.dukcapil, FeedWindow.for_year(2026))["Q7"] == _feed(
        level, value, Q7_HOW, "publikasi hasil SKM"
    )


@pytest.mark.parametrize(
    ("done", "total", "level", "value"),
    [
        (0, 3, 1, "0/3 selesai (0%)"),
        (1, 8, 2, "1/8 selesai (12%)"),
        (3, 8, 3, "3/8 selesai (38%)"),
        (4, 5, 3, "4/5 selesai (80%)"),
        (5, 6, 4, "5/6 selesai (83%)"),
        (3, 3, 5, "3/3 selesai (100%)"),
    ],
)
def test_q8_follows_the_share_of_plan_items_done(world, done, total, level, value):
    """Q8: 1 none done, 2 under 30 %, 3 for 30–80 %, 4 above 80 %, 5 all done."""
    # the shown share is a whole percent; halves go to the even neighbour (12, 38)
    _follow_ups(world, "2026-S1", [date(2026, 8, 1)] * done + [None] * (total - done))
    _follow_ups(world, "2025-S2", [None, None])
    assert feeds_for(world.dukcapil, FeedWindow.for_year(2026))["Q8"] == _feed(
        level, value, Q8_HOW, "rencana tindak lanjut SKM"
    )


@pytest.mark.parametrize(
    ("days", "level"),
    [
        (30, 5),
        (31, 4),
        (91, 4),
        (92, 3),
        (182, 3),
        (183, 2),
        (274, 2),
        (275, 1),
        (365, 1),
        (366, 0),
    ],
)
def test_q9_follows_the_slowest_period_in_days(world, days, level):
    """Q9 (D17): days from publication to the plan's last item done, the slowest
    period of the window; ≤ 30 → 5, ≤ 91 → 4, ≤ 182 → 3, ≤ 274 → 2, ≤ 365 → 1."""
    # given a 2026-Q1 publication whose plan is done `days` after it, and a fast one
    published = date(2026, 1, 10)
    _publish(world, "2026-Q1", published, ["print"])
    _follow_ups(world, "2026-Q1", [date(2026, 1, 20), published + timedelta(days)])
    _publish(world, "2026-Q2", date(2026, 4, 10), ["print"])
    _follow_ups(world, "2026-Q2", [date(2026, 4, 20)])
    # when / then
    window = FeedWindow(date(2026, 1, 1), date(2026, 12, 31), date(2027, 6, 30))
    assert feeds_for(world.dukcapil, window)["Q9"] == _feed(
        level,
        f"periode terlambat: {days} hari dari publikasi sampai RTL tuntas "
        "(0 periode belum tuntas, dihitung sampai tanggal evaluasi)",
        Q9_HOW,
        "publikasi dan RTL SKM",
    )


def test_q9_counts_an_unfinished_plan_up_to_the_evaluation_day(world):
    """One fast period and one never finished: the open one counts up to the day
    of evaluation, so the proposal falls as time passes (D17)."""
    _publish(world, "2026-Q1", date(2026, 1, 10), ["print"])
    _follow_ups(world, "2026-Q1", [date(2026, 1, 20)])
    _publish(world, "2026-Q2", date(2026, 4, 10), ["print"])
    _follow_ups(world, "2026-Q2", [date(2026, 4, 20), None])
    levels = [
        feeds_for(
            world.dukcapil, FeedWindow(date(2026, 1, 1), date(2026, 12, 31), day)
        )["Q9"]["level"]
        for day in (date(2026, 5, 10), date(2026, 7, 10), date(2027, 4, 11))
    ]
    assert levels == [5, 4, 0]


def test_q9_is_0_when_a_published_period_has_no_plan(world):
    """A period published without a follow-up plan was not followed up: 0 (D17)."""
    _publish(world, "2026-Q1", date(2026, 1, 10), ["print"])
    _follow_ups(world, "2026-Q1", [date(2026, 1, 20)])
    _publish(world, "2026-Q2", date(2026, 4, 10), ["print"])
    feed = feeds_for(world.dukcapil, FeedWindow.for_year(2026))["Q9"]
    assert (feed["level"], feed["value"]) == (
        0,
        "1 dari 2 periode dipublikasikan tanpa RTL",
    )


def test_q9_reads_only_the_periods_of_the_window(world):
    """A period outside the window counts for nothing, however it was published;
    a window across two years takes the periods of both (D16)."""
    _publish(world, "2025-Q4", date(2026, 1, 5), ["print"])
    _follow_ups(world, "2025-Q4", [None])
    _publish(world, "2026-Q1", date(2026, 4, 10), ["print"])
    _follow_ups(world, "2026-Q1", [date(2026, 4, 20)])
    calendar = FeedWindow(date(2026, 1, 1), date(2026, 12, 31), date(2027, 2, 1))
    assert feeds_for(world.dukcapil, calendar)["Q9"]["level"] == 5
    across = FeedWindow(date(2025, 7, 1), date(2026, 6, 30), date(2027, 2, 1))
    assert feeds_for(world.dukcapil, across)["Q9"]["level"] == 0  # 2025-Q4 open


def test_q9_takes_a_done_item_without_completion_date_as_open(world):
    """A done item without a completion date is not known to be done: it counts as
    open, up to the day of evaluation."""
    _publish(world, "2026-Q1", date(2026, 1, 10), ["print"])
    _follow_ups(world, "2026-Q1", [date(2026, 2, 1)])
    FollowUpItem.objects.update(completed_at=None)
    window = FeedWindow(date(2026, 1, 1), date(2026, 12, 31), date(2026, 1, 31))
    assert feeds_for(world.dukcapil, window)["Q9"]["level"] == 5
    window = FeedWindow(date(2026, 1, 1), date(2026, 12, 31), date(2026, 3, 1))
    assert feeds_for(world.dukcapil, window)["Q9"]["level"] == 4


def test_every_feed_source_has_a_gatherer():
    """The app gathers every source an instrument file may name."""
    assert set(GATHERERS) == set(FEED_SOURCES)


def test_an_instrument_without_fed_indicators_gets_no_feeds(world):
    """PEKPPP 2017 declares no fed indicator, so nothing is proposed."""
    assert (
        feeds_for(
            world.dukcapil, FeedWindow.for_year(2026), load_instrument("pekppp-2017")
        )
        == {}
    )


def test_feeds_cost_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    """Gathering does not grow with the unit's publications and plans (cycle open
    runs it for every unit of a national cycle)."""
    for quarter in range(1, 5):
        key = f"2026-Q{quarter}"
        _publish(world, key, date(2026, 3 * quarter, 5), ["print", "website"])
        _follow_ups(world, key, [date(2026, 12, 1)] * 3)
        _publish(world, f"2025-Q{quarter}", date(2025, 3 * quarter, 5), ["print"])
        _follow_ups(world, f"2025-Q{quarter}", [date(2025, 12, 1), None])
    # 10 for the SKM window (D16), 5 for the registry records (D19), 3 for the
    # complaints (calendar adjustments, the year's complaints, the recaps; D20)
    with django_assert_max_num_queries(18):
        feeds = feeds_for(world.dukcapil, FeedWindow.for_year(2026))
    assert feeds["Q9"]["level"] == 2  # 2026-Q1: 5 March → 1 December, 271 days


def test_complaint_feeds_read_the_units_complaints(world):
    """Q25–Q28 from the year's complaints: counter and web used, all answered in
    time and closed, one recap, both citizens say solved (D13, D20)."""
    from mutu.complaints import services as complaints
    from tests.complaints.factories import complaint, wib

    for channel in ("counter", "web"):
        item = complaint(world.dukcapil, channel=channel, now=wib(2026, 3, 2, 9, 0))
        complaints.complaint_verify(
            actor=world.operator, complaint=item, now=wib(2026, 3, 3, 9, 0)
        )
        complaints.complaint_answer(
            actor=world.operator,
            complaint=item,
            text="Loket tambahan dibuka.",
            now=wib(2026, 3, 4, 9, 0),
        )
        complaints.complaint_close(
            actor=world.operator, complaint=item, now=wib(2026, 3, 5, 9, 0)
        )
        complaints.complaint_solved_answer(
            complaint=item, solved=True, now=wib(2026, 3, 20, 9, 0)
        )
    complaints.complaint_recap_publish(
        actor=world.head, unit=world.dukcapil, period_key="2026-Q1"
    )
    feeds = feeds_for(world.dukcapil, FeedWindow.for_year(2026))
    assert [feeds[q]["level"] for q in ("Q25", "Q26", "Q27", "Q28")] == [3, 2, 5, 5]
    assert feeds["Q26"]["value"] == "1 media selain loket: daring"
