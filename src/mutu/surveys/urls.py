"""Every survey route: the unit's SKM pages here (namespace ``surveys``), each
channel's in its own folder (namespaces ``web``, ``kiosk``, ``paper``). The API's
routes are mounted by :mod:`mutu.api.urls`, the SMS/WhatsApp webhook by
:mod:`mutu.messaging.urls`."""

from django.urls import include, path

from mutu.surveys import views

unit_pages = [
    path("unit/<int:unit_id>/skm/", views.unit_results, name="unit_results"),
    path(
        "unit/<int:unit_id>/skm/<str:period_key>/populasi/",
        views.population_save,
        name="population",
    ),
    path(
        "unit/<int:unit_id>/skm/<str:period_key>/publikasi/",
        views.publish,
        name="publish",
    ),
    path(
        "unit/<int:unit_id>/skm/<str:period_key>/rtl/",
        views.follow_up_add,
        name="follow_up_add",
    ),
    path(
        "unit/<int:unit_id>/skm/rtl/<int:item_id>/",
        views.follow_up_status,
        name="follow_up_status",
    ),
    path("unit/<int:unit_id>/skm/ekspor.csv", views.export_unit, name="export_unit"),
    path(
        "wilayah/<str:code>/skm/ekspor.csv", views.export_region, name="export_region"
    ),
    path("unit/<int:unit_id>/skm-ditandai/", views.flagged_review, name="flagged"),
    path("unit/<int:unit_id>/skm-pengaturan/", views.survey_settings, name="settings"),
    path("hasil/unit/<int:unit_id>/", views.public_unit, name="public_unit"),
    path(
        "hasil/unit/<int:unit_id>/<str:period_key>/",
        views.public_result,
        name="public_result",
    ),
]

urlpatterns = [
    path("", include((unit_pages, "surveys"))),
    path("", include("mutu.surveys.channels.web.urls")),
    path("", include("mutu.surveys.channels.kiosk.urls")),
    path("", include("mutu.surveys.channels.paper.urls")),
]
