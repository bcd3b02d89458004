"""Routes of the printed outputs (namespace ``reports``): a unit's QR posters."""

from django.urls import path

from mutu.reports import views

app_name = "reports"

urlpatterns = [
    path("unit/<int:unit_id>/poster.pdf", views.unit_posters, name="unit_posters"),
    path(
        "unit/<int:unit_id>/poster/<slug:code>.pdf",
        views.point_poster,
        name="point_poster",
    ),
]
