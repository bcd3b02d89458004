"""Routes of the kiosk channel (namespace ``kiosk``): ``page`` and ``sync`` take a
point code, ``service_worker`` nothing."""

from django.urls import path

from mutu.surveys.channels.kiosk import views

app_name = "kiosk"

urlpatterns = [
    # The service worker lives at /kiosk/sw.js so that its scope covers /kiosk/*.
    path("kiosk/sw.js", views.kiosk_service_worker, name="service_worker"),
    path("kiosk/<slug:code>/", views.kiosk_page, name="page"),
    path("kiosk/<slug:code>/responses", views.kiosk_sync, name="sync"),
]
