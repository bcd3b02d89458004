"""Population, publication, follow-up plans and flagged-response review."""

from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mutu.audit.models import AuditEvent
from mutu.errors import MutuError
from mutu.surveys.models import FollowUpItem, Publication, Response
from mutu.surveys.periods import PeriodKind, period_containing
from mutu.surveys.publishing import (
    follow_up_create,
    follow_up_update,
    population_set,
    result_publish,
)
from mutu.surveys.selectors import follow_up_progress, sample_status
from mutu.surveys.services import response_set_excluded, response_submit
from tests.accounts.login import login


@pytest.fixture
def period():
    """The last quarter that has ended: only ended periods can be published."""
    return period_containing(timezone.localdate(), PeriodKind.QUARTER).previous()


def _in(period, days=10):
    return timezone.make_aware(
        datetime.combine(period.start + timedelta(days=days), time(10))
    )


@pytest.fixture
def answered(world, period):
    """Three responses for Dukcapil in the period: U1 weakest."""
    for u1 in (2, 3, 2):
        response_submit(
            unit=world.dukcapil,
            service=world.ktp,
            channel="web",
            answers={"U1": u1, **{f"U{i}": 4 for i in range(2, 10)}},
            comment="Persyaratan membingungkan" if u1 == 2 else "",
            submitted_at=_in(period),
        )


def test_population_gives_krejcie_morgan_status(world, period, answered):
    """With N = 10 users, 3 responses do not meet the required 10 (D5)."""
    population_set(
        actor=world.operator, unit=world.dukcapil, period_key=period.key, population=10
    )
    status = sample_status(world.dukcapil, period, 3)
    assert (status.required, status.meets) == (10, False)
    population_set(
        actor=world.operator, unit=world.dukcapil, period_key=period.key, population=3
    )
    status = sample_status(world.dukcapil, period, 3)
    assert (status.required, status.meets, status.margin_of_error) == (3, True, 0.0)
    assert AuditEvent.objects.filter(action__startswith="population.").count() == 2


def test_publish_is_the_unit_heads_act(world, period, answered):
    """The unit head publishes; an operator cannot; publishing twice the same is a no-op."""
    with pytest.raises(MutuError, match="tidak berwenang"):
        result_publish(
            actor=world.operator,
            unit=world.dukcapil,
            period_key=period.key,
            published_at=period.end + timedelta(days=1),
            media=["website"],
        )
    for _ in range(2):
        result_publish(
            actor=world.head,
            unit=world.dukcapil,
            period_key=period.key,
            published_at=period.end + timedelta(days=1),
            media=["website", "print"],
        )
    publication = Publication.objects.get()
    assert publication.media == ["print", "website"]
    assert AuditEvent.objects.filter(action="result.publish").count() == 1


def test_publish_needs_responses_and_media(world, period):
    """A period without responses, or a publication without media, is refused."""
    with pytest.raises(MutuError, match="Belum ada respons"):
        result_publish(
            actor=world.head,
            unit=world.dukcapil,
            period_key=period.key,
            published_at=period.end + timedelta(days=1),
            media=["website"],
        )
    with pytest.raises(MutuError, match="media"):
        result_publish(
            actor=world.head,
            unit=world.dukcapil,
            period_key=period.key,
            published_at=period.end + timedelta(days=1),
            media=[],
        )


def test_follow_up_progress_and_months_to_completion(world, period, answered):
    """Two items, both done two months after publication: 100 %, 2 months (ind. 8, 9)."""
    result_publish(
        actor=world.head,
        unit=world.dukcapil,
        period_key=period.key,
        published_at=period.end + timedelta(days=1),
        media=["website"],
    )
    items = [
        follow_up_create(
            actor=world.operator,
            unit=world.dukcapil,
            period_key=period.key,
            element="U1",
            action=action,
            person_in_charge="Kasi Pelayanan",
            due_date=date(2025, 9, 30),
        )
        for action in ("Sederhanakan syarat", "Pasang papan informasi")
    ]
    assert follow_up_progress(world.dukcapil, period).percent == 0
    follow_up_update(
        actor=world.operator,
        item=items[0],
        status="done",
        evidence="foto papan",
        completed_at=period.end + timedelta(days=20),
    )
    assert follow_up_progress(world.dukcapil, period).percent == 50
    follow_up_update(
        actor=world.operator,
        item=items[1],
        status="done",
        evidence="SK baru",
        completed_at=period.end + timedelta(days=66),
    )
    progress = follow_up_progress(world.dukcapil, period)
    assert (progress.percent, progress.months_to_complete) == (100, 2)


def test_follow_up_done_needs_evidence(world, period, answered):
    """Marking an item done without evidence is refused."""
    item = follow_up_create(
        actor=world.operator,
        unit=world.dukcapil,
        period_key=period.key,
        element="U1",
        action="Sederhanakan syarat",
        person_in_charge="Kasi",
        due_date=date(2025, 9, 30),
    )
    with pytest.raises(MutuError, match="bukti"):
        follow_up_update(
            actor=world.operator,
            item=item,
            status="done",
            completed_at=period.end + timedelta(days=20),
        )
    assert FollowUpItem.objects.get().status == "planned"


def test_results_page_shows_profile_comments_trend_and_forms(
    world, client, period, answered
):
    """The operator sees the score, comments, trend and the follow-up form."""
    client.force_login(world.operator)
    body = client.get(
        reverse("surveys:unit_results", args=[world.dukcapil.pk]),
        {"periode": period.key},
    ).content.decode()
    assert "Persyaratan membingungkan" in body
    assert "Profil responden" in body
    assert "Tambah rencana" in body
    assert "Publikasikan hasil" not in body  # operators do not publish


def test_results_page_post_forms(world, client, period, answered):
    """Population, publication and follow-up forms post through the pages."""
    unit = world.dukcapil.pk
    client.force_login(world.head)
    url = reverse("surveys:population", args=[unit, period.key])
    assert client.post(url, {"population": "500"}).status_code == 302
    url = reverse("surveys:publish", args=[unit, period.key])
    response = client.post(
        url,
        {"published_at": str(timezone.localdate()), "publication_media": ["website"]},
    )
    assert response.status_code == 302
    url = reverse("surveys:follow_up_add", args=[unit, period.key])
    data = {
        "element": "U1",
        "action": "Papan syarat",
        "person_in_charge": "Kasi",
        "due_date": "2025-09-30",
    }
    assert client.post(url, data).status_code == 302
    bad = client.post(url, {**data, "element": "U99"})
    assert bad.status_code == 400
    assert FollowUpItem.objects.count() == 1


def test_public_pages_show_only_published_periods(world, client, period, answered):
    """Before publication the public result is 404; after, it shows the score."""
    url = reverse("surveys:public_result", args=[world.dukcapil.pk, period.key])
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("surveys:public_unit", args=[world.dukcapil.pk])).status_code
        == 404
    )
    result_publish(
        actor=world.head,
        unit=world.dukcapil,
        period_key=period.key,
        published_at=timezone.localdate(),
        media=["website"],
    )
    body = client.get(url).content.decode()
    assert "Dipublikasikan oleh pimpinan unit" in body
    assert "<svg" in body
    index = client.get(reverse("public_results")).content.decode()
    assert world.dukcapil.name in index


def test_flagged_review_by_coordinator(world, client, period):
    """The coordinator excludes a flagged response with a reason; the operator cannot."""
    for _ in range(2):
        response_submit(
            unit=world.dukcapil,
            service=world.ktp,
            channel="web",
            answers={"U1": 1},
            device_key="same-phone",
            submitted_at=_in(period),
        )
    flagged = Response.objects.get(is_flagged=True)
    url = reverse("surveys:flagged", args=[world.dukcapil.pk])
    client.force_login(world.operator)
    assert client.get(url).status_code == 404
    login(client, world.coordinator)
    page = client.get(url, {"periode": period.key}).content.decode()
    assert "duplicate" in page
    response = client.post(
        url,
        {
            "periode": period.key,
            "response": flagged.pk,
            "excluded": "1",
            "reason": "dobel",
        },
    )
    assert response.status_code == 302
    flagged.refresh_from_db()
    assert flagged.is_excluded
    missing_reason = client.post(
        url,
        {"periode": period.key, "response": flagged.pk, "excluded": "0", "reason": ""},
    )
    assert missing_reason.status_code == 400


def test_flagged_review_of_other_region_is_404(world, client):
    login(client, world.coordinator)
    url = reverse("surveys:flagged", args=[world.dukcapil_bandung.pk])
    assert client.get(url).status_code == 404


def test_trend_lists_previous_periods(world, period):
    """A response in the previous quarter shows in the trend."""
    from mutu.surveys.selectors import trend

    earlier = _in(period.previous())
    response_submit(
        unit=world.dukcapil,
        service=world.ktp,
        channel="web",
        answers={"U1": 3},
        submitted_at=earlier,
    )
    rows = trend(world.dukcapil, period)
    assert len(rows) == 6
    assert any(row["result"] is not None for row in rows[:-1])


def test_published_period_is_closed_to_new_responses_and_decisions(
    world, period, answered
):
    """After publication no response lands in the period and none is re-included."""
    result_publish(
        actor=world.head,
        unit=world.dukcapil,
        period_key=period.key,
        published_at=timezone.localdate(),
        media=["website"],
    )
    with pytest.raises(MutuError, match="sudah dipublikasikan"):
        response_submit(
            unit=world.dukcapil,
            service=world.ktp,
            channel="web",
            answers={"U1": 1},
            submitted_at=_in(period, days=20),
        )
    stored = Response.objects.first()
    with pytest.raises(MutuError, match="sudah dipublikasikan"):
        response_set_excluded(
            actor=world.coordinator, response=stored, excluded=True, reason="terlambat"
        )
    assert Response.objects.count() == 3


def test_publish_only_after_the_period_ended(world, answered):
    """The running quarter cannot be published, nor a date in the future or too early."""
    running = period_containing(timezone.localdate(), PeriodKind.QUARTER)
    response_submit(
        unit=world.dukcapil, service=world.ktp, channel="web", answers={"U1": 3}
    )
    with pytest.raises(MutuError, match="belum berakhir"):
        result_publish(
            actor=world.head,
            unit=world.dukcapil,
            period_key=running.key,
            published_at=timezone.localdate(),
            media=["website"],
        )
    ended = running.previous()
    for day in (
        ended.end - timedelta(days=1),
        timezone.localdate() + timedelta(days=1),
    ):
        with pytest.raises(MutuError, match="Tanggal publikasi"):
            result_publish(
                actor=world.head,
                unit=world.dukcapil,
                period_key=ended.key,
                published_at=day,
                media=["website"],
            )
    assert not Publication.objects.exists()


@pytest.mark.parametrize("language", ["id", "en"])
def test_public_unit_links_read_the_period_label_not_its_key(
    world, client, period, answered, language
):
    """The list of published periods says "Triwulan III 2026" (English "Q3 2026")
    as the result page does; "2026-Q3" stays in the URL only."""
    result_publish(
        actor=world.head,
        unit=world.dukcapil,
        period_key=period.key,
        published_at=timezone.localdate(),
        media=["website"],
    )
    client.cookies["django_language"] = language
    body = client.get(
        reverse("surveys:public_unit", args=[world.dukcapil.pk])
    ).content.decode()
    quarter = (period.start.month - 1) // 3 + 1
    label = (
        f"Q{quarter} {period.start.year}"
        if language == "en"
        else f"Triwulan {('I', 'II', 'III', 'IV')[quarter - 1]} {period.start.year}"
    )
    url = reverse("surveys:public_result", args=[world.dukcapil.pk, period.key])
    assert f'<a href="{url}">{label}</a>' in body
    assert f">{period.key}<" not in body
    result_page = client.get(url).content.decode()
    assert label in result_page


@pytest.mark.parametrize(
    ("language", "decimal", "foreign"),
    [("id", r"\d,\d\d", r"\d\.\d\d"), ("en", r"\d\.\d\d", r"\d,\d\d")],
)
def test_public_result_chart_uses_the_pages_decimal_separator(
    world, client, period, answered, language, decimal, foreign
):
    """The chart's numbers and the index beside it share one format: an English
    page shows "3.67" everywhere, an Indonesian one "3,67", never a mix."""
    import re

    result_publish(
        actor=world.head,
        unit=world.dukcapil,
        period_key=period.key,
        published_at=timezone.localdate(),
        media=["website"],
    )
    client.cookies["django_language"] = language
    url = reverse("surveys:public_result", args=[world.dukcapil.pk, period.key])
    body = client.get(url).content.decode()
    chart = body[body.index("<svg") : body.index("</svg>")]
    big_number = re.search(r'<p class="big-number">([^<]*)</p>', body)
    assert big_number
    assert re.fullmatch(decimal, big_number[1][-4:])
    numbers = re.findall(r">([0-9.,]+)</text>", chart)
    assert len(numbers) >= 9 + 4  # nine elements and four axis ticks
    assert [n for n in numbers if re.search(foreign, n)] == []
    assert len([n for n in numbers if re.search(decimal, n)]) == 9
    title = "NRR per element" if language == "en" else "NRR per unsur"
    assert title in chart
