"""Feed rules: figures in, a proposed level and its texts out (D11, D13)."""

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mutu.measures.errors import MeasureInputError
from mutu.measures.feed_sources import FEED_SOURCES, FeedSource, Figure
from mutu.measures.feeds import (
    AllOf,
    AnyOf,
    Compare,
    FeedLevel,
    FeedRule,
    IsFlag,
    Missing,
    Not,
    feed_propose,
)
from mutu.measures.instrument import load_instrument

PEKPPP = load_instrument("pekppp-2022")
PROPERTY = settings(max_examples=150, deadline=None)


def _rule(number: str) -> FeedRule:
    rule = PEKPPP.indicator(number).feed
    assert rule is not None
    return rule


def _level(number: str, figures: dict) -> int:
    level = feed_propose(_rule(number), figures).level
    assert level is not None
    return level


def _standards(standards: int, complete: int, decreed: int) -> dict[str, int]:
    return {"standards": standards, "complete": complete, "decreed": decreed}


def _skm(
    responses: int = 10,
    printed: int = 0,
    electronic: int = 0,
    done: int = 0,
    names: str = "",
    sized: int = 1,
    short: int = 0,
    unstated: int = 0,
) -> dict[str, int | str]:
    return {
        "periods": sized + short + unstated,
        "periods_sized": sized,
        "periods_short": short,
        "periods_unstated": unstated,
        "responses": responses,
        "publications": 1 if printed + electronic else 0,
        "media": printed + electronic,
        "print_media": printed,
        "electronic_media": electronic,
        "media_names": names,
        "follow_up_done": done,
    }


def _follow_up(
    items: int = 0,
    done: int = 0,
    days: int | None = None,
    *,
    periods: int | None = None,
    unfinished: int = 0,
) -> dict[str, int | None]:
    planned = 0 if days is None else 1
    return {
        "items": items,
        "done": done,
        "periods": planned if periods is None else periods,
        "unplanned": (planned if periods is None else periods) - planned,
        "unfinished": unfinished,
        "slowest_days": days,
    }


@pytest.mark.parametrize(
    ("figures", "level"),
    [
        ((0, 0, 0), 0),
        ((3, 2, 2), 1),
        ((3, 3, 2), 2),
        ((3, 3, 3), 3),
    ],
)
def test_q1_levels_from_standard_counts(figures, level):
    """Q1: none 0, incomplete 1, complete 2, complete and decreed 3 (§2.3)."""
    assert feed_propose(_rule("Q1"), _standards(*figures)).level == level


def test_q1_texts_for_no_standard_and_for_some():
    """The "no data" level brings its own texts; the others fill in the counts."""
    empty = feed_propose(_rule("Q1"), _standards(0, 0, 0))
    assert (empty.value, empty.how, empty.source) == (
        "0 layanan",
        "Tidak ada standar pelayanan: level 0.",
        "registri",
    )
    some = feed_propose(_rule("Q1"), _standards(4, 3, 1))
    assert some.value == "3/4 lengkap 14 komponen, 1 ditetapkan SK"
    assert some.source == "registri standar pelayanan"
    assert some.how.startswith("Level 1 bila ada standar")


@pytest.mark.parametrize(
    ("figures", "level"),
    [
        (_skm(responses=0, printed=1, electronic=2, done=1), 0),
        (_skm(), 2),
        (_skm(electronic=3, done=2), 2),
        (_skm(printed=1), 3),
        (_skm(printed=1, electronic=1), 4),
        (_skm(printed=1, electronic=1, done=1), 5),
    ],
)
def test_q6_is_cumulative(figures, level):
    """Q6: survey 2, + print 3, + electronic 4, + a follow-up done 5 (§1.7)."""
    assert feed_propose(_rule("Q6"), figures).level == level


def test_q6_shows_a_dash_without_media():
    """An empty media list shows as "-"."""
    assert feed_propose(_rule("Q6"), _skm()).value == (
        "0 publikasi, media: -; sampel cukup di 1 dari 1 periode"
    )
    shown = feed_propose(_rule("Q6"), _skm(printed=1, electronic=1, names="a, b"))
    assert shown.value == "1 publikasi, media: a, b; sampel cukup di 1 dari 1 periode"


@pytest.mark.parametrize(
    ("sized", "short", "unstated", "level"),
    [
        (0, 0, 1, 1),
        (0, 2, 0, 1),
        (0, 2, 3, 1),
        (1, 0, 0, 5),
        (1, 3, 2, 5),
    ],
)
def test_q6_needs_one_period_of_krejcie_morgan_size(sized, short, unstated, level):
    """Q6 is "sesuai Permen" (≥ 2) only with a period whose sample met Krejcie &
    Morgan for its stated population; otherwise 1, whatever the publication (D17)."""
    figures = _skm(
        printed=1, electronic=1, done=1, sized=sized, short=short, unstated=unstated
    )
    assert feed_propose(_rule("Q6"), figures).level == level


def test_q6_says_that_a_period_without_population_does_not_count():
    """The text of level 1 names the short periods and the unstated ones (D17)."""
    shown = feed_propose(_rule("Q6"), _skm(sized=0, short=1, unstated=2))
    assert shown.value == (
        "3 periode SKM, tidak ada yang sampelnya cukup: 1 kurang sampel, "
        "2 tanpa populasi tercatat (tidak dihitung)"
    )
    assert "periode tanpa populasi tidak dihitung" in shown.how


@pytest.mark.parametrize(
    ("items", "done", "level", "value"),
    [
        (0, 0, 0, "tidak ada RTL"),
        (4, 0, 1, "0/4 selesai (0%)"),
        (8, 1, 2, "1/8 selesai (12%)"),
        (10, 3, 3, "3/10 selesai (30%)"),
        (5, 4, 3, "4/5 selesai (80%)"),
        (8, 7, 4, "7/8 selesai (88%)"),
        (2, 2, 5, "2/2 selesai (100%)"),
    ],
)
def test_q8_thresholds_and_shown_share(items, done, level, value):
    """Q8: <30 % is 2, 30–80 % is 3, >80 % is 4, all 5; the share is a whole %."""
    proposal = feed_propose(_rule("Q8"), _follow_up(items, done))
    assert (proposal.level, proposal.value) == (level, value)


Q9_LIMITS = ((30, 5), (91, 4), (182, 3), (274, 2), (365, 1))


@pytest.mark.parametrize(
    ("days", "level"),
    [
        (0, 5),
        *[(limit, level) for limit, level in Q9_LIMITS],
        *[(limit + 1, level - 1) for limit, level in Q9_LIMITS],
        (10_000, 0),
    ],
)
def test_q9_thresholds(days, level):
    """Q9 (D17): ≤ 30 days 5, ≤ 91 4, ≤ 182 3, ≤ 274 2, ≤ 365 1, later 0; each
    limit and the day after it."""
    assert feed_propose(_rule("Q9"), _follow_up(days=days)).level == level


def test_q9_is_0_without_a_published_period_or_with_a_period_without_plan():
    """No published period, or one published without a plan: 0 (D17)."""
    none = feed_propose(_rule("Q9"), _follow_up(periods=0))
    assert (none.level, none.value) == (0, "belum ada periode yang dipublikasikan")
    unplanned = feed_propose(_rule("Q9"), _follow_up(days=3, periods=2))
    assert (unplanned.level, unplanned.value) == (
        0,
        "1 dari 2 periode dipublikasikan tanpa RTL",
    )


def test_q9_shows_days_and_unfinished_periods():
    """The text gives the slowest period's days and how many plans are open."""
    shown = feed_propose(_rule("Q9"), _follow_up(days=40, periods=3, unfinished=1))
    assert shown.level == 0  # two of the three periods have no plan
    shown = feed_propose(_rule("Q9"), _follow_up(days=40, unfinished=1))
    assert (shown.level, shown.value) == (
        4,
        "periode terlambat: 40 hari dari publikasi sampai RTL tuntas "
        "(1 periode belum tuntas, dihitung sampai tanggal evaluasi)",
    )


def _complaints(**given: int) -> dict[str, int | str]:
    """Complaint figures: 10 complaints, all handled, by default none answered."""
    figures: dict[str, int | str] = {
        "complaints": 10,
        "counter": 0,
        "other_media": 0,
        "media_names": "",
        "answer_measured": 10,
        "answered_in_time": 0,
        "recaps": 0,
        "handled": 10,
        "closed": 0,
        "closed_with_follow_up": 0,
        "solved_yes": 0,
        "solved_no": 0,
    }
    figures.update(given)
    return figures


def test_complaint_feeds_propose_nothing_without_complaints():
    """Q25–Q28 propose no level for a year without complaints (D13, D20)."""
    for number in ("Q25", "Q26", "Q27", "Q28"):
        proposal = feed_propose(
            _rule(number), _complaints(complaints=0, handled=0, answer_measured=0)
        )
        assert proposal.level is None
        assert proposal.value == "0 pengaduan"


@pytest.mark.parametrize(("counter", "level"), [(0, 1), (1, 3), (7, 3)])
def test_q25_thresholds(counter, level):
    """Q25: complaints at the face-to-face counter propose 3, none 1 (D20)."""
    assert _level("Q25", _complaints(counter=counter)) == level


@pytest.mark.parametrize(("media", "level"), [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5)])
def test_q26_thresholds(media, level):
    """Q26: each media group besides the counter that citizens used adds a level."""
    assert _level("Q26", _complaints(other_media=media)) == level


@pytest.mark.parametrize(
    ("on_time", "recaps", "level"),
    [
        (9, 1, 5),
        (8, 1, 4),
        (7, 1, 3),
        (5, 1, 3),
        (4, 1, 1),
        (9, 0, 2),
        (5, 0, 2),
        (4, 0, 1),
    ],
)
def test_q27_thresholds(on_time, recaps, level):
    """Q27: ≥ 90 % answered in time with a recap 5, ≥ 75 % 4, ≥ 50 % 3; without a
    recap ≥ 50 % 2; else 1 (of 10 measured)."""
    figures = _complaints(answered_in_time=on_time, recaps=recaps)
    assert _level("Q27", figures) == level


def test_q27_proposes_nothing_before_any_answer_is_due():
    assert feed_propose(_rule("Q27"), _complaints(answer_measured=0)).level is None


@pytest.mark.parametrize(
    ("closed", "yes", "no", "level"),
    [
        (9, 4, 1, 5),
        (9, 3, 1, 4),
        (8, 3, 2, 4),
        (8, 1, 1, 3),
        (7, 0, 0, 3),
        (5, 4, 0, 3),
        (4, 4, 0, 2),
        (1, 0, 0, 2),
        (0, 0, 0, 1),
    ],
)
def test_q28_thresholds(closed, yes, no, level):
    """Q28: closed ≥ 90 % and solved ≥ 80 % 5; ≥ 75 % and ≥ 60 % 4; closed ≥ 50 %
    3; any closed 2; else 1 (of 10 handled)."""
    figures = _complaints(closed=closed, solved_yes=yes, solved_no=no)
    assert _level("Q28", figures) == level


def test_complaint_figures_must_agree():
    with pytest.raises(MeasureInputError, match="answered_in_time"):
        feed_propose(_rule("Q27"), _complaints(answered_in_time=11))


@PROPERTY
@given(st.integers(1, 60), st.data())
def test_q8_level_never_falls_as_more_items_are_done(items, data):
    """For a fixed plan, finishing one more item never lowers the proposed level."""
    done = data.draw(st.integers(0, items - 1))
    before = _level("Q8", _follow_up(items, done))
    after = _level("Q8", _follow_up(items, done + 1))
    assert 1 <= before <= after <= 5


@PROPERTY
@given(st.integers(0, 800), st.integers(0, 400))
def test_q9_level_never_rises_as_follow_up_gets_slower(days, later):
    """A slower follow-up never earns a higher level; the level is the number of
    limits (30, 91, 182, 274, 365 days) the days stay within (D17)."""
    fast = _level("Q9", _follow_up(days=days))
    slow = _level("Q9", _follow_up(days=days + later))
    assert 0 <= slow <= fast <= 5
    assert fast == sum(days <= limit for limit, _level_ in Q9_LIMITS)


@PROPERTY
@given(st.integers(0, 3), st.integers(0, 3), st.integers(0, 3))
def test_q7_level_is_the_media_count_up_to_five(printed, electronic, extra):
    """Q7's level is the number of media, capped at 5, whatever their kind."""
    figures = _skm(printed=printed, electronic=electronic + extra)
    count = printed + electronic + extra
    assert feed_propose(_rule("Q7"), figures).level == min(count, 5)


@PROPERTY
@given(st.integers(1, 6), st.integers(0, 3), st.integers(0, 3), st.integers(0, 3))
def test_q6_level_never_falls_with_more_publication_or_follow_up(
    responses, printed, electronic, done
):
    """Adding a medium of either kind or a finished follow-up never lowers Q6."""
    base = _level("Q6", _skm(responses, printed, electronic, done))  # one period met
    assert 2 <= base <= 5
    assert _level("Q6", _skm(responses, printed + 1, electronic, done)) >= base
    assert _level("Q6", _skm(responses, printed, electronic + 1, done)) >= base
    assert _level("Q6", _skm(responses, printed, electronic, done + 1)) >= base


@PROPERTY
@given(st.integers(0, 20), st.data())
def test_q1_level_never_falls_as_standards_improve(standards, data):
    """Completing or decreeing one more standard never lowers Q1."""
    complete = data.draw(st.integers(0, standards))
    decreed = data.draw(st.integers(0, complete))
    level = _level("Q1", _standards(standards, complete, decreed))
    if complete < standards:
        assert _level("Q1", _standards(standards, complete + 1, decreed)) >= level
    if decreed < complete:
        assert _level("Q1", _standards(standards, complete, decreed + 1)) >= level


@st.composite
def ladders(draw: st.DrawFn) -> tuple[FeedRule, list[int]]:
    """A "threshold ladder": level k when the figure is at least t_k, t rising."""
    steps = draw(st.integers(1, 5))
    limits = sorted(draw(st.lists(st.integers(0, 100), min_size=steps, max_size=steps)))
    levels = tuple(
        FeedLevel(level=k, when=Compare("done", "ge", value=Fraction(limit)))
        for k, limit in reversed(list(enumerate(limits, start=1)))
    )
    rule = FeedRule(
        source="skm_follow_up",
        label="uji",
        value="{done}",
        how="uji",
        levels=(*levels, FeedLevel(level=0)),
    )
    return rule, limits


@PROPERTY
@given(ladders(), st.integers(0, 100), st.integers(0, 100))
def test_a_threshold_ladder_is_monotone_in_its_figure(ladder, a, b):
    """Any rising ladder proposes a level that never falls as the figure grows."""
    rule, limits = ladder
    low, high = sorted((a, b))
    at_low = feed_propose(rule, _follow_up(items=100, done=low)).level
    at_high = feed_propose(rule, _follow_up(items=100, done=high)).level
    assert at_low is not None
    assert at_high is not None
    assert at_low <= at_high
    assert at_high == sum(high >= limit for limit in limits)


def _custom(condition) -> FeedRule:
    return FeedRule(
        source="skm_follow_up",
        label="uji",
        value="{done_percent}% / {slowest_days}",
        how="uji",
        levels=(FeedLevel(level=5, when=condition), FeedLevel(level=0)),
    )


@pytest.mark.parametrize(
    ("condition", "figures", "holds"),
    [
        (Missing("slowest_days", True), _follow_up(), True),
        (Missing("slowest_days", True), _follow_up(days=3), False),
        (Compare("slowest_days", "ne", value=Fraction(3)), _follow_up(), False),
        (Compare("done_percent", "gt", value=Fraction(50)), _follow_up(), False),
        (
            Not(Compare("done_percent", "gt", value=Fraction(50))),
            _follow_up(),
            True,
        ),
        (Compare("done", "lt", other="items"), _follow_up(3, 2), True),
        (Compare("done", "lt", other="items"), _follow_up(3, 3), False),
        (
            AllOf(
                (
                    Compare("items", "ge", value=Fraction(2)),
                    Compare("done_percent", "ge", value=Fraction(1, 2) * 100),
                )
            ),
            _follow_up(4, 2),
            True,
        ),
        (
            AnyOf(
                (
                    Compare("items", "eq", value=Fraction(7)),
                    Compare("slowest_days", "le", value=Fraction(1)),
                )
            ),
            _follow_up(4, 2, days=1),
            True,
        ),
    ],
)
def test_conditions(condition, figures, holds):
    """all/any/not, comparisons with numbers or figures; a missing figure compares
    false and is caught only by "missing"."""
    assert feed_propose(_custom(condition), figures).level == (5 if holds else 0)


def test_a_missing_figure_shows_a_dash():
    """Placeholders of missing optional figures show "-"."""
    assert feed_propose(_custom(None), _follow_up()).value == "-% / -"


def test_a_flag_condition_and_its_text(monkeypatch):
    """A flag is tested with "is" and shown as ya/tidak (e.g. a published recap)."""
    # given a source with a flag figure, as the complaint feeds will have (D13)
    source = FeedSource("uji", "uji", (Figure("published", "flag", "rekap terbit"),))
    monkeypatch.setitem(FEED_SOURCES, "uji", source)  # type: ignore[index]
    rule = FeedRule(
        "uji",
        "uji",
        "rekap: {published}",
        "uji",
        (FeedLevel(level=4, when=IsFlag("published", True)), FeedLevel(level=1)),
    )
    # when / then
    shown = feed_propose(rule, {"published": True})
    assert (shown.level, shown.value) == (4, "rekap: ya")
    shown = feed_propose(rule, {"published": False})
    assert (shown.level, shown.value) == (1, "rekap: tidak")
    with pytest.raises(MeasureInputError, match="true/false"):
        feed_propose(rule, {"published": 1})


@pytest.mark.parametrize(
    ("figures", "column", "message"),
    [
        ({"standards": 1, "complete": 1}, "decreed", "tidak ada"),
        ({**_standards(1, 1, 1), "extra": 2}, "extra", "tidak dikenal"),
        (_standards(1, True, 0), "complete", "bilangan bulat"),
        (_standards(1, -1, 0), "complete", "bilangan bulat"),
        (_standards(1, "1", 0), "complete", "bilangan bulat"),
        (_standards(1, 2, 0), "complete", "tidak boleh lebih dari standards"),
        (_standards(2, 1, 2), "decreed", "tidak boleh lebih dari complete"),
    ],
)
def test_bad_figures_name_the_figure(figures, column, message):
    """A missing, unknown, mistyped or inconsistent figure is a MeasureInputError."""
    with pytest.raises(MeasureInputError, match=message) as caught:
        feed_propose(_rule("Q1"), figures)
    assert caught.value.column == column


def test_an_unknown_source_is_refused():
    """A rule built in code with a source nobody provides fails clearly."""
    rule = FeedRule("nowhere", "x", "x", "x", (FeedLevel(level=0),))
    with pytest.raises(MeasureInputError, match="sumber umpan tidak dikenal"):
        feed_propose(rule, {})


def test_a_rule_without_a_fallback_level_is_refused():
    """A rule built in code whose levels all fail to match says so."""
    rule = FeedRule(
        "skm_follow_up",
        "x",
        "x",
        "x",
        (FeedLevel(level=5, when=Compare("items", "gt", value=Fraction(3))),),
    )
    with pytest.raises(MeasureInputError, match="tanpa syarat"):
        feed_propose(rule, _follow_up())
