from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from mutu import home

admin.site.site_header = "Mutu — Administrasi"
admin.site.site_title = "Mutu"

urlpatterns = [
    path("", home.home, name="home"),
    path("hasil/", home.public_results, name="public_results"),
    path("akun/", include("mutu.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("mutu.api.urls")),
    path("", include("mutu.registry.urls")),
    path("", include("mutu.surveys.urls")),
    path("", include("mutu.messaging.urls")),
    path("", include("mutu.reports.urls")),
    path("", include("mutu.evaluations.urls")),
    path("", include("mutu.complaints.urls")),
    path("", include("mutu.audit.urls")),
]

# Error answers in the shape of the endpoint asked: JSON for the API, the kiosk and
# the webhooks, an Indonesian page elsewhere (mutu.error_answers).
handler400 = "mutu.error_answers.bad_request"
handler403 = "mutu.error_answers.permission_denied"
handler404 = "mutu.error_answers.page_not_found"
handler500 = "mutu.error_answers.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
