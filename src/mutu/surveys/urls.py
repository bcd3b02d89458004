from django.urls import path

from mutu.surveys import views

app_name = "surveys"

urlpatterns = [
    path("s/<slug:code>/", views.survey_form, name="form"),
    path("s/<slug:code>/terima-kasih/", views.survey_thanks, name="thanks"),
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
    path("unit/<int:unit_id>/skm-ditandai/", views.flagged_review, name="flagged"),
    path("unit/<int:unit_id>/skm-pengaturan/", views.survey_settings, name="settings"),
    path("hasil/unit/<int:unit_id>/", views.public_unit, name="public_unit"),
    path(
        "hasil/unit/<int:unit_id>/<str:period_key>/",
        views.public_result,
        name="public_result",
    ),
]
