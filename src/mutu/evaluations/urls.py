from django.urls import path

from mutu.evaluations import views

app_name = "evaluations"

urlpatterns = [
    path("evaluasi/", views.index, name="index"),
    path("evaluasi/siklus/baru/", views.cycle_create, name="cycle_create"),
    path("evaluasi/instrumen/", views.instrument_list, name="instruments"),
    path(
        "evaluasi/instrumen/unggah/",
        views.instrument_upload,
        name="instrument_upload",
    ),
    path(
        "evaluasi/instrumen/<int:version_id>/pensiun/",
        views.instrument_retire,
        name="instrument_retire",
    ),
    path("evaluasi/siklus/<int:cycle_id>/", views.cycle_detail, name="cycle"),
    path(
        "evaluasi/siklus/<int:cycle_id>/tenggat/",
        views.cycle_deadlines,
        name="cycle_deadlines",
    ),
    path(
        "evaluasi/siklus/<int:cycle_id>/penanda-tangan/",
        views.cycle_signing,
        name="cycle_signing",
    ),
    path(
        "evaluasi/siklus/<int:cycle_id>/evaluator/<int:assignment_id>/",
        views.cycle_evaluators,
        name="cycle_evaluators",
    ),
    path(
        "evaluasi/siklus/<int:cycle_id>/publikasi/",
        views.cycle_publish,
        name="cycle_publish",
    ),
    path(
        "evaluasi/siklus/<int:cycle_id>/piagam/",
        views.cycle_certificates,
        name="certificates",
    ),
    path("evaluasi/<int:assignment_id>/", views.assignment_detail, name="assignment"),
    path(
        "evaluasi/<int:assignment_id>/<str:indicator>/mandiri/",
        views.self_answer,
        name="self_answer",
    ),
    path(
        "evaluasi/<int:assignment_id>/<str:indicator>/bukti/",
        views.evidence_upload,
        name="evidence",
    ),
    path(
        "evaluasi/<int:assignment_id>/<str:indicator>/nilai/", views.score, name="score"
    ),
    path("evaluasi/<int:assignment_id>/ajukan/", views.submit, name="submit"),
    path("evaluasi/<int:assignment_id>/revisi/", views.revision, name="revision"),
    path("evaluasi/<int:assignment_id>/kunjungan/", views.visit, name="visit"),
    path("evaluasi/<int:assignment_id>/final/", views.finalize, name="finalize"),
    path("evaluasi/<int:assignment_id>/koreksi/", views.revise, name="revise"),
    path(
        "evaluasi/bukti/<int:evidence_id>/",
        views.evidence_download,
        name="evidence_file",
    ),
    path("f03/<str:token>/", views.f03_form, name="f03"),
    path("hasil/evaluasi/<int:cycle_id>/", views.public_cycle, name="public_cycle"),
    path("piagam/<str:code>/", views.certificate_verify, name="verify"),
    path("piagam/<str:code>/pdf/", views.certificate_download, name="certificate_pdf"),
]
