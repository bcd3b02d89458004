from django.urls import path

from mutu.registry import views

app_name = "registry"

urlpatterns = [
    path("unit/<int:unit_id>/", views.unit_detail, name="unit_detail"),
    path(
        "unit/<int:unit_id>/catatan-evaluasi/",
        views.unit_records,
        name="unit_records",
    ),
    path(
        "unit/<int:unit_id>/layanan/baru/", views.service_create, name="service_create"
    ),
    path(
        "unit/<int:unit_id>/layanan/<int:service_id>/",
        views.service_detail,
        name="service_detail",
    ),
    path(
        "unit/<int:unit_id>/layanan/<int:service_id>/ubah/",
        views.service_edit,
        name="service_edit",
    ),
    path(
        "unit/<int:unit_id>/layanan/<int:service_id>/standar/",
        views.standard_edit,
        name="standard_edit",
    ),
    path("wilayah/<str:code>/", views.region_detail, name="region_detail"),
]
