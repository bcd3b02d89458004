from django.urls import path

from mutu.surveys import views

app_name = "surveys"

urlpatterns = [
    path("s/<slug:code>/", views.survey_form, name="form"),
    path("s/<slug:code>/terima-kasih/", views.survey_thanks, name="thanks"),
    path("unit/<int:unit_id>/skm/", views.unit_results, name="unit_results"),
]
