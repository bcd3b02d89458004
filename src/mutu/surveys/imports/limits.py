"""The import's knobs, read from settings when asked (STYLE.md §13): the largest
upload and the most data rows one file may hold, through the one helper that also
reads the straight-line run for the store."""

from __future__ import annotations

from django.conf import settings


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def import_max_mb() -> int:
    """The largest upload accepted, in megabytes (``MUTU_IMPORT_MAX_MB``)."""
    return _setting("MUTU_IMPORT_MAX_MB", 50)


def import_max_rows() -> int:
    """The most data rows one file may hold (``MUTU_IMPORT_MAX_ROWS``)."""
    return _setting("MUTU_IMPORT_MAX_ROWS", 200000)
