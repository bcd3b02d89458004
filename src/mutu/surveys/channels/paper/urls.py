"""Routes of the paper-survey channel (included by ``mutu.surveys.urls``)."""

from django.urls import path

from mutu.surveys.channels.paper import views

app_name = "paper"

urlpatterns = [
    path(
        "unit/<int:unit_id>/skm/kertas/",
        views.paper_upload,
        name="upload",
    ),
    path(
        "unit/<int:unit_id>/skm/kertas/templat.xlsx",
        views.paper_template,
        name="template",
    ),
    path(
        "unit/<int:unit_id>/skm/kertas/<int:job_id>/",
        views.paper_job,
        name="job",
    ),
]
