"""The kiosk channel: a tablet at a counter that works offline and syncs later.

:mod:`~mutu.surveys.channels.kiosk.views` serves the page, its service worker and
the sync endpoint; docs/kiosk-and-posters.md is the operator's guide.
"""
