"""Routes of the messaging app (namespace ``messaging``): the providers' webhooks,
Twilio's status callback and a unit's messaging log."""

from django.urls import path

from mutu.messaging import views

app_name = "messaging"

urlpatterns = [
    path("channels/sms/twilio/status/", views.twilio_status, name="twilio_status"),
    path("channels/sms/<slug:provider>/", views.sms_webhook, name="webhook"),
    path("unit/<int:unit_id>/pesan/", views.message_log, name="log"),
]
