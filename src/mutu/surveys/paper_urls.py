"""Routes of the paper-survey channel (included by ``channel_urls``)."""

from django.urls import path

from mutu.surveys import paper_views

app_name = "paper"

urlpatterns = [
    path(
        "unit/<int:unit_id>/skm/kertas/",
        paper_views.paper_upload,
        name="upload",
    ),
    path(
        "unit/<int:unit_id>/skm/kertas/templat.xlsx",
        paper_views.paper_template,
        name="template",
    ),
    path(
        "unit/<int:unit_id>/skm/kertas/<int:job_id>/",
        paper_views.paper_job,
        name="job",
    ),
]
