"""The REST API root: routing, versioning, auth and the OpenAPI schema.

Endpoints live in each app's ``api.py``; ``mutu.api.urls`` mounts them under
``/api/v1/``. ``/api/schema/`` serves the OpenAPI document and ``/api/docs/`` a
Swagger UI page that works offline (docs/api.md).
"""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from mutu.api.views import ApiDocsView
from mutu.complaints import api as complaints_api
from mutu.reports.api import OpenDataView
from mutu.surveys.channels.api import views as surveys_api

v1 = [
    path(
        "responses",
        surveys_api.ResponseCreateView.as_view(),
        name="api-v1-responses",
    ),
    path(
        "responses/bulk",
        surveys_api.ResponseBulkView.as_view(),
        name="api-v1-responses-bulk",
    ),
    path("data/<str:dataset>", OpenDataView.as_view(), name="api-v1-open-data"),
    path(
        "complaints",
        complaints_api.ComplaintCreateView.as_view(),
        name="api-v1-complaints",
    ),
]

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", ApiDocsView.as_view(), name="api-docs"),
    path("v1/", include(v1)),
]
