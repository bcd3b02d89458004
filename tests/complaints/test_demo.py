"""The demo's complaints: every state, every channel, late and escalated ones,
reopened ones, and 2025 figures that feed Q25–Q28."""

import pytest

from mutu.complaints.models import (
    Complaint,
    ComplaintAttachment,
    ComplaintEscalation,
    ComplaintRecap,
)
from mutu.demo.loader import demo_load
from mutu.evaluations.feeds import feeds_for
from mutu.measures.feed_sources import FeedWindow
from mutu.registry.models import ServiceUnit

pytestmark = pytest.mark.django_db


def test_demo_complaints_cover_every_state_and_channel():
    demo_load(surveys=False)
    count = Complaint.objects.count()
    assert count >= 30
    assert set(Complaint.objects.values_list("status", flat=True)) == set(
        Complaint.Status.values
    )
    assert set(Complaint.objects.values_list("channel", flat=True)) == set(
        Complaint.Channel.values
    )
    assert Complaint.objects.filter(reopened_at__isnull=False).count() >= 2
    assert Complaint.objects.exclude(forwarded_from=None).exists()
    assert ComplaintEscalation.objects.exists()
    assert ComplaintAttachment.objects.exists()
    assert ComplaintRecap.objects.count() == 4
    dukcapil = ServiceUnit.objects.get(short_name="Dukcapil")
    feeds = feeds_for(dukcapil, FeedWindow.for_year(2025))
    assert all(feeds[q]["level"] is not None for q in ("Q25", "Q26", "Q27", "Q28"))
    demo_load(surveys=False)
    assert Complaint.objects.count() == count
