"""Builders of complaints for tests."""

from datetime import datetime
from zoneinfo import ZoneInfo

from mutu.complaints.services import complaint_file

WIB = ZoneInfo("Asia/Jakarta")


def wib(*parts: int) -> datetime:
    """A time in Western Indonesia Time."""
    return datetime(*parts, tzinfo=WIB)


def complaint(unit, *, now=None, **extra):
    """A complaint filed on the web form of *unit* (open, with a name)."""
    data = {
        "text": "Antrean perekaman KTP-el terlalu lama, tiga jam menunggu.",
        "channel": "web",
        "reporter_name": "Siti Aminah",
        "reporter_email": "siti@example.org",
    }
    data.update(extra)
    return complaint_file(unit=unit, now=now, **data).complaint
