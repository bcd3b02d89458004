"""Routes of the messaging app (namespace ``messaging``): the providers' webhook."""

from django.urls import path

from mutu.messaging import views

app_name = "messaging"

urlpatterns = [
    path("channels/sms/<slug:provider>/", views.sms_webhook, name="webhook"),
]
