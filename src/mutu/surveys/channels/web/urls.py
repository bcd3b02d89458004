"""Routes of the web channel (namespace ``web``): ``form`` and ``thanks`` take a
service point code."""

from django.urls import path

from mutu.surveys.channels.web import views

app_name = "web"

urlpatterns = [
    path("s/<slug:code>/", views.survey_form, name="form"),
    path("s/<slug:code>/terima-kasih/", views.survey_thanks, name="thanks"),
]
