"""URL routes of the survey channels beyond the web form: kiosk, posters, SMS/WhatsApp,
paper import, API. Each channel module adds its own patterns here."""

from django.urls import include, path

urlpatterns: list = []

urlpatterns += [path("", include("mutu.surveys.sms_urls"))]  # SMS/WhatsApp
urlpatterns += [path("", include("mutu.surveys.kiosk_urls"))]  # kiosk, QR posters
urlpatterns += [path("", include("mutu.surveys.paper_urls"))]  # paper import
