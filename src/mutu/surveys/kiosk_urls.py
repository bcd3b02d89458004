"""Routes of the counter channels: the offline kiosk and the QR posters.

Names (namespace ``counter``): ``kiosk`` and ``kiosk_sync`` take a point code,
``kiosk_sw`` takes nothing, ``unit_posters`` takes a unit id, ``point_poster`` a unit
id and a point code.
"""

from django.urls import path

from mutu.surveys import kiosk_views

app_name = "counter"

urlpatterns = [
    # The service worker lives at /kiosk/sw.js so that its scope covers /kiosk/*.
    path("kiosk/sw.js", kiosk_views.kiosk_service_worker, name="kiosk_sw"),
    path("kiosk/<slug:code>/", kiosk_views.kiosk_page, name="kiosk"),
    path("kiosk/<slug:code>/responses", kiosk_views.kiosk_sync, name="kiosk_sync"),
    path(
        "unit/<int:unit_id>/poster.pdf", kiosk_views.unit_posters, name="unit_posters"
    ),
    path(
        "unit/<int:unit_id>/poster/<slug:code>.pdf",
        kiosk_views.point_poster,
        name="point_poster",
    ),
]
