"""Complaint routes (namespace ``complaints``): the citizen's pages under
``/aduan/``, the unit's under ``/unit/<id>/aduan/``."""

from django.urls import include, path

from mutu.complaints import views

patterns = [
    path("aduan/", views.complaint_form, name="form"),
    path("aduan/lacak/", views.complaint_lookup, name="lookup"),
    path(
        "aduan/lampiran/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path("aduan/<str:code>/", views.complaint_track, name="track"),
    path("unit/<int:unit_id>/aduan/", views.complaint_inbox, name="inbox"),
    path("unit/<int:unit_id>/aduan/baru/", views.complaint_create, name="create"),
    path("unit/<int:unit_id>/aduan/ekspor/", views.complaint_export, name="export"),
    path("unit/<int:unit_id>/aduan/rekap/", views.recap_publish, name="recap"),
    path(
        "unit/<int:unit_id>/aduan/<int:complaint_id>/",
        views.complaint_detail,
        name="detail",
    ),
]

urlpatterns = [path("", include((patterns, "complaints")))]
