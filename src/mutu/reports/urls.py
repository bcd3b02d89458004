"""Routes of the printed outputs (namespace ``reports``): a unit's QR posters, the
official SKM report of a published period, a region's reports in one ZIP, the
open data pages and files, the evaluation reports of a cycle and of a unit."""

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
    path(
        "hasil/unit/<int:unit_id>/<str:period_key>/laporan.pdf",
        views.skm_report_pdf,
        name="skm_report_pdf",
    ),
    path(
        "hasil/unit/<int:unit_id>/<str:period_key>/laporan.xlsx",
        views.skm_report_xlsx,
        name="skm_report_xlsx",
    ),
    path(
        "wilayah/<str:code>/laporan-skm/<str:period_key>.zip",
        views.region_skm_reports,
        name="region_skm_reports",
    ),
    path(
        "evaluasi/siklus/<int:cycle_id>/laporan.pdf",
        views.evaluation_report_pdf,
        name="evaluation_report_pdf",
    ),
    path(
        "evaluasi/siklus/<int:cycle_id>/laporan.xlsx",
        views.evaluation_report_xlsx,
        name="evaluation_report_xlsx",
    ),
    path(
        "evaluasi/<int:assignment_id>/laporan.pdf",
        views.score_sheet_pdf,
        name="score_sheet_pdf",
    ),
    path(
        "evaluasi/<int:assignment_id>/laporan.xlsx",
        views.score_sheet_xlsx,
        name="score_sheet_xlsx",
    ),
    path("data/", views.open_data, name="open_data"),
    path("data/kamus/", views.open_data_dictionary, name="open_data_dictionary"),
    path("data/<slug:dataset>.csv", views.open_data_csv, name="open_data_csv"),
    path("data/<slug:dataset>.json", views.open_data_json, name="open_data_json"),
]
urlpatterns += [
    path("wilayah/<str:code>/dasbor/", views.region_dashboard, name="region_dashboard"),
    path("unit/<int:unit_id>/dasbor/", views.unit_dashboard, name="unit_dashboard"),
    path("mpp/<int:mpp_id>/", views.mpp_detail, name="mpp_detail"),
]
