"""Signals other apps listen to, so the surveys core never imports them (the reports
app keeps the official report of a period once it is published)."""

from django.dispatch import Signal

result_published = Signal()
"""Sent by :func:`mutu.surveys.publishing.result_publish` inside its transaction
when a period is first published; arguments ``unit`` and ``period_key``."""
