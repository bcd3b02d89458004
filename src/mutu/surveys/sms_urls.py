"""Routes of the SMS/WhatsApp survey channel (included by ``channel_urls``)."""

from django.urls import path

from mutu.surveys import sms_views

urlpatterns = [
    path(
        "channels/sms/<slug:provider>/",
        sms_views.sms_webhook,
        name="sms_webhook",
    ),
]
